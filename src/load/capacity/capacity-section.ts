/** A capacity search turned into the Result's CapacitySection, with the traffic model's users and instances. */
import type { CapacitySection } from '../../core/result-capacity.js';
import type { UslFit } from '../../core/result-scale.js';
import type { CapacitySearchResult, CapacitySlo } from './search.js';

export interface TrafficModel {
  /** Requests one active user sends per second (e.g. 0.05: one request every 20 s). */
  requestsPerUserPerSec: number;
  /** Users the system must serve; with it, the instances needed are computed. */
  targetUsers?: number;
}

/** Relative capacity of N instances, X(N)/X(1) by the USL: N / (1 + σ(N−1) + κN(N−1)). */
function relativeCapacity(fit: Pick<UslFit, 'sigma' | 'kappa'>, n: number): number {
  return n / (1 + fit.sigma * (n - 1) + fit.kappa * n * (n - 1));
}

const MAX_INSTANCES = 10_000;

/**
 * Users per instance = sustainable rate / requests per user per second. Instances for a target: the smallest N whose
 * USL-scaled capacity covers the target, or null when the USL curve peaks below it (adding instances stops helping).
 * Without a fit the scaling is assumed linear, which the note says.
 */
export function trafficEstimate(
  maxRate: number,
  model: TrafficModel,
  fit: Pick<UslFit, 'sigma' | 'kappa' | 'nMax'> | null,
): NonNullable<CapacitySection['traffic']> {
  const usersPerInstance = maxRate / model.requestsPerUserPerSec;
  const out: NonNullable<CapacitySection['traffic']> = {
    requestsPerUserPerSec: model.requestsPerUserPerSec,
    usersPerInstance,
    note: `one instance sustains ${fmt(maxRate)} req/s = ${fmt(usersPerInstance)} users at ${model.requestsPerUserPerSec} req/s each`,
  };
  if (model.targetUsers === undefined) return out;
  out.targetUsers = model.targetUsers;
  const need = model.targetUsers / usersPerInstance;
  if (!fit) {
    out.instancesNeeded = Math.ceil(need);
    out.note += `; ${out.instancesNeeded} instances for ${fmt(model.targetUsers)} users assuming linear scaling (no USL fit: run the scale check)`;
    return out;
  }
  const peak = fit.nMax !== null ? relativeCapacity(fit, fit.nMax) : Infinity;
  let n = 1;
  while (n <= MAX_INSTANCES && relativeCapacity(fit, n) < need) {
    if (fit.nMax !== null && n > fit.nMax) break;
    n++;
  }
  if (relativeCapacity(fit, n) >= need && n <= MAX_INSTANCES) {
    out.instancesNeeded = n;
    out.note += `; ${n} instances for ${fmt(model.targetUsers)} users by the USL fit (σ ${fit.sigma.toPrecision(3)}, κ ${fit.kappa.toPrecision(3)})`;
  } else {
    out.instancesNeeded = null;
    out.note +=
      fit.nMax !== null
        ? `; ${fmt(model.targetUsers)} users are out of reach: by the USL fit adding instances stops helping at N ≈ ` +
          `${fmt(fit.nMax)}, where all instances together serve ${fmt(peak * usersPerInstance)} users`
        : `; ${fmt(model.targetUsers)} users need more than ${MAX_INSTANCES} instances by the USL fit`;
  }
  return out;
}

function fmt(v: number): string {
  return v >= 100 ? Math.round(v).toLocaleString('en-US') : String(Math.round(v * 10) / 10);
}

export interface CapacitySectionInput {
  search: CapacitySearchResult;
  engine: string;
  scenario: string;
  slo: CapacitySlo;
  repeats: number;
  precision: number;
  trialSec: number;
  timeBudgetSec: number;
  traffic?: TrafficModel;
  fit?: Pick<UslFit, 'sigma' | 'kappa' | 'nMax'> | null;
  notes?: string[];
  /** Command-line overrides applied (and not applied), one line each. */
  overrides?: string[];
  partial?: boolean;
}

export function capacitySection(i: CapacitySectionInput): CapacitySection {
  const { search } = i;
  const width = search.knee ? (search.knee.high - search.knee.low) / search.knee.low : null;
  const confidence =
    `${i.repeats} trial${i.repeats > 1 ? 's' : ''} of ${i.trialSec} s per rate, all meeting the SLO for a rate ` +
    'to count as sustainable' +
    (width !== null
      ? `; knee bracketed to ${(width * 100).toFixed(1)}% (goal ${(i.precision * 100).toFixed(0)}%)`
      : '');
  return {
    engine: i.engine,
    scenario: i.scenario,
    slo: { p99Ms: i.slo.p99Ms, maxErrorRate: i.slo.maxErrorRate },
    steps: search.steps,
    maxSustainableRate: search.maxSustainableRate,
    knee: search.knee,
    confidence,
    trialSec: i.trialSec,
    timeBudgetSec: i.timeBudgetSec,
    elapsedSec: search.elapsedMs / 1000,
    ...(search.stoppedEarly ? { stoppedEarly: search.stoppedEarly } : {}),
    ...(i.traffic && search.maxSustainableRate !== null
      ? { traffic: trafficEstimate(search.maxSustainableRate, i.traffic, i.fit ?? null) }
      : {}),
    notes: i.notes ?? [],
    ...(i.overrides?.length ? { overrides: i.overrides } : {}),
    ...(i.partial ? { partial: true } : {}),
  };
}
