import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '../../src/report/index.js';
import { sparkline } from '../../src/report/sparkline.js';
import { fullRun } from '../fixtures-results/full-run.js';

describe('sparkline', () => {
  it('scales values min..max onto 8 bars (index = round((v - min) / (max - min) * 7))', () => {
    expect(sparkline([0, 7, 14])).toBe('▁▅█'); // 7/14*7 = 3.5 -> 4
    expect(sparkline([5, 5])).toBe('▄▄');
    expect(sparkline([null, 1, null])).toBe('·▄·');
    expect(sparkline([false, true])).toBe('▁█');
    expect(sparkline([null])).toBe('·');
  });

  it("markdown shows each function's trend, this run last", () => {
    const text = renderMarkdown(fullRun);
    // serviceAutonomy 50 50 75 75 | 75
    expect(text).toMatch(/\| `serviceAutonomy` .*\| ▁▁███ \| ADR-001 \|/);
    // p99Latency 212.4 176.2 151.0 131.9 | 143.27: (x - 131.9) / 80.5 * 7 -> 7, 3.85, 1.66, 0, 0.99
    expect(text).toMatch(/\| `p99Latency` .*\| █▅▃▁▂ \| ADR-004 \|/);
    // scalingEfficiency 0.74 null 0.79 | 0.8137: (0.79 - 0.74) / 0.0737 * 7 = 4.75 -> 5
    expect(text).toMatch(/\| `scalingEfficiency` .*\| ▁·▆█ \| ADR-005 \|/);
  });
});
