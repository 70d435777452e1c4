import type { StaticSection } from '../core/result-static.js';
import { formatPercent } from '../core/format.js';
import { esc } from './svg/svg-text.js';

const code = (s: string) => `<code>${esc(s)}</code>`;
const PAIRS_SHOWN = 100;

function table(head: string[], rows: string[]): string {
  const th = head.map((h) => (h.startsWith('#') ? `<th class="num">${esc(h.slice(1))}</th>` : `<th>${esc(h)}</th>`));
  return `<table><thead><tr>${th.join('')}</tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function tablesHtml(st: StaticSection): string {
  const t = st.tables;
  if (!t) return '';
  const owners = [...new Set(t.tables.flatMap((r) => [...r.writers, ...r.readers]))].sort();
  const cell = (r: (typeof t.tables)[number], o: string) =>
    r.writers.includes(o) ? 'W' : r.readers.includes(o) ? 'R' : '';
  const matrix = t.tables.map((r) => {
    const bad = t.violations.some((v) => v.table === r.table);
    const cells = owners.map((o) => `<td>${cell(r, o)}</td>`).join('');
    return `<tr${bad ? ' class="not-pass"' : ''}><td>${code(r.table)}</td>${cells}</tr>`;
  });
  const violations = t.violations.map(
    (v) =>
      `<tr class="not-pass"><td>${code(v.table)}</td><td>${esc(v.writers.join(', '))}</td><td>` +
      `${v.files.map((f) => `${code(`${f.file}:${f.line}`)} (${esc(f.owner)})`).join('<br>')}</td></tr>`,
  );
  return (
    `<h2 id="tables">Tables</h2><div class="meta">${t.statements} SQL statements parsed with ${esc(t.parser)}; ` +
    `${t.unparsed} SQL-looking literals were not SQL. W = writes, R = only reads (judged code, by ${t.owners}).</div>` +
    table(['Table', ...owners], matrix) +
    (violations.length > 0
      ? `<h3>Written by several services (${violations.length})</h3>${table(['Table', 'Writers', 'Writes'], violations)}`
      : '')
  );
}

function couplingHtml(st: StaticSection): string {
  const cc = st.changeCoupling;
  if (!cc) return '';
  if (!cc.available) return `<h2 id="change-coupling">Change coupling</h2><p>Not measured: ${esc(cc.reason ?? '')}</p>`;
  const pairs = cc.pairs
    .slice(0, PAIRS_SHOWN)
    .map(
      (p) =>
        `<tr${p.hidden ? ' class="not-pass"' : ''}><td>${code(p.a)}</td><td>${code(p.b)}</td>` +
        `<td class="num">${p.shared}</td><td class="num">${p.revisionsA} / ${p.revisionsB}</td>` +
        `<td class="num">${formatPercent(p.degree, 0)}</td><td class="num">${formatPercent(p.confidenceAB, 0)} / ` +
        `${formatPercent(p.confidenceBA, 0)}</td><td>${p.importPath ? 'yes' : '<span class="tag">hidden</span>'}</td>` +
        `<td>${p.crossService ? 'yes' : ''}</td></tr>`,
    );
  const services = cc.servicePairs.map(
    (p) =>
      `<tr><td>${esc(p.a)}</td><td>${esc(p.b)}</td><td class="num">${p.shared}</td>` +
      `<td class="num">${formatPercent(p.degree, 0)}</td></tr>`,
  );
  return (
    `<h2 id="change-coupling">Change coupling</h2><div class="meta">${cc.commits} commits` +
    `${cc.since ? ` since ${esc(cc.since)}` : ''}; ${cc.bulkCommits} bulk commits (more than ${cc.maxFilesPerCommit} ` +
    `files) ignored. Degree = shared / mean revisions (code-maat); confidence a→b = shared / revisions of a. ` +
    `Cross-service commits: ${cc.crossServiceCommits} of ${cc.serviceCommits} ` +
    `(${esc(formatPercent(cc.crossServiceShare, 0))}).</div>` +
    table(['A', 'B', '#Shared', '#Revisions', '#Degree', '#Confidence', 'Import path', 'Cross-service'], pairs) +
    (services.length > 0
      ? `<h3>Services changed together</h3>${table(['A', 'B', '#Shared', '#Degree'], services)}`
      : '')
  );
}

function boundariesHtml(st: StaticSection): string {
  const b = st.boundaries;
  if (!b) return '';
  const clusters = b.clusters.map(
    (c) =>
      `<tr><td class="num">${c.id}</td><td>${esc(c.services.map((s) => `${s.service} ${s.modules}`).join(', '))}</td>` +
      `<td>${c.modules.map(code).join(' ')}</td></tr>`,
  );
  const todo = b.services.map((s) => {
    const rows = s.crossings.map(
      (x) =>
        `<tr><td>${esc(x.kind)}</td><td>${esc(x.other)}</td><td class="num">${x.weight.toFixed(2)}</td>` +
        `<td>${esc(x.detail)}</td></tr>`,
    );
    return (
      `<h3>${esc(s.service)}: autonomy ${esc(formatPercent(s.autonomy, 0))}, ${s.crossings.length} crossings</h3>` +
      (rows.length > 0 ? table(['Kind', 'Other side', '#Weight', 'What crosses'], rows) : '<p>Nothing crosses.</p>')
    );
  });
  const aggregates = (b.aggregates ?? []).map(
    (a) =>
      `<tr${a.foreignWriters.length > 0 ? ' class="not-pass"' : ''}><td>${esc(a.aggregate)}</td>` +
      `<td>${esc(a.service ?? '')}</td><td>${a.tables.map(code).join(' ')}</td><td>` +
      `${a.foreignWriters.map((w) => `${code(`${w.file}:${w.line}`)} ${esc(w.owner)} writes ${code(w.table)}`).join('<br>')}</td></tr>`,
  );
  const modularity = b.modularity.services === null ? 'n/a' : b.modularity.services.toFixed(3);
  return (
    `<h2 id="boundaries">Boundary advice</h2><div class="meta">Louvain (seed ${b.seed}) on ${b.modules} modules, ` +
    `weights imports ${b.weights.imports}, tables ${b.weights.tables}, co-change ${b.weights.coChange}. ` +
    `Modularity: configured services ${modularity}, proposal ${b.modularity.proposal.toFixed(3)}.</div>` +
    table(['#Cluster', 'Services', 'Modules'], clusters) +
    todo.join('') +
    (aggregates.length > 0
      ? `<h3>Aggregates</h3>${table(['Aggregate', 'Service', 'Tables', 'Written outside its service'], aggregates)}`
      : '')
  );
}

/** Tables (matrix and violations), change coupling (pairs, services) and boundary advice as HTML tables. */
export function domainViewHtml(st: StaticSection): string {
  return tablesHtml(st) + couplingHtml(st) + boundariesHtml(st);
}
