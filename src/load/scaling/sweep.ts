/**
 * A scaling sweep: for each N, start the target, warm up, measure throughput X(N) R times in a closed model
 * (autocannon), record p99 and foreign CPU, stop the target. The median of the repeats is X(N).
 */
import os from 'node:os';
import { ConfigError, TargetUnreachableError, UserError } from '../../core/errors.js';
import { ExitCode } from '../../core/exit-codes.js';
import type { ScaleMeasure, ScalePoint, ScaleSection } from '../../core/result-scale.js';
import { measureCapacityStep, type StepCapacityOptions } from './capacity-step.js';
import { closedRun, type ClosedRun, type SweepEngine } from './closed-run.js';
import { assertReachable } from '../target-preflight.js';
import { analysePoints, DEFAULT_FOREIGN_CPU_BOUND, defaultTargetN, type PointInput } from './analyse.js';
import { CpuSampler, cpuSamplingAvailable, readAllProcesses, withDescendants } from './cpu-sampler.js';
import {
  probeCpuQuota,
  QuotaPlan,
  type CgroupProbeOptions,
  type CpuQuotaSupport,
  type CpuQuotaGroup,
} from './cpu-quota.js';
import { median } from './median.js';
import { pinPids, planPinning, readAffinity, restoreAffinity, tasksetAvailable, type PinPlan } from './pinning.js';
import type { UslFitOptions } from './usl-fit.js';

/**
 * A system under test at a given N, provided by the caller: for the bundled platform it starts
 * `node dist/platform/cli.js start --port 0 --workers N` and stops it; for a foreign target it returns the same URL.
 */
export interface ScaleTarget {
  url: string;
  /** pids of the system under test (their descendants are included), for CPU accounting and pinning. */
  pids: number[];
  /**
   * A primary process whose direct children are the scaled units (node:cluster workers): with a CPU-quota scale
   * model each child gets its own budget and the primary (the shared part, e.g. the database) another.
   */
  cluster?: { primary: number };
  stop(): Promise<void>;
}

/** The scale model: CPU budgets (in cores) per unit and for the shared part, enforced with cgroup CPU quotas. */
export interface CpuQuotaOptions {
  unitCpus: number;
  sharedCpus: number;
  /** Quota period in µs. Default 100 000 (100 ms, as Kubernetes). */
  periodUs?: number;
}

export interface SweepOptions {
  /** workers: the bundled platform's; concurrency: client connections; command: replicas a user command sets. */
  mode: 'workers' | 'concurrency' | 'command';
  /** Strictly increasing positive integers. */
  steps: number[];
  targetN?: number;
  repeats: number;
  warmupSec: number;
  durationSec: number;
  /**
   * Workers mode: connections per worker, so step N runs N × connections connections (the load per worker stays
   * constant, as the USL's hardware-scaling measurements require). Default 8. Concurrency mode: N is the connection
   * count and this is ignored.
   */
  connections?: number;
  /** Closed-model load generator per step. Default 'autocannon'. */
  engine?: SweepEngine;
  /**
   * How X(N) is measured: 'closed-max' (default), or 'capacity', a capacity search per step (native engine, open
   * model) whose sustainable rate is X(N); `repeats` are then trials per rate and `durationSec` a trial's length.
   */
  measure?: ScaleMeasure;
  /** measure 'capacity': the SLO, rates and the per-step time budget. */
  capacity?: StepCapacityOptions;
  /** Command-line overrides applied (and not applied) to the sweep, one line each; carried in the section. */
  overrides?: string[];
  /** Request path of the sweep, e.g. '/api/pitches/public?tab=new'. */
  path: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string | object;
  startTarget(n: number): Promise<ScaleTarget>;
  /** A step fails when (errors + non-2xx) / responses exceeds this. Default 0.01. */
  maxErrorRate?: number;
  /** Pin generator and system under test to separate cores with taskset. Default true. */
  pin?: boolean;
  foreignCpuBound?: number;
  /** Workers mode: run each unit and the shared part under a CPU quota (needs `ScaleTarget.cluster`). */
  cpuQuota?: CpuQuotaOptions;
  /** Where to look for cgroup mounts (tests). */
  cgroupProbe?: CgroupProbeOptions;
  fit?: UslFitOptions;
  signal?: AbortSignal;
  onStep?(point: ScalePoint): void;
}

