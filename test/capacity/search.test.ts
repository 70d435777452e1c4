import { describe, expect, it } from 'vitest';
import { judgeFunction } from '../../src/core/judge.js';
import { capacityFitnessFunctions } from '../../src/load/capacity/builtin-functions.js';
import { capacitySection, trafficEstimate } from '../../src/load/capacity/capacity-section.js';
import { rateProbe } from '../../src/load/capacity/probe.js';
import { searchCapacity, type TrialMeasure } from '../../src/load/capacity/search.js';
import { runAutocannon } from '../../src/load/engines/autocannon.js';
import { startOneAtATimeServer } from './one-at-a-time-server.js';

const slo = { p99Ms: 50, maxErrorRate: 0.01 };
/** A server with a hard capacity of 500 req/s: fine below, queueing without bound (and dropping) at or above. */
const model = (rate: number): Promise<TrialMeasure> =>
  Promise.resolve(
    rate < 500
      ? { p99Ms: 5, errorRate: 0, droppedIterations: 0, generatorSaturated: false, achievedRate: rate }
      : { p99Ms: 1000, errorRate: 0, droppedIterations: 40, generatorSaturated: false, achievedRate: 500 },
  );

const section = (
  search: Awaited<ReturnType<typeof searchCapacity>>,
  extra: Partial<Parameters<typeof capacitySection>[0]> = {},
) =>
  capacitySection({
    search,
    engine: 'native',
    scenario: 's',
    slo,
    repeats: 2,
    precision: 0.05,
    trialSec: 3,
    timeBudgetSec: 60,
    ...extra,
  });

