import { Gauge, Registry } from 'prom-client';
import type { LoadSection } from '../core/result-load.js';
import type { Result } from '../core/result.js';
import { higherIsBetter } from '../core/target.js';

/** `percentile` label values for the latency gauges, from the k6 summary keys of http_req_duration. */
const SUMMARY_PERCENTILES: Array<[string, string]> = [
  ['min', '0'],
  ['med', '50'],
  ['p(90)', '90'],
  ['p(95)', '95'],
  ['p(99)', '99'],
  ['max', '100'],
];

type GaugeFactory = <L extends string>(name: string, help: string, labelNames?: readonly L[]) => Gauge<L>;

function num(v: number | boolean | null): number | null {
  if (v === null) return null;
  return typeof v === 'boolean' ? Number(v) : v;
}

/**
 * A fresh prom-client Registry (no default metrics) holding the Result as gauges. Label sets of
 * pitchey_fit_fitness_{value,target,pass,direction} are identical ({function, metric}) so they match one to one.
 */
export function buildRegistry(result: Result): Registry {
  const registry = new Registry();
  const gauge: GaugeFactory = <L extends string>(name: string, help: string, labelNames: readonly L[] = []): Gauge<L> =>
    new Gauge<L>({ name, help, labelNames, registers: [registry] });

  gauge('pitchey_fit_run_info', 'Information about the run whose results are exposed (value is always 1).', [
    'run_id',
    'subject',
    'command',
    'verdict',
    'version',
  ]).set(
    {
      run_id: result.runId,
      subject: result.subject.name,
      command: result.command,
      verdict: result.verdict,
      version: result.tool.version,
    },
    1,
  );
  gauge('pitchey_fit_run_timestamp_seconds', 'Start of the run, Unix time in seconds.').set(
    Date.parse(result.startedAt) / 1000,
  );
  gauge('pitchey_fit_run_duration_seconds', 'Wall time of the run in seconds.').set(result.durationMs / 1000);
  gauge('pitchey_fit_run_passed', '1 when every enabled fitness function passed (overall verdict pass), else 0.').set(
    result.verdict === 'pass' ? 1 : 0,
  );
  gauge('pitchey_fit_run_partial', '1 when the run was interrupted or a collector stopped early.').set(
    result.partial ? 1 : 0,
  );
  const fnCount = gauge('pitchey_fit_functions', 'Fitness functions of the run by verdict.', ['verdict']);
  fnCount.set({ verdict: 'pass' }, result.summary.passed);
  fnCount.set({ verdict: 'fail' }, result.summary.failed);
  fnCount.set({ verdict: 'inconclusive' }, result.summary.inconclusive);
  fnCount.set({ verdict: 'error' }, result.summary.errored);
  fnCount.set({ verdict: 'skipped' }, result.summary.skipped);

  const fnLabels = ['function', 'metric'] as const;
  const value = gauge(
    'pitchey_fit_fitness_value',
    'Measured value of a fitness function, in the unit of its target (booleans as 1/0). ' +
      'Absent when no value was measured.',
    fnLabels,
  );
  const target = gauge(
    'pitchey_fit_fitness_target',
    'Target value of a fitness function, in the same unit as pitchey_fit_fitness_value.',
    fnLabels,
  );
  const pass = gauge(
    'pitchey_fit_fitness_pass',
    '1 when the fitness function met its target, 0 when it failed; absent when inconclusive, errored or skipped.',
    fnLabels,
  );
  const direction = gauge(
    'pitchey_fit_fitness_direction',
    'Which way is better for a fitness function: 1 higher, -1 lower, 0 equality target.',
    fnLabels,
  );
  const baseline = gauge(
    'pitchey_fit_fitness_baseline',
    'The last known value the config declares for a fitness function (its `current`).',
    fnLabels,
  );
  const info = gauge('pitchey_fit_fitness_info', 'Descriptive labels of a fitness function (value is always 1).', [
    'function',
    'metric',
    'kind',
    'severity',
    'adr',
    'unit',
    'target',
    'verdict',
  ]);
  const duration = gauge(
    'pitchey_fit_fitness_duration_seconds',
    'Time the fitness function test took, in seconds.',
    fnLabels,
  );
  for (const f of result.functions) {
    const labels = { function: f.id, metric: f.metric };
    const v = num(f.value);
    if (v !== null && Number.isFinite(v)) value.set(labels, v);
    target.set(labels, num(f.target.value)!);
    if (f.verdict === 'pass' || f.verdict === 'fail') pass.set(labels, f.verdict === 'pass' ? 1 : 0);
    const dir = higherIsBetter(f.target);
    direction.set(labels, dir === undefined ? 0 : dir ? 1 : -1);
    const b = num(f.baseline);
    if (b !== null) baseline.set(labels, b);
    info.set(
      {
        ...labels,
        kind: f.kind,
        severity: f.severity,
        adr: f.adr ?? '',
        unit: f.unit,
        target: f.target.text,
        verdict: f.verdict,
      },
      1,
    );
    duration.set(labels, f.durationMs / 1000);
  }

  const findings = gauge(
    'pitchey_fit_findings',
    'Violations found, by severity and rule (baselined ones counted separately).',
    ['severity', 'rule', 'baselined'],
  );
  for (const f of result.findings)
    findings.inc({ severity: f.severity, rule: f.rule, baselined: f.baselined ? 'true' : 'false' });

  if (result.static) {
    const st = result.static;
    const svc = ['service'] as const;
    const ca = gauge(
      'pitchey_fit_service_afferent_coupling',
      'Ca: number of other services that depend on this service.',
      svc,
    );
    const ce = gauge(
      'pitchey_fit_service_efferent_coupling',
      'Ce: number of other services this service depends on.',
      svc,
    );
    const inst = gauge('pitchey_fit_service_instability', 'I = Ce / (Ca + Ce), 0..1; absent when Ca + Ce = 0.', svc);
    const abs = gauge(
      'pitchey_fit_service_abstractness',
      'A: abstract exported declarations / all exported declarations, 0..1.',
      svc,
    );
    const dist = gauge(
      'pitchey_fit_service_main_sequence_distance',
      'D = |A + I - 1|, distance from the main sequence, 0..1.',
      svc,
    );
    const auto = gauge(
      'pitchey_fit_service_autonomous',
      '1 when the service imports no other service at value level.',
      svc,
    );
    const modules = gauge('pitchey_fit_service_modules', 'Modules (files) in the service.', svc);
    for (const s of st.services) {
      const l = { service: s.name };
      ca.set(l, s.ca);
      ce.set(l, s.ce);
      if (s.instability !== null) inst.set(l, s.instability);
      if (s.abstractness !== null) abs.set(l, s.abstractness);
      if (s.distance !== null) dist.set(l, s.distance);
      auto.set(l, s.autonomous ? 1 : 0);
      modules.set(l, s.modules);
    }
    const deps = gauge(
      'pitchey_fit_service_dependency_imports',
      'Imports between two services, by kind (value or type) and whether the dependency violates the config.',
      ['from', 'to', 'kind', 'violating'],
    );
    for (const e of st.serviceEdges) {
      deps.set({ from: e.from, to: e.to, kind: 'value', violating: String(e.violating) }, e.valueEdges);
      deps.set({ from: e.from, to: e.to, kind: 'type', violating: String(e.violating) }, e.typeEdges);
    }
    gauge('pitchey_fit_static_modules', 'Modules in the analysed dependency graph.').set(st.counts.modules);
    const edges = gauge('pitchey_fit_static_edges', 'Import edges in the dependency graph, by kind.', ['kind']);
    edges.set({ kind: 'value' }, st.counts.valueEdges);
    edges.set({ kind: 'type' }, st.counts.typeEdges);
    edges.set({ kind: 'unresolved' }, st.counts.unresolved);
    const cycles = gauge(
      'pitchey_fit_static_cycles',
      'Import cycles (strongly connected components) over all edges or value edges only.',
      ['level'],
    );
    cycles.set({ level: 'all' }, st.cycles.all.length);
    cycles.set({ level: 'value' }, st.cycles.value.length);
  }

  if (result.load) {
    const sc = ['scenario'] as const;
    // A `quantile` label is reserved for summaries; these are precomputed gauges, so the label is `percentile` (0-100).
    const latency = gauge(
      'pitchey_fit_load_latency_seconds',
      'http_req_duration percentiles per scenario, in seconds (percentile 0 = min, 100 = max).',
      ['scenario', 'percentile'],
    );
    const rps = gauge(
      'pitchey_fit_load_requests_per_second',
      'Mean request rate of the scenario (http_reqs rate).',
      sc,
    );
    const reqs = gauge('pitchey_fit_load_requests', 'Requests sent in the scenario (http_reqs count).', sc);
    const errors = gauge('pitchey_fit_load_error_ratio', 'Share of failed requests (http_req_failed rate), 0..1.', sc);
    const dropped = gauge(
      'pitchey_fit_load_dropped_iterations',
      'Iterations an open-model executor could not start (dropped_iterations count).',
      sc,
    );
    const saturated = gauge(
      'pitchey_fit_load_generator_saturated',
      '1 when the load generator could not keep up (latency verdicts inconclusive).',
      sc,
    );
    const thresholds = gauge(
      'pitchey_fit_load_threshold_ok',
      'k6-style threshold outcome per scenario: 1 ok, 0 crossed.',
      ['scenario', 'metric', 'threshold'],
    );
    for (const s of result.load.scenarios) {
      const l = { scenario: s.name };
      const d = s.metrics.http_req_duration?.values ?? {};
      const byPercentile = new Map<string, number>();
      for (const [key, p] of SUMMARY_PERCENTILES) if (d[key] !== undefined) byPercentile.set(p, d[key]);
      for (const c of s.percentileCurve) byPercentile.set(String(c.p), c.ms);
      for (const [p, ms] of byPercentile)
        latency.set({ scenario: s.name, percentile: p }, Number((ms / 1000).toPrecision(12)));
      const r = s.metrics.http_reqs?.values;
      if (r?.rate !== undefined) rps.set(l, r.rate);
      if (r?.count !== undefined) reqs.set(l, r.count);
      const failed = s.metrics.http_req_failed?.values.rate;
      if (failed !== undefined) errors.set(l, failed);
      const drop = s.metrics.dropped_iterations?.values.count;
      if (drop !== undefined) dropped.set(l, drop);
      saturated.set(l, s.generatorSaturated ? 1 : 0);
      for (const t of s.thresholds)
        thresholds.set({ scenario: s.name, metric: t.metric, threshold: t.expression }, t.ok ? 1 : 0);
    }
    endpointGauges(result.load, gauge);
  }

  if (result.scale) {
    const s = result.scale;
    const tp = gauge(
      'pitchey_fit_scale_throughput_requests_per_second',
      'Median measured throughput at N workers / concurrency.',
      ['n'],
    );
    const eff = gauge('pitchey_fit_scale_efficiency', 'Scaling efficiency E(N) = X(N) / (N X(1)).', ['n']);
    for (const p of s.points) {
      tp.set({ n: String(p.n) }, p.throughput);
      if (p.efficiency !== null) eff.set({ n: String(p.n) }, p.efficiency);
    }
    if (s.fit) {
      gauge('pitchey_fit_usl_sigma', 'USL contention coefficient sigma (serial fraction).').set(s.fit.sigma);
      gauge('pitchey_fit_usl_kappa', 'USL coherency coefficient kappa (crosstalk).').set(s.fit.kappa);
      gauge(
        'pitchey_fit_usl_lambda_requests_per_second',
        'USL lambda: throughput of one worker without contention, req/s.',
      ).set(s.fit.lambda);
      gauge('pitchey_fit_usl_r_squared', 'Coefficient of determination of the USL fit.').set(s.fit.r2);
      if (s.fit.nMax !== null)
        gauge('pitchey_fit_usl_peak_n', 'N at which the USL predicts peak throughput, sqrt((1 - sigma) / kappa).').set(
          s.fit.nMax,
        );
      if (s.fit.xMax !== null)
        gauge('pitchey_fit_usl_peak_throughput_requests_per_second', 'Peak throughput the USL predicts, req/s.').set(
          s.fit.xMax,
        );
    }
    if (s.cpuQuota) {
      const budget = gauge('pitchey_fit_scale_cpu_budget_cores', 'Scale model: CPU quota per part, in cores.', [
        'part',
      ]);
      budget.set({ part: 'unit' }, s.cpuQuota.unitCpus);
      budget.set({ part: 'shared' }, s.cpuQuota.sharedCpus);
    }
  }
  if (result.capacity) {
    const c = result.capacity;
    if (c.maxSustainableRate !== null) {
      gauge('pitchey_fit_capacity_requests_per_second', 'Highest arrival rate at which the SLO held, req/s.').set(
        c.maxSustainableRate,
      );
    }
    gauge('pitchey_fit_capacity_slo_p99_seconds', 'Capacity search SLO: p99 target, seconds.').set(c.slo.p99Ms / 1000);
    if (c.traffic) {
      gauge('pitchey_fit_capacity_users_per_instance', 'Users one instance serves by the traffic model.').set(
        c.traffic.usersPerInstance,
      );
    }
  }
  return registry;
}

