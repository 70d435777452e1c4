import { describe, expect, it } from 'vitest';
import { analysePoints } from '../../src/load/scaling/analyse.js';
import { scaleFitnessFunctions } from '../../src/load/scaling/builtin-functions.js';
import { judgeFunction } from '../../src/core/judge.js';
import type { ScaleSection } from '../../src/core/result-scale.js';

const fn = scaleFitnessFunctions.scalingEfficiency;
const judge = (scale?: ScaleSection) =>
  judgeFunction('scalingEfficiency', fn, { root: '/', findings: [], ...(scale ? { scale } : {}) });

describe('analysePoints: efficiency and flags', () => {
  it('computes E(N) = X(N) / (N·X(1))', () => {
    const s = analysePoints(
      [
        { n: 1, throughput: 100 },
        { n: 2, throughput: 180 },
        { n: 4, throughput: 300 },
      ],
      { mode: 'concurrency', cores: 8 },
    );
    expect(s.points.map((p) => p.efficiency)).toEqual([1, 0.9, 0.75]);
    expect(s.targetN).toBe(4);
    expect(s.points.every((p) => p.flags.length === 0 && !p.beyondCores)).toBe(true);
    expect(s.fit).not.toBeNull();
    expect(s.fitNote).toContain('3 points for 3 parameters');
  });

  it('uses the smallest step as reference when there is no N = 1, and says so', () => {
    const s = analysePoints(
      [
        { n: 2, throughput: 200 },
        { n: 4, throughput: 360 },
      ],
      { mode: 'points' },
    );
    // E(4) = 360·2 / (4·200) = 0.9
    expect(s.points.map((p) => p.efficiency)).toEqual([1, 0.9]);
    expect(s.notes.join(' ')).toContain('no step at N = 1');
    expect(s.fit).toBeNull();
    expect(s.fitNote).toBe('no USL fit: a USL fit has 3 parameters (σ, κ, λ) and needs at least 3 distinct N; got 2');
  });

  it('flags N beyond the cores of the system under test and oversubscription in workers mode', () => {
    const s = analysePoints(
      [
        { n: 1, throughput: 100 },
        { n: 2, throughput: 150 },
        { n: 4, throughput: 160 },
      ],
      { mode: 'workers', cores: 2, sutCores: 1, generatorCores: 1 },
    );
    expect(s.points.map((p) => p.beyondCores)).toEqual([false, true, true]);
    expect(s.points[0].flags).toEqual([]);
    expect(s.points[1].flags).toEqual(['beyond-cores', 'oversubscribed']);
    // default target: the largest N within the cores left to the system under test
    expect(s.targetN).toBe(1);
    expect(s.fitNote).toContain('fit includes flagged steps N = 2, 4');
  });

  it('flags steps with foreign CPU above the bound', () => {
    const s = analysePoints(
      [
        { n: 1, throughput: 100, foreignCpu: 0.05 },
        { n: 2, throughput: 190, foreignCpu: 0.35 },
      ],
      { mode: 'concurrency', foreignCpuBound: 0.2 },
    );
    expect(s.points.map((p) => p.flags)).toEqual([[], ['foreign-cpu']]);
  });

  it('flags steps whose repeats spread by more than 20% of their median as unstable', () => {
    const s = analysePoints([
      { n: 1, throughput: 100, runs: [95, 100, 104] }, // range 9 = 9%
      { n: 2, throughput: 180, runs: [150, 180, 190] }, // range 40 = 22%
    ]);
    expect(s.points.map((p) => p.flags)).toEqual([[], ['unstable']]);
  });

  it('merges repeated measurements of one N into their median', () => {
    const s = analysePoints([
      { n: 1, throughput: 100 },
      { n: 2, throughput: 170 },
      { n: 2, throughput: 190 },
      { n: 2, throughput: 150 },
      { n: 1, throughput: 110 },
    ]);
    expect(s.points.map((p) => [p.n, p.throughput])).toEqual([
      [1, 105],
      [2, 170],
    ]);
    expect(s.points[1].runs).toEqual([170, 190, 150]);
    expect(s.points[1].flags).toEqual(['unstable']); // range 40 of median 170
    // E(2) = 170 / (2·105)
    expect(s.points[1].efficiency).toBeCloseTo(170 / 210, 12);
  });
});

describe('scalingEfficiency fitness function', () => {
  it('passes, fails and carries evidence', async () => {
    const good = analysePoints(
      [
        { n: 1, throughput: 100 },
        { n: 2, throughput: 190 },
        { n: 4, throughput: 340 },
      ],
      { mode: 'concurrency' },
    );
    const pass = await judge(good);
    expect(pass.verdict).toBe('pass');
    expect(pass.value).toBe(0.85);
    expect(pass.baseline).toBe(0.65);
    expect(pass.target.text).toBe('> 0.8');
    expect(pass.evidence[2].message).toBe('N=4: X=340 req/s, E=0.850');
    expect(pass.evidence.some((e) => e.message.startsWith('USL fit: σ='))).toBe(true);

    const big = analysePoints(
      [
        { n: 1, throughput: 27205.4 },
        { n: 2, throughput: 25733.2 },
      ],
      { mode: 'concurrency' },
    );
    expect((await judge(big)).evidence[0].message).toBe('N=1: X=27205 req/s, E=1.000');

    const bad = analysePoints(
      [
        { n: 1, throughput: 100 },
        { n: 2, throughput: 150 },
        { n: 4, throughput: 260 },
      ],
      { mode: 'concurrency' },
    );
    const fail = await judge(bad);
    expect(fail.verdict).toBe('fail');
    expect(fail.value).toBe(0.65);
  });

  it('is inconclusive beyond the cores, with foreign CPU, or without data', async () => {
    const beyond = analysePoints(
      [
        { n: 1, throughput: 100 },
        { n: 2, throughput: 190 },
      ],
      { mode: 'workers', cores: 2, sutCores: 1, targetN: 2 },
    );
    const r1 = await judge(beyond);
    expect(r1.verdict).toBe('inconclusive');
    expect(r1.value).toBe(0.95);
    expect(r1.reason).toContain('exceeds the 1 core(s) available');

    const noisy = analysePoints(
      [
        { n: 1, throughput: 100, foreignCpu: 0.5 },
        { n: 2, throughput: 190 },
      ],
      { mode: 'concurrency' },
    );
    const r2 = await judge(noisy);
    expect(r2.verdict).toBe('inconclusive');
    expect(r2.reason).toContain('more than 20% of the CPU during N=1');

    const unsteady = analysePoints(
      [
        { n: 1, throughput: 100 },
        { n: 2, throughput: 190, runs: [150, 190, 195] },
      ],
      { mode: 'concurrency' },
    );
    expect((await judge(unsteady)).reason).toBe('no steady state at N=2: repeats differ by more than 20%');

    const r3 = await judge(undefined);
    expect(r3.verdict).toBe('inconclusive');
    expect(r3.reason).toContain('no scaling data');

    const missing = analysePoints(
      [
        { n: 1, throughput: 100 },
        { n: 2, throughput: 190 },
      ],
      { mode: 'concurrency', targetN: 8 },
    );
    expect((await judge(missing)).reason).toBe('no measured step at the target N=8');
  });
});
