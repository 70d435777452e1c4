import crypto from 'node:crypto';
import os from 'node:os';
import type { FitnessContext, FitnessFunctions } from '../core/fitness-function.js';
import { judgeFunction, overallVerdict, summarise } from '../core/judge.js';
import { mergeFitnessFunctions, neededCollectors, selectByKinds } from '../core/registry.js';
import { RESULT_SCHEMA_VERSION, type FitnessKind, type LoadSection, type Result, type ScaleSection } from '../core/result.js';
import { packageVersion } from '../config/package-root.js';
import { loadBuiltins } from './builtins.js';
import type { Io } from './io.js';
import type { ResolvedConfig } from './resolve-config.js';
import { collectLoadPhase, collectScalePhase, collectStaticPhase, type CollectFlags } from './collect.js';

export type CollectorKind = Exclude<FitnessKind, 'custom'>;

export interface PipelineOptions {
  command: string;
  resolved: ResolvedConfig;
  /** Collectors this command may run (check: all the config enables; static/load/scale: one). */
  kinds: CollectorKind[];
  io: Io;
  signal?: AbortSignal;
  flags: CollectFlags;
  /** Baseline (freeze) file of accepted violations, and whether to shrink it to what is still present. */
  baseline?: { file: string; update: boolean };
  /** Sections measured elsewhere (k6 outputs, a points file): used instead of running that collector. */
  provided?: { load?: LoadSection; scale?: ScaleSection };
}

/** collect → measure → judge: one Result, no reporting. */
export async function runPipeline(opts: PipelineOptions): Promise<Result> {
  const startedAt = new Date();
  const t0 = performance.now();
  const { resolved } = opts;
  const timings: Record<string, number> = {};
  const errors: Result['errors'] = [];

  const all = mergeFitnessFunctions(await loadBuiltins(), resolved.config.fitness);
  const functions: FitnessFunctions = selectByKinds(all, opts.kinds);
  const needed = neededCollectors(functions);

  const ctx: FitnessContext = { root: resolved.root, findings: [] };
  const partial = { value: false };
  const sections: Pick<Result, 'static' | 'load' | 'scale'> = {};

  const time = async <T>(phase: string, fn: () => Promise<T>): Promise<T> => {
    const s = performance.now();
    try { return await fn(); } finally { timings[phase] = Math.round(performance.now() - s); }
  };

  if (needed.has('static')) {
    const staticResult = await time('collect.static', () => collectStaticPhase(resolved, opts.flags));
    ctx.static = sections.static = staticResult.section;
    ctx.graph = staticResult.graph;
    ctx.findings.push(...staticResult.findings);
  }
  let baselineSummary: Result['baseline'];
  if (opts.baseline && sections.static) {
    const { applyBaseline, updateBaseline } = await import('../fitness/baseline.js');
    const removed = opts.baseline.update ? updateBaseline(opts.baseline.file, ctx.findings).removed : undefined;
    const applied = applyBaseline(opts.baseline.file, ctx.findings);
    ctx.findings = applied.findings;
    baselineSummary = {
      file: opts.baseline.file,
      accepted: applied.findings.length - applied.newFindings.length,
      new: applied.newFindings.length,
      stale: applied.stale,
      ...(removed !== undefined ? { removed } : {}),
    };
  }
  const baselined = new Set(ctx.findings.filter((f) => f.baselined).map((f) => f.fingerprint));
  let failure: unknown;
  try {
    if (opts.provided?.load) ctx.load = sections.load = opts.provided.load;
    else if (needed.has('load') && !opts.signal?.aborted) {
      const load = await time('collect.load', () => collectLoadPhase(resolved, opts.flags, opts.io, opts.signal));
      ctx.load = sections.load = load;
      if (load.scenarios.some((s) => s.partial)) partial.value = true;
    }
    if (opts.provided?.scale) ctx.scale = sections.scale = opts.provided.scale;
    else if (needed.has('scale') && !opts.signal?.aborted) {
      const scale = await time('collect.scale', () => collectScalePhase(resolved, opts.flags, opts.io, opts.signal, errors));
      ctx.scale = sections.scale = scale.section;
      if (scale.partial) partial.value = true;
    }
    if (opts.signal?.aborted) partial.value = true;
  } catch (e) {
    // Keep what was measured: judge it, mark the run partial, and hand the Result to the caller with the error.
    failure = e;
    partial.value = true;
    errors.push({ phase: 'collect', message: e instanceof Error ? e.message : String(e) });
  }

  const judgeStart = performance.now();
  const outcomes = [];
  for (const [id, fn] of Object.entries(functions)) {
    const missing = (fn.needs ?? []).filter((k) => k !== 'custom' && !ctx[k as CollectorKind]);
    if (missing.length > 0) {
      const outcome = await judgeFunction(id, { ...fn, test: () => ({ value: null }) }, ctx);
      outcomes.push({ ...outcome, verdict: 'skipped' as const, reason: `not collected: ${missing.join(', ')}` });
      continue;
    }
    outcomes.push(await judgeFunction(id, fn, ctx, { baselined }));
  }
  timings.judge = Math.round(performance.now() - judgeStart);

  const finishedAt = new Date();
  const result: Result = {
    schemaVersion: RESULT_SCHEMA_VERSION,
    tool: { name: 'pitchey-fit', version: packageVersion() },
    runId: crypto.randomUUID(),
    command: opts.command,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: Math.round(performance.now() - t0),
    subject: { name: resolved.name, root: resolved.root, configFile: resolved.file },
    environment: {
      node: process.version,
      os: `${os.type()} ${os.release()}`,
      arch: process.arch,
      cpus: os.availableParallelism(),
      cpuModel: os.cpus()[0]?.model ?? 'unknown',
      ci: opts.io.ci,
    },
    verdict: overallVerdict(outcomes),
    partial: partial.value,
    summary: summarise(outcomes),
    functions: outcomes,
    findings: ctx.findings,
    ...sections,
    ...(baselineSummary ? { baseline: baselineSummary } : {}),
    timings,
    errors,
  };
  if (failure !== undefined) {
    if (failure && typeof failure === 'object') (failure as { partialResult?: Result }).partialResult = result;
    throw failure;
  }
  return result;
}

/** The partial Result a collector failure carries (see runPipeline), if any. */
export function partialResultOf(e: unknown): Result | undefined {
  return e && typeof e === 'object' ? (e as { partialResult?: Result }).partialResult : undefined;
}

