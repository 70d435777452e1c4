import { Chalk, type ChalkInstance } from 'chalk';
import type { Evidence, FitnessOutcome, Result, Verdict } from '../core/result.js';
import { stepCapacityText } from '../core/result-scale.js';
import {
  formatDuration,
  formatMs,
  formatMsNumber,
  formatPercent,
  formatSigned,
  formatTimestamp,
  formatBaseline,
  formatValue,
} from '../core/format.js';
import { renderTextTable, truncate, wrap, type TextCell } from '../core/format-table.js';
import { endpointLabel, endpointRows, p99Target } from './endpoint-view.js';
import { formatLocation, groupFindings } from './findings-view.js';
import { capacityViewLines } from './capacity-view-console.js';
import { domainViewLines } from './domain-view-console.js';
import { moduleViewLines } from './module-view-console.js';
import { formatFunctionTarget, VERDICT_LABEL } from './format-value.js';
import { formatTarget } from '../core/target.js';

export interface RenderOptions {
  color: boolean;
  /** Maximum line width; default 80. */
  width?: number;
  /** Evidence items listed per non-passing function; default 5. */
  maxEvidence?: number;
  /** Findings listed per severity under "Violations found"; default 10 (the rest are counted). */
  maxFindings?: number;
  /** Endpoints listed under "Slowest endpoints"; default 5 (all are in result.json and report.html). */
  maxEndpoints?: number;
}

function verdictStyle(c: ChalkInstance, v: Verdict): (s: string) => string {
  switch (v) {
    case 'pass':
      return c.green;
    case 'fail':
      return c.red.bold;
    case 'error':
      return c.magenta.bold;
    case 'inconclusive':
      return c.yellow;
    case 'skipped':
      return c.gray;
  }
}

/** `file:line  message` on one line when it fits, else the message on its own line below the location. */
function evidenceLines(ev: Evidence, width: number, indent: number): string[] {
  const pad = ' '.repeat(indent);
  const where = ev.file ? formatLocation({ file: ev.file, line: ev.line }) : '';
  const message = ev.baselined ? `${ev.message} (baselined)` : ev.message;
  if (!where) return [pad + truncate(message, width - indent)];
  const one = `${where}  ${message}`;
  if (one.length <= width - indent) return [pad + one];
  return [pad + truncate(where, width - indent), ...wrap(message, width - indent - 2, 0, 2).map((l) => `${pad}  ${l}`)];
}

