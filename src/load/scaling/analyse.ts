/** Turns measured (N, X) points into a ScaleSection: efficiency per step, flags, the USL fit. */
import os from 'node:os';
import type { ScalePoint, ScaleSection } from '../../core/result-scale.js';
import { BOOTSTRAP_MAX_POINTS, MAX_FIT_POINTS, fitUsl, type UslFitOptions } from './usl-fit.js';
import { median } from './median.js';

export const DEFAULT_FOREIGN_CPU_BOUND = 0.2;
/** Repeats whose range exceeds this share of their median flag the step `unstable` (no steady state). */
export const UNSTABLE_SPREAD = 0.2;

/** A measured step as `analysePoints` takes it; anything but n and throughput is optional. */
export interface PointInput {
  n: number;
  throughput: number;
  latencyP99Ms?: number | null;
  /** Each repeat's throughput; defaults to [throughput]. */
  runs?: number[];
  errors?: number;
  foreignCpu?: number | null;
  flags?: string[];
  quotaThrottled?: ScalePoint['quotaThrottled'];
  measure?: ScalePoint['measure'];
  measuredSec?: number[];
  capacity?: ScalePoint['capacity'];
}

/** A unit's or the shared part's budget counts as reached when it was throttled in at least this share of periods. */
export const QUOTA_BOUND_SHARE = 0.5;

export interface AnalyseOptions {
  /** Default 'points' (measurements read from a file). */
  mode?: ScaleSection['mode'];
  engine?: string;
  /** Cores of the machine. Default: os.availableParallelism(). */
  cores?: number;
  /** Cores the system under test may use; N above it is flagged `beyond-cores` (workers mode). Default: cores. */
  sutCores?: number;
  /** Cores busy with the load generator while the system under test runs (workers mode oversubscription). Default 1. */
  generatorCores?: number;
  /** N at which efficiency is judged. Default: the largest N within sutCores (workers), else the largest N. */
  targetN?: number;
  foreignCpuBound?: number;
  /** The scale model's CPU budgets: N fits the system under test when N·unitCpus + sharedCpus ≤ sutCores. */
  budget?: { unitCpus: number; sharedCpus: number };
  cpuQuota?: ScaleSection['cpuQuota'];
  measure?: ScaleSection['measure'];
  fit?: UslFitOptions;
  notes?: string[];
  partial?: boolean;
}

// Loops, not Math.max(...values): a spread of 200k values overflows the call stack.
function maxOf(values: number[]): number {
  let m = -Infinity;
  for (const v of values) if (v > m) m = v;
  return m;
}

function minOf(values: number[]): number {
  let m = Infinity;
  for (const v of values) if (v < m) m = v;
  return m;
}

/** Several measurements of the same N become one point whose throughput is their median. */
function mergeSameN(points: PointInput[]): PointInput[] {
  const byN = new Map<number, PointInput[]>();
  for (const p of points) {
    const group = byN.get(p.n);
    if (group) group.push(p);
    else byN.set(p.n, [p]);
  }
  return [...byN.entries()]
    .sort((a, b) => a[0] - b[0])
    .map(([n, group]) => {
      if (group.length === 1) return group[0];
      const runs = group.flatMap((p) => p.runs ?? [p.throughput]);
      const lat = group.map((p) => p.latencyP99Ms).filter((v): v is number => typeof v === 'number');
      const foreign = group.map((p) => p.foreignCpu).filter((v): v is number => typeof v === 'number');
      return {
        n,
        throughput: median(runs),
        runs,
        latencyP99Ms: lat.length ? median(lat) : null,
        errors: group.reduce((a, p) => a + (p.errors ?? 0), 0),
        foreignCpu: foreign.length ? maxOf(foreign) : null,
        flags: [...new Set(group.flatMap((p) => p.flags ?? []))],
        ...(group[0].quotaThrottled ? { quotaThrottled: group[0].quotaThrottled } : {}),
      };
    });
}

/** The largest N the system under test has the CPU for (workers mode), else the largest N; undefined for none. */
export function defaultTargetN(
  ns: number[],
  mode: ScaleSection['mode'],
  sutCores: number,
  budget?: AnalyseOptions['budget'],
): number | undefined {
  const sorted = [...ns].sort((a, b) => a - b);
  const demand = (n: number) => (budget ? n * budget.unitCpus + budget.sharedCpus : n);
  const within = mode === 'workers' ? sorted.filter((n) => demand(n) <= sutCores + 1e-9) : sorted;
  return (within.length ? within : sorted).at(-1);
}

/**
 * Efficiency E(N) = X(N) / (N · X(1)). Without a step at N = 1 the smallest step N₀ is the reference:
 * E(N) = X(N) · N₀ / (N · X(N₀)), which a note states.
 */
