import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileRecordStore } from '../../src/fitness/file-record-store.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-record-store-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

type Rec = [hash: string, n: number];
const open = (dir: string, key = 'k1') => new FileRecordStore<Rec>(dir, 'recs', key, 'old-cache.json');
const contents = (s: FileRecordStore<Rec>, files: string[]) => files.map((f) => s.get(f) ?? null);
const files = Array.from({ length: 100 }, (_, i) => `f${i}.ts`);

function fill(dir: string): void {
  const s = open(dir);
  for (const f of files) s.keep(f, [`h-${f}`, 1]);
  s.save('env1');
}

describe('per-file record store: base file plus journal', () => {
  it('writes nothing when a run kept every record as it was', () => {
    const dir = path.join(tmp, 'same');
    fill(dir);
    const base = path.join(dir, 'recs.json');
    const before = fs.statSync(base).mtimeMs;
    const s = open(dir);
    for (const f of files) s.keep(f, s.get(f)!);
    s.save('env1');
    expect(fs.statSync(base).mtimeMs).toBe(before);
    expect(fs.existsSync(path.join(dir, 'recs.journal'))).toBe(false);
  });

  it('appends a changed and a removed file to the journal, and reads them back', () => {
    const dir = path.join(tmp, 'journal');
    fill(dir);
    fs.writeFileSync(path.join(dir, 'old-cache.json'), '{}');
    const s = open(dir);
    for (const f of files.slice(1)) s.keep(f, f === 'f5.ts' ? ['h-new', 2] : s.get(f)!);
    s.save('env1');
    const journal = fs.readFileSync(path.join(dir, 'recs.journal'), 'utf8').trim().split('\n');
    // The generation line, then one line per change.
    expect(journal.slice(1).map((l) => JSON.parse(l) as unknown)).toEqual([
      ['f5.ts', ['h-new', 2]],
      ['f0.ts', null],
    ]);
    const again = open(dir);
    expect(again.loadedMeta).toBe('env1');
    expect(contents(again, ['f0.ts', 'f5.ts', 'f6.ts'])).toEqual([null, ['h-new', 2], ['h-f6.ts', 1]]);
    // The old layout's file stays until the base is rewritten.
    expect(fs.existsSync(path.join(dir, 'old-cache.json'))).toBe(true);
  });

  it('folds the journal into a new base once it would hold more than a tenth of the records (min 64)', () => {
    const dir = path.join(tmp, 'fold');
    fill(dir);
    fs.writeFileSync(path.join(dir, 'old-cache.json'), '{}');
    const s = open(dir);
    files.forEach((f, i) => s.keep(f, i < 70 ? [`h2-${f}`, 2] : s.get(f)!));
    s.save('env1');
    expect(fs.existsSync(path.join(dir, 'recs.journal'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'old-cache.json'))).toBe(false);
    const base = JSON.parse(fs.readFileSync(path.join(dir, 'recs.json'), 'utf8')) as { paths: string[] };
    expect(base.paths).toHaveLength(100);
    expect(contents(open(dir), ['f0.ts', 'f69.ts', 'f70.ts'])).toEqual([
      ['h2-f0.ts', 2],
      ['h2-f69.ts', 2],
      ['h-f70.ts', 1],
    ]);
  });

  it('rewrites the base when the meta changes, and starts empty under another key', () => {
    const dir = path.join(tmp, 'meta');
    fill(dir);
    const s = open(dir);
    for (const f of files) s.keep(f, s.get(f)!);
    s.save('env2');
    expect(open(dir).loadedMeta).toBe('env2');
    expect(fs.existsSync(path.join(dir, 'recs.journal'))).toBe(false);
    const other = open(dir, 'k2');
    expect(other.loadedMeta).toBe('');
    expect(other.get('f1.ts')).toBeUndefined();
  });

  it('skips a torn journal line and ignores a journal of another base', () => {
    const dir = path.join(tmp, 'torn');
    fill(dir);
    const s = open(dir);
    for (const f of files) s.keep(f, f === 'f1.ts' || f === 'f2.ts' ? [`h-x-${f}`, 3] : s.get(f)!);
    s.save('env1');
    const journal = path.join(dir, 'recs.journal');
    const lines = fs.readFileSync(journal, 'utf8').split('\n');
    fs.writeFileSync(journal, [lines[0], lines[1].slice(0, 9), lines[2], ''].join('\n'));
    expect(contents(open(dir), ['f1.ts', 'f2.ts'])).toEqual([
      ['h-f1.ts', 1],
      ['h-x-f2.ts', 3],
    ]);
    fs.writeFileSync(journal, ['another-generation', lines[1], lines[2], ''].join('\n'));
    expect(contents(open(dir), ['f1.ts', 'f2.ts'])).toEqual([
      ['h-f1.ts', 1],
      ['h-f2.ts', 1],
    ]);
    // A change saved now replaces that foreign journal instead of appending to it.
    const t = open(dir);
    for (const f of files) t.keep(f, f === 'f3.ts' ? ['h-y', 4] : t.get(f)!);
    t.save('env1');
    expect(contents(open(dir), ['f1.ts', 'f2.ts', 'f3.ts'])).toEqual([
      ['h-f1.ts', 1],
      ['h-f2.ts', 1],
      ['h-y', 4],
    ]);
  });

  it('re-encodes records that refer to paths by index when a new base changes the path order', () => {
    type Ref = [hash: string, target: number | string];
    const rebase = (r: Ref, from: readonly string[], to: Map<string, number>): Ref => {
      const p = typeof r[1] === 'number' ? from[r[1]] : r[1];
      return [r[0], to.get(p) ?? p];
    };
    const dir = path.join(tmp, 'rebase');
    const first = new FileRecordStore<Ref>(dir, 'refs', 'k', undefined, rebase);
    // a.ts and b.ts refer to c.ts by path (no base yet); the base stores its index.
    first.keep('c.ts', ['hc', 'c.ts']);
    first.keep('a.ts', ['ha', 'c.ts']);
    first.keep('b.ts', ['hb', 'a.ts']);
    first.save('m');
    const second = new FileRecordStore<Ref>(dir, 'refs', 'k', undefined, rebase);
    expect(second.basePaths).toEqual(['c.ts', 'a.ts', 'b.ts']);
    expect([second.get('a.ts'), second.get('b.ts')]).toEqual([
      ['ha', 0],
      ['hb', 1],
    ]);
    // c.ts is gone and the meta changed: the new base has other indexes, the references follow their paths.
    second.keep('a.ts', second.get('a.ts')!);
    second.keep('b.ts', second.get('b.ts')!);
    second.save('m2');
    const third = new FileRecordStore<Ref>(dir, 'refs', 'k', undefined, rebase);
    expect(third.basePaths).toEqual(['a.ts', 'b.ts']);
    expect([third.get('a.ts'), third.get('b.ts')]).toEqual([
      ['ha', 'c.ts'],
      ['hb', 0],
    ]);
  });
});