describe('searchCapacity: bracketing by doubling, then bisection', () => {
  it('finds a known knee at 500 req/s (rates worked out by hand)', async () => {
    const r = await searchCapacity({
      probe: model,
      slo,
      startRate: 50,
      maxRate: 5000,
      repeats: 2,
      precision: 0.05,
      timeBudgetMs: 1e9,
      trialMs: 1,
    });
    // 50..400 hold, 800 breaks; bisect 600 ✗, 500 ✗, 450 ✓, 475 ✓, 488 ✓ → (500 − 488) / 488 = 2.5% ≤ 5%.
    expect(r.steps.map((s) => s.rate)).toEqual([50, 100, 200, 400, 800, 600, 500, 450, 475, 488]);
    expect(r.steps.map((s) => s.trials.length)).toEqual([2, 2, 2, 2, 1, 1, 1, 2, 2, 2]);
    expect(r.maxSustainableRate).toBe(488);
    expect(r.knee).toEqual({ low: 488, high: 500 });
    expect(r.steps[4].trials[0].violations).toEqual(['p99 1000 ms ≥ 50 ms', '40 dropped iterations']);
  });

  it('brackets downward when the start rate already breaks the SLO', async () => {
    const r = await searchCapacity({
      probe: model,
      slo,
      startRate: 2000,
      maxRate: 5000,
      repeats: 1,
      precision: 0.1,
      timeBudgetMs: 1e9,
      trialMs: 1,
    });
    // 2000 ✗, 1000 ✗, 500 ✗, 250 ✓; bisect 375 ✓, 438 ✓, 469 ✓ → (500 − 469) / 469 = 6.6% ≤ 10%.
    expect(r.steps.map((s) => s.rate)).toEqual([2000, 1000, 500, 250, 375, 438, 469]);
    expect(r.knee).toEqual({ low: 469, high: 500 });
  });

  it('stops within the time budget and says so; the rate that held is a lower bound (here it meets >= 100)', async () => {
    let t = 0;
    const r = await searchCapacity({
      probe: async (rate) => {
        t += 10_000;
        return model(rate);
      },
      now: () => t,
      slo,
      startRate: 50,
      maxRate: 5000,
      repeats: 1,
      timeBudgetMs: 35_000,
      trialMs: 10_000,
    });
    expect(r.steps.map((s) => s.rate)).toEqual([50, 100, 200]);
    expect(r.stoppedEarly).toBe('time budget of 35 s spent while bracketing');
    expect(r.knee).toBeNull();
    const v = await judgeFunction('capacity', capacityFitnessFunctions.capacity, { capacity: section(r) } as never);
    expect(v).toMatchObject({ verdict: 'pass', value: 200 });
    expect(v.reason).toBe(
      'time budget of 35 s spent while bracketing; the SLO held up to 200 req/s; the value is a lower bound and already meets the target',
    );
    const low = await searchCapacity({
      probe: async (rate) => {
        t += 10_000;
        return model(rate);
      },
      now: () => t,
      slo,
      startRate: 25,
      maxRate: 5000,
      repeats: 1,
      timeBudgetMs: 25_000,
      trialMs: 10_000,
    });
    expect(low.maxSustainableRate).toBe(50);
    const w = await judgeFunction('capacity', capacityFitnessFunctions.capacity, { capacity: section(low) } as never);
    expect(w).toMatchObject({ verdict: 'inconclusive', value: 50 });
  });

  it('a saturated generator leaves a rate unjudged: retried once, then the search stops with the rate that held', async () => {
    const saturating = async (rate: number): Promise<TrialMeasure> =>
      rate >= 200
        ? { p99Ms: 300, errorRate: 0, droppedIterations: 0, generatorSaturated: true, achievedRate: rate * 0.8 }
        : model(rate);
    const r = await searchCapacity({
      probe: saturating,
      slo,
      startRate: 50,
      maxRate: 5000,
      repeats: 2,
      timeBudgetMs: 1e9,
      trialMs: 1,
    });
    expect(r.steps.map((s) => [s.rate, s.ok, s.unknown ?? false])).toEqual([
      [50, true, false],
      [100, true, false],
      [200, false, true],
      [200, false, true],
    ]);
    expect(r.stoppedEarly).toBe(
      'generator saturated at 200 req/s: the load generator, not the system, limited the trial',
    );
    expect(r.maxSustainableRate).toBe(100);
    expect(r.knee).toBeNull();
    // Not a FAIL at 200 (that rate was never judged); 100 held, which meets '>= 100'.
    const v = await judgeFunction('capacity', capacityFitnessFunctions.capacity, { capacity: section(r) } as never);
    expect(v).toMatchObject({ verdict: 'pass', value: 100 });
    const none = await searchCapacity({
      probe: saturating,
      slo,
      startRate: 400,
      maxRate: 5000,
      repeats: 1,
      timeBudgetMs: 1e9,
      trialMs: 1,
    });
    const n = await judgeFunction('capacity', capacityFitnessFunctions.capacity, { capacity: section(none) } as never);
    expect(n).toMatchObject({ verdict: 'inconclusive', value: null });
  });

  it('a system that breaks the SLO at every rate fails the capacity target with a measured 0', async () => {
    const broken = (): Promise<TrialMeasure> =>
      Promise.resolve({ p99Ms: 900, errorRate: 0.5, droppedIterations: 0, generatorSaturated: false, achievedRate: 1 });
    const r = await searchCapacity({
      probe: broken,
      slo,
      startRate: 64,
      maxRate: 5000,
      minRate: 1,
      repeats: 1,
      timeBudgetMs: 1e9,
      trialMs: 1,
    });
    expect(r.steps.map((s) => s.rate)).toEqual([64, 32, 16, 8, 4, 2, 1]);
    expect(r.stoppedEarly).toBe('the SLO does not hold even at 1 req/s');
    const v = await judgeFunction('capacity', capacityFitnessFunctions.capacity, { capacity: section(r) } as never);
    expect(v).toMatchObject({ verdict: 'fail', value: 0 });
  });
});

