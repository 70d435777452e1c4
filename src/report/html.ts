import type { ScenarioSummary } from '../core/result-load.js';
import type { Evidence, FitnessOutcome, Result, Verdict } from '../core/result.js';
import { stepCapacityText } from '../core/result-scale.js';
import { endpointLabel, endpointRows, p99Target } from './endpoint-view.js';
import { formatLocation, groupFindings } from './findings-view.js';
import { domainViewHtml } from './domain-view-html.js';
import { moduleViewHtml } from './module-view-html.js';
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
import { renderDependencyGraph } from './svg/dependency-graph.js';
import { renderPercentilePlot } from './svg/percentile-plot.js';
import { esc } from './svg/svg-text.js';
import { renderTrendPlot } from './svg/trend-plot.js';
import { renderUslPlot } from './svg/usl-plot.js';
import { renderCapacityPlot } from './svg/capacity-plot.js';

const STYLE = `
:root{--fg:#111827;--muted:#6b7280;--line:#e5e7eb;--bg:#ffffff;--panel:#f9fafb;
  --pass:#059669;--fail:#dc2626;--warn:#d97706;--err:#7c3aed}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
  color:var(--fg);background:var(--bg)}
main{max-width:1100px;margin:0 auto;padding:24px}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:17px;margin:32px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--line)}
h3{font-size:14px;margin:14px 0 6px}
.meta{color:var(--muted)}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-weight:600;font-size:12px;color:#fff;
  text-transform:uppercase;letter-spacing:.03em}
.v-pass{background:var(--pass)}.v-fail{background:var(--fail)}.v-inconclusive{background:var(--warn)}
.v-error{background:var(--err)}.v-skipped{background:#9ca3af}
.verdict{font-size:15px;margin:10px 0}
table{border-collapse:collapse;width:100%;margin:6px 0}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid var(--line);vertical-align:top}
th{font-size:12px;color:var(--muted);font-weight:600}
td.adr{white-space:nowrap}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tr.not-pass td{background:#fef2f2}
tr.v-row-inconclusive td{background:#fffbeb}
code{font:12px ui-monospace,SFMono-Regular,Menlo,"DejaVu Sans Mono",monospace}
.reason{color:var(--muted);font-size:12px}
details{margin:4px 0}
ul.evidence{margin:4px 0 0 16px;padding:0;font-size:12px}
.regressed{color:var(--fail);font-weight:600}
.findings li{margin:6px 0}
.sev-critical{color:var(--fail)}.sev-medium{color:var(--warn)}.sev-low{color:var(--muted)}
.baselined{opacity:.6}
.tag{display:inline-block;border:1px solid var(--line);border-radius:4px;padding:0 4px;font-size:11px;
  color:var(--muted);margin-left:4px}
.panel{background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:10px;margin:8px 0}
.grid2{display:grid;grid-template-columns:repeat(auto-fill,minmax(330px,1fr));gap:10px}
svg.plot{width:100%;height:auto;display:block;font-family:inherit}
svg .grid{stroke:#e5e7eb;stroke-width:1}
svg .axis{stroke:#9ca3af;stroke-width:1}
svg .tick{fill:#6b7280;font-size:11px}
svg .axis-title{fill:#374151;font-size:12px}
svg .legend{fill:#111827;font-size:12px}
svg .legend.small{fill:#6b7280;font-size:11px}
svg .note{fill:#6b7280;font-size:11px}
svg .beyond-cores{fill:#f3f4f6}
svg .threshold{stroke-width:3;stroke-dasharray:2 2}
svg .threshold.crossed{stroke:#dc2626 !important}
svg .usl-curve{stroke:#2563eb;stroke-width:2;fill:none}
svg .linear{stroke:#9ca3af;stroke-width:1.5;stroke-dasharray:5 4;fill:none}
svg .peak{stroke:#d97706;stroke-width:1.5;stroke-dasharray:3 3}
svg circle.measured{fill:#111827}
svg circle.run{fill:none;stroke:#6b7280;stroke-width:1.2}
svg .edge{fill:none}
svg .edge.allowed{stroke:#6b7280;stroke-width:1.6}
svg .edge.type-only{stroke:#9ca3af;stroke-width:1.2;stroke-dasharray:5 4}
svg .edge.violating{stroke:#dc2626;stroke-width:3.2}
svg .edge-label{fill:#374151;font-size:11px;paint-order:stroke;stroke:#fff;stroke-width:3px}
svg .edge-label.violating{fill:#dc2626;font-weight:600}
svg .node circle{fill:#eef2ff;stroke:#4f46e5;stroke-width:2}
svg .node.not-autonomous circle{fill:#fef2f2;stroke:#dc2626;stroke-width:3}
svg .node text{fill:#111827;font-size:12px;font-weight:600}
svg .target{stroke:#dc2626;stroke-width:1.2;stroke-dasharray:4 3}
svg .trend-line{stroke:#374151;stroke-width:1.5;fill:none}
svg .trend-point.current{stroke:#111827;stroke-width:2}
.legend-row{font-size:12px;color:var(--muted)}
.swatch{display:inline-block;width:18px;height:0;border-top:3px solid;vertical-align:middle;margin:0 4px 0 10px}
footer{margin:40px 0 10px;color:var(--muted);font-size:12px}
`;

