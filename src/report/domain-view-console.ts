import type { ChalkInstance } from 'chalk';
import type { StaticSection } from '../core/result-static.js';
import { formatPercent } from '../core/format.js';
import { renderTextTable, truncate } from '../core/format-table.js';

const PAIRS_SHOWN = 5;
const CROSSINGS_SHOWN = 3;

const list = (xs: string[]) => xs.join(', ') || '–';

/**
 * Tables, change coupling and boundary advice, short: the table × owner summary with the tables several services
 * write, the strongest co-change pairs, and per service the heaviest things crossing its boundary.
 */
export function domainViewLines(st: StaticSection, c: ChalkInstance, width: number): string[] {
  const out: string[] = [];
  const line = (s: string) => out.push(truncate(s, width));
  const t = st.tables;
  if (t && t.tables.length > 0) {
    const several = t.violations.map((v) => v.table).join(', ');
    line(
      `Tables: ${t.tables.length} in ${t.statements} SQL statements, ${t.violations.length} written by several ` +
        `services${several ? `: ${several}` : ''}`,
    );
    out.push(
      ...renderTextTable(
        [{ header: 'Table' }, { header: 'Written by', shrink: 2, min: 10 }, { header: 'Only read by', shrink: 1 }],
        t.tables.map((row) => [
          { text: row.table, ...(t.violations.some((v) => v.table === row.table) ? { style: c.red } : {}) },
          list(row.writers),
          list(row.readers),
        ]),
        { width, indent: 2, headerStyle: c.bold },
      ),
    );
  }
  const cc = st.changeCoupling;
  if (cc && !cc.available) line(`Change coupling: not measured (${cc.reason ?? 'no git history'})`);
  if (cc?.available) {
    const hidden = cc.pairs.filter((p) => p.hidden).length;
    const window = cc.since ? ` since ${cc.since}` : '';
    line(
      `Change coupling${window}: ${cc.commits} commits (${cc.bulkCommits} bulk ignored), ${cc.pairs.length} pairs ` +
        `≥ ${cc.minShared} shared, ${hidden} hidden`,
    );
    line(
      `  Cross-service commits: ${cc.crossServiceCommits} of ${cc.serviceCommits} ` +
        `(${formatPercent(cc.crossServiceShare, 0)})`,
    );
    if (cc.pairs.length > 0) {
      out.push(
        ...renderTextTable(
          [
            { header: 'Pair', shrink: 1, min: 20 },
            { header: 'Shared', align: 'right' },
            { header: 'Degree', align: 'right' },
            { header: '' },
          ],
          cc.pairs
            .slice(0, PAIRS_SHOWN)
            .map((p) => [
              `${p.a} ~ ${p.b}`,
              String(p.shared),
              formatPercent(p.degree, 0),
              p.hidden ? { text: 'hidden', style: c.yellow } : p.crossService ? 'cross-service' : '',
            ]),
          { width, indent: 2, headerStyle: c.bold },
        ),
      );
    }
  }
  const b = st.boundaries;
  if (b) {
    const services = b.modularity.services;
    line(
      `Boundaries: modularity of services ${services === null ? 'n/a' : services.toFixed(2)}, of the proposal ` +
        `${b.modularity.proposal.toFixed(2)} (${b.clusters.length} clusters)`,
    );
    for (const s of b.services) {
      if (s.crossings.length === 0) continue;
      line(`  ${s.service} (autonomy ${formatPercent(s.autonomy, 0)}), ${s.crossings.length} to do:`);
      for (const x of s.crossings.slice(0, CROSSINGS_SHOWN)) line(`    ${x.kind} with ${x.other}: ${x.detail}`);
    }
    for (const a of b.aggregates ?? []) {
      if (a.foreignWriters.length === 0) continue;
      const where = a.foreignWriters.map((w) => `${w.table} by ${w.owner} ${w.file}:${w.line}`).join('; ');
      line(c.red(`  aggregate ${a.aggregate} (${a.service ?? 'no service'}) written outside: ${where}`));
    }
  }
  return out;
}
