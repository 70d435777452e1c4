/**
 * A sweep step measured as open-model capacity: the capacity search (src/load/capacity) run against the target at
 * N, so X(N) is the highest arrival rate at which the SLO holds with N instances.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { StepCapacity } from '../../core/result-scale.js';
import { rateProbe, searchCapacity, type CapacitySlo } from '../capacity/index.js';

export interface StepCapacityOptions {
  slo: CapacitySlo;
  /** First rate tried at the first step; later steps start from the previous X scaled linearly by N. Default 100. */
  startRate?: number;
  /** No step offers more than this, req/s. Default 5000. */
  maxRate?: number;
  /** Bisect until (high − low) / low is at most this. Default 0.1. */
  precision?: number;
  /** Wall-time budget of one step's search, s. Default 30. */
  budgetSec?: number;
}

export interface CapacityStepInput {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string | object;
  startRate: number;
  /** Trials per rate (scale.repeats); every one must meet the SLO. */
  repeats: number;
  trialSec: number;
  warmupSec: number;
  options: StepCapacityOptions;
  signal?: AbortSignal;
}

export interface CapacityStepResult {
  /** The sustainable rate, req/s; null when no rate tried met the SLO. */
  rate: number | null;
  latencyP99Ms: number | null;
  /** Failed requests at the sustained rate (from its trials' error rate and achieved rate). */
  errors: number;
  measuredSec: number[];
  capacity: StepCapacity;
}

/** Seconds a trial takes on the wall clock besides its measured phase and warm-up (start, graceful stop). */
const TRIAL_OVERHEAD_SEC = 1;

export async function measureCapacityStep(i: CapacityStepInput): Promise<CapacityStepResult> {
  const u = new URL(i.url);
  const budgetSec = i.options.budgetSec ?? 30;
  const outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pitchey-fit-sweep-capacity-'));
  try {
    const search = await searchCapacity({
      probe: rateProbe({
        baseUrl: u.origin,
        scenario: {
          executor: 'constant-arrival-rate',
          requests: [
            {
              path: u.pathname + u.search,
              ...(i.method ? { method: i.method.toUpperCase() as 'GET' } : {}),
              ...(i.headers ? { headers: i.headers } : {}),
              ...(i.body !== undefined ? { body: i.body } : {}),
            },
          ],
        },
        trialSec: i.trialSec,
        warmupSec: i.warmupSec,
        slo: i.options.slo,
        engine: 'native',
        // Its own thread: the sweep's CPU sampler reads /proc on the main thread, which would delay sends.
        workers: 1,
        outDir,
        ...(i.signal ? { signal: i.signal } : {}),
      }),
      slo: i.options.slo,
      startRate: i.startRate,
      maxRate: i.options.maxRate ?? 5000,
      repeats: i.repeats,
      precision: i.options.precision ?? 0.1,
      timeBudgetMs: budgetSec * 1000,
      trialMs: (i.trialSec + i.warmupSec + TRIAL_OVERHEAD_SEC) * 1000,
      ...(i.signal ? { signal: i.signal } : {}),
    });
    const held = search.steps.filter((s) => s.ok && s.rate === search.maxSustainableRate).flatMap((s) => s.trials);
    const p99s = held.map((t) => t.p99Ms).filter((v): v is number => v !== null);
    return {
      rate: search.maxSustainableRate,
      latencyP99Ms: p99s.length ? Math.max(...p99s) : null,
      errors: Math.round(
        held.reduce((a, t) => a + (t.errorRate ?? 0) * t.achievedRate * (t.durationSec ?? i.trialSec), 0),
      ),
      measuredSec: search.steps.flatMap((s) => s.trials.map((t) => t.durationSec ?? i.trialSec)),
      capacity: {
        slo: { p99Ms: i.options.slo.p99Ms, maxErrorRate: i.options.slo.maxErrorRate },
        steps: search.steps,
        knee: search.knee,
        lowerBound: search.maxSustainableRate !== null && search.knee === null,
        ...(search.stoppedEarly ? { stoppedEarly: search.stoppedEarly } : {}),
        trialSec: i.trialSec,
        budgetSec,
        elapsedSec: search.elapsedMs / 1000,
      },
    };
  } finally {
    fs.rmSync(outDir, { recursive: true, force: true });
  }
}
