import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it, type TestContext } from 'vitest';
import { validateConfig } from '../../src/config/validate.js';
import { BUILTIN_IDS } from '../../src/run/builtin-functions.js';
import { ConfigError } from '../../src/core/errors.js';
import { judgeFunction } from '../../src/core/judge.js';
import { ScaleSectionSchema } from '../../src/core/result-scale.js';
import { scaleFitnessFunctions } from '../../src/load/scaling/builtin-functions.js';
import type { ScaleSection } from '../../src/core/result-scale.js';
import { runSweep, ScaleSweepError, type ScaleTarget, type SweepOptions } from '../../src/load/scaling/sweep.js';
import { startSlotServer } from './slot-server.js';

// scale.measure 'capacity' (issue 15 item 4): X(N) = the sustainable open-model rate at N instances.
const SERVICE_MS = 20;
const slo = { p99Ms: 60, maxErrorRate: 0.01 };

const base: Omit<SweepOptions, 'steps' | 'startTarget'> = {
  mode: 'command',
  measure: 'capacity',
  engine: 'native',
  repeats: 1,
  warmupSec: 0.3,
  durationSec: 1,
  path: '/',
  pin: false,
  // other processes' CPU is not what these tests judge (the busy machine is handled by the skip below)
  foreignCpuBound: 1,
  fit: { bootstrap: 0 },
  capacity: { slo, startRate: 25, precision: 0.15, budgetSec: 25 },
};

/** N instances: one server with N slots. */
async function slotTarget(n: number): Promise<ScaleTarget> {
  const s = await startSlotServer(n, SERVICE_MS);
  return { url: s.url, pids: [s.pid], stop: () => s.stop() };
}

/**
 * The sweep, or a skip when the load generator itself ran late: on this 2-core machine shared by parallel test files,
 * a GC pause or a CPU held by another process can delay sends past 10 ms even at 10 req/s. The search then says
 * "generator saturated" (the rate is not judged), and there is nothing to compare with the hand-computed capacity.
 */
async function sweepOrSkip(ctx: TestContext, opts: SweepOptions): Promise<ScaleSection> {
  let section: ScaleSection;
  try {
    section = await runSweep(opts);
  } catch (e) {
    if (e instanceof ScaleSweepError && e.message.includes('generator saturated')) ctx.skip(e.message);
    throw e;
  }
  // A rate the generator could not judge is retried once; only a search that ended on it is cut short.
  const cut = section.points.filter((p) => p.capacity?.stoppedEarly?.includes('generator saturated'));
  if (cut.length) ctx.skip(`generator saturated at N = ${cut.map((p) => p.n).join(', ')}: too busy to judge the rates`);
  return section;
}

