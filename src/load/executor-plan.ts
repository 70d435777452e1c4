import { ConfigError } from '../core/errors.js';
import type { ExecutorName, ScenarioConfig, Stage } from '../config/types.js';
import { parseDuration } from './duration.js';
import { mulberry32 } from '../core/seeded-random.js';

export const EXECUTORS: readonly ExecutorName[] = [
  'constant-arrival-rate',
  'ramping-arrival-rate',
  'constant-vus',
  'ramping-vus',
  'per-vu-iterations',
  'shared-iterations',
];

/**
 * The most VUs one pitchey-fit process runs (k6 advises tens of thousands per instance as well): every VU holds a
 * connection and its state, so more is a typo or a run for a distributed setup (execution segments, k6-operator).
 */
export const MAX_VUS = 50_000;

function boundVus(n: number, key: string, keyPath: string): number {
  if (n > MAX_VUS) {
    throw new ConfigError(
      `${key} ${n} is more than one pitchey-fit process runs (at most ${MAX_VUS} VUs): lower it, or spread the load ` +
        'over several k6 runners (--k6-operator)',
      `${keyPath}.${key}`,
    );
  }
  return n;
}

interface StageMs {
  durationMs: number;
  target: number;
}

/** Open model: iterations start at scheduled times whatever the responses do. */
export interface ArrivalPlan {
  kind: 'arrival';
  executor: ExecutorName;
  durationMs: number;
  gracefulStopMs: number;
  preAllocatedVUs: number;
  maxVUs: number;
  pacing: 'constant' | 'poisson';
  /** Iterations per ms at t (ms from start). */
  rateAt(t: number): number;
  /** Scheduled start times (ms) of all iterations of the whole test, in order; stops at the end of the duration. */
  arrivals(): ArrivalTimes;
  /** Expected number of iterations of the whole test (exact for constant pacing). */
  expectedIterations: number;
}

/** Closed model: a number of VUs loop, each waiting for its previous iteration. */
export interface VuPlan {
  kind: 'vus';
  executor: ExecutorName;
  /** Upper bound of the run: duration or maxDuration. */
  durationMs: number;
  gracefulStopMs: number;
  /** Largest number of VUs of the whole test. */
  maxVUs: number;
  /** Active VUs of the whole test at t (ms); VU number g (0-based) runs while g < activeVUs(t). */
  activeVUs(t: number): number;
  /** per-vu-iterations: iterations each VU runs. */
  iterationsPerVU?: number;
  /** shared-iterations: iterations of the whole test shared by all VUs. */
  sharedIterations?: number;
}

export type ExecutorPlan = ArrivalPlan | VuPlan;

function positiveInt(v: unknown, key: string, keyPath: string, fallback?: number): number {
  if (v === undefined) {
    if (fallback !== undefined) return fallback;
    throw new ConfigError(`${key} is required for this executor`, `${keyPath}.${key}`);
  }
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
    throw new ConfigError(`${key} must be a non-negative integer, got ${JSON.stringify(v)}`, `${keyPath}.${key}`);
  return v;
}

function positiveNumber(v: unknown, key: string, keyPath: string, fallback?: number): number {
  if (v === undefined) {
    if (fallback !== undefined) return fallback;
    throw new ConfigError(`${key} is required for this executor`, `${keyPath}.${key}`);
  }
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    throw new ConfigError(`${key} must be a non-negative number, got ${JSON.stringify(v)}`, `${keyPath}.${key}`);
  return v;
}

function stagesMs(stages: Stage[] | undefined, keyPath: string): StageMs[] {
  if (!Array.isArray(stages) || stages.length === 0)
    throw new ConfigError('stages must be a non-empty array of { duration, target }', `${keyPath}.stages`);
  return stages.map((s, i) => ({
    durationMs: parseDuration(s.duration, `${keyPath}.stages[${i}].duration`),
    target: positiveNumber(s.target, 'target', `${keyPath}.stages[${i}]`),
  }));
}

function requiredDuration(v: string | undefined, key: string, keyPath: string): number {
  if (v === undefined) throw new ConfigError(`${key} is required for this executor`, `${keyPath}.${key}`);
  const ms = parseDuration(v, `${keyPath}.${key}`);
  if (ms <= 0) throw new ConfigError(`${key} must be longer than 0`, `${keyPath}.${key}`);
  return ms;
}