export function analysePoints(input: PointInput[], opts: AnalyseOptions = {}): ScaleSection {
  const mode = opts.mode ?? 'points';
  const cores = opts.cores ?? os.availableParallelism();
  const sutCores = opts.sutCores ?? cores;
  const bound = opts.foreignCpuBound ?? DEFAULT_FOREIGN_CPU_BOUND;
  const generatorCores = opts.generatorCores ?? 1;
  const notes = [...(opts.notes ?? [])];
  const merged = mergeSameN(input);
  // CPU the system under test needs at N: N cores without a scale model, the budgets with one.
  const demand = (n: number) => (opts.budget ? n * opts.budget.unitCpus + opts.budget.sharedCpus : n);
  const fits = (n: number) => demand(n) <= sutCores + 1e-9;

  const ref = merged[0];
  const refUsable = ref !== undefined && ref.throughput > 0;
  if (ref && ref.n !== 1) {
    notes.push(`no step at N = 1: efficiency is relative to the smallest step, E(N) = X(N)·${ref.n} / (N·X(${ref.n}))`);
  }
  if (ref && !refUsable) notes.push(`X(${ref.n}) is 0: efficiency cannot be computed`);

  const points: ScalePoint[] = merged.map((p) => {
    const flags = [...(p.flags ?? [])];
    const workersLike = mode === 'workers' || (mode === 'points' && opts.sutCores !== undefined);
    const beyondCores = workersLike && !fits(p.n);
    if (beyondCores && !flags.includes('beyond-cores')) flags.push('beyond-cores');
    if (mode === 'workers' && demand(p.n) + generatorCores > cores + 1e-9 && !flags.includes('oversubscribed')) {
      flags.push('oversubscribed');
    }
    const runs = p.runs ?? [p.throughput];
    if (
      runs.length >= 2 &&
      p.throughput > 0 &&
      (maxOf(runs) - minOf(runs)) / p.throughput > UNSTABLE_SPREAD &&
      !flags.includes('unstable')
    ) {
      flags.push('unstable');
    }
    const foreignCpu = p.foreignCpu ?? null;
    // Under a scale model, a budget that was reached was delivered in full: other load did not starve the step.
    const budgetReached = [p.quotaThrottled?.units, p.quotaThrottled?.shared].some(
      (v) => (v ?? 0) >= QUOTA_BOUND_SHARE,
    );
    if (foreignCpu !== null && foreignCpu > bound && !budgetReached && !flags.includes('foreign-cpu'))
      flags.push('foreign-cpu');
    return {
      n: p.n,
      throughput: p.throughput,
      runs,
      latencyP99Ms: p.latencyP99Ms ?? null,
      efficiency: refUsable ? (p.throughput * ref.n) / (p.n * ref.throughput) : null,
      errors: p.errors ?? 0,
      beyondCores,
      foreignCpu,
      flags,
      ...(p.quotaThrottled ? { quotaThrottled: p.quotaThrottled } : {}),
      ...(p.measure ? { measure: p.measure } : {}),
      ...(p.measuredSec ? { measuredSec: p.measuredSec } : {}),
      ...(p.capacity ? { capacity: p.capacity } : {}),
    };
  });

  const targetN =
    opts.targetN ??
    defaultTargetN(
      points.map((p) => p.n),
      mode,
      sutCores,
      opts.budget,
    ) ??
    1;

  const fitted = fitUsl(
    points.map((p) => ({ n: p.n, throughput: p.throughput })),
    opts.fit,
  );
  const section: ScaleSection = {
    mode,
    engine: opts.engine ?? (mode === 'points' ? 'file' : 'autocannon'),
    cores,
    // Points from a file were measured elsewhere: only a given sutCores says anything about them.
    ...(mode !== 'points' || opts.sutCores !== undefined ? { sutCores } : {}),
    targetN,
    ...(opts.measure ? { measure: opts.measure } : {}),
    points,
    fit: 'error' in fitted ? null : fitted,
    notes,
    foreignCpuBound: bound,
    ...(opts.cpuQuota ? { cpuQuota: opts.cpuQuota } : {}),
  };
  if ('error' in fitted) section.fitNote = `no USL fit: ${fitted.error}`;
  else {
    const caveats: string[] = [];
    const flagged = points.filter(
      (p) => p.beyondCores || p.flags.includes('foreign-cpu') || p.flags.includes('oversubscribed'),
    );
    if (flagged.length) caveats.push(`fit includes flagged steps N = ${flagged.map((p) => p.n).join(', ')}`);
    if (fitted.kappa === 0) caveats.push('κ = 0 (at its bound): no retrograde peak within the model');
    if (fitted.sigma >= 1) caveats.push('σ = 1 (at its bound): throughput did not grow with N');
    if (points.length > 3 && fitted.r2 < 0.9)
      caveats.push(`poor fit (R² = ${fitted.r2.toFixed(2)}): the USL explains these points badly`);
    if (points.length === 3) caveats.push('3 points for 3 parameters: the fit passes through them, R² says nothing');
    if (points.length > MAX_FIT_POINTS) {
      caveats.push(
        `fitted to ${MAX_FIT_POINTS} groups of consecutive N (mean N, median X) of the ${points.length} points`,
      );
    }
    if (points.length > BOOTSTRAP_MAX_POINTS && (opts.fit?.bootstrap ?? 200) > 0) {
      caveats.push(
        `no bootstrap intervals above ${BOOTSTRAP_MAX_POINTS} distinct N (time bound): see the standard errors`,
      );
    }
    if (caveats.length) section.fitNote = caveats.join('; ');
  }
  if (opts.partial) section.partial = true;
  return section;
}