/** A sweep that stopped on a failing step or an unreachable target; `partial` holds the completed steps. */
export class ScaleSweepError extends UserError {
  readonly unreachable: boolean;
  constructor(
    message: string,
    readonly partial: ScaleSection,
    readonly step: number,
    options?: { unreachable?: boolean },
  ) {
    super(message, options?.unreachable ? ExitCode.TargetUnreachable : ExitCode.FitnessFailed);
    this.unreachable = options?.unreachable ?? false;
  }
}

export function validateSteps(steps: unknown, keyPath = 'scale.steps'): number[] {
  if (!Array.isArray(steps) || steps.length === 0)
    throw new ConfigError('must be a non-empty array of N, e.g. [1, 2, 4]', keyPath);
  steps.forEach((n, i) => {
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1) {
      throw new ConfigError(`step ${i} is ${JSON.stringify(n)}: every N must be a positive integer`, keyPath);
    }
    if (i > 0 && n <= (steps[i - 1] as number)) {
      throw new ConfigError(`must be strictly increasing, but ${n} follows ${steps[i - 1]}`, keyPath);
    }
  });
  return steps as number[];
}

function joinUrl(base: string, path: string): string {
  return base.replace(/\/+$/, '') + (path.startsWith('/') ? path : `/${path}`);
}

interface StepMeasure {
  point: PointInput;
  errorRate: number;
  failures: number;
  /** What the failures were: requests without a response, and responses with an error status. */
  socketErrors: number;
  non2xx: number;
  /** The engine told requests without a response from error statuses apart. */
  split: boolean;
  /** Responses plus requests that got none (socket errors, timeouts). */
  attempts: number;
  /** measure 'capacity': why no rate counted as sustainable (the step fails). */
  capacityFailure?: string;
}