/** Piecewise-linear rate (per ms) from `startRate` through the stages; cumulative count N(t) and its inverse. */
class RampedRate {
  private readonly starts: number[] = [];
  private readonly counts: number[] = [];
  private readonly from: number[] = [];
  readonly totalMs: number;
  readonly total: number;

  constructor(
    startRate: number,
    private readonly stages: StageMs[],
    private readonly unitMs: number,
  ) {
    let t = 0;
    let n = 0;
    let prev = startRate / unitMs;
    for (const s of stages) {
      const to = s.target / unitMs;
      this.starts.push(t);
      this.counts.push(n);
      this.from.push(prev);
      n += ((prev + to) / 2) * s.durationMs;
      t += s.durationMs;
      prev = to;
    }
    this.totalMs = t;
    this.total = n;
  }

  rateAt(t: number): number {
    for (let k = this.stages.length - 1; k >= 0; k--) {
      if (t >= this.starts[k]) {
        const s = this.stages[k];
        const x = Math.min(t - this.starts[k], s.durationMs);
        const to = s.target / this.unitMs;
        return s.durationMs === 0 ? to : this.from[k] + ((to - this.from[k]) * x) / s.durationMs;
      }
    }
    return this.from[0] ?? 0;
  }

  /** Time at which N(t) = y, or null past the end. */
  timeOf(y: number, hint: { k: number }): number | null {
    while (hint.k < this.stages.length) {
      const k = hint.k;
      const s = this.stages[k];
      const a0 = this.from[k];
      const a1 = s.target / this.unitMs;
      const inStage = ((a0 + a1) / 2) * s.durationMs;
      const rest = y - this.counts[k];
      if (rest < inStage) {
        if (s.durationMs === 0) {
          hint.k++;
          continue;
        }
        const a = (a1 - a0) / (2 * s.durationMs);
        // N(x) = a0 x + a x^2 = rest; stable root of the quadratic (also for a <= 0 and a = 0)
        const disc = a0 * a0 + 4 * a * rest;
        const x = (2 * rest) / (a0 + Math.sqrt(Math.max(0, disc)));
        return this.starts[k] + (Number.isFinite(x) ? x : 0);
      }
      hint.k++;
    }
    return null;
  }
}

/**
 * The start times (ms) of an arrival plan's iterations, in order, ending at the end of the duration (an iterable too).
 * A class rather than a generator: a generator function declared per plan gives each run's iterator its own hidden
 * class, so the dispatch loop optimised during the warm-up was thrown away ("wrong map") as the measured run started,
 * and its first tens of ms ran slow, sending late.
 */
export class ArrivalTimes implements Iterable<number> {
  private i = 0;
  private y = 0;
  private readonly hint = { k: 0 };
  private readonly rnd: (() => number) | null;

  constructor(
    private readonly ramp: RampedRate,
    pacing: 'constant' | 'poisson',
    seed: number,
  ) {
    this.rnd = pacing === 'poisson' ? mulberry32(seed) : null;
  }

  /** The next start time, or -1 after the last. */
  next(): number {
    const ramp = this.ramp;
    let y: number;
    if (this.rnd === null) {
      // iteration i starts when the cumulative rate reaches i (k6: first at 0, then every timeUnit/rate)
      y = this.i++;
      if (y >= ramp.total) return -1;
    } else {
      this.y += -Math.log(1 - this.rnd());
      y = this.y;
      if (y >= ramp.total) return -1;
    }
    const t = ramp.timeOf(y, this.hint);
    return t === null || t >= ramp.totalMs ? -1 : t;
  }

  *[Symbol.iterator](): Iterator<number> {
    for (let t = this.next(); t >= 0; t = this.next()) yield t;
  }
}

