import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { ScenarioConfig, ThresholdConfig } from '../config/types.js';
import { ConfigError, TargetUnreachableError, UsageError } from '../core/errors.js';
import type { LoadSection, ScenarioSummary } from '../core/result-load.js';
import { loadDataRows } from './data-feeder.js';
import { defaultWorkerCount, runNativeScenario } from './engines/native.js';
import { parseDuration } from './duration.js';
import { planExecutor } from './executor-plan.js';
import { BUILTIN_METRICS } from './metric-types.js';
import { ProgressLine } from './progress-line.js';
import { toHandleSummaryData } from './scenario-summary.js';
import { compileRequest } from './segment-runner.js';
import { assertReachable } from './target-preflight.js';
import { validateThresholds } from './threshold-evaluator.js';
import { parseThresholds, type ParsedThreshold } from './threshold-expression.js';

export interface LoadRunOptions {
  /** Base URL of the target; tests use loopback only. */
  baseUrl: string;
  /** Scenarios to run, in order (already shape-validated by the config loader; executor keys are checked here). */
  scenarios: Record<string, ScenarioConfig>;
  /** Global thresholds, merged into each scenario's. */
  thresholds?: Record<string, Array<string | ThresholdConfig>>;
  engine?: 'native' | 'autocannon' | 'k6';
  /** Artifacts: `<scenario>-summary.json` (k6 handleSummary data shape) and, with keepSamples, `<scenario>.ndjson`. */
  outDir: string;
  /** Keep every sample: exact R-7 percentiles and k6 `--out json` NDJSON. Default false (HDR histograms). */
  keepSamples?: boolean;
  allowDroppedIterations?: boolean;
  /** Ctrl-C: stops gracefully; the scenarios run so far are returned, marked partial. */
  signal?: AbortSignal;
  /** Live progress line on stderr when it is a TTY. */
  progress?: boolean;
  /** Worker threads, one execution segment each (default: available cores); 0 runs in the calling thread. */
  workers?: number;
  /** Directory `data` file paths are relative to (default: cwd). */
  baseDir?: string;
}