/** Every endpoint of every scenario, slowest p99 first; rows over the p99 target highlighted. */
function endpointTable(result: Result): string[] {
  const target = p99Target(result);
  const rows = endpointRows(result.load!, target);
  if (rows.length === 0) return [];
  const num = (text: string): string => `<td class="num">${text}</td>`;
  const out = [
    `<h3 id="endpoints">Endpoints by p99${target ? ` · target p99 ${esc(formatTarget(target))}` : ''}</h3>`,
    '<table class="endpoints"><thead><tr><th>Scenario</th><th>Endpoint</th><th>Group</th>' +
      '<th class="num">Requests</th>' +
      '<th class="num">Failed</th><th class="num">errors</th><th class="num">p50</th><th class="num">p95</th>' +
      '<th class="num">p99</th><th class="num">max</th></tr></thead><tbody>',
  ];
  for (const e of rows) {
    const name = e.method && !e.name.startsWith(`${e.method} `) ? `${e.method} ${e.name}` : e.name;
    const p99 = e.overTarget ? `<span class="regressed">${formatMs(e.p99)}</span>` : formatMs(e.p99);
    out.push(
      `<tr${e.overTarget ? ' class="not-pass"' : ''} title="${esc(endpointLabel(e))}"><td>` +
        `<code>${esc(e.scenario)}</code></td>` +
        `<td><code>${esc(name)}</code></td>` +
        `<td>${esc(e.group ?? '')}</td>${num(String(e.count))}${num(String(e.failed))}` +
        `${num(formatPercent(e.errorRate))}${num(formatMs(e.p50))}${num(formatMs(e.p95))}` +
        `${num(p99)}` +
        `${num(formatMs(e.max))}</tr>`,
    );
  }
  out.push('</tbody></table>');
  return out;
}

const PERCENTILE_METHOD: Record<ScenarioSummary['percentileMethod'], string> = {
  'exact-r7': 'exact (R-7)',
  'k6-summary': 'as k6 computed them',
  hdr: 'HDR histogram',
};

function badge(v: Verdict | Result['verdict']): string {
  return `<span class="badge v-${v}">${esc(v)}</span>`;
}

function evidenceItem(ev: Evidence): string {
  const where = ev.file ? `<code>${esc(formatLocation({ file: ev.file, line: ev.line }))}</code> ` : '';
  const baselined = ev.baselined ? ' <span class="tag">baselined</span>' : '';
  return `<li${ev.baselined ? ' class="baselined"' : ''}>${where}${esc(ev.message)}${baselined}</li>`;
}

function functionRow(f: FitnessOutcome, result: Result): string {
  const cmp = result.comparison?.functions.find((c) => c.id === f.id);
  const change = cmp
    ? (cmp.delta === null ? '' : esc(formatSigned(cmp.delta, f.unit))) +
      (cmp.regressed ? ' <span class="regressed">▲ regressed</span>' : '')
    : '';
  const evidence =
    f.evidence.length === 0
      ? ''
      : `<details${f.verdict === 'fail' ? ' open' : ''}><summary>evidence (${f.evidenceTotal})</summary>` +
        `<ul class="evidence">${f.evidence.slice(0, 50).map(evidenceItem).join('')}` +
        `${f.evidenceTotal > 50 ? `<li>… ${f.evidenceTotal - 50} more</li>` : ''}</ul></details>`;
  const cls =
    f.verdict === 'pass' || f.verdict === 'skipped'
      ? ''
      : f.verdict === 'inconclusive'
        ? ' class="v-row-inconclusive"'
        : ' class="not-pass"';
  return (
    `<tr${cls} data-function="${esc(f.id)}"><td>${badge(f.verdict)}</td><td>` +
    `<code>${esc(f.id)}</code>${f.reason ? `<div class="reason">${esc(f.reason)}</div>` : ''}${evidence}</td>` +
    `<td>${esc(f.metric)}</td><td class="num">${esc(formatFunctionTarget(f))}</td><td class="num">` +
    `<strong>${esc(formatValue(f.value, f.unit))}</strong></td>` +
    `<td class="num">${esc(formatBaseline(f.baseline, f.unit))}</td>` +
    `${result.comparison ? `<td class="num">${change}</td>` : ''}<td class="adr">${esc(f.adr ?? '')}</td></tr>`
  );
}

