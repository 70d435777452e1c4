import { describe, expect, it } from 'vitest';
import { MetricStore, trendStat } from '../../src/load/metric-store.js';
import { parseMetricReference } from '../../src/load/threshold-expression.js';
import { percentileR7 } from '../../src/load/percentiles.js';

/** Deterministic pseudo-random latencies (xorshift), so the test needs no fixture file. */
function latencies(n: number, seed: number): number[] {
  let x = seed;
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out.push(1 + (x % 200_000) / 1000); // 1 .. 201 ms, µs steps
  }
  return out;
}

describe('MetricStore summaries (k6 keys)', () => {
  it('trend: count/avg/min/med/max/p(N) from raw samples by R-7', () => {
    const s = new MetricStore(true);
    for (const v of [10, 20, 30, 40, 1000]) s.add('http_req_duration', v);
    const sum = s.summarise(1000)['http_req_duration'];
    expect(sum.type).toBe('trend');
    expect(sum.unit).toBe('ms');
    // avg = 1100/5 = 220; med (i=2) = 30; p(90): i = 3.6 → 40 + 960*0.6 = 616; p(95): i = 3.8 → 40 + 960*0.8 = 808
    expect(sum.values).toMatchObject({ count: 5, avg: 220, min: 10, med: 30, max: 1000 });
    expect(sum.values['p(90)']).toBeCloseTo(616, 9);
    expect(sum.values['p(95)']).toBeCloseTo(808, 9);
  });

  it('rate, counter and gauge use k6 keys and semantics', () => {
    const s = new MetricStore(false);
    for (const v of [0, 0, 1, 0]) s.add('http_req_failed', v);
    for (let i = 0; i < 30; i++) s.add('http_reqs', 1);
    s.add('vus', 3);
    s.add('vus', 7);
    s.add('vus', 5);
    const sum = s.summarise(2000);
    // 1 of 4 non-zero → rate 0.25, passes counts the non-zero samples (the failures for http_req_failed)
    expect(sum['http_req_failed'].values).toEqual({ rate: 0.25, passes: 1, fails: 3 });
    // 30 over 2 s → 15/s
    expect(sum['http_reqs'].values).toEqual({ count: 30, rate: 15 });
    expect(sum['vus'].values).toEqual({ value: 5, min: 3, max: 7 });
    expect(sum['iterations']).toBeUndefined(); // no samples, not shown
  });

  it('sub-metrics receive only samples carrying all their tags', () => {
    const s = new MetricStore(true);
    s.addSubmetric(parseMetricReference('http_req_duration{group:::browse}'));
    s.addSubmetric(parseMetricReference('http_req_duration{group:::browse,status:500}'));
    s.add('http_req_duration', 5, { group: '::browse', status: '200' });
    s.add('http_req_duration', 7, { group: '::browse', status: '500' });
    s.add('http_req_duration', 100, { group: '::write', status: '200' });
    const sum = s.summarise(1000);
    expect(sum['http_req_duration'].values.count).toBe(3);
    expect(sum['http_req_duration{group:::browse}'].values).toMatchObject({ count: 2, min: 5, max: 7 });
    expect(sum['http_req_duration{group:::browse,status:500}'].values).toMatchObject({ count: 1, min: 7 });
  });

  it('HDR mode stays within the histogram precision (3 significant digits) of the exact R-7 value', () => {
    const values = latencies(20_000, 42);
    const exact = new MetricStore(true);
    const hdr = new MetricStore(false);
    for (const v of values) {
      exact.add('http_req_duration', v);
      hdr.add('http_req_duration', v);
    }
    for (const p of ['p(50)', 'p(90)', 'p(99)', 'p(99.9)']) {
      const e = trendStat(exact.trend('http_req_duration')!, p);
      const h = trendStat(hdr.trend('http_req_duration')!, p);
      // HDR picks a rank (not an interpolation) and reports its bucket's top: within 0.1% plus one rank step.
      expect(Math.abs(h - e) / e).toBeLessThan(0.005);
    }
  });

  it('merging segment snapshots equals one store over the concatenated samples', () => {
    const parts = [latencies(3000, 1), latencies(5000, 2), latencies(1, 3), latencies(2000, 4)];
    const whole = new MetricStore(true);
    const merged = new MetricStore(true);
    const mergedHdr = new MetricStore(false);
    const wholeHdr = new MetricStore(false);
    for (const part of parts) {
      const seg = new MetricStore(true);
      const segHdr = new MetricStore(false);
      for (const v of part) {
        seg.add('http_req_duration', v);
        whole.add('http_req_duration', v);
        segHdr.add('http_req_duration', v);
        wholeHdr.add('http_req_duration', v);
        seg.add('http_reqs', 1);
        whole.add('http_reqs', 1);
      }
      merged.merge(seg.snapshot());
      mergedHdr.merge(segHdr.snapshot());
    }
    const all = parts.flat().sort((a, b) => a - b);
    const a = merged.summarise(1000);
    const b = whole.summarise(1000);
    // sums add in another order, so avg may differ in the last bits; everything else is identical
    expect(a['http_req_duration'].values.avg).toBeCloseTo(b['http_req_duration'].values.avg, 9);
    delete a['http_req_duration'].values.avg;
    delete b['http_req_duration'].values.avg;
    expect(a).toEqual(b);
    // and both equal R-7 computed directly over the concatenated samples
    expect(a['http_req_duration'].values['p(99)']).toBe(percentileR7(all, 0.99));
    expect(a['http_reqs'].values.count).toBe(10_001);
    // histograms add exactly: same percentiles as one histogram over all samples
    const mh = mergedHdr.summarise(1000)['http_req_duration'].values;
    const wh = wholeHdr.summarise(1000)['http_req_duration'].values;
    for (const k of ['count', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'p(99.9)']) expect(mh[k]).toBe(wh[k]);
  });
});