/** Per-endpoint trends with k6's `name` label (the request name), plus `method` and `group` when known. */
function endpointGauges(load: LoadSection, gauge: GaugeFactory): void {
  if (!load.scenarios.some((s) => s.endpoints?.length)) return;
  const labels = ['scenario', 'name', 'method', 'group'] as const;
  const latency = gauge(
    'pitchey_fit_load_endpoint_latency_seconds',
    'http_req_duration percentiles per endpoint (request name), in seconds (percentile 100 = max).',
    [...labels, 'percentile'],
  );
  const requests = gauge('pitchey_fit_load_endpoint_requests', 'Requests sent to the endpoint.', labels);
  const failed = gauge(
    'pitchey_fit_load_endpoint_failed_requests',
    'Failed requests to the endpoint (http_req_failed).',
    labels,
  );
  const ratio = gauge(
    'pitchey_fit_load_endpoint_error_ratio',
    'Share of failed requests to the endpoint, 0..1.',
    labels,
  );
  for (const s of load.scenarios) {
    for (const e of s.endpoints ?? []) {
      const l = { scenario: s.name, name: e.name, method: e.method ?? '', group: e.group ?? '' };
      const percentiles: Array<[string, number]> = [
        ['50', e.p50],
        ['95', e.p95],
        ['99', e.p99],
        ['100', e.max],
      ];
      for (const [percentile, ms] of percentiles)
        latency.set({ ...l, percentile }, Number((ms / 1000).toPrecision(12)));
      requests.set(l, e.count);
      failed.set(l, e.failed);
      ratio.set(l, e.errorRate);
    }
  }
}

/** The Result in the Prometheus text exposition format (for a textfile collector, /metrics or a Pushgateway). */
export async function renderPrometheus(result: Result): Promise<string> {
  return buildRegistry(result).metrics();
}

export const PROMETHEUS_CONTENT_TYPE = new Registry().contentType;