export async function runSweep(opts: SweepOptions): Promise<ScaleSection> {
  const steps = validateSteps(opts.steps);
  if (!Number.isInteger(opts.repeats) || opts.repeats < 1)
    throw new ConfigError(`must be a positive integer, got ${opts.repeats}`, 'scale.repeats');
  if (!(opts.durationSec > 0))
    throw new ConfigError(`must be longer than 0, got ${opts.durationSec} s`, 'scale.duration');
  if (!(opts.warmupSec >= 0)) throw new ConfigError(`must not be negative, got ${opts.warmupSec} s`, 'scale.warmup');
  if (opts.targetN !== undefined && !steps.includes(opts.targetN)) {
    throw new ConfigError(`${opts.targetN} is not one of scale.steps [${steps.join(', ')}]`, 'scale.targetN');
  }
  const maxErrorRate = opts.maxErrorRate ?? 0.01;
  if (!(maxErrorRate >= 0 && maxErrorRate <= 1))
    throw new ConfigError(`must be between 0 and 1, got ${opts.maxErrorRate}`, 'scale.maxErrorRate');
  const perWorker = opts.connections ?? 8;
  if (!Number.isInteger(perWorker) || perWorker < 1)
    throw new ConfigError(`must be a positive integer, got ${opts.connections}`, 'scale.connections');
  const measure = opts.measure ?? 'closed-max';
  if (measure === 'capacity') checkCapacityOptions(opts);
  const cores = os.availableParallelism();
  const notes: string[] = [`${cores} cores on this machine (${os.cpus()[0]?.model ?? 'unknown CPU'})`];

  let plan: PinPlan | null = null;
  let generatorMask: string | null = null;
  if (opts.pin !== false) {
    plan = tasksetAvailable() ? planPinning(cores) : null;
    if (plan) {
      try {
        generatorMask = readAffinity(process.pid);
      } catch {
        plan = null;
      }
    }
    if (plan && pinPids([process.pid], plan.generatorCpus).length === 0) {
      notes.push(
        `pinned with taskset: load generator on CPU ${plan.generatorCpus.join(',')}, system under test on CPU ${plan.sutCpus.join(',')}`,
      );
    } else if (tasksetAvailable() && cores >= 2) {
      plan = null;
      generatorMask = null;
      notes.push('not pinned: taskset could not set the CPU affinity here');
    } else {
      notes.push(
        cores < 2
          ? 'not pinned: 1 core, generator and system under test share it'
          : 'not pinned: taskset is not available',
      );
    }
  } else notes.push('not pinned (scale.pin: false): generator and system under test share all cores');
  const sutCores = plan ? plan.sutCpus.length : cores;
  const generatorCores = plan ? plan.generatorCpus.length : 1;
  const quota =
    opts.mode === 'workers' && opts.cpuQuota
      ? setUpQuota(opts.cpuQuota, steps, sutCores, notes, opts.cgroupProbe)
      : null;
  const budget = quota ? { unitCpus: quota.unitCpus, sharedCpus: quota.sharedCpus } : undefined;
  if (opts.mode === 'workers' && !quota && steps.some((n) => n > sutCores)) {
    notes.push(
      `N above ${sutCores} exceeds the cores left for the system under test: efficiency there measures oversubscription, not the architecture`,
    );
  }
  const sampling = cpuSamplingAvailable();
  if (!sampling) notes.push('foreign CPU not measured (no /proc)');
  if (measure === 'capacity') notes.push(capacityNote(opts));
  else
    notes.push(
      `closed model with ${opts.engine ?? 'autocannon'}: ${opts.mode === 'concurrency' ? 'N connections' : `${perWorker} connections per ${opts.mode === 'workers' ? 'worker' : 'replica'}`}, warm-up ${opts.warmupSec} s, ${opts.repeats} × ${opts.durationSec} s per step, X(N) = median of repeats; latency p99 ${(opts.engine ?? 'autocannon') === 'autocannon' ? 'in whole ms ' : ''}(median of repeats)`,
    );

  const measured: PointInput[] = [];
  // Fixed before the first step: a sweep that stops early is judged at the N it set out to reach, never a smaller one.
  const targetN = opts.targetN ?? defaultTargetN(steps, opts.mode, sutCores, budget)!;
  let failedStep: ScaleSection['failedStep'];
  const engine = measure === 'capacity' ? 'native' : (opts.engine ?? 'autocannon');
  const section = (partial: boolean): ScaleSection => ({
    ...analysePoints(measured, {
      mode: opts.mode,
      engine,
      measure,
      cores,
      sutCores,
      generatorCores,
      ...(budget ? { budget } : {}),
      ...(quota ? { cpuQuota: quota.record } : {}),
      targetN,
      foreignCpuBound: opts.foreignCpuBound ?? DEFAULT_FOREIGN_CPU_BOUND,
      ...(opts.fit ? { fit: opts.fit } : {}),
      notes,
      partial,
    }),
    ...(failedStep ? { failedStep } : {}),
    ...(opts.overrides?.length ? { overrides: opts.overrides } : {}),
  });

  try {
    for (const n of steps) {
      if (opts.signal?.aborted) {
        notes.push(`interrupted before N = ${n}`);
        return section(true);
      }
      let target: ScaleTarget;
      try {
        target = await opts.startTarget(n);
      } catch (e) {
        if (e instanceof ConfigError) throw e;
        const msg = e instanceof Error ? e.message : String(e);
        throw new ScaleSweepError(`scale step N=${n}: the target did not start: ${msg}`, section(true), n, {
          unreachable: e instanceof TargetUnreachableError,
        });
      }
      let result: StepMeasure;
      const last = measured.at(-1);
      // Capacity: the first step starts at startRate, later ones at the previous X scaled linearly by N.
      const startRate = last ? (last.throughput * n) / last.n : (opts.capacity?.startRate ?? 100);
      try {
        result = await measureStep(n, target, opts, perWorker, plan, sampling, quota, startRate);
      } catch (e) {
        if (e instanceof TargetUnreachableError) {
          throw new ScaleSweepError(`scale step N=${n}: the target stopped answering: ${e.message}`, section(true), n, {
            unreachable: true,
          });
        }
        throw e;
      } finally {
        await target
          .stop()
          .catch((e: unknown) =>
            notes.push(`stopping the target after N = ${n} failed: ${e instanceof Error ? e.message : String(e)}`),
          );
      }
      if (result.point.flags?.includes('no-data')) {
        notes.push(`interrupted during N = ${n}`);
        return section(true);
      }
      if (result.capacityFailure) {
        failedStep = { n, reason: result.capacityFailure };
        throw new ScaleSweepError(`scale step N=${n}: ${result.capacityFailure}`, section(true), n);
      }
      if (result.errorRate > maxErrorRate) {
        const reason =
          `${result.failures} of ${result.attempts} requests failed ` +
          (result.split
            ? `(${result.socketErrors} without a response, ${result.non2xx} with an error status; `
            : '(network error or unexpected status; ') +
          `error rate ${(result.errorRate * 100).toFixed(2)}% > scale.maxErrorRate ${(maxErrorRate * 100).toFixed(2)}%)`;
        failedStep = { n, reason };
        throw new ScaleSweepError(`scale step N=${n}: ${reason}`, section(true), n);
      }
      measured.push(result.point);
      if (opts.onStep) {
        const s = analysePoints(measured, {
          mode: opts.mode,
          cores,
          sutCores,
          generatorCores,
          fit: { bootstrap: 0 },
          ...(budget ? { budget } : {}),
          foreignCpuBound: opts.foreignCpuBound ?? DEFAULT_FOREIGN_CPU_BOUND,
        });
        opts.onStep(s.points.find((p) => p.n === n)!);
      }
      if (opts.signal?.aborted) {
        notes.push(`interrupted after N = ${n}`);
        return section(n !== steps.at(-1));
      }
    }
    return section(false);
  } finally {
    if (generatorMask) restoreAffinity(process.pid, generatorMask);
  }
}

