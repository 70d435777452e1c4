import { describe, expect, it } from 'vitest';
import type { Result } from '../../src/core/result.js';
import type { CapacityStep } from '../../src/core/result-capacity.js';
import { renderConsole, renderHtml, renderMarkdown, validateResult } from '../../src/report/index.js';
import { judgeFunction } from '../../src/core/judge.js';
import { analysePoints } from '../../src/load/scaling/analyse.js';
import { scaleFitnessFunctions } from '../../src/load/scaling/builtin-functions.js';
import { formatScaleSection } from '../../src/load/scaling/format.js';
import { fullRun } from '../fixtures-results/full-run.js';

// How a capacity-measured sweep shows in the Result, the scale table, the console and HTML reports.
const slo = { p99Ms: 200, maxErrorRate: 0.01 };
const step = (rate: number, ok: boolean, phase: CapacityStep['phase'] = 'bracket'): CapacityStep => ({
  rate,
  phase,
  ok,
  trials: [
    {
      p99Ms: ok ? 12 : 900,
      errorRate: 0,
      droppedIterations: ok ? 0 : 30,
      generatorSaturated: false,
      achievedRate: rate,
      durationSec: 2,
      ok,
      violations: ok ? [] : ['p99 900 ms ≥ 200 ms', '30 dropped iterations'],
    },
  ],
});

const scale = analysePoints(
  [
    {
      n: 1,
      throughput: 450,
      latencyP99Ms: 12,
      measure: 'capacity',
      measuredSec: [2, 2, 2],
      capacity: {
        slo,
        steps: [step(300, true), step(600, false), step(450, true, 'bisect')],
        knee: { low: 450, high: 600 },
        lowerBound: false,
        trialSec: 2,
        budgetSec: 30,
        elapsedSec: 12.4,
      },
    },
    {
      n: 2,
      throughput: 900,
      latencyP99Ms: 12,
      measure: 'capacity',
      measuredSec: [2],
      flags: ['lower-bound'],
      capacity: {
        slo,
        steps: [step(900, true)],
        knee: null,
        lowerBound: true,
        stoppedEarly: 'time budget of 5 s spent while bracketing',
        trialSec: 2,
        budgetSec: 5,
        elapsedSec: 4.1,
      },
    },
  ],
  { mode: 'command', engine: 'native', measure: 'capacity', targetN: 2, cores: 2, fit: { bootstrap: 0 } },
);
scale.overrides = ["overridden from the command line: duration=2s (each step's measured run)"];

describe('a capacity-measured sweep in the reports', () => {
  const result = { ...fullRun, scale } as Result;

  it('is a valid Result', () => {
    expect(validateResult(JSON.parse(JSON.stringify(result)))).toEqual({ ok: true });
  });

  it('the scale table states the measure and each step: SLO, rates tried, knee or lower bound, budget', () => {
    const text = formatScaleSection(scale);
    expect(text).toContain('X(N) = sustainable open-model rate under the SLO (capacity search per step)');
    expect(text).toContain(
      '  N=1: SLO p99 < 200 ms, errors < 1.00%; tried 300✓ 600✗ 450✓; knee 450–600 req/s; 12 s of a 30 s budget',
    );
    expect(text).toContain(
      '  N=2: SLO p99 < 200 ms, errors < 1.00%; tried 900✓; ≥ 900 req/s (lower bound: time budget of 5 s spent ' +
        'while bracketing); 4 s of a 5 s budget',
    );
    expect(text).toContain("- overridden from the command line: duration=2s (each step's measured run)");
  });

  it('console and HTML say how X was measured and show the per-step lines and the overrides', () => {
    const out = renderConsole(result, { color: false, width: 200 });
    expect(out).toContain(
      'Scaling (command, native, 2 cores, target N=2, X = sustainable rate under SLO p99 < 200 ms)',
    );
    expect(out).toContain('N=1: SLO p99 < 200 ms, errors < 1.00%; tried 300✓ 600✗ 450✓; knee 450–600 req/s');
    expect(out).toContain("overridden from the command line: duration=2s (each step's measured run)");
    const markdown = renderMarkdown(result);
    expect(markdown).toContain('### Scaling (command, 2 cores; X = sustainable rate under SLO p99 < 200 ms)');
    expect(markdown).toContain('_X is a lower bound at N = 2 (per-step budget spent)_');
    const html = renderHtml(result);
    expect(html).toContain('X(N) per step: the highest open-model arrival rate meeting the SLO (p99 &lt; 200 ms');
    expect(html).toContain('N=2: SLO p99 &lt; 200 ms, errors &lt; 1.00%; tried 900✓; ≥ 900 req/s (lower bound');
  });
});

describe('scalingEfficiency on capacity-measured steps', () => {
  const section = (flags2: string[], x2: number) =>
    analysePoints(
      [
        { n: 1, throughput: 100, measure: 'capacity' },
        { n: 2, throughput: x2, measure: 'capacity', flags: flags2 },
      ],
      { mode: 'command', targetN: 2, cores: 2, fit: { bootstrap: 0 } },
    );
  const judge = (s: ReturnType<typeof section>) =>
    judgeFunction('scalingEfficiency', scaleFitnessFunctions.scalingEfficiency, { scale: s } as never);

  it('a lower bound at the target N that already meets > 0.8 passes (E(2) ≥ 180 / 200 = 0.9)', async () => {
    const v = await judge(section(['lower-bound'], 180));
    expect(v).toMatchObject({ verdict: 'pass', value: 0.9 });
    expect(v.reason).toContain('X(2) is a lower bound');
  });

  it('a lower bound at the target N below the target decides nothing (E(2) ≥ 0.6: inconclusive)', async () => {
    const v = await judge(section(['lower-bound'], 120));
    expect(v).toMatchObject({ verdict: 'inconclusive', value: 0.6 });
  });

  it('exact rates are judged as usual (E(2) = 120 / 200 = 0.6 fails > 0.8)', async () => {
    expect(await judge(section([], 120))).toMatchObject({ verdict: 'fail', value: 0.6 });
  });
});