/** Parses and validates global + scenario thresholds against the metrics the engine emits. */
export function scenarioThresholds(
  name: string,
  scenario: ScenarioConfig,
  global: LoadRunOptions['thresholds'],
): ParsedThreshold[] {
  const lookup = (n: string) => BUILTIN_METRICS[n];
  const g = parseThresholds(global, 'load.thresholds');
  validateThresholds(g, lookup, 'load.thresholds');
  const s = parseThresholds(scenario.thresholds, `load.scenarios.${name}.thresholds`);
  validateThresholds(s, lookup, `load.scenarios.${name}.thresholds`);
  // A global threshold repeated in the scenario is one threshold, not two lines of the same verdict.
  const seen = new Set<string>();
  return [...g, ...s].filter((t) => {
    const key = `${t.metric.text}\u0000${t.expression.text.replace(/\s+/g, '')}\u0000${t.abortOnFail}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Checks a scenario's executor keys and request templates before anything is sent. */
export function validateScenario(name: string, scenario: ScenarioConfig): void {
  const keyPath = `load.scenarios.${name}`;
  if (!scenario || typeof scenario !== 'object') throw new ConfigError('scenario must be an object', keyPath);
  planExecutor(scenario, keyPath);
  if (scenario.warmup !== undefined) parseDuration(scenario.warmup, `${keyPath}.warmup`);
  if (!Array.isArray(scenario.requests) || scenario.requests.length === 0) {
    throw new ConfigError('requests must be a non-empty array', `${keyPath}.requests`);
  }
  scenario.requests.forEach((r, i) => {
    if (typeof r?.path !== 'string' || !r.path.startsWith('/')) throw new ConfigError(`path must be a string starting with '/'`, `${keyPath}.requests[${i}].path`);
    if (r.weight !== undefined && !(typeof r.weight === 'number' && r.weight >= 0)) throw new ConfigError('weight must be a non-negative number', `${keyPath}.requests[${i}].weight`);
    compileRequest(r, `${keyPath}.requests[${i}]`);
  });
  (scenario.setup ?? []).forEach((r, i) => compileRequest(r, `${keyPath}.setup[${i}]`));
  if (scenario.requests.reduce((s, r) => s + (r.weight ?? 1), 0) <= 0) throw new ConfigError('request weights sum to 0', `${keyPath}.requests`);
}

function seedOf(name: string): number {
  let h = 2166136261;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 16777619);
  return h >>> 0;
}

const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EAI_AGAIN', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_SOCKET']);

/**
 * Runs the scenarios one after another against `baseUrl` and returns the load section of the Result.
 * Throws ConfigError (bad scenario/threshold), UsageError (engine not available), TargetUnreachableError (no response
 * at all because the target refuses connections).
 */
export async function runLoad(opts: LoadRunOptions): Promise<LoadSection> {
  const names = Object.keys(opts.scenarios ?? {});
  if (names.length === 0) throw new ConfigError('no scenarios to run', 'load.scenarios');
  const prepared = names.map((name) => {
    const scenario = opts.scenarios[name];
    validateScenario(name, scenario);
    return {
      name,
      scenario,
      thresholds: scenarioThresholds(name, scenario, opts.thresholds),
      dataRows: loadDataRows(scenario.data, opts.baseDir ?? process.cwd(), `load.scenarios.${name}.data`),
    };
  });
  const engine = opts.engine ?? 'native';
  if (engine === 'k6') {
    const { findK6Binary, K6_INSTALL_HINT } = await import('./engines/k6.js');
    if (!findK6Binary()) throw new UsageError(`--engine k6 needs a k6 binary on PATH: ${K6_INSTALL_HINT}`);
  }
  mkdirSync(opts.outDir, { recursive: true });
  await assertReachable(opts.baseUrl);

  if (engine === 'k6') {
    const { runK6Scenarios } = await import('./engines/k6.js');
    return runK6Scenarios({ ...opts, prepared });
  }
  if (engine === 'autocannon') {
    const { runAutocannonScenarios } = await import('./engines/autocannon-scenarios.js');
    return runAutocannonScenarios({ ...opts, prepared });
  }
  if (engine !== 'native') throw new UsageError(`unknown load engine ${JSON.stringify(engine)}: expected native, autocannon or k6`);

  const scenarios: ScenarioSummary[] = [];
  for (const p of prepared) {
    if (opts.signal?.aborted) break;
    const line = opts.progress && process.stderr.isTTY ? new ProgressLine(p.name, process.stderr) : null;
    let result;
    try {
      result = await runNativeScenario({
        name: p.name,
        scenario: p.scenario,
        baseUrl: opts.baseUrl,
        thresholds: p.thresholds,
        dataRows: p.dataRows,
        keepSamples: opts.keepSamples ?? false,
        outDir: opts.outDir,
        workers: opts.workers ?? defaultWorkerCount(),
        seed: seedOf(p.name),
        signal: opts.signal,
        onProgress: line ? (pr, ms) => line.update(pr, ms) : undefined,
      });
    } finally {
      line?.done();
    }
    const responses = result.outputs.reduce((s, o) => s + o.responses, 0);
    if (responses === 0) {
      const codes = new Set(result.outputs.flatMap((o) => Object.keys(o.networkErrors)));
      if (codes.size > 0 && [...codes].every((c) => CONNECTION_ERRORS.has(c))) {
        throw new TargetUnreachableError(`target ${opts.baseUrl} answered no request of scenario ${p.name}: ${[...codes].join(', ')}`);
      }
    }
    const summary = result.summary;
    const file = `${p.name}-summary.json`;
    writeFileSync(path.join(opts.outDir, file), `${JSON.stringify(toHandleSummaryData(summary), null, 2)}\n`);
    summary.artifacts = { ...summary.artifacts, summary: file };
    scenarios.push(summary);
    if (summary.partial && opts.signal?.aborted) break;
  }
  if (opts.signal?.aborted && scenarios.length < prepared.length) {
    for (const s of scenarios) s.partial = true;
  }
  return { targetUrl: opts.baseUrl, scenarios, ...(opts.allowDroppedIterations ? { allowDroppedIterations: true } : {}) };
}

export type PreparedScenario = {
  name: string;
  scenario: ScenarioConfig;
  thresholds: ParsedThreshold[];
  dataRows?: ReturnType<typeof loadDataRows>;
};