/** measure 'capacity' needs the native engine's open model and a sane SLO; one-line errors name the key. */
function checkCapacityOptions(opts: SweepOptions): void {
  if (opts.mode === 'concurrency') {
    throw new ConfigError(
      "'capacity' needs N to be instances (mode 'workers' or 'command'); in mode 'concurrency' N is the client " +
        'connection count, which an open model does not have',
      'scale.measure',
    );
  }
  if (opts.engine === 'autocannon')
    throw new ConfigError("'capacity' runs the native engine's open model; autocannon has none", 'scale.engine');
  const c = opts.capacity;
  if (!c) throw new ConfigError("'capacity' needs an SLO (scale.capacity.slo or capacity.slo)", 'scale.measure');
  if (!(c.slo.p99Ms > 0)) throw new ConfigError(`must be above 0 ms, got ${c.slo.p99Ms}`, 'scale.capacity.slo.p99Ms');
  if (!(c.slo.maxErrorRate >= 0 && c.slo.maxErrorRate <= 1))
    throw new ConfigError(`must be between 0 and 1, got ${c.slo.maxErrorRate}`, 'scale.capacity.slo.maxErrorRate');
  for (const [key, v] of [
    ['startRate', c.startRate],
    ['maxRate', c.maxRate],
    ['budget', c.budgetSec],
  ] as const) {
    if (v !== undefined && !(Number.isFinite(v) && v > 0))
      throw new ConfigError(`must be above 0, got ${v}`, `scale.capacity.${key}`);
  }
  if (c.precision !== undefined && !(c.precision > 0 && c.precision <= 1))
    throw new ConfigError(`must be above 0 and at most 1, got ${c.precision}`, 'scale.capacity.precision');
}

function capacityNote(opts: SweepOptions): string {
  const c = opts.capacity!;
  return (
    `open-model capacity per step (native engine): X(N) = the highest arrival rate at which p99 < ${c.slo.p99Ms} ms, ` +
    `errors < ${(c.slo.maxErrorRate * 100).toFixed(2)}%, no dropped iterations and the generator is not saturated; ` +
    `rates from ${c.startRate ?? 100} req/s at the first step and from the previous X scaled by N after, doubling ` +
    `or halving, then bisection to ${((c.precision ?? 0.1) * 100).toFixed(0)}%; ${opts.repeats} trial(s) of ` +
    `${opts.durationSec} s after ${opts.warmupSec} s warm-up per rate; ${c.budgetSec ?? 30} s budget per step ` +
    '(a step whose budget ran out while the SLO held is flagged lower-bound)'
  );
}

interface QuotaSetup {
  support: CpuQuotaSupport;
  unitCpus: number;
  sharedCpus: number;
  periodUs: number;
  record: NonNullable<ScaleSection['cpuQuota']>;
}

