/**
 * Capacity search: the highest open-model arrival rate at which the SLO holds (p99 below target, errors below target,
 * no dropped iterations, generator not saturated). Brackets by doubling (or halving) from a start rate, then bisects
 * the bracket until it is narrow enough or the time budget is spent. Each rate is tried `repeats` times; it counts
 * as sustainable only when every trial met the SLO.
 */
import type { CapacityStep, CapacityTrial } from '../../core/result-capacity.js';

export interface CapacitySlo {
  p99Ms: number;
  maxErrorRate: number;
}

/** What one trial at a rate measured; `searchCapacity` judges it against the SLO. */
export interface TrialMeasure {
  p99Ms: number | null;
  errorRate: number | null;
  droppedIterations: number;
  generatorSaturated: boolean;
  achievedRate: number;
  /** Wall seconds of the measured phase. */
  durationSec?: number;
}

export interface CapacitySearchOptions {
  /** Offers `rate` requests per second for one trial and reports what it measured. */
  probe(rate: number): Promise<TrialMeasure>;
  slo: CapacitySlo;
  startRate: number;
  /** The search never offers more than this (the generator's own limit, or a configured ceiling). */
  maxRate: number;
  /** Below this the search stops looking for a sustainable rate. Default startRate / 64. */
  minRate?: number;
  repeats: number;
  /** Stop bisecting when (high − low) / low is at most this. Default 0.1. */
  precision?: number;
  /** Wall-time budget of the whole search, ms; a step that would not fit is not started. */
  timeBudgetMs: number;
  /** Expected wall time of one trial (for the budget), ms. */
  trialMs: number;
  signal?: AbortSignal;
  onStep?(step: CapacityStep): void;
  now?: () => number;
}

export interface CapacitySearchResult {
  steps: CapacityStep[];
  maxSustainableRate: number | null;
  knee: { low: number; high: number } | null;
  stoppedEarly?: string;
  elapsedMs: number;
}

export function judgeTrial(m: TrialMeasure, slo: CapacitySlo): CapacityTrial {
  const violations: string[] = [];
  if (m.p99Ms === null) violations.push('no response to measure p99 on');
  else if (!(m.p99Ms < slo.p99Ms)) violations.push(`p99 ${round(m.p99Ms)} ms ≥ ${slo.p99Ms} ms`);
  if (m.errorRate !== null && !(m.errorRate < slo.maxErrorRate || (slo.maxErrorRate === 0 && m.errorRate === 0))) {
    violations.push(`error rate ${(m.errorRate * 100).toFixed(2)}% ≥ ${(slo.maxErrorRate * 100).toFixed(2)}%`);
  }
  if (m.droppedIterations > 0) violations.push(`${m.droppedIterations} dropped iterations`);
  if (m.generatorSaturated) violations.push('generator saturated');
  return { ...m, ok: violations.length === 0, violations };
}

const round = (v: number) => (Math.abs(v) >= 100 ? Math.round(v) : Math.round(v * 10) / 10);
/** Rates offered: whole requests per second from 10 up, one decimal below. */
const roundRate = (r: number) => (r >= 10 ? Math.round(r) : Math.max(0.1, Math.round(r * 10) / 10));

export async function searchCapacity(o: CapacitySearchOptions): Promise<CapacitySearchResult> {
  const now = o.now ?? (() => performance.now());
  const started = now();
  const precision = o.precision ?? 0.1;
  const minRate = o.minRate ?? o.startRate / 64;
  const steps: CapacityStep[] = [];
  let low: number | null = null;
  let high: number | null = null;
  let stoppedEarly: string | undefined;
  const stop = (why: string) => {
    stoppedEarly = why;
  };

  const fits = () => now() - started + o.repeats * o.trialMs <= o.timeBudgetMs;
  const attempt = async (rate: number, phase: CapacityStep['phase']): Promise<'held' | 'broken' | 'unknown'> => {
    const trials: CapacityTrial[] = [];
    for (let i = 0; i < o.repeats; i++) {
      const t = judgeTrial(await o.probe(rate), o.slo);
      trials.push(t);
      if (!t.ok || o.signal?.aborted) break; // one failing trial decides the rate
    }
    // A saturated generator measured itself: the rate is neither held nor broken.
    const unknown = trials.some((t) => t.generatorSaturated);
    const step: CapacityStep = {
      rate,
      phase,
      trials,
      ok: !unknown && trials.length === o.repeats && trials.every((t) => t.ok),
      ...(unknown ? { unknown } : {}),
    };
    steps.push(step);
    o.onStep?.(step);
    return unknown ? 'unknown' : step.ok ? 'held' : 'broken';
  };
  /** A rate the generator could not judge is tried once more (a passing noise); twice unknown stops the search. */
  const tryRate = async (rate: number, phase: CapacityStep['phase']): Promise<boolean | null> => {
    let outcome = await attempt(rate, phase);
    if (outcome === 'unknown' && fits() && !o.signal?.aborted) outcome = await attempt(rate, phase);
    if (outcome === 'unknown') {
      stop(`generator saturated at ${rate} req/s: the load generator, not the system, limited the trial`);
      return null;
    }
    return outcome === 'held';
  };

  let rate = roundRate(Math.min(o.startRate, o.maxRate));
  while (high === null || low === null) {
    if (o.signal?.aborted) {
      stop('interrupted');
      break;
    }
    if (!fits()) {
      stop(`time budget of ${Math.round(o.timeBudgetMs / 1000)} s spent while bracketing`);
      break;
    }
    const ok = await tryRate(rate, 'bracket');
    if (ok === null) break;
    if (ok) {
      low = rate;
      if (high !== null) break;
      if (rate >= o.maxRate) {
        stop(`the SLO still holds at the rate ceiling ${o.maxRate} req/s`);
        break;
      }
      rate = roundRate(Math.min(rate * 2, o.maxRate));
    } else {
      high = rate;
      if (low !== null) break;
      if (rate / 2 < minRate) {
        stop(`the SLO does not hold even at ${rate} req/s`);
        break;
      }
      rate = roundRate(rate / 2);
    }
  }
  while (low !== null && high !== null && (high - low) / low > precision) {
    if (o.signal?.aborted) {
      stop('interrupted');
      break;
    }
    if (!fits()) {
      stop(`time budget of ${Math.round(o.timeBudgetMs / 1000)} s spent while bisecting`);
      break;
    }
    const mid = roundRate((low + high) / 2);
    if (mid <= low || mid >= high) break; // rates are whole numbers: the bracket cannot narrow further
    const ok = await tryRate(mid, 'bisect');
    if (ok === null) break;
    if (ok) low = mid;
    else high = mid;
  }
  return {
    steps,
    maxSustainableRate: low,
    knee: low !== null && high !== null ? { low, high } : null,
    ...(stoppedEarly ? { stoppedEarly } : {}),
    elapsedMs: now() - started,
  };
}