/** The verdict table and the evidence behind it, for a terminal. Plain text when `color` is false; fits `width`. */
export function renderConsole(result: Result, opts: RenderOptions): string {
  const c = new Chalk({ level: opts.color ? 1 : 0 });
  const width = Math.max(40, opts.width ?? 80);
  const maxEvidence = opts.maxEvidence ?? 5;
  const out: string[] = [];
  const fit = (s: string, indent = 0): string => ' '.repeat(indent) + truncate(s, width - indent);
  const heading = (s: string): void => {
    out.push('', c.bold(s));
  };

  out.push(
    fit(
      `pitchey-fit ${result.command} · ${result.subject.name} · ${formatTimestamp(result.startedAt)} · ` +
        formatDuration(result.durationMs),
    ),
  );
  if (result.partial)
    out.push(c.yellow(fit('PARTIAL RUN: interrupted or a collector stopped early; values cover what completed')));

  // Verdict table.
  const hasAdr = result.functions.some((f) => f.adr);
  const regressed = new Set((result.comparison?.functions ?? []).filter((f) => f.regressed).map((f) => f.id));
  const rows = result.functions.map((f) => {
    const style = verdictStyle(c, f.verdict);
    const current = formatValue(f.value, f.unit) + (regressed.has(f.id) ? ' ▲' : '');
    return [
      { text: VERDICT_LABEL[f.verdict], style },
      f.id,
      f.metric,
      formatFunctionTarget(f),
      { text: current, style: f.verdict === 'pass' ? undefined : style },
      formatBaseline(f.baseline, f.unit),
      ...(hasAdr ? [f.adr ?? ''] : []),
    ];
  });
  out.push('');
  if (rows.length === 0) out.push('No fitness functions were enabled.');
  else out.push(...verdictTable(rows, hasAdr, width, c));

  const s = result.summary;
  const parts = [`${s.passed} passed`, `${s.failed} failed`];
  if (s.inconclusive) parts.push(`${s.inconclusive} inconclusive`);
  if (s.errored) parts.push(`${s.errored} errored`);
  if (s.skipped) parts.push(`${s.skipped} skipped`);
  out.push(
    '',
    `${c.bold('Verdict:')} ${verdictStyle(c, result.verdict)(result.verdict.toUpperCase())} ` +
      `(${parts.join(', ')} of ${s.total})`,
  );
  if (result.baseline) {
    const b = result.baseline;
    out.push(
      fit(
        `Baseline ${b.file}: ${b.accepted} accepted, ${b.new} new, ${b.stale.length} stale` +
          (b.removed ? `, ${b.removed} removed` : ''),
      ),
    );
    if (b.stale.length > 0)
      out.push(c.dim(fit('stale entries match no violation now: drop them with --update-baseline', 2)));
  }
  if (regressed.size > 0)
    out.push(
      fit(
        `▲ regressed since the ${result.comparison!.against === 'last' ? 'last run' : 'last passing run'} ` +
          `(${result.comparison!.previousRunId})`,
      ),
    );

  // Why each non-passing function did not pass.
  const notPassing = result.functions.filter((f) => f.verdict !== 'pass' && f.verdict !== 'skipped');
  if (notPassing.length > 0) {
    heading('Why');
    for (const f of notPassing) out.push(...explainFunction(f, c, width, maxEvidence));
  }

  if (result.comparison && result.comparison.functions.some((f) => f.regressed)) {
    heading(`Regressions since ${result.comparison.previousRunId}`);
    const byId = new Map(result.functions.map((f) => [f.id, f]));
    for (const f of result.comparison.functions.filter((x) => x.regressed)) {
      const unit = byId.get(f.id)?.unit ?? '';
      const delta = f.delta === null ? '' : ` (${formatSigned(f.delta, unit)})`;
      out.push(fit(`${f.id}: ${formatValue(f.previous, unit)} -> ${formatValue(f.current, unit)}${delta}`, 2));
    }
  }

  if (result.static) out.push(...staticEvidence(result, c, width));
  if (result.load && result.load.scenarios.length > 0) {
    out.push(...loadEvidence(result, c, width), ...slowestEndpoints(result, c, width, opts.maxEndpoints ?? 5));
  }
  if (result.scale) out.push(...scaleEvidence(result, c, width));
  out.push(...capacityViewLines(result, c, width));

  const groups = groupFindings(result);
  if (groups.length > 0) {
    heading('Violations found');
    for (const g of groups) {
      const style = g.severity === 'critical' ? c.red.bold : g.severity === 'medium' ? c.yellow.bold : c.bold;
      out.push(style(`${g.severity[0].toUpperCase()}${g.severity.slice(1)} (${g.findings.length})`));
      const maxFindings = opts.maxFindings ?? 10;
      for (const f of g.findings.slice(0, maxFindings)) {
        const tags = [f.rule, ...f.adrs].join(', ');
        out.push(fit(`- ${f.title} [${tags}]${f.baselined ? ' (baselined)' : ''}`, 2));
        out.push(...wrap(f.message, width - 4, 0).map((l) => c.dim(`    ${l}`)));
        for (const loc of f.locations.slice(0, 3)) out.push(c.dim(fit(`at ${formatLocation(loc)}`, 4)));
        if (f.locations.length > 3) out.push(c.dim(fit(`… and ${f.locations.length - 3} more locations`, 4)));
      }
      if (g.findings.length > maxFindings)
        out.push(
          c.dim(
            fit(
              `… and ${g.findings.length - maxFindings} more ${g.severity} findings ` +
                '(all are in result.json and report.html)',
              2,
            ),
          ),
        );
    }
  }

  if (result.errors.length > 0) {
    heading('Problems during the run');
    for (const e of result.errors) out.push(c.magenta(fit(`${e.phase}: ${e.message}`, 2)));
  }
  return `${out.join('\n')}\n`;
}

const METRIC_MIN_INLINE = 24;

