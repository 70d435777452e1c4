import { describe, expect, it } from 'vitest';
import {
  equalSegments,
  formatSegment,
  parseExecutionSegment,
  SegmentStriping,
} from '../../src/load/execution-segment.js';
import { planExecutor } from '../../src/load/executor-plan.js';
import { InputError } from '../../src/core/errors.js';

describe('execution segments (k6 --execution-segment semantics)', () => {
  it('parses segments and sequences in k6 notation', () => {
    const s = parseExecutionSegment('1/4:1/2', '0,1/4,1/2,1');
    expect(s.index).toBe(1);
    expect(formatSegment(s)).toBe('1/4:1/2');
    expect(parseExecutionSegment('0.5:1').index).toBe(1); // implicit sequence 0,1/2,1
    expect(parseExecutionSegment('25%:50%').from).toEqual({ n: 1, d: 4 });
    expect(() => parseExecutionSegment('1/2:1/4')).toThrow(InputError);
    expect(() => parseExecutionSegment('1/3:1/2', '0,1/4,1/2,1')).toThrow(/not part of the sequence/);
  });

  it('the segments of a sequence partition every index stream exactly', () => {
    for (const seq of [
      equalSegments(3),
      equalSegments(4),
      [0, 1, 2].map((i) => parseExecutionSegment(['0:1/5', '1/5:3/5', '3/5:1'][i], '0,1/5,3/5,1')),
    ]) {
      const stripings = seq.map((s) => new SegmentStriping(s));
      for (let i = 0; i < 1000; i++) expect(stripings.filter((st) => st.owns(i)).length).toBe(1);
      for (const total of [0, 1, 7, 10, 101, 1000]) {
        // scale() sums to the total (VUs and iteration counts split without loss)
        expect(stripings.reduce((s, st) => s + st.scale(total), 0)).toBe(total);
        // and matches the owned indices below it
        for (const st of stripings) {
          let owned = 0;
          for (let i = 0; i < total; i++) if (st.owns(i)) owned++;
          expect(st.scale(total)).toBe(owned);
        }
      }
      // nth(k) enumerates owned indices in order
      for (const st of stripings) {
        const first: number[] = [];
        for (let i = 0; first.length < 20; i++) if (st.owns(i)) first.push(i);
        expect(Array.from({ length: 20 }, (_, k) => st.nth(k))).toEqual(first);
      }
    }
  });

  it('1/5:3/5 of 0,1/5,3/5,1 owns 2 of every 5 indices, spread out', () => {
    const st = new SegmentStriping(parseExecutionSegment('1/5:3/5', '0,1/5,3/5,1'));
    expect(st.cycle).toBe(5);
    expect(st.scale(5)).toBe(2);
    expect(st.scale(100)).toBe(40);
  });
});

describe('executor plans', () => {
  it('constant-arrival-rate: rate/timeUnit × duration iterations at exact intervals', () => {
    const plan = planExecutor(
      { executor: 'constant-arrival-rate', rate: 10, timeUnit: '1s', duration: '1s', preAllocatedVUs: 1, requests: [] },
      's',
    );
    expect(plan.kind).toBe('arrival');
    if (plan.kind !== 'arrival') return;
    expect([...plan.arrivals()]).toEqual([0, 100, 200, 300, 400, 500, 600, 700, 800, 900]);
  });

  it('ramping-arrival-rate 0→100/s over 1s schedules 50 iterations at t = sqrt(i/50) s', () => {
    const plan = planExecutor(
      {
        executor: 'ramping-arrival-rate',
        startRate: 0,
        stages: [{ duration: '1s', target: 100 }],
        preAllocatedVUs: 1,
        requests: [],
      },
      's',
    );
    if (plan.kind !== 'arrival') throw new Error('plan');
    const times = [...plan.arrivals()];
    // N(t) = 50 t² (t in s) → t_i = sqrt(i/50) s
    expect(times.length).toBe(50);
    times.forEach((t, i) => expect(t).toBeCloseTo(Math.sqrt(i / 50) * 1000, 6));
  });

  it('poisson pacing: mean count matches the rate, gaps are irregular, and the schedule is deterministic', () => {
    const sc = {
      executor: 'constant-arrival-rate' as const,
      rate: 1000,
      duration: '10s',
      preAllocatedVUs: 1,
      arrival: 'poisson' as const,
      requests: [],
    };
    const plan = planExecutor(sc, 's', 7);
    if (plan.kind !== 'arrival') throw new Error('plan');
    const times = [...plan.arrivals()];
    // expected 10000, sd 100: within ±5 sd
    expect(Math.abs(times.length - 10_000)).toBeLessThan(500);
    const gaps = times.slice(1).map((t, i) => t - times[i]);
    const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
    const sd = Math.sqrt(gaps.reduce((a, g) => a + (g - mean) ** 2, 0) / gaps.length);
    // exponential gaps: sd ≈ mean (coefficient of variation 1); constant pacing would give 0
    expect(sd / mean).toBeGreaterThan(0.9);
    expect(sd / mean).toBeLessThan(1.1);
    const again = planExecutor(sc, 's', 7);
    if (again.kind !== 'arrival') throw new Error('plan');
    expect([...again.arrivals()].slice(0, 50)).toEqual(times.slice(0, 50));
  });

  it('ramping-vus activates VUs by number along the stages', () => {
    const plan = planExecutor(
      {
        executor: 'ramping-vus',
        startVUs: 0,
        stages: [
          { duration: '10s', target: 10 },
          { duration: '5s', target: 10 },
        ],
        requests: [],
      },
      's',
    );
    if (plan.kind !== 'vus') throw new Error('plan');
    expect(plan.maxVUs).toBe(10);
    expect(plan.durationMs).toBe(15_000);
    expect(plan.activeVUs(0)).toBe(0);
    expect(plan.activeVUs(5_000)).toBe(5);
    expect(plan.activeVUs(12_000)).toBe(10);
  });

  it('rejects missing or inconsistent keys naming the key path', () => {
    expect(() =>
      planExecutor({ executor: 'constant-arrival-rate', rate: 10, duration: '1s', requests: [] }, 'load.scenarios.a'),
    ).toThrow(/load\.scenarios\.a\.preAllocatedVUs: preAllocatedVUs is required/);
    expect(() => planExecutor({ executor: 'constant-vus', vus: 1, requests: [] }, 'load.scenarios.b')).toThrow(
      /load\.scenarios\.b\.duration/,
    );
    expect(() => planExecutor({ executor: 'nope' as never, requests: [] }, 'load.scenarios.c')).toThrow(
      /unknown executor "nope"/,
    );
    expect(() =>
      planExecutor(
        { executor: 'constant-arrival-rate', rate: 1, duration: '1s', preAllocatedVUs: 5, maxVUs: 2, requests: [] },
        'x',
      ),
    ).toThrow(/maxVUs/);
  });
});