/** One self-contained HTML page (inline CSS, inline SVG plots, no scripts, no network fetches). */
export function renderHtml(result: Result): string {
  const s = result.summary;
  const body: string[] = [];
  body.push(`<h1>pitchey-fit ${esc(result.command)} · ${esc(result.subject.name)}</h1>`);
  body.push(
    `<div class="meta">run <code>${esc(result.runId)}</code> · ${esc(formatTimestamp(result.startedAt))} · ` +
      `${esc(formatDuration(result.durationMs))} · node ${esc(result.environment.node)} on ` +
      `${esc(result.environment.os)}/${esc(result.environment.arch)}, ${result.environment.cpus} ` +
      `CPUs${result.environment.ci ? ' · CI' : ''}</div>`,
  );
  const counts = [
    `${s.passed} passed`,
    `${s.failed} failed`,
    ...(s.inconclusive ? [`${s.inconclusive} inconclusive`] : []),
    ...(s.errored ? [`${s.errored} errored`] : []),
    ...(s.skipped ? [`${s.skipped} skipped`] : []),
  ];
  body.push(
    `<p class="verdict">Verdict ${badge(result.verdict)} ${esc(counts.join(', '))} of ` +
      `${s.total}${result.partial ? ' · <strong>partial run</strong>' : ''}</p>`,
  );

  if (result.baseline) {
    const b = result.baseline;
    body.push(
      `<p class="meta">Baseline <code>${esc(b.file)}</code>: ${b.accepted} accepted, ${b.new} new, ${b.stale.length} ` +
        `stale${b.removed ? `, ${b.removed} removed` : ''}.</p>`,
    );
  }
  body.push('<h2 id="functions">Fitness functions</h2>');
  if (result.functions.length === 0) body.push('<p>No fitness functions were enabled.</p>');
  else {
    body.push(
      `<table class="functions"><thead><tr><th>Status</th><th>Function</th><th>Metric</th><th class="num">Target</th>` +
        `<th class="num">Current</th><th ` +
        `class="num">Baseline</th>${result.comparison ? '<th class="num">Change</th>' : ''}<th>ADR</th></tr></thead>` +
        `<tbody>`,
    );
    body.push(...result.functions.map((f) => functionRow(f, result)));
    body.push('</tbody></table>');
    if (result.comparison)
      body.push(
        `<div class="meta">Change is against the ` +
          `${result.comparison.against === 'last' ? 'last run' : 'last passing run'} ` +
          `<code>${esc(result.comparison.previousRunId)}</code> ` +
          `(${esc(formatTimestamp(result.comparison.previousStartedAt))}).</div>`,
      );
  }

  const groups = groupFindings(result);
  if (groups.length > 0) {
    body.push('<h2 id="violations">Violations found</h2>');
    for (const g of groups) {
      body.push(
        `<h3 class="sev-${g.severity}">${esc(g.severity[0].toUpperCase() + g.severity.slice(1))} ` +
          `(${g.findings.length})</h3><ul class="findings">`,
      );
      for (const f of g.findings) {
        const locs = f.locations.map((l) => `<code>${esc(formatLocation(l))}</code>`).join(', ');
        const adrs = f.adrs.map((a) => `<span class="tag">${esc(a)}</span>`).join('');
        body.push(
          `<li class="${f.baselined ? 'baselined' : ''}"><strong>${esc(f.title)}</strong>` +
            `<span class="tag">${esc(f.rule)}</span>${adrs}` +
            `${f.baselined ? '<span class="tag">baselined</span>' : ''}<br>${esc(f.message)}` +
            `${locs ? `<br><span class="reason">at ${locs}</span>` : ''}</li>`,
        );
      }
      body.push('</ul>');
    }
  }

  const trendFns = result.functions.filter((f) => (result.trends?.[f.id]?.length ?? 0) > 0);
  if (trendFns.length > 0) {
    body.push(
      '<h2 id="trends">Trends across runs</h2><div class="legend-row">dashed red: target · dots coloured by verdict ' +
        '· ringed: this run</div><div class="grid2">',
    );
    for (const f of trendFns) {
      body.push(
        `<div class="panel"><h3><code>${esc(f.id)}</code> <span class="reason">${esc(f.metric)}</span>` +
          `</h3>${renderTrendPlot(f, result.trends![f.id], result.runId, result.startedAt)}</div>`,
      );
    }
    body.push('</div>');
  }

  if (result.load && result.load.scenarios.length > 0) {
    body.push(`<h2 id="latency">Latency · <code>${esc(result.load.targetUrl)}</code></h2>`);
    body.push(`<div class="panel">${renderPercentilePlot(result.load.scenarios)}</div>`);
    body.push(
      '<table><thead><tr><th>Scenario</th><th>Executor</th><th class="num">Samples</th><th class="num">req/s</th>' +
        '<th class="num">p50</th><th class="num">p90</th><th class="num">p95</th><th class="num">p99</th>' +
        '<th class="num">max</th><th class="num">errors</th><th>Notes</th></tr></thead><tbody>',
    );
    for (const sc of result.load.scenarios) {
      const d = sc.metrics.http_req_duration?.values ?? {};
      const rate = sc.metrics.http_reqs?.values.rate;
      const notes = [
        ...(sc.generatorSaturated ? [`generator saturated: ${sc.saturationReasons.join('; ')}`] : []),
        ...(sc.partial ? ['partial'] : []),
        ...sc.thresholds
          .filter((t) => !t.ok)
          .map((t) => `threshold ${t.metric} ${t.expression} crossed (observed ${t.observed ?? 'n/a'})`),
        `percentiles: ${PERCENTILE_METHOD[sc.percentileMethod]}, resolution ${sc.latencyResolutionMs} ms`,
      ];
      body.push(
        `<tr><td><code>${esc(sc.name)}</code></td><td>${esc(sc.executor)} (${esc(sc.engine)})</td>` +
          `<td class="num">${sc.sampleCount}</td><td ` +
          `class="num">${rate === undefined ? 'n/a' : rate.toFixed(0)}</td>` +
          `<td class="num">${formatMs(d.med)}</td><td class="num">${formatMs(d['p(90)'])}</td>` +
          `<td class="num">${formatMs(d['p(95)'])}</td><td class="num">${formatMs(d['p(99)'])}</td>` +
          `<td class="num">${formatMs(d.max)}</td>` +
          `<td class="num">${formatPercent(sc.metrics.http_req_failed?.values.rate)}</td>` +
          `<td class="reason">${esc(notes.join(' · '))}</td></tr>`,
      );
    }
    body.push('</tbody></table>');
    body.push(...endpointTable(result));
  }

  if (result.capacity) {
    const c = result.capacity;
    body.push(
      `<h2 id="capacity">Capacity · ${c.maxSustainableRate ?? 'none'} req/s sustained (SLO p99 &lt; ${c.slo.p99Ms} ms)</h2>`,
    );
    body.push(`<div class="panel">${renderCapacityPlot(c)}</div>`);
    body.push(`<p>${esc([c.confidence, c.stoppedEarly, c.traffic?.note].filter(Boolean).join(' · '))}</p>`);
    for (const o of c.overrides ?? []) body.push(`<p class="reason">${esc(o)}</p>`);
  }

  if (result.scale) {
    const sc = result.scale;
    body.push(`<h2 id="scaling">Scaling · ${esc(sc.mode)}, ${esc(sc.engine)}, ${sc.cores} cores</h2>`);
    const slo = sc.points.find((p) => p.capacity)?.capacity?.slo;
    if (sc.measure === 'capacity' && slo)
      body.push(
        `<p>X(N) per step: the highest open-model arrival rate meeting the SLO (p99 &lt; ${slo.p99Ms} ms, errors ` +
          `&lt; ${(slo.maxErrorRate * 100).toFixed(2)}%, no dropped iterations); a capacity search per N.</p>`,
      );
    body.push(`<div class="panel">${renderUslPlot(sc)}</div>`);
    if (sc.fit) {
      const f = sc.fit;
      const ci = (i?: [number, number]): string => (i ? ` [${i[0].toPrecision(3)}, ${i[1].toPrecision(3)}]` : '');
      body.push(
        `<p>USL fit: σ = ${f.sigma.toFixed(4)}${ci(f.sigmaInterval)}, κ = ` +
          `${f.kappa.toFixed(5)}${ci(f.kappaInterval)}, λ = ${f.lambda.toFixed(1)} req/s, R² = ${f.r2.toFixed(4)}. ` +
          (f.nMax === null
            ? 'No throughput peak (κ = 0).'
            : `Peak throughput ${f.xMax?.toFixed(0) ?? 'n/a'} req/s at N ≈ ${f.nMax.toFixed(1)}.`) +
          '</p>',
      );
    } else body.push('<p>No USL fit.</p>');
    if (sc.fitNote) body.push(`<p class="reason">${esc(sc.fitNote)}</p>`);
    body.push(
      '<table><thead><tr><th class="num">N</th><th class="num">req/s (median)</th><th>repeats</th>' +
        '<th class="num">E(N)</th><th class="num">p99</th><th class="num">errors</th><th>flags</th></tr></thead>' +
        '<tbody>',
    );
    for (const p of sc.points) {
      body.push(
        `<tr><td class="num">${p.n}</td><td class="num">${p.throughput.toFixed(0)}</td>` +
          `<td>${p.runs.map((r) => r.toFixed(0)).join(', ')}</td>` +
          `<td class="num">${p.efficiency === null ? 'n/a' : p.efficiency.toFixed(3)}</td>` +
          `<td class="num">${formatMs(p.latencyP99Ms)}</td><td class="num">${p.errors}</td>` +
          `<td>${esc([...new Set([...(p.beyondCores ? ['beyond-cores'] : []), ...p.flags])].join(', '))}</td></tr>`,
      );
    }
    body.push('</tbody></table>');
    for (const p of sc.points)
      if (p.capacity) body.push(`<p class="reason">${esc(stepCapacityText(p.n, p.throughput, p.capacity))}</p>`);
    for (const n of [...(sc.overrides ?? []), ...sc.notes]) body.push(`<p class="reason">${esc(n)}</p>`);
  }

  if (result.static) {
    const st = result.static;
    body.push('<h2 id="dependencies">Service dependencies</h2>');
    body.push(
      `<div class="meta">${st.counts.modules} modules, ${st.counts.valueEdges} value / ${st.counts.typeEdges} ` +
        `type-only edges (${esc(st.engine)}; autonomy and coupling count ` +
        `${st.counted === 'value' ? 'value edges' : 'all edges'})</div>`,
    );
    body.push(
      '<div class="legend-row"><span class="swatch" style="border-color:#dc2626">' +
        '</span>violating <span class="swatch" style="border-color:#6b7280">' +
        '</span>allowed value import <span class="swatch" style="border-color:#9ca3af;border-top-style:dashed">' +
        '</span>type-only · labels: value+type-only imports</div>',
    );
    body.push(`<div class="grid2"><div class="panel">${renderDependencyGraph(st)}</div><div>`);
    body.push(
      '<table><thead><tr><th>Service</th><th class="num">Ca</th><th class="num">Ce</th><th class="num">I</th>' +
        '<th class="num">A</th><th class="num">D</th><th>Autonomous</th></tr></thead><tbody>',
    );
    const r2 = (v: number | null): string => (v === null ? 'n/a' : v.toFixed(2));
    for (const sv of st.services) {
      body.push(
        `<tr><td>${esc(sv.name)}</td><td class="num">${sv.ca}</td><td class="num">${sv.ce}</td>` +
          `<td class="num">${r2(sv.instability)}</td><td class="num">${r2(sv.abstractness)}</td>` +
          `<td class="num">${r2(sv.distance)}</td>` +
          `<td>${sv.autonomous ? 'yes' : '<strong class="sev-critical">no</strong>'}</td></tr>`,
      );
    }
    body.push('</tbody></table>');
    if (st.cycles.value.length > 0) {
      body.push(
        `<h3>Value-level cycles (${st.cycles.value.length})</h3><ul class="evidence">${st.cycles.value
          .slice(0, 10)
          .map((c) => `<li>${c.size} files: <code>${esc(c.example.join(' → '))}</code></li>`)
          .join('')}</ul>`,
      );
    }
    body.push('</div></div>');
    body.push(moduleViewHtml(st));
    body.push(domainViewHtml(st));
  }

  if (result.errors.length > 0) {
    body.push('<h2 id="problems">Problems during the run</h2><ul>');
    for (const e of result.errors) body.push(`<li><code>${esc(e.phase)}</code>: ${esc(e.message)}</li>`);
    body.push('</ul>');
  }
  body.push(
    `<footer>${esc(result.tool.name)} ${esc(result.tool.version)} · result schema ${esc(result.schemaVersion)} · ` +
      `config ${esc(result.subject.configFile ?? 'none')}</footer>`,
  );

  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${esc(`pitchey-fit ${result.verdict.toUpperCase()} · ${result.subject.name}`)}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
${body.join('\n')}
</main>
</body>
</html>
`;
}