/** Metric as a column when it fits; otherwise on a dim line under each row, so nothing is cut to unreadable stubs. */
function verdictTable(
  rows: Array<Array<string | TextCell>>,
  hasAdr: boolean,
  width: number,
  c: ChalkInstance,
): string[] {
  const right = 'right' as const;
  const tail = [
    { header: 'Target', align: right },
    { header: 'Current', align: right },
    { header: 'Baseline', align: right },
    ...(hasAdr ? [{ header: 'ADR' }] : []),
  ];
  const withMetric = [
    { header: 'Status' },
    { header: 'Function', shrink: 1, min: 14 },
    { header: 'Metric', shrink: 2, min: METRIC_MIN_INLINE },
    ...tail,
  ];
  const lines = renderTextTable(withMetric, rows, { width, headerStyle: c.bold });
  if (lines.every((l) => stripAnsi(l).length <= width) && !lines.some((l) => l.includes('…'))) return lines;
  const fits = (ls: string[]): boolean => ls.every((l) => stripAnsi(l).length <= width);
  let inline = renderTextTable(
    [{ header: 'Status' }, { header: 'Function', shrink: 1, min: 14 }, ...tail],
    rows.map((r) => r.filter((_, i) => i !== 2)),
    { width, headerStyle: c.bold },
  );
  let adrBelow = false;
  if (hasAdr && !fits(inline)) {
    adrBelow = true;
    inline = renderTextTable(
      [{ header: 'Status' }, { header: 'Function', shrink: 1, min: 10 }, ...tail.slice(0, 3)],
      rows.map((r) => r.slice(0, 6).filter((_, i) => i !== 2)),
      { width, headerStyle: c.bold },
    );
  }
  const out = [inline[0]];
  const indent = Math.max('Status'.length, ...rows.map((r) => (r[0] as TextCell).text.length)) + 2;
  rows.forEach((r, i) => {
    out.push(inline[i + 1]);
    const below = adrBelow && r[6] ? `${r[6] as string} · ${r[2] as string}` : (r[2] as string);
    out.push(c.dim(`${' '.repeat(indent)}${truncate(below, width - indent)}`));
  });
  return out;
}

