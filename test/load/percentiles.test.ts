import { describe, expect, it } from 'vitest';
import { percentileR7, sortedCopy } from '../../src/load/percentiles.js';
import { parseDuration, formatDuration } from '../../src/load/duration.js';
import { ConfigError } from '../../src/core/errors.js';

describe('percentileR7 (k6 TrendSink.P rule)', () => {
  it('interpolates between closest ranks: i = p*(n-1)', () => {
    // [15,20,35,40,50], p=0.40: i = 1.6 → 20 + (35-20)*0.6 = 29 (numpy.percentile(..., 40) = 29.0)
    expect(percentileR7([15, 20, 35, 40, 50], 0.4)).toBeCloseTo(29, 12);
    // 1..100, p99: i = 98.01 → 99 + (100-99)*0.01 = 99.01
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentileR7(hundred, 0.99)).toBeCloseTo(99.01, 12);
    // median of an even count is the mean of the middle two: [1,2,3,4] → 2.5
    expect(percentileR7([1, 2, 3, 4], 0.5)).toBe(2.5);
    // exact ranks return the sample itself: 1..5, p=0.25 → i = 1 → 2
    expect(percentileR7([1, 2, 3, 4, 5], 0.25)).toBe(2);
  });

  it('edge cases: empty → NaN, one value → that value, p=0/1 → min/max', () => {
    expect(percentileR7([], 0.5)).toBeNaN();
    expect(percentileR7([7], 0.99)).toBe(7);
    expect(percentileR7([1, 5, 9], 0)).toBe(1);
    expect(percentileR7([1, 5, 9], 1)).toBe(9);
  });

  it('sortedCopy sorts numerically (not lexicographically)', () => {
    expect(Array.from(sortedCopy([10, 9, 100, 1]))).toEqual([1, 9, 10, 100]);
  });
});

describe('k6 durations', () => {
  it('parses Go-style durations to ms', () => {
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('1m30s')).toBe(90_000);
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('1h2m3s')).toBe(3_723_000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration(250)).toBe(250);
    expect(formatDuration(90_500)).toBe('1m30s500ms');
  });
  it('rejects garbage with a ConfigError naming the text', () => {
    expect(() => parseDuration('10 parsecs', 'load.scenarios.a.duration')).toThrow(ConfigError);
    expect(() => parseDuration('10x')).toThrow(/"10x"/);
  });
});