describe('traffic model: users per instance and instances needed (values by hand)', () => {
  it('500 req/s at 0.05 req/s per user = 10,000 users; 50,000 users need 7 instances when σ = 0.05, κ = 0', () => {
    // C(N) = N / (1 + 0.05(N − 1)) ≥ 5 ⇔ N ≥ 6.33 → 7.
    const t = trafficEstimate(
      500,
      { requestsPerUserPerSec: 0.05, targetUsers: 50_000 },
      { sigma: 0.05, kappa: 0, nMax: null },
    );
    expect(t.usersPerInstance).toBe(10_000);
    expect(t.instancesNeeded).toBe(7);
  });

  it('out of reach when the USL curve peaks below the target (σ = 0.1, κ = 0.01: N_max ≈ 9.49, C ≈ 3.575)', () => {
    const t = trafficEstimate(
      500,
      { requestsPerUserPerSec: 0.05, targetUsers: 50_000 },
      { sigma: 0.1, kappa: 0.01, nMax: Math.sqrt(0.9 / 0.01) },
    );
    expect(t.instancesNeeded).toBeNull();
    expect(t.note).toBe(
      'one instance sustains 500 req/s = 10,000 users at 0.05 req/s each; 50,000 users are out of reach: ' +
        'by the USL fit adding instances stops helping at N ≈ 9.5, where all instances together serve 35,748 users',
    );
  });

  it('without a USL fit, linear scaling is assumed and stated', () => {
    const t = trafficEstimate(500, { requestsPerUserPerSec: 0.05, targetUsers: 50_000 }, null);
    expect(t.instancesNeeded).toBe(5);
    expect(t.note).toContain('assuming linear scaling (no USL fit: run the scale check)');
  });
});

describe('capacity search against a real server with a fixed service-time limit (native engine, open model)', () => {
  it('a one-at-a-time server with 2 ms service time: the knee is near 1000 / 2 = 500 req/s', async (ctx) => {
    const server = await startOneAtATimeServer(2);
    try {
      // Independent measure of the same limit: autocannon's closed-model maximum with 8 connections.
      const closed = await runAutocannon({ url: `${server.url}/`, connections: 8, durationSec: 2 });
      const r = await searchCapacity({
        probe: rateProbe({
          baseUrl: server.url,
          scenario: { executor: 'constant-arrival-rate', requests: [{ path: '/' }] },
          trialSec: 2,
          warmupSec: 0.5,
          slo,
          outDir: '/tmp/pitchey-fit-capacity-test',
        }),
        slo,
        startRate: 100,
        maxRate: 3000,
        repeats: 1,
        precision: 0.1,
        timeBudgetMs: 120_000,
        trialMs: 3500,
      });
      // On a machine so busy that the generator's own sends ran late, the knee measured is the machine's, not the
      // server's: the search says so (generator saturated), and there is nothing to compare here.
      const starved = r.steps.flatMap((s) => s.trials).filter((t) => t.generatorSaturated).length;
      if (starved > 0)
        ctx.skip(`generator saturated in ${starved} trial(s): this machine is too busy to measure the knee`);
      expect(r.knee).not.toBeNull();
      // The knee can be no higher than the service time allows, and the open-model search lands in the range of the
      // closed max. The lower bound is loose: the suite runs two files at once on two cores, and the busy-waiting
      // server slows when it shares its core (seen in a CI-like run: knee 100–200 req/s against a closed max of 362).
      // Constant pacing at exactly 500/s meets a 2 ms server without queueing (D/D/1 at ρ = 1), and in a 2 s trial a
      // queue may grow by 50 ms (the SLO) before p99 breaks: about 2.5 % over 500 can pass.
      expect(r.knee!.low).toBeLessThanOrEqual(525);
      expect(closed.throughput).toBeLessThanOrEqual(505);
      expect(r.knee!.high).toBeGreaterThanOrEqual(0.3 * closed.throughput);
      expect(r.knee!.low).toBeLessThanOrEqual(1.1 * closed.throughput);
    } finally {
      await server.stop();
    }
  }, 180_000);
});
