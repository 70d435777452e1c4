import type { FitnessOutcome, Result, Verdict } from '../core/result.js';
import { endpointLabel, endpointRows, p99Target } from './endpoint-view.js';
import { formatLocation, groupFindings } from './findings-view.js';
import { sparkline } from './sparkline.js';
import {
  formatDuration,
  formatMs,
  formatPercent,
  formatSigned,
  formatBaseline,
  formatTimestamp,
  formatValue,
} from '../core/format.js';
import { formatFunctionTarget } from './format-value.js';
import { formatTarget } from '../core/target.js';

const ICON: Record<Verdict, string> = { pass: '✅', fail: '❌', inconclusive: '⚠️', error: '💥', skipped: '⏭️' };

/** Escapes text for a Markdown table cell / inline text (pipes, HTML, emphasis, newlines). */
function md(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|])/g, '\\$1')
    .replace(/\r?\n/g, ' ');
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

function table(header: string[], align: Array<'l' | 'r'>, rows: string[][]): string[] {
  return [
    `| ${header.join(' | ')} |`,
    `| ${align.map((a) => (a === 'r' ? '---:' : '---')).join(' | ')} |`,
    ...rows.map((r) => `| ${r.join(' | ')} |`),
  ];
}

function why(fn: FitnessOutcome, maxItems: number): string[] {
  const out = [
    `- ${ICON[fn.verdict]} **${md(fn.id)}**${fn.adr ? ` (${md(fn.adr)})` : ''}: ` +
      `${md(fn.reason ?? `${formatValue(fn.value, fn.unit)} does not meet ${formatFunctionTarget(fn)}`)}`,
  ];
  if (fn.evidence.length > 0) {
    out.push('  <details><summary>evidence (' + fn.evidenceTotal + ')</summary>', '');
    for (const ev of fn.evidence.slice(0, maxItems)) {
      const where = ev.file ? `${code(formatLocation({ file: ev.file, line: ev.line }))} ` : '';
      out.push(`  - ${where}${md(ev.message)}${ev.baselined ? ' (baselined)' : ''}`);
    }
    if (fn.evidenceTotal > maxItems)
      out.push(`  - … ${fn.evidenceTotal - Math.min(maxItems, fn.evidence.length)} more`);
    out.push('', '  </details>');
  }
  return out;
}

/** GitHub refuses comments over 65,536 characters; stay under it with room for a wrapper. */
export const MARKDOWN_LIMIT = 60_000;

/**
 * Markdown for a pull-request comment or GITHUB_STEP_SUMMARY: verdict table, why, violations, latency, scaling.
 * Long lists are cut (and counted) so the text stays under MARKDOWN_LIMIT characters.
 */
export function renderMarkdown(result: Result): string {
  for (const maxItems of [30, 10, 3, 0]) {
    const text = renderMarkdownWith(result, maxItems);
    if (text.length <= MARKDOWN_LIMIT || maxItems === 0) return text;
  }
  throw new Error('unreachable');
}

