import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import type { FitnessContext, FitnessFunctions } from '../core/fitness-function.js';
import type { DependencyGraph } from '../core/result-static.js';
import { judgeFunction, overallVerdict, skippedOutcome, summarise } from '../core/judge.js';
import { mergeFitnessFunctions, neededCollectors, selectByKinds } from '../core/registry.js';
import {
  RESULT_SCHEMA_VERSION,
  type FitnessOutcome,
  type LoadSection,
  type Result,
  type ScaleSection,
} from '../core/result.js';
import type { PitcheyFitConfig } from '../config/types.js';
import { packageVersion } from '../config/package-root.js';
import { loadBuiltins } from './builtin-functions.js';
import type { CollectFlags, CollectorName, CollectorOutput, RunLog } from './collector.js';
import { collectorNames, collectorsFor } from './collector-registry.js';
import { guardedTest, DEFAULT_FUNCTION_TIMEOUT_MS } from './function-guard.js';
import { untilAbandoned } from './until-abandoned.js';
import { resolveConfig, resolveConfigObject, type ResolvedConfig } from './resolve-config.js';

export interface RunOptions {
  /** Recorded as Result.command (default 'run'). */
  command?: string;
  /** Collectors this run may use (default: the config's `checks`, else static plus load/scale when configured). */
  kinds?: CollectorName[];
  flags?: CollectFlags;
  /** Aborting stops the collectors promptly; the Result is then marked partial. */
  signal?: AbortSignal;
  /** Progress and warning lines (default: none). */
  log?: RunLog;
  /** Live progress line of the load engine (terminals only). */
  progress?: boolean;
  /** Sections measured elsewhere (k6 outputs, a points file): used instead of running that collector. */
  provided?: { load?: LoadSection; scale?: ScaleSection };
  /** Baseline (freeze) file of accepted violations, and whether to shrink it to what is still present. */
  baseline?: { file: string; update: boolean };
  /** Folder a config file is looked up in, and an object config's paths are resolved from (default: cwd). */
  cwd?: string;
  /** Report folder recorded for the collectors' own files (e.g. raw samples); default from the config. */
  outDir?: string;
  /** Each fitness function's test() must settle within this many ms, else its verdict is `error` (default 60 s). */
  functionTimeoutMs?: number;
  /** Called once when a collector fails (the run stops collecting; what was measured stays in the Result). */
  onCollectorError?: (collector: CollectorName, error: unknown) => void;
}

/**
 * The programmatic API: collect → measure → judge, one Result, no reporting. `config` is a config file path, a
 * config object (as `defineConfig` takes), or undefined for pitchey-fit.config.* in `cwd` (else the bundled platform).
 * Collector failures do not reject: they are in `result.errors` (the Result is then `partial`), and the functions
 * that needed the missing section are `skipped`. Config errors reject with a ConfigError.
 */
export async function run(config: string | PitcheyFitConfig | undefined, options: RunOptions = {}): Promise<Result> {
  const cwd = path.resolve(options.cwd ?? process.cwd());
  const resolved =
    typeof config === 'object' && config !== null
      ? await resolveConfigObject(config, cwd, options.outDir)
      : await resolveConfig(cwd, config, options.outDir, options.signal);
  return runResolved(resolved, options);
}

/** The collectors `check` runs for a config by default. */
export function defaultKinds(config: PitcheyFitConfig): CollectorName[] {
  if (config.checks) return config.checks;
  return collectorNames().filter((k) => k === 'static' || config[k] !== undefined);
}

