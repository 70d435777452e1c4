import type { StaticSection } from '../../core/result-static.js';
import { esc, px } from './svg-text.js';

/**
 * Services on a circle, service-to-service dependencies as curved arrows: violating edges red and thick, allowed
 * value edges grey, type-only edges dashed. Curving keeps A→B and B→A apart. Services that are not autonomous get a
 * red outline.
 */
export function renderDependencyGraph(st: StaticSection): string {
  const names = [
    ...new Set([...st.services.map((s) => s.name), ...st.serviceEdges.flatMap((e) => [e.from, e.to])]),
  ].sort();
  const nodeR = 34;
  // The circle grows with the number of services so neighbouring nodes keep ~2.6 node radii apart.
  const radius = names.length <= 1 ? 0 : Math.max(170, (names.length * nodeR * 2.6) / (2 * Math.PI));
  const size = Math.round(2 * (radius + 90));
  const cx = size / 2;
  const cy = size / 2;
  const pos = new Map(
    names.map((n, i) => {
      const a = -Math.PI / 2 + (2 * Math.PI * i) / Math.max(1, names.length);
      return [n, { x: cx + radius * Math.cos(a), y: cy + radius * Math.sin(a) }];
    }),
  );
  const autonomy = new Map(st.services.map((s) => [s.name, s.autonomous]));
  const parts = [
    `<svg class="plot plot-graph" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${size} ${size}" role="img" ` +
      `aria-label="Service dependency graph">`,
    '<defs>',
    '<marker id="arrow-ok" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" ' +
      'orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#6b7280"/></marker>',
    '<marker id="arrow-bad" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" ' +
      'orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#dc2626"/></marker>',
    '<marker id="arrow-type" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" ' +
      'orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#9ca3af"/></marker>',
    '</defs>',
  ];
  const edges = [...st.serviceEdges].sort((a, b) => Number(a.violating) - Number(b.violating));
  for (const e of edges) {
    const a = pos.get(e.from)!;
    const b = pos.get(e.to)!;
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const len = Math.hypot(dx, dy) || 1;
    const ux = dx / len;
    const uy = dy / len;
    // Start/end on the node circles, control point offset to the right of the direction of travel.
    const s = { x: a.x + ux * nodeR, y: a.y + uy * nodeR };
    const t = { x: b.x - ux * (nodeR + 2), y: b.y - uy * (nodeR + 2) };
    const c = { x: (s.x + t.x) / 2 - uy * len * 0.15, y: (s.y + t.y) / 2 + ux * len * 0.15 };
    const typeOnly = e.valueEdges === 0;
    const cls = e.violating ? 'edge violating' : typeOnly ? 'edge type-only' : 'edge allowed';
    const marker = e.violating ? 'arrow-bad' : typeOnly ? 'arrow-type' : 'arrow-ok';
    const label =
      `${e.from} → ${e.to}: ${e.valueEdges} value, ${e.typeEdges} type-only ` +
      `import${e.valueEdges + e.typeEdges === 1 ? '' : 's'}${e.violating ? ' (violating)' : ''}`;
    parts.push(
      `<path class="${cls}" data-from="${esc(e.from)}" data-to="${esc(e.to)}" ` +
        `d="M${px(s.x)},${px(s.y)}Q${px(c.x)},${px(c.y)} ${px(t.x)},${px(t.y)}" marker-end="url(#${marker})">` +
        `<title>${esc(label)}</title></path>`,
    );
    const mx = 0.25 * s.x + 0.5 * c.x + 0.25 * t.x;
    const my = 0.25 * s.y + 0.5 * c.y + 0.25 * t.y;
    parts.push(
      `<text class="edge-label${e.violating ? ' violating' : ''}" x="${px(mx)}" y="${px(my)}" ` +
        `text-anchor="middle">${e.valueEdges}${e.typeEdges ? `+${e.typeEdges}t` : ''}</text>`,
    );
  }
  for (const n of names) {
    const p = pos.get(n)!;
    const cls = autonomy.get(n) === false ? 'node not-autonomous' : 'node';
    parts.push(
      `<g class="${cls}" data-service="${esc(n)}"><circle cx="${px(p.x)}" cy="${px(p.y)}" r="${nodeR}"/>` +
        `<text x="${px(p.x)}" y="${px(p.y + 4)}" ` +
        `text-anchor="middle">${esc(n.length > 11 ? `${n.slice(0, 10)}…` : n)}</text>` +
        `<title>${esc(n)}${autonomy.get(n) === false ? ' (not autonomous)' : ''}</title></g>`,
    );
  }
  parts.push('</svg>');
  return parts.join('');
}
