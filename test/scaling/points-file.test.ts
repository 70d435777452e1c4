import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { readPointsFile } from '../../src/load/scaling/points-file.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const dir = mkdtempSync(path.join(os.tmpdir(), 'pf-points-'));
function write(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('readPointsFile', () => {
  it('reads the published fixtures (CSV with N,X)', () => {
    const pts = readPointsFile(path.join(root, 'fixtures/usl/specsdm91.csv'));
    expect(pts).toHaveLength(7);
    expect(pts[0]).toEqual({ n: 1, throughput: 64.9 });
    expect(pts[6]).toEqual({ n: 216, throughput: 1702.2 });
  });

  it('accepts column aliases, any column order, comments and an optional latency column', () => {
    const file = write('a.csv', '# measured on staging\nthroughput,p99,workers\n100,12.5,1\n\n190,,2\n350,20,4\n');
    expect(readPointsFile(file)).toEqual([
      { n: 1, throughput: 100, latencyP99Ms: 12.5 },
      { n: 2, throughput: 190 },
      { n: 4, throughput: 350, latencyP99Ms: 20 },
    ]);
  });

  it('reads JSON arrays and { points } objects', () => {
    const a = write(
      'a.json',
      JSON.stringify([
        { N: 1, X: 10 },
        { n: 2, throughput: '19', latency: 3 },
      ]),
    );
    expect(readPointsFile(a)).toEqual([
      { n: 1, throughput: 10 },
      { n: 2, throughput: 19, latencyP99Ms: 3 },
    ]);
    const b = write('b.json', JSON.stringify({ points: [{ concurrency: 4, rps: 30 }] }));
    expect(readPointsFile(b)).toEqual([{ n: 4, throughput: 30 }]);
  });

  it('names the file and line of bad input', () => {
    const badNumber = write('bad.csv', 'N,X\n1,10\n2,abc\n');
    expect(() => readPointsFile(badNumber)).toThrow(InputError);
    expect(() => readPointsFile(badNumber)).toThrow(`${badNumber}:3: X is not a number ("abc")`);
    const badHeader = write('hdr.csv', 'size,speed\n1,2\n');
    expect(() => readPointsFile(badHeader)).toThrow(`${badHeader}:1: the header needs an N column`);
    const negative = write('neg.csv', 'N,X\n0,10\n');
    expect(() => readPointsFile(negative)).toThrow(
      `${negative}:2: N must be a positive whole number (workers, users), got 0`,
    );
    const empty = write('empty.csv', 'N,X\n');
    expect(() => readPointsFile(empty)).toThrow(`${empty}: no data rows after the header`);
    const json = write('bad.json', '[{"N": 1}]');
    expect(() => readPointsFile(json)).toThrow(`${json}: points[0]: X is missing or not a number (undefined)`);
    const broken = write('broken.json', '{');
    expect(() => readPointsFile(broken)).toThrow(/broken\.json: invalid JSON/);
    expect(() => readPointsFile(path.join(dir, 'nope.csv'))).toThrow(
      /nope\.csv: cannot read the points file \(ENOENT\)/,
    );
  });
});
