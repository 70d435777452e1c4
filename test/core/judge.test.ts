import { describe, expect, it } from 'vitest';
import { judgeFunction, overallVerdict, summarise, MAX_EVIDENCE } from '../../src/core/judge.js';
import { mergeFitnessFunctions, neededCollectors, selectByKinds } from '../../src/core/registry.js';
import type { FitnessContext, FitnessFunction } from '../../src/core/fitness-function.js';
import { gateExitCode } from '../../src/core/gate.js';
import type { Result } from '../../src/core/result.js';

const ctx: FitnessContext = { root: '/repo', findings: [] };

const fn = (over: Partial<FitnessFunction>): FitnessFunction => ({
  metric: 'm',
  target: '< 3',
  test: () => 1,
  ...over,
});

describe('judgeFunction', () => {
  it('compares a number with the target', async () => {
    const pass = await judgeFunction('a', fn({ test: () => 2 }), ctx);
    const fail = await judgeFunction('a', fn({ test: () => 5, current: 5 }), ctx);
    expect(pass).toMatchObject({ id: 'a', value: 2, verdict: 'pass', baseline: null, kind: 'custom' });
    expect(fail).toMatchObject({ value: 5, verdict: 'fail', baseline: 5 });
  });

  it('accepts booleans against boolean targets and async tests', async () => {
    const r = await judgeFunction('b', fn({ target: true, test: () => Promise.resolve(true) }), ctx);
    expect(r.verdict).toBe('pass');
  });

  it('a type mismatch between value and target is an error, not a pass', async () => {
    const r = await judgeFunction('c', fn({ target: true, test: () => 1 }), ctx);
    expect(r.verdict).toBe('error');
    expect(r.reason).toMatch(/returned a number but the target true needs a boolean/);
  });

  it('a throwing test is an error with its message', async () => {
    const r = await judgeFunction(
      'd',
      fn({
        test: () => {
          throw new Error('no graph');
        },
      }),
      ctx,
    );
    expect(r).toMatchObject({ verdict: 'error', reason: 'no graph', value: null });
  });

  it('inconclusive values are never a pass or a fail', async () => {
    const r = await judgeFunction(
      'e',
      fn({ test: () => ({ value: 150, verdict: 'inconclusive', reason: 'generator saturated' }) }),
      ctx,
    );
    expect(r).toMatchObject({ verdict: 'inconclusive', value: 150, reason: 'generator saturated' });
    const nan = await judgeFunction('f', fn({ test: () => Number.NaN }), ctx);
    expect(nan.verdict).toBe('inconclusive');
  });

  it('caps evidence but keeps the total', async () => {
    const evidence = Array.from({ length: MAX_EVIDENCE + 5 }, (_, i) => ({ message: `e${i}` }));
    const r = await judgeFunction('g', fn({ test: () => ({ value: 9, evidence }) }), ctx);
    expect(r.evidence).toHaveLength(MAX_EVIDENCE);
    expect(r.evidenceTotal).toBe(MAX_EVIDENCE + 5);
  });

  it('a fail whose violations are all in the baseline passes; a new one fails', async () => {
    const evidence = [
      { message: 'summary' },
      { message: 'a→b', fingerprint: 'fp1' },
      { message: 'c→d', fingerprint: 'fp2' },
    ];
    const f = fn({ test: () => ({ value: 5, evidence }) });
    const accepted = await judgeFunction('x', f, ctx, { baselined: new Set(['fp1', 'fp2']) });
    expect(accepted).toMatchObject({
      verdict: 'pass',
      value: 5,
      reason: 'all 2 violations are accepted by the baseline',
    });
    expect(accepted.evidence.map((e) => e.baselined ?? false)).toEqual([false, true, true]);
    const oneNew = await judgeFunction('x', f, ctx, { baselined: new Set(['fp1']) });
    expect(oneNew.verdict).toBe('fail');
    const noEvidence = await judgeFunction('x', fn({ test: () => 5 }), ctx, { baselined: new Set(['fp1']) });
    expect(noEvidence.verdict).toBe('fail');
  });

  it('kind comes from needs', async () => {
    const r = await judgeFunction('h', fn({ needs: ['static'] }), ctx);
    expect(r.kind).toBe('static');
  });
});

describe('summary, verdict and gate', () => {
  const outcome = (verdict: 'pass' | 'fail' | 'inconclusive' | 'error' | 'skipped') => ({ verdict }) as never;
  it('fail beats error beats inconclusive beats pass', () => {
    expect(overallVerdict([outcome('pass'), outcome('inconclusive')])).toBe('inconclusive');
    expect(overallVerdict([outcome('error'), outcome('inconclusive')])).toBe('error');
    expect(overallVerdict([outcome('error'), outcome('fail')])).toBe('fail');
    expect(overallVerdict([outcome('pass'), outcome('skipped')])).toBe('pass');
  });
  it('counts verdicts', () => {
    expect(summarise([outcome('pass'), outcome('fail'), outcome('fail'), outcome('skipped')])).toEqual({
      total: 4,
      passed: 1,
      failed: 2,
      inconclusive: 0,
      errored: 0,
      skipped: 1,
    });
  });
  it('gate: 1 on fail or error by default, inconclusive only when asked', () => {
    const r = (v: string) => ({ functions: [{ verdict: v }] }) as unknown as Result;
    expect(gateExitCode(r('pass'))).toBe(0);
    expect(gateExitCode(r('fail'))).toBe(1);
    expect(gateExitCode(r('error'))).toBe(1);
    expect(gateExitCode(r('inconclusive'))).toBe(0);
    expect(gateExitCode(r('inconclusive'), ['fail', 'inconclusive'])).toBe(1);
    expect(gateExitCode(r('error'), ['fail'])).toBe(0);
  });
});

describe('registry', () => {
  const builtins = {
    serviceCoupling: fn({ metric: 'Average afferent coupling', needs: ['static'] }),
    p99Latency: fn({ metric: 'p99', target: '< 200ms', needs: ['load'] }),
  };
  it('overrides fields of built-ins, disables with false, adds custom functions', () => {
    const merged = mergeFitnessFunctions(builtins, {
      serviceCoupling: { target: '< 2', adr: 'ADR-002' },
      p99Latency: false,
      mine: fn({ metric: 'Mine' }),
    });
    expect(Object.keys(merged)).toEqual(['serviceCoupling', 'mine']);
    expect(merged.serviceCoupling).toMatchObject({
      metric: 'Average afferent coupling',
      target: '< 2',
      adr: 'ADR-002',
      needs: ['static'],
    });
    expect(merged.mine.needs).toEqual([]);
  });
  it('selects by collector kind and lists needed collectors', () => {
    const merged = mergeFitnessFunctions(builtins, { mine: fn({}) });
    expect(Object.keys(selectByKinds(merged, ['static']))).toEqual(['serviceCoupling', 'mine']);
    expect([...neededCollectors(merged)].sort()).toEqual(['load', 'static']);
  });
});
