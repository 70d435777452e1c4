import { describe, expect, it } from 'vitest';
import { scenarioThresholds } from '../../src/load/index.js';
import type { ScenarioConfig } from '../../src/config/types.js';

const scenario = (thresholds: ScenarioConfig['thresholds']): ScenarioConfig => ({
  executor: 'shared-iterations',
  iterations: 1,
  requests: [{ path: '/' }],
  thresholds,
});

describe('scenarioThresholds', () => {
  it('merges global and scenario thresholds, counting a repeated one once', () => {
    const merged = scenarioThresholds('s', scenario({ http_req_duration: ['p(99) < 200', 'p(95)<100'] }), {
      http_req_duration: ['p(99)<200'],
      http_req_failed: ['rate<0.01'],
    });
    expect(merged.map((t) => `${t.metric.text} ${t.expression.text}`)).toEqual([
      'http_req_duration p(99)<200',
      'http_req_failed rate<0.01',
      'http_req_duration p(95)<100',
    ]);
  });

  it('keeps the same expression on different sub-metrics, and an abortOnFail variant', () => {
    const merged = scenarioThresholds(
      's',
      scenario({
        'http_req_duration{group:::browse}': ['p(99)<200'],
        http_req_duration: [{ threshold: 'p(99)<200', abortOnFail: true }],
      }),
      { http_req_duration: ['p(99)<200'] },
    );
    expect(merged).toHaveLength(3);
  });
});