function renderMarkdownWith(result: Result, maxItems: number): string {
  const s = result.summary;
  const out: string[] = [];
  out.push(
    `## ${ICON[result.verdict]} pitchey-fit ${md(result.command)}: ${result.verdict.toUpperCase()} · ` +
      `${md(result.subject.name)}`,
  );
  const counts = [`${s.passed} passed`, `${s.failed} failed`];
  if (s.inconclusive) counts.push(`${s.inconclusive} inconclusive`);
  if (s.errored) counts.push(`${s.errored} errored`);
  if (s.skipped) counts.push(`${s.skipped} skipped`);
  out.push(
    '',
    `${counts.join(' · ')} of ${s.total} · ${formatTimestamp(result.startedAt)} · ` +
      `${formatDuration(result.durationMs)} · run ${code(result.runId)}`,
  );
  if (result.baseline) {
    const b = result.baseline;
    out.push(
      '',
      `Baseline ${code(b.file)}: ${b.accepted} accepted, ${b.new} new, ${b.stale.length} ` +
        `stale${b.removed ? `, ${b.removed} removed` : ''}.`,
    );
  }
  if (result.partial)
    out.push(
      '',
      '> [!WARNING]',
      '> Partial run: interrupted or a collector stopped early; values cover what completed.',
    );

  const cmp = new Map((result.comparison?.functions ?? []).map((f) => [f.id, f]));
  const hasCmp = result.comparison !== undefined;
  const hasTrend = result.functions.some((f) => (result.trends?.[f.id]?.length ?? 0) > 0);
  out.push('');
  if (result.functions.length === 0) out.push('No fitness functions were enabled.');
  else {
    out.push(
      ...table(
        [
          'Status',
          'Function',
          'Metric',
          'Target',
          'Current',
          'Baseline',
          ...(hasCmp ? ['Change'] : []),
          ...(hasTrend ? ['Trend'] : []),
          'ADR',
        ],
        ['l', 'l', 'l', 'r', 'r', 'r', ...(hasCmp ? ['r' as const] : []), ...(hasTrend ? ['l' as const] : []), 'l'],
        result.functions.map((f) => {
          const c = cmp.get(f.id);
          const change = !c
            ? ''
            : `${c.delta === null ? '' : formatSigned(c.delta, f.unit)}${c.regressed ? ' 🔺 regressed' : ''}`;
          return [
            `${ICON[f.verdict]} ${f.verdict}`,
            code(f.id),
            md(f.metric),
            md(formatFunctionTarget(f)),
            `**${md(formatValue(f.value, f.unit))}**`,
            md(formatBaseline(f.baseline, f.unit)),
            ...(hasCmp ? [change] : []),
            ...(hasTrend
              ? [result.trends?.[f.id]?.length ? sparkline([...result.trends[f.id].map((p) => p.value), f.value]) : '']
              : []),
            f.adr ? md(f.adr) : '',
          ];
        }),
      ),
    );
    if (hasTrend)
      out.push('', `Trend: this function's values in earlier runs from the history, this run last (· = no value).`);
    if (result.comparison)
      out.push(
        '',
        `Change is against the ${result.comparison.against === 'last' ? 'last run' : 'last passing run'} ` +
          `${code(result.comparison.previousRunId)} (${formatTimestamp(result.comparison.previousStartedAt)}).`,
      );
  }

  const notPassing = result.functions.filter((f) => f.verdict !== 'pass' && f.verdict !== 'skipped');
  if (notPassing.length > 0) out.push('', '### Why', '', ...notPassing.flatMap((f) => why(f, maxItems)));

  const groups = groupFindings(result);
  if (groups.length > 0) {
    out.push('', '### Violations found');
    for (const g of groups) {
      out.push('', `**${g.severity[0].toUpperCase()}${g.severity.slice(1)}** (${g.findings.length})`, '');
      for (const f of g.findings.slice(0, maxItems)) {
        const tags = [code(f.rule), ...f.adrs.map(md)].join(', ');
        const where = f.locations
          .slice(0, 3)
          .map((l) => code(formatLocation(l)))
          .join(', ');
        out.push(
          `- ${f.baselined ? '~~' : ''}${md(f.title)}${f.baselined ? '~~ (baselined)' : ''} — ` +
            `${tags}: ${md(f.message)}` +
            `${where ? ` at ${where}` : ''}${f.locations.length > 3 ? ` and ${f.locations.length - 3} more` : ''}`,
        );
      }
      if (g.findings.length > maxItems)
        out.push(`- … and ${g.findings.length - maxItems} more ${g.severity} findings (see report.html / result.json)`);
    }
  }

  if (result.load && result.load.scenarios.length > 0) {
    out.push('', '### Latency', '');
    out.push(
      ...table(
        ['Scenario', 'req/s', 'p50', 'p90', 'p95', 'p99', 'max', 'errors', 'notes'],
        ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r', 'l'],
        result.load.scenarios.map((sc) => {
          const d = sc.metrics.http_req_duration?.values ?? {};
          const notes = [
            ...(sc.generatorSaturated ? [`generator saturated: ${sc.saturationReasons.join('; ')}`] : []),
            ...(sc.partial ? ['partial'] : []),
            ...sc.thresholds.filter((t) => !t.ok).map((t) => `threshold ${t.metric} ${t.expression} crossed`),
          ];
          const rate = sc.metrics.http_reqs?.values.rate;
          return [
            code(sc.name),
            rate === undefined ? 'n/a' : rate.toFixed(0),
            formatMs(d.med),
            formatMs(d['p(90)']),
            formatMs(d['p(95)']),
            formatMs(d['p(99)']),
            formatMs(d.max),
            formatPercent(sc.metrics.http_req_failed?.values.rate),
            md(notes.join('; ')),
          ];
        }),
      ),
    );
    const target = p99Target(result);
    const endpoints = endpointRows(result.load, target);
    if (endpoints.length > 0) {
      const shown = endpoints.slice(0, maxItems);
      out.push('', `**Slowest endpoints by p99**${target ? ` (target p99 ${md(formatTarget(target))})` : ''}`, '');
      out.push(
        ...table(
          ['Scenario', 'Endpoint', 'requests', 'p50', 'p95', 'p99', 'max', 'errors'],
          ['l', 'l', 'r', 'r', 'r', 'r', 'r', 'r'],
          shown.map((e) => [
            code(e.scenario),
            code(endpointLabel(e)),
            String(e.count),
            formatMs(e.p50),
            formatMs(e.p95),
            e.overTarget ? `**${formatMs(e.p99)}**` : formatMs(e.p99),
            formatMs(e.max),
            formatPercent(e.errorRate),
          ]),
        ),
      );
      if (endpoints.length > shown.length)
        out.push('', `… and ${endpoints.length - shown.length} more endpoints (see report.html)`);
    }
  }

  if (result.scale) {
    const sc = result.scale;
    const slo = sc.points.find((p) => p.capacity)?.capacity?.slo;
    const measured = sc.measure === 'capacity' && slo ? `; X = sustainable rate under SLO p99 < ${slo.p99Ms} ms` : '';
    out.push('', `### Scaling (${sc.mode}, ${sc.cores} cores${measured})`, '');
    out.push(
      ...table(
        ['N', 'req/s', 'E(N)', 'p99'],
        ['r', 'r', 'r', 'r'],
        sc.points.map((p) => [
          String(p.n),
          p.throughput.toFixed(0),
          p.efficiency === null ? 'n/a' : p.efficiency.toFixed(3),
          formatMs(p.latencyP99Ms),
        ]),
      ),
    );
    if (sc.fit) {
      const f = sc.fit;
      out.push(
        '',
        `USL fit: σ = ${f.sigma.toFixed(4)}, κ = ${f.kappa.toFixed(5)}, λ = ${f.lambda.toFixed(1)} req/s, R² = ` +
          `${f.r2.toFixed(4)}; ` +
          (f.nMax === null
            ? 'no throughput peak (κ = 0).'
            : `peak at N ≈ ${f.nMax.toFixed(1)} (${f.xMax?.toFixed(0) ?? 'n/a'} req/s).`),
      );
    }
    if (sc.fitNote) out.push('', `_${md(sc.fitNote)}_`);
    const lower = sc.points.filter((p) => p.flags.includes('lower-bound')).map((p) => p.n);
    if (lower.length) out.push('', `_X is a lower bound at N = ${lower.join(', ')} (per-step budget spent)_`);
    for (const o of sc.overrides ?? []) out.push('', `_${md(o)}_`);
  }

  if (result.errors.length > 0) {
    out.push(
      '',
      '### Problems during the run',
      '',
      ...result.errors.map((e) => `- ${code(e.phase)}: ${md(e.message)}`),
    );
  }
  return `${out.join('\n')}\n`;
}