/** Probes cgroup support and states the budgets (or why there are none) in the notes; null when unavailable. */
function setUpQuota(
  q: CpuQuotaOptions,
  steps: number[],
  sutCores: number,
  notes: string[],
  probe?: CgroupProbeOptions,
): QuotaSetup | null {
  for (const [key, v] of [
    ['unitCpus', q.unitCpus],
    ['sharedCpus', q.sharedCpus],
  ] as const) {
    if (!(typeof v === 'number' && v > 0 && v <= 64))
      throw new ConfigError(`must be a CPU count above 0, got ${v}`, `scale.cpuQuota.${key}`);
  }
  const periodUs = q.periodUs ?? 100_000;
  if (!Number.isInteger(periodUs) || periodUs < 1000 || periodUs > 1_000_000) {
    throw new ConfigError(`must be 1 ms to 1 s, got ${periodUs} µs`, 'scale.cpuQuota.period');
  }
  const support = probeCpuQuota(probe);
  if ('reason' in support) {
    notes.push(`scale model off (${support.reason}): workers share the cores unconstrained`);
    return null;
  }
  const top = steps.at(-1)!;
  notes.push(
    `scale model: each worker limited to ${q.unitCpus} CPU, the shared primary (database) to ${q.sharedCpus} CPU ` +
      `(cgroup ${support.version} CPU quota, period ${periodUs / 1000} ms); N = ${top} needs ` +
      `${+(top * q.unitCpus + q.sharedCpus).toFixed(2)} of the ${sutCores} core(s) of the system under test`,
  );
  return {
    support,
    unitCpus: q.unitCpus,
    sharedCpus: q.sharedCpus,
    periodUs,
    record: {
      mechanism: support.version === 'v2' ? 'cgroup-v2' : 'cgroup-v1',
      unitCpus: q.unitCpus,
      sharedCpus: q.sharedCpus,
      periodUs,
    },
  };
}

/** Places the target's primary and each of its children in their own quota group. */
function applyQuota(n: number, target: ScaleTarget, quota: QuotaSetup): QuotaPlan {
  if (!target.cluster) throw new Error(`scale step N=${n}: a CPU-quota scale model needs the target's primary pid`);
  const primary = target.cluster.primary;
  const units = readAllProcesses()
    .filter((p) => p.ppid === primary)
    .map((p) => p.pid);
  if (units.length !== n)
    throw new Error(`scale step N=${n}: expected ${n} worker processes under pid ${primary}, found ${units.length}`);
  const plan = QuotaPlan.create(quota.support, `n${n}`);
  try {
    plan.setShared(quota.sharedCpus, quota.periodUs).place([primary]);
    for (const pid of units) plan.addUnit(quota.unitCpus, quota.periodUs).place([pid]);
  } catch (e) {
    plan.remove();
    throw e;
  }
  return plan;
}

interface ThrottleSnapshot {
  throttled: number;
  periods: number;
}

function snapshot(groups: CpuQuotaGroup[]): ThrottleSnapshot | null {
  let throttled = 0;
  let periods = 0;
  for (const g of groups) {
    const s = g.stats();
    if (s.throttledPeriods === null || s.periods === null) return null;
    throttled += s.throttledPeriods;
    periods += s.periods;
  }
  return { throttled, periods };
}

/** Share of the periods between two snapshots in which the groups hit their quota. */
function throttledShare(before: ThrottleSnapshot | null, after: ThrottleSnapshot | null): number | null {
  if (!before || !after || after.periods <= before.periods) return null;
  return Math.min(1, (after.throttled - before.throttled) / (after.periods - before.periods));
}

async function measureStep(
  n: number,
  target: ScaleTarget,
  opts: SweepOptions,
  perWorker: number,
  plan: PinPlan | null,
  sampling: boolean,
  quota: QuotaSetup | null,
  startRate: number,
): Promise<StepMeasure> {
  if (plan && target.pids.length) {
    const all = withDescendants(target.pids, readAllProcesses());
    pinPids(all, plan.sutCpus);
  }
  const quotaPlan = quota ? applyQuota(n, target, quota) : null;
  try {
    return await measureStepRuns(n, target, opts, perWorker, sampling, quotaPlan, startRate);
  } finally {
    quotaPlan?.remove();
  }
}

