import { describe, expect, it } from 'vitest';
import { ConfigError, InputError } from '../../src/core/errors.js';
import { MetricStore } from '../../src/load/metric-store.js';
import { evaluateThresholds, validateThresholds } from '../../src/load/threshold-evaluator.js';
import {
  parseMetricReference,
  parseThresholdExpression,
  parseThresholds,
} from '../../src/load/threshold-expression.js';

describe('k6 threshold expressions', () => {
  it('parses aggregation, operator and value with optional whitespace', () => {
    expect(parseThresholdExpression('p(99)<200')).toMatchObject({
      aggregation: 'p',
      percentile: 99,
      op: '<',
      value: 200,
    });
    expect(parseThresholdExpression(' p( 99.9 ) <= 250.5 ')).toMatchObject({
      aggregation: 'p',
      percentile: 99.9,
      op: '<=',
      value: 250.5,
    });
    expect(parseThresholdExpression('rate<0.01')).toMatchObject({ aggregation: 'rate', op: '<', value: 0.01 });
    expect(parseThresholdExpression('count>10')).toMatchObject({ aggregation: 'count', op: '>', value: 10 });
    expect(parseThresholdExpression('avg===3')).toMatchObject({ aggregation: 'avg', op: '===' });
    for (const a of ['med', 'min', 'max', 'value']) expect(parseThresholdExpression(`${a}!=1`).aggregation).toBe(a);
  });

  it('rejects invalid expressions with an InputError quoting the text (ConfigError with a key path)', () => {
    for (const bad of ['p99<200', 'p(99)<', 'rate << 1', 'avg<200ms', 'mean<3', 'p(101)<1', '']) {
      expect(() => parseThresholdExpression(bad)).toThrow(InputError);
      expect(() => parseThresholdExpression(bad)).toThrow(JSON.stringify(bad));
    }
    expect(() => parseThresholdExpression('p99<200', 'load.thresholds.http_req_duration[0]')).toThrow(ConfigError);
    expect(() => parseThresholdExpression('p99<200', 'load.thresholds.http_req_duration[0]')).toThrow(
      /config load\.thresholds\.http_req_duration\[0\]: .*"p99<200"/,
    );
  });

  it('parses sub-metric references: the tag value is everything after the first colon', () => {
    expect(parseMetricReference('http_req_duration{group:::browse}')).toEqual({
      text: 'http_req_duration{group:::browse}',
      name: 'http_req_duration',
      tags: { group: '::browse' },
    });
    expect(parseMetricReference('http_req_duration{ status:200 , method:GET }').tags).toEqual({
      status: '200',
      method: 'GET',
    });
    expect(() => parseMetricReference('http_req_duration{group}')).toThrow(/not key:value/);
    expect(() => parseMetricReference('http req')).toThrow(InputError);
  });

  it('parses object form with abortOnFail and delayAbortEval', () => {
    const [t] = parseThresholds({
      http_req_failed: [{ threshold: 'rate<0.01', abortOnFail: true, delayAbortEval: '10s' }],
    });
    expect(t).toMatchObject({ abortOnFail: true, delayAbortEvalMs: 10_000, expression: { aggregation: 'rate' } });
  });

  it('validates aggregation methods per metric type, as k6 does', () => {
    const store = new MetricStore(false);
    const lookup = (n: string) => store.definition(n);
    expect(() =>
      validateThresholds(
        parseThresholds({ http_req_duration: ['p(99)<200', 'avg<1', 'med<1', 'min<1', 'max<1'] }),
        lookup,
      ),
    ).not.toThrow();
    expect(() =>
      validateThresholds(
        parseThresholds({ http_reqs: ['count>1', 'rate>1'], vus: ['value<3'], checks: ['rate>0.99'] }),
        lookup,
      ),
    ).not.toThrow();
    expect(() => validateThresholds(parseThresholds({ http_req_failed: ['p(99)<0.01'] }), lookup)).toThrow(
      /"p\(99\)<0\.01".*rate metric allows rate/,
    );
    expect(() => validateThresholds(parseThresholds({ http_req_duration: ['rate<1'] }), lookup)).toThrow(
      /trend metric/,
    );
    expect(() => validateThresholds(parseThresholds({ http_reqs: ['value<1'] }), lookup)).toThrow(
      /counter metric allows count, rate/,
    );
    expect(() =>
      validateThresholds(parseThresholds({ no_such_metric: ['count<1'] }), lookup, 'load.thresholds'),
    ).toThrow(ConfigError);
  });
});

describe('threshold evaluation', () => {
  it('compares the observed aggregate, per sub-metric', () => {
    const thresholds = parseThresholds({
      http_req_duration: ['p(99)<200', 'avg<50'],
      'http_req_duration{group:::browse}': ['max<=20'],
      http_req_failed: ['rate<0.01'],
      http_reqs: ['count>=4', 'rate>3'],
    });
    const store = new MetricStore(true);
    for (const t of thresholds) store.addSubmetric(t.metric);
    // durations: browse 10, 20; write 30, 300 → p99: i = 0.99*3 = 2.97 → 30 + 270*0.97 = 291.9; avg = 90
    store.add('http_req_duration', 10, { group: '::browse' });
    store.add('http_req_duration', 20, { group: '::browse' });
    store.add('http_req_duration', 30, { group: '::write' });
    store.add('http_req_duration', 300, { group: '::write' });
    for (const f of [0, 0, 0, 1]) store.add('http_req_failed', f);
    for (let i = 0; i < 4; i++) store.add('http_reqs', 1);
    const out = evaluateThresholds(thresholds, store, 1000);
    const by = Object.fromEntries(out.map((o) => [`${o.metric} ${o.expression}`, o]));
    expect(by['http_req_duration p(99)<200']).toMatchObject({ ok: false });
    expect(by['http_req_duration p(99)<200'].observed).toBeCloseTo(291.9, 9);
    expect(by['http_req_duration avg<50']).toMatchObject({ ok: false, observed: 90 });
    expect(by['http_req_duration{group:::browse} max<=20']).toMatchObject({ ok: true, observed: 20 });
    expect(by['http_req_failed rate<0.01']).toMatchObject({ ok: false, observed: 0.25 });
    expect(by['http_reqs count>=4']).toMatchObject({ ok: true, observed: 4 });
    // 4 requests over 1 s = 4/s > 3
    expect(by['http_reqs rate>3']).toMatchObject({ ok: true, observed: 4 });
  });

  it('an empty metric is evaluated as zero (k6) but reported without an observed value', () => {
    const thresholds = parseThresholds({
      'http_req_duration{group:::none}': ['p(99)<200'],
      dropped_iterations: ['count<1'],
    });
    const store = new MetricStore(false);
    for (const t of thresholds) store.addSubmetric(t.metric);
    const out = evaluateThresholds(thresholds, store, 1000);
    expect(out[0]).toMatchObject({ ok: true, observed: null });
    expect(out[1]).toMatchObject({ ok: true, observed: 0 });
  });
});