describe("runSweep with measure 'capacity' against a server of N slots × 20 ms", () => {
  it('the sustainable rate grows with N as N × 1000 / 20 = 50·N req/s (within stated bounds)', async (ctx) => {
    const section = await sweepOrSkip(ctx, {
      ...base,
      steps: [1, 2, 4],
      startTarget: slotTarget,
    });
    expect(() => ScaleSectionSchema.parse(section)).not.toThrow();
    expect(section.measure).toBe('capacity');
    expect(section.engine).toBe('native');
    expect(section.points.map((p) => p.n)).toEqual([1, 2, 4]);
    for (const p of section.points) {
      const capacity = (p.n * 1000) / SERVICE_MS;
      expect(p.measure).toBe('capacity');
      expect(p.capacity!.slo).toEqual(slo);
      expect(p.capacity!.lowerBound, JSON.stringify(p.capacity!.steps)).toBe(false);
      const { low, high } = p.capacity!.knee!;
      expect(p.throughput).toBe(low);
      // Upper bound: no more than the slots can serve, plus what a 1 s trial can queue before p99 passes 60 ms
      // (a backlog of (60 − 20) / 20 · N = 2N requests, i.e. 2N req/s over capacity): 50N + 2N = 1.04 × 50N.
      expect(low).toBeLessThanOrEqual(1.04 * capacity);
      // Lower bound: the knee is bracketed to 15%, and timers overshoot on a busy machine (21-25 ms seen under load):
      // the rate that broke the SLO is at least 0.7 of the slots' capacity.
      expect(high).toBeGreaterThanOrEqual(0.7 * capacity);
      expect((high - low) / low).toBeLessThanOrEqual(0.15 + 1e-9);
      expect(p.latencyP99Ms).toBeLessThan(slo.p99Ms);
      expect(p.latencyP99Ms).toBeGreaterThanOrEqual(SERVICE_MS);
      for (const step of p.capacity!.steps) for (const t of step.trials) expect(t.durationSec).toBeGreaterThan(0.8);
      expect(p.capacity!.elapsedSec).toBeLessThanOrEqual(25 + 5);
    }
    // E(N) over the sustainable rates, as defined: X(N) / (N · X(1)).
    const [x1, x2, x4] = section.points.map((p) => p.throughput);
    expect(section.points[1].efficiency).toBeCloseTo(x2 / (2 * x1), 12);
    expect(section.points[2].efficiency).toBeCloseTo(x4 / (4 * x1), 12);
    // Both X(1) and X(N) lie in [0.7, 1.04] × 50N, so E lies in [0.7 / 1.04, 1.04 / 0.7].
    for (const p of section.points.slice(1)) {
      expect(p.efficiency!).toBeGreaterThanOrEqual(0.67);
      expect(p.efficiency!).toBeLessThanOrEqual(1.49);
    }
    expect(section.fit).not.toBeNull();
    expect(section.notes.join('\n')).toContain('open-model capacity per step (native engine)');
    // Later steps start at the previous X scaled by N: step 2 opens at 2 · X(1).
    expect(section.points[1].capacity!.steps[0].rate).toBe(Math.round(2 * x1));
  }, 150_000);

  it('a step whose budget ends while the SLO holds is a lower bound: flagged, and E there judged as one', async (ctx) => {
    const section = await sweepOrSkip(ctx, {
      ...base,
      steps: [1, 2],
      // one trial fits the 3 s budget (1 + 0.3 + 1 s per trial), a second does not: the first rate holds, nothing
      // breaks it
      capacity: { slo, startRate: 10, budgetSec: 3 },
      startTarget: slotTarget,
    });
    const [p1, p2] = section.points;
    expect(p1.capacity!.steps.map((s) => s.rate)).toEqual([10]);
    expect(p1.capacity!.lowerBound).toBe(true);
    expect(p1.capacity!.stoppedEarly).toBe('time budget of 3 s spent while bracketing');
    expect(p1.flags).toContain('lower-bound');
    expect(p2.capacity!.steps.map((s) => s.rate)).toEqual([20]);
    const v = await judgeFunction('scalingEfficiency', scaleFitnessFunctions.scalingEfficiency, {
      scale: section,
    } as never);
    expect(v.verdict).toBe('inconclusive');
    expect(v.reason).toContain('X(1) is a lower bound (time budget of 3 s spent while bracketing)');
  }, 60_000);

  it('refuses what an open-model step cannot be (one-line config errors naming the key)', async () => {
    const start = () => Promise.reject(new Error('must not start'));
    const cases: Array<[Partial<SweepOptions>, string]> = [
      [{ mode: 'concurrency' }, "scale.measure: 'capacity' needs N to be instances"],
      [{ engine: 'autocannon' }, "scale.engine: 'capacity' runs the native engine's open model; autocannon has none"],
      [{ capacity: { slo: { p99Ms: 0, maxErrorRate: 0.01 } } }, 'scale.capacity.slo.p99Ms: must be above 0 ms'],
      [{ capacity: { slo, budgetSec: -1 } }, 'scale.capacity.budget: must be above 0, got -1'],
      [{ capacity: { slo, precision: 2 } }, 'scale.capacity.precision: must be above 0 and at most 1, got 2'],
    ];
    for (const [extra, message] of cases) {
      const e = await runSweep({ ...base, steps: [1, 2], startTarget: start, ...extra }).catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ConfigError);
      expect((e as Error).message).toContain(message);
      expect((e as Error).message).not.toContain('\n');
    }
  });
});

describe('config scale.measure / scale.capacity (validated on load, and in schema/config.schema.json)', () => {
  const published = JSON.parse(
    fs.readFileSync(path.resolve(import.meta.dirname, '../../schema/config.schema.json'), 'utf8'),
  ) as { properties: { scale: { properties: Record<string, { enum?: string[] }> } } };
  const error = (scale: object): string => {
    try {
      validateConfig({ scale }, BUILTIN_IDS);
    } catch (e) {
      return (e as Error).message;
    }
    return 'no error';
  };

  it('accepts the documented shape', () => {
    const scale = {
      mode: 'workers',
      measure: 'capacity',
      capacity: {
        slo: { p99Ms: 100, maxErrorRate: 0.01 },
        startRate: 50,
        maxRate: 2000,
        precision: 0.1,
        budget: '20s',
      },
    };
    expect(error(scale)).toBe('no error');
    expect(published.properties.scale.properties.measure.enum).toEqual(['closed-max', 'capacity']);
    expect(Object.keys(published.properties.scale.properties)).toContain('capacity');
  });

  it('refuses bad values with one line naming the key', () => {
    const cases: Array<[object, RegExp]> = [
      [{ measure: 'open' }, /^config scale\.measure: .*closed-max.*capacity/],
      [{ measure: 'capacity', mode: 'concurrency' }, /^config scale\.measure: 'capacity' needs N to be instances/],
      [{ measure: 'capacity', engine: 'autocannon' }, /^config scale\.engine: autocannon has no open model/],
      [{ capacity: { startRate: 10 } }, /^config scale\.capacity: applies only with scale\.measure: 'capacity'/],
      [{ measure: 'capacity', capacity: { budget: 'soon' } }, /^config scale\.capacity\.budget: /],
      [{ measure: 'capacity', capacity: { slo: { p99Ms: -5 } } }, /^config scale\.capacity\.slo\.p99Ms: /],
      [{ measure: 'capacity', capacity: { precision: 3 } }, /^config scale\.capacity\.precision: /],
      [{ measure: 'capacity', capacity: { rate: 3 } }, /^config scale\.capacity\.rate: unknown key/],
    ];
    for (const [scale, message] of cases) {
      const m = error(scale);
      expect(m, JSON.stringify(scale)).toMatch(message);
      expect(m).not.toContain('\n');
    }
  });
});
