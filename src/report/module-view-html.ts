import type { CycleReport, ModuleRow, StaticSection, UnresolvedImport } from '../core/result-static.js';
import { formatPercent } from '../core/format.js';
import { esc } from './svg/svg-text.js';

const HUBS_SHOWN = 15;
const CYCLES_SHOWN = 50;

const code = (s: string) => `<code>${esc(s)}</code>`;

function hubTable(title: string, rows: ModuleRow[]): string {
  if (rows.length === 0) return '';
  const body = rows
    .slice(0, HUBS_SHOWN)
    .map(
      (m) =>
        `<tr><td>${code(m.file)}</td><td class="num">${m.lines}</td><td class="num">${m.ce}</td><td class="num">${m.ca}</td></tr>`,
    )
    .join('');
  return `<h3>${esc(title)}</h3><table><thead><tr><th>Module</th><th class="num">Lines</th><th class="num">Ce</th><th class="num">Ca</th></tr></thead><tbody>${body}</tbody></table>`;
}

function unresolvedTable(groups: Record<string, UnresolvedImport[]>): string {
  const labels: Record<string, string> = {
    'missing-file': 'missing local file',
    'uninstalled-package': 'uninstalled package',
    url: 'URL',
  };
  const rows = Object.entries(groups).flatMap(([group, list]) =>
    list.map(
      (u) =>
        `<tr><td>${esc(labels[group] ?? group)}</td><td>${code(`${u.from}:${u.line}`)}</td><td>${code(u.specifier)}</td><td>${u.live ? 'live' : 'dead'}</td></tr>`,
    ),
  );
  if (rows.length === 0) return '';
  return `<h3>Unresolved imports (${rows.length})</h3><table><thead><tr><th>Group</th><th>Where</th><th>Specifier</th><th>Code</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function cycleBlock(title: string, r: CycleReport): string {
  if (r.groups.length === 0) return `<h3>${esc(title)}</h3><p>No cycle.</p>`;
  const groups = r.groups
    .map(
      (g) =>
        `<tr><td class="num">${g.size}</td><td class="num">${g.elementaryCycles}</td><td>${g.entries.map(code).join(' ') || ''}</td><td>${g.members.map(code).join(' ')}</td></tr>`,
    )
    .join('');
  const through = new Set(r.throughEntry.map((c) => c.join('\0')));
  const cycles = r.elementary
    .slice(0, CYCLES_SHOWN)
    .map(
      (c) =>
        `<li${through.has(c.join('\0')) ? ' class="not-pass"' : ''}>${code(c.join(' → '))}${through.has(c.join('\0')) ? ' <span class="tag">through an entry point</span>' : ''}</li>`,
    )
    .join('');
  const more =
    r.elementary.length > CYCLES_SHOWN ? `<li>… ${r.elementary.length - CYCLES_SHOWN} more in result.json</li>` : '';
  const truncated = r.truncated ? ' (enumeration stopped at the limit)' : '';
  return (
    `<h3>${esc(title)}: ${r.groups.length} groups, ${r.elementary.length} elementary cycles${truncated}, ${r.circularEdges.length} circular edges</h3>` +
    `<table><thead><tr><th class="num">Files</th><th class="num">Elementary cycles</th><th>Entry points</th><th>Members</th></tr></thead><tbody>${groups}</tbody></table>` +
    `<details><summary>Elementary cycles</summary><ul class="evidence">${cycles}${more}</ul></details>`
  );
}

/** The module view as HTML tables: entry points and dead code, hubs, orphans, unresolved imports, parse errors. */
export function moduleViewHtml(st: StaticSection): string {
  const out: string[] = ['<h2 id="modules">Modules</h2>'];
  const scope = st.scope;
  if (scope) {
    const entries =
      scope.entries.map((e) => `${code(e.file)} (${esc(e.via)})`).join(', ') || 'none found: every module is judged';
    out.push(`<div class="meta">Entry points: ${entries}</div>`);
    if (scope.entries.length > 0) {
      out.push(
        `<div class="meta">Live: ${scope.live} of ${scope.live + scope.dead} modules; ${esc(formatPercent(scope.deadShare, 0))} ` +
          `unreachable from the entry points${scope.judged === 'live' ? ' (metrics and findings judge live code only)' : ''}.</div>`,
      );
    }
    if (scope.deadModules.length > 0) {
      out.push(
        `<details><summary>Dead modules (${scope.deadModules.length})</summary><ul>${scope.deadModules.map((m) => `<li>${code(m)}</li>`).join('')}</ul></details>`,
      );
    }
  }
  const mv = st.modules;
  if (mv) {
    out.push(
      `<div class="grid2"><div>${hubTable('Hubs by Ce', mv.hubsByCe)}</div><div>${hubTable('Hubs by Ca', mv.hubsByCa)}</div></div>`,
    );
    if (mv.orphans.length > 0)
      out.push(
        `<h3>Orphans (${mv.orphans.length})</h3><ul>${mv.orphans.map((m) => `<li>${code(m)}</li>`).join('')}</ul>`,
      );
    out.push(unresolvedTable(mv.unresolved));
    if (mv.parseErrors.length > 0) {
      const rows = mv.parseErrors
        .map(
          (p) =>
            `<tr><td>${code(p.file)}</td><td>${esc(p.message)}</td><td class="num">${p.importsRecovered}</td><td>${p.live ? 'live' : 'dead'}</td></tr>`,
        )
        .join('');
      out.push(
        `<h3>Parse errors (${mv.parseErrors.length})</h3><table><thead><tr><th>File</th><th>Error</th><th class="num">Imports recovered</th><th>Code</th></tr></thead><tbody>${rows}</tbody></table>`,
      );
    }
  }
  if (st.cycleAnalysis) {
    out.push(
      `<h2 id="cycles">Cycles</h2><div class="meta">Elementary cycles enumerated with Johnson's algorithm, at most ${st.cycleAnalysis.limit} per edge set.</div>`,
    );
    out.push(cycleBlock('With type-only edges', st.cycleAnalysis.all));
    out.push(cycleBlock('Value edges only', st.cycleAnalysis.value));
  }
  return out.join('\n');
}