function stripAnsi(s: string): string {
  // eslint-disable-next-line no-control-regex -- ESC is exactly what an ANSI colour sequence starts with
  return s.replace(/\u001b\[[0-9;]*m/g, '');
}

function explainFunction(f: FitnessOutcome, c: ChalkInstance, width: number, maxEvidence: number): string[] {
  const lines: string[] = [];
  const why = f.reason ?? `${formatValue(f.value, f.unit)} does not meet ${formatFunctionTarget(f)}`;
  const head = `${VERDICT_LABEL[f.verdict]} ${f.id}${f.adr ? ` (${f.adr})` : ''}: ${why}`;
  lines.push(...wrap(head, width, 2).map((l) => verdictStyle(c, f.verdict)(l)));
  for (const ev of f.evidence.slice(0, maxEvidence)) lines.push(...evidenceLines(ev, width, 2));
  const more = f.evidenceTotal - Math.min(f.evidence.length, maxEvidence);
  if (more > 0) lines.push(c.dim(`  … and ${more} more`));
  return lines;
}

function staticEvidence(result: Result, c: ChalkInstance, width: number): string[] {
  const st = result.static!;
  const out = ['', c.bold('Static analysis')];
  out.push(
    truncate(
      `${st.counts.modules} modules, ${st.counts.valueEdges} value / ${st.counts.typeEdges} type-only edges ` +
        `(${st.engine} engine)`,
      width,
    ),
  );
  if (st.counts.unresolved > 0 || st.counts.parseErrors > 0) {
    out.push(
      c.yellow(
        truncate(
          `${st.counts.unresolved} unresolved imports, ${st.counts.parseErrors} files that did not parse`,
          width,
        ),
      ),
    );
  }
  const violating = st.serviceEdges.filter((e) => e.violating);
  if (violating.length > 0) {
    out.push(`Violating service dependencies (${violating.length}):`);
    for (const e of violating)
      out.push(truncate(`  ${e.from} -> ${e.to}: ${e.valueEdges} value, ${e.typeEdges} type-only imports`, width));
  }
  const imports = topViolatingImports(result, 5);
  if (imports.length > 0) {
    out.push('Top violating imports:');
    for (const ev of imports) out.push(...evidenceLines(ev, width, 2));
  }
  if (st.services.length > 0) {
    out.push(
      ...renderTextTable(
        [
          { header: 'Service', shrink: 1, min: 10 },
          { header: 'Ca', align: 'right' },
          { header: 'Ce', align: 'right' },
          { header: 'I', align: 'right' },
          { header: 'A', align: 'right' },
          { header: 'D', align: 'right' },
          { header: 'Autonomous' },
        ],
        st.services.map((s) => [
          s.name,
          String(s.ca),
          String(s.ce),
          ratio(s.instability),
          ratio(s.abstractness),
          ratio(s.distance),
          s.autonomous ? 'yes' : { text: 'no', style: c.red },
        ]),
        { width, indent: 2 },
      ),
    );
  }
  if (st.cycles.value.length > 0)
    out.push(
      truncate(
        `Value-level cycles: ${st.cycles.value.length} ` +
          `(largest ${Math.max(...st.cycles.value.map((x) => x.size))} files)`,
        width,
      ),
    );
  out.push(...moduleViewLines(st, c, width));
  out.push(...domainViewLines(st, c, width));
  return out;
}

/** Evidence items that are import edges (data.from/to), from failing functions first. */
export function topViolatingImports(result: Result, limit: number): Evidence[] {
  const seen = new Set<string>();
  const out: Evidence[] = [];
  const fns = [...result.functions].sort((a, b) => Number(b.verdict === 'fail') - Number(a.verdict === 'fail'));
  for (const f of fns) {
    for (const ev of f.evidence) {
      if (!ev.file || !ev.data || typeof ev.data.to !== 'string') continue;
      const key = ev.fingerprint ?? `${ev.file}:${ev.line}:${ev.data.to}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(ev);
      if (out.length >= limit) return out;
    }
  }
  return out;
}

function ratio(v: number | null): string {
  return v === null ? 'n/a' : v.toFixed(2);
}

const ms = formatMsNumber;

function loadEvidence(result: Result, c: ChalkInstance, width: number): string[] {
  const out = ['', c.bold(`Latency in ms (${result.load!.targetUrl})`)];
  const rows = result.load!.scenarios.map((s) => {
    const d = s.metrics.http_req_duration?.values ?? {};
    const failed = s.metrics.http_req_failed?.values.rate;
    const reqs = s.metrics.http_reqs?.values ?? {};
    const flags = [s.generatorSaturated ? 'saturated' : '', s.partial ? 'partial' : ''].filter(Boolean).join(',');
    return [
      s.name,
      reqs.rate === undefined ? 'n/a' : reqs.rate.toFixed(0),
      ms(d.med),
      ms(d['p(90)']),
      ms(d['p(95)']),
      ms(d['p(99)']),
      ms(d.max),
      formatPercent(failed),
      flags ? { text: flags, style: c.yellow } : '',
    ];
  });
  out.push(
    ...renderTextTable(
      [
        { header: 'Scenario', shrink: 2, min: 8 },
        { header: 'req/s', align: 'right' },
        { header: 'p50', align: 'right' },
        { header: 'p90', align: 'right' },
        { header: 'p95', align: 'right' },
        { header: 'p99', align: 'right' },
        { header: 'max', align: 'right' },
        { header: 'errors', align: 'right' },
        { header: 'flags', shrink: 1, min: 5 },
      ],
      rows,
      { width, indent: 2 },
    ),
  );
  for (const s of result.load!.scenarios) {
    for (const r of s.saturationReasons) out.push(c.yellow(truncate(`  ${s.name}: ${r}`, width)));
    // --vus/--duration/--iterations/--rate change what was measured: say so next to the figures (note from runLoad)
    for (const n of s.notes ?? []) {
      const applied = /^overridden from the command line: (.*)$/.exec(n)?.[1];
      if (applied) out.push(c.dim(truncate(`  ${s.name}: overrides ${applied}`, width)));
    }
    for (const t of s.thresholds.filter((x) => !x.ok)) {
      out.push(
        c.red(
          truncate(
            `  ${s.name}: threshold ${t.metric} ${t.expression} crossed (observed ${t.observed ?? 'n/a'})`,
            width,
          ),
        ),
      );
    }
  }
  return out;
}

/** Top offenders of the per-endpoint breakdown, so a p99 breach names the request behind it. */
function slowestEndpoints(result: Result, c: ChalkInstance, width: number, max: number): string[] {
  const target = p99Target(result);
  const rows = endpointRows(result.load!, target);
  if (rows.length === 0) return [];
  const multiScenario = result.load!.scenarios.length > 1;
  const title = `Slowest endpoints by p99, in ms${target ? ` (target p99 ${formatTarget(target)})` : ''}`;
  const out = ['', c.bold(title)];
  out.push(
    ...renderTextTable(
      [
        ...(multiScenario ? [{ header: 'Scenario', shrink: 1, min: 8 }] : []),
        { header: 'Endpoint', shrink: 2, min: 12 },
        { header: 'reqs', align: 'right' as const },
        { header: 'p50', align: 'right' as const },
        { header: 'p95', align: 'right' as const },
        { header: 'p99', align: 'right' as const },
        { header: 'max', align: 'right' as const },
        { header: 'errors', align: 'right' as const },
      ],
      rows
        .slice(0, max)
        .map((e) => [
          ...(multiScenario ? [e.scenario] : []),
          endpointLabel(e),
          String(e.count),
          ms(e.p50),
          ms(e.p95),
          e.overTarget ? { text: ms(e.p99), style: c.red } : ms(e.p99),
          ms(e.max),
          e.failed > 0 ? { text: formatPercent(e.errorRate), style: c.red } : formatPercent(e.errorRate),
        ]),
      { width, indent: 2 },
    ),
  );
  const over = rows.filter((e) => e.overTarget).length;
  if (over > 0) out.push(c.red(truncate(`  ${over} of ${rows.length} endpoints have a p99 above the target`, width)));
  if (rows.length > max)
    out.push(
      c.dim(truncate(`  … and ${rows.length - max} more endpoints (all are in result.json and report.html)`, width)),
    );
  return out;
}

function scaleEvidence(result: Result, c: ChalkInstance, width: number): string[] {
  const sc = result.scale!;
  const measured =
    sc.measure === 'capacity'
      ? `, X = sustainable rate under SLO p99 < ${sc.points[0]?.capacity?.slo.p99Ms ?? '?'} ms`
      : '';
  const out = ['', c.bold(`Scaling (${sc.mode}, ${sc.engine}, ${sc.cores} cores, target N=${sc.targetN}${measured})`)];
  out.push(
    ...renderTextTable(
      [
        { header: 'N', align: 'right' },
        { header: 'req/s', align: 'right' },
        { header: 'E(N)', align: 'right' },
        { header: 'p99', align: 'right' },
        { header: 'errors', align: 'right' },
        { header: 'flags', shrink: 1, min: 5 },
      ],
      sc.points.map((p) => [
        String(p.n),
        p.throughput.toFixed(0),
        p.efficiency === null ? 'n/a' : p.efficiency.toFixed(3),
        formatMs(p.latencyP99Ms),
        String(p.errors),
        [...new Set([...(p.beyondCores ? ['beyond-cores'] : []), ...p.flags])].join(','),
      ]),
      { width, indent: 2 },
    ),
  );
  for (const p of sc.points)
    if (p.capacity) out.push(c.dim(truncate(`  ${stepCapacityText(p.n, p.throughput, p.capacity)}`, width)));
  const f = sc.fit;
  if (f) {
    out.push(
      truncate(
        `USL fit: sigma ${f.sigma.toFixed(4)}, kappa ${f.kappa.toFixed(5)}, ` +
          `lambda ${f.lambda.toFixed(1)} req/s, R² ${f.r2.toFixed(4)}`,
        width,
      ),
    );
    out.push(
      truncate(
        f.nMax === null
          ? 'No throughput peak (kappa = 0): throughput keeps rising, with diminishing returns.'
          : `Peak at N ≈ ${f.nMax.toFixed(1)} (${f.xMax === null ? 'n/a' : f.xMax.toFixed(0)} req/s); ` +
              'beyond it throughput falls.',
        width,
      ),
    );
  } else out.push('No USL fit.');
  if (sc.fitNote) out.push(c.dim(truncate(sc.fitNote, width)));
  for (const n of [...(sc.overrides ?? []), ...sc.notes]) out.push(c.dim(truncate(n, width)));
  return out;
}