async function measureStepRuns(
  n: number,
  target: ScaleTarget,
  opts: SweepOptions,
  perWorker: number,
  sampling: boolean,
  quotaPlan: QuotaPlan | null,
  startRate: number,
): Promise<StepMeasure> {
  const url = joinUrl(target.url, opts.path);
  const connections = opts.mode === 'concurrency' ? n : n * perWorker;
  const base = {
    url,
    connections,
    ...(opts.method ? { method: opts.method } : {}),
    ...(opts.headers ? { headers: opts.headers } : {}),
    ...(opts.body !== undefined ? { body: opts.body } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  };
  await assertReachable(url, 2000);
  const engine = opts.engine ?? 'autocannon';
  const sampler = sampling ? new CpuSampler(() => [process.pid, ...target.pids]) : null;
  const throttle = () => {
    const unitsBefore = quotaPlan ? snapshot(quotaPlan.units) : null;
    const sharedBefore = quotaPlan?.shared ? snapshot([quotaPlan.shared]) : null;
    return () =>
      quotaPlan
        ? {
            units: throttledShare(unitsBefore, snapshot(quotaPlan.units)),
            shared: quotaPlan.shared ? throttledShare(sharedBefore, snapshot([quotaPlan.shared])) : null,
          }
        : undefined;
  };
  if (opts.measure === 'capacity') {
    const throttled = throttle();
    sampler?.start();
    const c = await measureCapacityStep({
      ...base,
      startRate,
      repeats: opts.repeats,
      trialSec: opts.durationSec,
      warmupSec: opts.warmupSec,
      options: opts.capacity!,
    });
    const share = sampler?.stop();
    const quotaThrottled = throttled();
    const aborted = Boolean(opts.signal?.aborted);
    const lastTried = c.capacity.steps.at(-1);
    return {
      point: {
        n,
        throughput: c.rate ?? 0,
        runs: c.rate === null ? [] : [c.rate],
        latencyP99Ms: c.latencyP99Ms,
        errors: c.errors,
        foreignCpu: share ? share.foreign : null,
        flags: aborted && c.rate === null ? ['no-data'] : c.capacity.lowerBound ? ['lower-bound'] : [],
        measure: 'capacity',
        measuredSec: c.measuredSec,
        capacity: c.capacity,
        ...(quotaThrottled ? { quotaThrottled } : {}),
      },
      errorRate: 0,
      failures: 0,
      attempts: 0,
      socketErrors: 0,
      non2xx: 0,
      split: true,
      ...(c.rate === null && !aborted
        ? {
            capacityFailure:
              c.capacity.stoppedEarly ??
              `no rate met the SLO (p99 < ${c.capacity.slo.p99Ms} ms, errors < ` +
                `${(c.capacity.slo.maxErrorRate * 100).toFixed(2)}%, no drops)` +
                (lastTried ? `, down to ${lastTried.rate} req/s` : ''),
          }
        : {}),
    };
  }
  if (opts.warmupSec > 0) await closedRun(engine, { ...base, durationSec: opts.warmupSec });

  const throttled = throttle();
  const runs: ClosedRun[] = [];
  const measuredSec: number[] = [];
  const foreign: number[] = [];
  for (let r = 0; r < opts.repeats; r++) {
    if (opts.signal?.aborted) break;
    sampler?.start();
    const t0 = performance.now();
    const run = await closedRun(engine, { ...base, durationSec: opts.durationSec });
    const wall = (performance.now() - t0) / 1000;
    const share = sampler?.stop();
    if (share) foreign.push(share.foreign);
    if (run.aborted && run.requests === 0) break;
    runs.push(run);
    measuredSec.push(wall);
  }
  const quotaThrottled = throttled();
  if (runs.length === 0) {
    return {
      point: { n, throughput: 0, runs: [], errors: 0, flags: ['no-data'] },
      errorRate: 0,
      failures: 0,
      attempts: 0,
      socketErrors: 0,
      non2xx: 0,
      split: true,
    };
  }
  const responses = runs.reduce((a, r) => a + r.requests, 0);
  const socketErrors = runs.reduce((a, r) => a + (r.errors ?? 0), 0);
  const non2xx = runs.reduce((a, r) => a + r.non2xx, 0);
  if (responses > 0 && non2xx === responses) {
    throw new TargetUnreachableError(
      `every one of the ${responses} requests to ${url} failed (${
        runs.every((r) => r.errors !== null) ? 'an error status, not 2xx' : 'network error or unexpected status'
      })`,
    );
  }
  const failures = socketErrors + non2xx;
  const attempts = responses + socketErrors;
  return {
    point: {
      n,
      throughput: median(runs.map((r) => r.throughput)),
      runs: runs.map((r) => r.throughput),
      latencyP99Ms: median(runs.map((r) => r.latencyP99Ms)),
      errors: failures,
      foreignCpu: foreign.length ? foreign.reduce((a, b) => Math.max(a, b)) : null,
      flags: [],
      measure: 'closed-max',
      measuredSec,
      ...(quotaThrottled ? { quotaThrottled } : {}),
    },
    errorRate: attempts > 0 ? failures / attempts : 0,
    failures,
    socketErrors,
    non2xx,
    split: runs.every((r) => r.errors !== null),
    attempts,
  };
}