/** Builds the timing plan of a scenario's executor, validating its keys the way k6 does. */
export function planExecutor(sc: ScenarioConfig, keyPath: string, seed = 1): ExecutorPlan {
  if (!EXECUTORS.includes(sc.executor)) {
    throw new ConfigError(
      `unknown executor ${JSON.stringify(sc.executor)}: expected one of ${EXECUTORS.join(', ')}`,
      `${keyPath}.executor`,
    );
  }
  const gracefulStopMs =
    sc.gracefulStop !== undefined ? parseDuration(sc.gracefulStop, `${keyPath}.gracefulStop`) : 30_000;
  const pacing = sc.arrival ?? 'constant';
  if (pacing !== 'constant' && pacing !== 'poisson')
    throw new ConfigError(`arrival must be 'constant' or 'poisson'`, `${keyPath}.arrival`);
  switch (sc.executor) {
    case 'constant-arrival-rate':
    case 'ramping-arrival-rate': {
      const unitMs = sc.timeUnit !== undefined ? parseDuration(sc.timeUnit, `${keyPath}.timeUnit`) : 1000;
      if (unitMs <= 0) throw new ConfigError('timeUnit must be longer than 0', `${keyPath}.timeUnit`);
      const preAllocatedVUs = positiveInt(sc.preAllocatedVUs, 'preAllocatedVUs', keyPath);
      const maxVUs = positiveInt(sc.maxVUs, 'maxVUs', keyPath, preAllocatedVUs);
      if (maxVUs < preAllocatedVUs)
        throw new ConfigError(
          `maxVUs (${maxVUs}) must be at least preAllocatedVUs (${preAllocatedVUs})`,
          `${keyPath}.maxVUs`,
        );
      if (maxVUs === 0) throw new ConfigError('maxVUs must be at least 1', `${keyPath}.maxVUs`);
      boundVus(maxVUs, 'maxVUs', keyPath);
      const ramp =
        sc.executor === 'constant-arrival-rate'
          ? (() => {
              const rate = positiveNumber(sc.rate, 'rate', keyPath);
              if (rate <= 0) throw new ConfigError('rate must be above 0', `${keyPath}.rate`);
              return new RampedRate(
                rate,
                [{ durationMs: requiredDuration(sc.duration, 'duration', keyPath), target: rate }],
                unitMs,
              );
            })()
          : new RampedRate(positiveNumber(sc.startRate, 'startRate', keyPath, 0), stagesMs(sc.stages, keyPath), unitMs);
      const total = ramp.total;
      return {
        kind: 'arrival',
        executor: sc.executor,
        durationMs: ramp.totalMs,
        gracefulStopMs,
        preAllocatedVUs,
        maxVUs,
        pacing,
        rateAt: (t) => ramp.rateAt(t),
        expectedIterations: total,
        arrivals: () => new ArrivalTimes(ramp, pacing, seed),
      };
    }
    case 'constant-vus': {
      const vus = boundVus(positiveInt(sc.vus, 'vus', keyPath, 1), 'vus', keyPath);
      const durationMs = requiredDuration(sc.duration, 'duration', keyPath);
      return { kind: 'vus', executor: sc.executor, durationMs, gracefulStopMs, maxVUs: vus, activeVUs: () => vus };
    }
    case 'ramping-vus': {
      const start = positiveInt(sc.startVUs, 'startVUs', keyPath, 1);
      const stages = stagesMs(sc.stages, keyPath);
      const durationMs = stages.reduce((s, st) => s + st.durationMs, 0);
      boundVus(start, 'startVUs', keyPath);
      stages.forEach((s, i) => boundVus(Math.ceil(s.target), 'target', `${keyPath}.stages[${i}]`));
      const maxVUs = Math.max(start, ...stages.map((s) => Math.ceil(s.target)));
      return {
        kind: 'vus',
        executor: sc.executor,
        durationMs,
        gracefulStopMs,
        maxVUs,
        activeVUs: (t) => {
          let from = start;
          let at = 0;
          for (const s of stages) {
            if (t < at + s.durationMs) return Math.floor(from + ((s.target - from) * (t - at)) / s.durationMs);
            at += s.durationMs;
            from = s.target;
          }
          return Math.floor(from);
        },
      };
    }
    case 'per-vu-iterations':
    case 'shared-iterations': {
      const vus = boundVus(positiveInt(sc.vus, 'vus', keyPath, 1), 'vus', keyPath);
      const iterations = positiveInt(sc.iterations, 'iterations', keyPath, 1);
      if (sc.executor === 'shared-iterations' && iterations < vus) {
        throw new ConfigError(
          `iterations (${iterations}) must be at least vus (${vus}) for shared-iterations`,
          `${keyPath}.iterations`,
        );
      }
      const durationMs =
        sc.maxDuration !== undefined ? parseDuration(sc.maxDuration, `${keyPath}.maxDuration`) : 600_000;
      return {
        kind: 'vus',
        executor: sc.executor,
        durationMs,
        gracefulStopMs,
        maxVUs: vus,
        activeVUs: () => vus,
        ...(sc.executor === 'per-vu-iterations' ? { iterationsPerVU: iterations } : { sharedIterations: iterations }),
      };
    }
  }
}
