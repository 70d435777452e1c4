import { describe, expect, it } from 'vitest';
import { formatTarget, meetsTarget, parseTarget } from '../../src/core/target.js';
import { ConfigError } from '../../src/core/errors.js';

describe('parseTarget', () => {
  it.each([
    ['< 3', { op: '<', value: 3, unit: '' }],
    ['> 0.8', { op: '>', value: 0.8, unit: '' }],
    ['<= 200ms', { op: '<=', value: 200, unit: 'ms' }],
    ['<200ms', { op: '<', value: 200, unit: 'ms' }],
    ['< 0.5s', { op: '<', value: 500, unit: 'ms' }],
    ['<= 1500us', { op: '<=', value: 1.5, unit: 'ms' }],
    ['>= 99.9%', { op: '>=', value: 99.9, unit: '%' }],
    ['== 0', { op: '==', value: 0, unit: '' }],
    ['= 0', { op: '==', value: 0, unit: '' }],
    ['!= 2', { op: '!=', value: 2, unit: '' }],
    ['100', { op: '>=', value: 100, unit: '' }],
  ] as const)('%s', (text, expected) => {
    expect(parseTarget(text)).toMatchObject({ ...expected, text });
  });

  it('a number means >= (the review writes autonomy as 100)', () => {
    expect(parseTarget(100)).toEqual({ op: '>=', value: 100, unit: '', text: '>= 100' });
  });

  it('a boolean means equal to it', () => {
    expect(parseTarget(true)).toEqual({ op: '==', value: true, unit: '', text: 'true' });
  });

  it.each(['', 'fast', '< three', '<< 3', '< 3 apples', '~ 3', '3 <'])('rejects %j with the key path', (bad) => {
    expect(() => parseTarget(bad, 'fitness.x.target')).toThrow(ConfigError);
    expect(() => parseTarget(bad, 'fitness.x.target')).toThrow(/^config fitness\.x\.target: invalid target/);
  });

  it('rejects non-finite numbers', () => {
    expect(() => parseTarget(Number.NaN)).toThrow(/finite/);
  });

  // Issue 14 item 24: '< 1e999' fit the grammar, was stored as Infinity, serialised as null, and `report` then rejected
  // the tool's own result.json.
  it.each(['< 1e999', '>= -1e999', '<= 1e306s'])('rejects %j, whose number is not finite, with the key path', (bad) => {
    expect(() => parseTarget(bad, 'fitness.x.target')).toThrow(
      /^config fitness\.x\.target: invalid target ".*": the number must be finite$/,
    );
  });

  it('keeps the largest finite numbers', () => {
    expect(parseTarget('< 1e308').value).toBe(1e308);
    expect(parseTarget('<= 1e305s').value).toBe(1e308);
  });
});

describe('meetsTarget', () => {
  it.each([
    ['< 3', 2.99, true],
    ['< 3', 3, false],
    ['<= 3', 3, true],
    ['> 0.8', 0.8, false],
    ['> 0.8', 0.81, true],
    ['>= 0.8', 0.8, true],
    ['== 0', 0, true],
    ['== 0', 1, false],
    ['!= 0', 1, true],
    ['<= 200ms', 200, true],
    ['<= 200ms', 200.001, false],
  ] as const)('%s with %d → %s', (t, v, ok) => {
    expect(meetsTarget(parseTarget(t), v)).toBe(ok);
  });

  it('number target, percent value', () => {
    expect(meetsTarget(parseTarget(100), 75)).toBe(false);
    expect(meetsTarget(parseTarget(100), 100)).toBe(true);
  });

  it('boolean targets compare booleans only', () => {
    expect(meetsTarget(parseTarget(true), true)).toBe(true);
    expect(meetsTarget(parseTarget(true), false)).toBe(false);
    expect(meetsTarget(parseTarget(true), 1)).toBe(false);
  });
});

describe('formatTarget', () => {
  it('prints normalised targets', () => {
    expect(formatTarget(parseTarget('< 0.2s'))).toBe('< 200ms');
    expect(formatTarget(parseTarget('> 0.8'))).toBe('> 0.8');
    expect(formatTarget(parseTarget(100))).toBe('>= 100');
    expect(formatTarget(parseTarget('>= 99.95%'))).toBe('>= 99.95%');
    expect(formatTarget(parseTarget('< 2.34567'))).toBe('< 2.346');
  });
});
