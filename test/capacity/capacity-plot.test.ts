import { describe, expect, it } from 'vitest';
import type { CapacitySection } from '../../src/core/result-capacity.js';
import { renderCapacityPlot } from '../../src/report/svg/capacity-plot.js';

const trial = (p99Ms: number, ok: boolean) => ({
  p99Ms,
  errorRate: 0,
  droppedIterations: ok ? 0 : 12,
  generatorSaturated: false,
  achievedRate: 100,
  ok,
  violations: ok ? [] : ['p99 900 ms ≥ 200 ms', '12 dropped iterations'],
});

const section: CapacitySection = {
  engine: 'native',
  scenario: 'browse',
  slo: { p99Ms: 200, maxErrorRate: 0.01 },
  steps: [
    { rate: 100, phase: 'bracket', trials: [trial(20, true), trial(22, true)], ok: true },
    { rate: 200, phase: 'bracket', trials: [trial(900, false)], ok: false },
    { rate: 150, phase: 'bisect', trials: [trial(60, true), trial(70, true)], ok: true },
  ],
  maxSustainableRate: 150,
  knee: { low: 150, high: 200 },
  confidence: '2 trials',
  trialSec: 3,
  timeBudgetSec: 60,
  elapsedSec: 20,
  notes: [],
};

describe('capacity plot (p99 against offered rate)', () => {
  it('draws every trial, ringed when the SLO broke, the knee bracket and the SLO line', () => {
    const svg = renderCapacityPlot(section);
    expect(svg.match(/<circle class="measured"/g)).toHaveLength(4);
    expect(svg.match(/<circle class="run"/g)).toHaveLength(1);
    expect(svg).toContain('<title>knee between 150 and 200 req/s</title>');
    expect(svg).toContain('<title>SLO: p99 &lt; 200 ms</title>');
    expect(svg).toContain('200 req/s: p99 900.0 ms, achieved 100 req/s — p99 900 ms ≥ 200 ms; 12 dropped iterations');
    // The y axis stops at 4× the target (800 ms rounded up): the 900 ms point sits at the top, not off the chart.
    expect(svg).not.toMatch(/cy="-/);
  });
});

describe('capacity and scale-model budgets in the Prometheus output', () => {
  it('exports the sustainable rate, its SLO and the CPU budgets as gauges', async () => {
    const { fullRun } = await import('../fixtures-results/full-run.js');
    const { renderPrometheus } = await import('../../src/report/prometheus.js');
    const result = {
      ...fullRun,
      capacity: section,
      ...(fullRun.scale
        ? {
            scale: {
              ...fullRun.scale,
              cpuQuota: { mechanism: 'cgroup-v1' as const, unitCpus: 0.1, sharedCpus: 0.3, periodUs: 100_000 },
            },
          }
        : {}),
    };
    const text = await renderPrometheus(result);
    expect(text).toMatch(/^pitchey_fit_capacity_requests_per_second 150$/m);
    expect(text).toMatch(/^pitchey_fit_capacity_slo_p99_seconds 0\.2$/m);
    if (fullRun.scale) {
      expect(text).toMatch(/^pitchey_fit_scale_cpu_budget_cores\{part="unit"\} 0\.1$/m);
      expect(text).toMatch(/^pitchey_fit_scale_cpu_budget_cores\{part="shared"\} 0\.3$/m);
    }
  });
});

describe('capacity in the console report', () => {
  it('prints the figure with its SLO, every rate tried and the traffic model', async () => {
    const { fullRun } = await import('../fixtures-results/full-run.js');
    const { renderConsole } = await import('../../src/report/console.js');
    const traffic = {
      requestsPerUserPerSec: 0.05,
      usersPerInstance: 3000,
      targetUsers: 50_000,
      instancesNeeded: 17,
      note: 'one instance sustains 150 req/s = 3,000 users',
    };
    const text = renderConsole({ ...fullRun, capacity: { ...section, traffic } }, { color: false, width: 100 });
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l.startsWith('Capacity ('));
    expect(lines[at]).toBe('Capacity (native, browse; SLO p99 < 200ms, errors < 1.0%)');
    expect(lines[at + 1]).toBe('  150 req/s sustained; the knee lies between 150 and 200 req/s');
    // Worst trial per rate: 22 ms at 100 req/s, 900 ms at 200 (broken), 70 ms at 150.
    expect(lines.slice(at + 3, at + 6).map((l) => l.trim().split(/\s+/))).toEqual([
      ['100', 'bracket', '22', '0.00%', 'held'],
      ['200', 'bracket', '900', '0.00%', 'broken'],
      ['150', 'bisect', '70', '0.00%', 'held'],
    ]);
    expect(lines.slice(at + 6, at + 8)).toEqual(['  2 trials', '  one instance sustains 150 req/s = 3,000 users']);
  });
});
