import { describe, expect, it } from 'vitest';
import {
  formatBytes,
  formatDuration,
  formatK6Duration,
  formatMs,
  formatMsNumber,
  formatNumber,
  formatPercent,
  formatSigned,
  formatSignificant,
  formatTimestamp,
  formatValue,
} from '../../src/core/format.js';

// src/core/format.ts is the one formatter of reports, the k6-style load summary and the scale table; values by hand.
describe('shared number and time formatter', () => {
  it('numbers: 4 significant digits, integers kept, ≥ 10,000 rounded', () => {
    expect([formatNumber(143.2749), formatNumber(0.000123456), formatNumber(5), formatNumber(12345.6)]).toEqual([
      '143.3',
      '0.0001235',
      '5',
      '12346',
    ]);
    expect([
      formatSignificant(0.123456),
      formatSignificant(1234.4),
      formatSignificant(7),
      formatSignificant(null),
    ]).toEqual(['0.123', '1234', '7', '-']);
  });

  it('milliseconds: report style switches to seconds at 10 s; k6 style to µs below 1 ms and s from 1 s', () => {
    expect([formatMs(143.27), formatMs(9999.4), formatMs(12_500), formatMs(null), formatMs(Number.NaN)]).toEqual([
      '143.3ms',
      '9999ms',
      '12.5s',
      'n/a',
      'n/a',
    ]);
    expect(formatMsNumber(517.3)).toBe('517.3');
    expect([
      formatK6Duration(0.85),
      formatK6Duration(62.5),
      formatK6Duration(1234),
      formatK6Duration(undefined),
    ]).toEqual(['850µs', '62.50ms', '1.23s', '-']);
  });

  it('wall time, ratios, bytes, signs, values, timestamps', () => {
    expect([formatDuration(850), formatDuration(12_340), formatDuration(65_000)]).toEqual(['850ms', '12.3s', '1m05s']);
    expect([formatPercent(0.01234), formatPercent(1), formatPercent(undefined)]).toEqual(['1.23%', '100.00%', 'n/a']);
    expect([formatBytes(512), formatBytes(1500), formatBytes(3_200_000)]).toEqual(['512 B', '1.5 kB', '3.2 MB']);
    expect([formatSigned(-3, '%'), formatSigned(0, 'ms'), formatSigned(11.37, 'ms')]).toEqual([
      '-3%',
      '±0ms',
      '+11.37ms',
    ]);
    expect([formatValue(75, '%'), formatValue(true, ''), formatValue(null, 'ms')]).toEqual(['75%', 'true', 'n/a']);
    expect(formatTimestamp('2026-11-25T10:41:07.120Z')).toBe('2026-11-25 10:41:07 UTC');
  });
});
