import { describe, expect, it } from 'vitest';
import { renderTextTable, truncate, wrap } from '../../src/core/format-table.js';

describe('wrap', () => {
  it('breaks at the last space that fits, indents continuation lines and cuts after maxLines', () => {
    expect(wrap('aaa bbb ccc ddd eee fff', 12, 2)).toEqual(['aaa bbb ccc', '  ddd eee', '  fff']);
    expect(wrap('one two three four five six seven eight nine ten eleven twelve', 20, 0, 2)).toEqual([
      'one two three four',
      'five six seven eigh…',
    ]);
    expect(wrap('short', 20)).toEqual(['short']);
  });
});

describe('renderTextTable', () => {
  it('pads, right-aligns and shrinks the flexible column to fit the width', () => {
    // natural widths 16 + 3 + gap 2 = 21 > 12: Name shrinks by 9 to 7
    const lines = renderTextTable(
      [
        { header: 'Name', shrink: 1, min: 4 },
        { header: 'N', align: 'right' },
      ],
      [
        ['a-very-long-name', '1'],
        ['b', '100'],
      ],
      { width: 12 },
    );
    expect(lines).toEqual(['Name       N', 'a-very…    1', 'b        100']);
    expect(truncate('abcdef', 4)).toBe('abc…');
  });

  it('styles cells without changing their alignment', () => {
    const star = (s: string) => `*${s}*`;
    const lines = renderTextTable([{ header: 'A' }, { header: 'B' }], [[{ text: 'x', style: star }, 'y']], {
      width: 80,
    });
    expect(lines).toEqual(['A  B', '*x*  y']);
  });
});
