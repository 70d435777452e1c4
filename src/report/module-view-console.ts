import type { ChalkInstance } from 'chalk';
import type { CycleReport, ModuleRow, StaticSection } from '../core/result-static.js';
import { formatPercent } from '../core/format.js';
import { renderTextTable, truncate, wrap } from '../core/format-table.js';

const HUBS_SHOWN = 5;

function hubTable(title: string, rows: ModuleRow[], c: ChalkInstance, width: number): string[] {
  if (rows.length === 0) return [];
  return [
    title,
    ...renderTextTable(
      [
        { header: 'Module', shrink: 1, min: 16 },
        { header: 'Lines', align: 'right' },
        { header: 'Ce', align: 'right' },
        { header: 'Ca', align: 'right' },
      ],
      rows.slice(0, HUBS_SHOWN).map((m) => [m.file, String(m.lines), String(m.ce), String(m.ca)]),
      { width, indent: 2, headerStyle: c.bold },
    ),
  ];
}

function cycleSummary(r: CycleReport): string {
  const n = r.groups.length;
  const elementary = `${r.elementary.length}${r.truncated ? '+' : ''}`;
  return `${n} group${n === 1 ? '' : 's'}, ${elementary} elementary, ${r.circularEdges.length} circular edges`;
}

/**
 * The module view of the static section, short: entry points and the dead share, hubs by Ce and Ca, orphans,
 * unresolved imports by group, parse errors, and cycles with and without type-only edges (through-entry ones named).
 */
export function moduleViewLines(st: StaticSection, c: ChalkInstance, width: number): string[] {
  const out: string[] = [];
  const line = (s: string) => out.push(truncate(s, width));
  const scope = st.scope;
  if (scope) {
    const entries = scope.entries.map((e) => `${e.file} (${e.via})`).join(', ');
    line(`Entry points: ${entries || 'none found (set static.entry): every module is judged'}`);
    if (scope.entries.length > 0) {
      const total = scope.live + scope.dead;
      const judged = scope.judged === 'live' ? 'not judged' : 'judged too';
      line(
        `Live: ${scope.live} of ${total} modules (${formatPercent(scope.deadShare, 0)} unreachable from the entry, ${judged})`,
      );
    }
    const judgedCount = scope.judged === 'live' ? scope.live : scope.live + scope.dead;
    if (st.services.length > 0) line(`Services own ${scope.inServices} of the ${judgedCount} judged modules`);
  }
  const mv = st.modules;
  if (mv) {
    out.push(...hubTable('Hubs by Ce (what they import):', mv.hubsByCe, c, width));
    out.push(...hubTable('Hubs by Ca (what imports them):', mv.hubsByCa, c, width));
    if (mv.orphans.length > 0)
      line(`Orphans (${mv.orphans.length}): ${mv.orphans.slice(0, 3).join(', ')}${mv.orphans.length > 3 ? ', …' : ''}`);
    const groups: Array<[string, keyof typeof mv.unresolved]> = [
      ['missing file', 'missing-file'],
      ['uninstalled package', 'uninstalled-package'],
      ['URL', 'url'],
    ];
    const counted = groups.filter(([, k]) => mv.unresolved[k].length > 0);
    if (counted.length > 0) {
      out.push(
        c.yellow(
          truncate(
            `Unresolved imports: ${counted.map(([label, k]) => `${mv.unresolved[k].length} ${label}`).join(', ')}`,
            width,
          ),
        ),
      );
      for (const [, k] of counted) {
        const u = mv.unresolved[k][0];
        line(
          `  ${u.from}:${u.line} '${u.specifier}'${mv.unresolved[k].length > 1 ? ` (+${mv.unresolved[k].length - 1})` : ''}`,
        );
      }
    }
    for (const p of mv.parseErrors.slice(0, 3)) {
      out.push(
        c.yellow(truncate(`Parse error: ${p.file} ${p.message} (${p.importsRecovered} imports recovered)`, width)),
      );
    }
    if (mv.parseErrors.length > 3) line(`  … and ${mv.parseErrors.length - 3} more files that did not parse`);
  }
  const ca = st.cycleAnalysis;
  if (ca && (ca.all.groups.length > 0 || ca.value.groups.length > 0)) {
    line(`Cycles, type-only edges too: ${cycleSummary(ca.all)}`);
    line(`Cycles, value edges only: ${cycleSummary(ca.value)}`);
    const through = ca.all.throughEntry;
    if (through.length > 0) {
      const typeOnly = ca.value.throughEntry.length === 0 ? ', all through type-only imports' : '';
      line(`  ${through.length} through an entry point${typeOnly}, e.g.`);
      out.push(...wrap(through[0].join(' -> '), width - 4, 0).map((l) => `    ${l}`));
    }
  }
  return out;
}