/** As `run`, for a config already resolved (the CLI resolves first to validate its flags against it). */
export async function runResolved(resolved: ResolvedConfig, options: RunOptions = {}): Promise<Result> {
  const startedAt = new Date();
  const t0 = performance.now();
  const signal = options.signal ?? new AbortController().signal;
  const log = options.log ?? (() => {});
  const timings: Record<string, number> = {};
  const errors: Result['errors'] = [];

  const all = mergeFitnessFunctions(await loadBuiltins(), resolved.config.fitness);
  const functions: FitnessFunctions = selectByKinds(all, options.kinds ?? defaultKinds(resolved.config));
  const needed = neededCollectors(functions);

  const ctx: FitnessContext = { root: resolved.root, findings: [] };
  const sections: Pick<Result, CollectorName> = {};
  let partial = false;
  let failed = false;
  let baselineSummary: Result['baseline'];

  for (const collector of collectorsFor(needed)) {
    const name = collector.name;
    const provided = name === 'static' || name === 'capacity' ? undefined : options.provided?.[name];
    if (provided) {
      Object.assign(sections, { [name]: provided });
      Object.assign(ctx, { [name]: provided });
      continue;
    }
    if (failed || signal.aborted) continue;
    const s = performance.now();
    let out: CollectorOutput<CollectorName> | null;
    try {
      const collecting = collector.collect(
        { resolved, flags: options.flags ?? {}, log, progress: options.progress ?? false, fitness: ctx },
        signal,
      );
      out = await untilAbandoned(collecting, signal);
      if (out === null) {
        partial = true;
        const message = `interrupted: ${name} did not stop in time; its section is missing`;
        errors.push({ phase: `collect.${name}`, message });
        continue;
      }
    } catch (e) {
      // Keep what was measured: judge it, mark the run partial, report the failure once.
      failed = partial = true;
      errors.push({ phase: 'collect', message: e instanceof Error ? e.message : String(e) });
      options.onCollectorError?.(name, e);
      continue;
    } finally {
      timings[`collect.${name}`] = Math.round(performance.now() - s);
    }
    partial ||= out.partial;
    errors.push(...out.errors);
    if (out.section === null) continue;
    Object.assign(sections, { [collector.provides]: out.section });
    Object.assign(ctx, { [collector.provides]: out.section });
    if (typeof out.graph === 'function') defineLazyGraph(ctx, out.graph);
    else if (out.graph) ctx.graph = out.graph;
    if (out.findings) ctx.findings.push(...out.findings);
    if (name === 'static' && options.baseline) baselineSummary = await applyBaseline(options.baseline, ctx);
  }
  if (signal.aborted) partial = true;

  const judgeStart = performance.now();
  const baselined = new Set(ctx.findings.filter((f) => f.baselined).map((f) => f.fingerprint));
  const timeoutMs = options.functionTimeoutMs ?? DEFAULT_FUNCTION_TIMEOUT_MS;
  const outcomes: FitnessOutcome[] = [];
  for (const [id, fn] of Object.entries(functions)) {
    const missing = (fn.needs ?? []).filter((k) => k !== 'custom' && !ctx[k]);
    if (missing.length > 0) {
      outcomes.push(skippedOutcome(id, fn, `not collected: ${missing.join(', ')}`));
      continue;
    }
    const guarded = { ...fn, test: guardedTest((c) => fn.test(c), { timeoutMs, signal }) };
    outcomes.push(await judgeFunction(id, guarded, ctx, { baselined }));
  }
  timings.judge = Math.round(performance.now() - judgeStart);

  return {
    schemaVersion: RESULT_SCHEMA_VERSION,
    tool: { name: 'pitchey-fit', version: packageVersion() },
    runId: crypto.randomUUID(),
    command: options.command ?? 'run',
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - t0),
    subject: { name: resolved.name, root: resolved.root, configFile: resolved.file },
    environment: {
      node: process.version,
      os: `${os.type()} ${os.release()}`,
      arch: process.arch,
      cpus: os.availableParallelism(),
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      ci: Boolean(process.env.CI && process.env.CI !== 'false'),
    },
    verdict: overallVerdict(outcomes),
    partial,
    summary: summarise(outcomes),
    functions: outcomes,
    findings: ctx.findings,
    ...sections,
    ...(baselineSummary ? { baseline: baselineSummary } : {}),
    timings,
    errors,
  };
}

/** ctx.graph decoded on first read (most runs have no function that reads it); still a plain, writable property. */
function defineLazyGraph(ctx: FitnessContext, load: () => DependencyGraph): void {
  Object.defineProperty(ctx, 'graph', {
    configurable: true,
    enumerable: true,
    get() {
      const graph = load();
      Object.defineProperty(ctx, 'graph', { value: graph, writable: true, configurable: true, enumerable: true });
      return graph;
    },
    set(graph: DependencyGraph) {
      Object.defineProperty(ctx, 'graph', { value: graph, writable: true, configurable: true, enumerable: true });
    },
  });
}

async function applyBaseline(
  opts: { file: string; update: boolean },
  ctx: FitnessContext,
): Promise<Result['baseline']> {
  const { applyBaseline, updateBaseline } = await import('../fitness/baseline.js');
  const removed = opts.update ? updateBaseline(opts.file, ctx.findings).removed : undefined;
  const applied = applyBaseline(opts.file, ctx.findings);
  ctx.findings = applied.findings;
  return {
    file: opts.file,
    accepted: applied.findings.length - applied.newFindings.length,
    new: applied.newFindings.length,
    stale: applied.stale,
    ...(removed !== undefined ? { removed } : {}),
  };
}
