import { mkdirSync } from 'node:fs';
import type { ScenarioConfig } from '../config/types.js';
import { ConfigError } from '../core/errors.js';
import type { LoadSection } from '../core/result-load.js';
import { loadDataRows } from './data-feeder.js';
import { loadEngine } from './engines/registry.js';
import { parseDuration } from './duration.js';
import { planExecutor } from './executor-plan.js';
import { BUILTIN_METRICS } from './metric-types.js';
import { compileRequest, redirectLimit, type RedirectsOption } from './native/compiled-request.js';
import { applyOverrides, checkOverrides } from './overrides.js';
import type { LoadRunOptions, PreparedScenario } from './scenario-model.js';
import { assertReachable } from './target-preflight.js';
import { validateThresholds } from './threshold-evaluator.js';
import { parseThresholds, type ParsedThreshold } from './threshold-expression.js';

export type { LoadRunOptions, PreparedScenario } from './scenario-model.js';

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
  const redirects = redirectLimit((scenario as ScenarioConfig & RedirectsOption).redirects, `${keyPath}.redirects`);
  if (scenario.warmup !== undefined) parseDuration(scenario.warmup, `${keyPath}.warmup`);
  if (!Array.isArray(scenario.requests) || scenario.requests.length === 0) {
    throw new ConfigError('requests must be a non-empty array', `${keyPath}.requests`);
  }
  scenario.requests.forEach((r, i) => {
    if (typeof r?.path !== 'string' || !r.path.startsWith('/'))
      throw new ConfigError(`path must be a string starting with '/'`, `${keyPath}.requests[${i}].path`);
    if (r.weight !== undefined && !(typeof r.weight === 'number' && r.weight >= 0))
      throw new ConfigError('weight must be a non-negative number', `${keyPath}.requests[${i}].weight`);
    compileRequest(r, `${keyPath}.requests[${i}]`, redirects);
  });
  (scenario.setup ?? []).forEach((r, i) => compileRequest(r, `${keyPath}.setup[${i}]`));
  if (scenario.requests.reduce((s, r) => s + (r.weight ?? 1), 0) <= 0)
    throw new ConfigError('request weights sum to 0', `${keyPath}.requests`);
}

/**
 * Runs the scenarios one after another against `baseUrl` and returns the load section of the Result.
 * Throws ConfigError (bad scenario/threshold), UsageError (engine not available), TargetUnreachableError (the target
 * refuses connections, or answered none of a scenario's requests).
 */
export async function runLoad(opts: LoadRunOptions): Promise<LoadSection> {
  const names = Object.keys(opts.scenarios ?? {});
  if (names.length === 0) throw new ConfigError('no scenarios to run', 'load.scenarios');
  if (opts.overrides) checkOverrides(opts.overrides);
  const overridden = new Map<string, string[]>();
  const prepared = names.map((name): PreparedScenario => {
    let scenario = opts.scenarios[name];
    if (opts.overrides) {
      validateScenario(name, scenario);
      const o = applyOverrides(name, scenario, opts.overrides);
      scenario = o.scenario;
      if (o.applied.length) overridden.set(name, o.applied);
    }
    validateScenario(name, scenario);
    return {
      name,
      scenario,
      thresholds: scenarioThresholds(name, scenario, opts.thresholds),
      dataRows: loadDataRows(scenario.data, opts.baseDir ?? process.cwd(), `load.scenarios.${name}.data`),
    };
  });
  const engine = await loadEngine(opts.engine ?? 'native');
  engine.assertAvailable?.();
  mkdirSync(opts.outDir, { recursive: true });
  await assertReachable(opts.baseUrl);
  const section = await engine.run(
    { ...opts, scenarios: Object.fromEntries(prepared.map((p) => [p.name, p.scenario])) },
    prepared,
  );
  for (const s of section.scenarios) {
    const applied = overridden.get(s.name);
    if (applied) s.notes = [...(s.notes ?? []), `overridden from the command line: ${applied.join(', ')}`];
  }
  return section;
}
