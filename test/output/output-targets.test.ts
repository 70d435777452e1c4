import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { checkOutputTargets, ensureDir } from '../../src/output/index.js';
import { makeReadOnly } from './read-only-dir.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'pitchey-fit-targets-'));
const aFile = path.join(root, 'a-file.txt');
writeFileSync(aFile, 'x');
const readOnly = path.join(root, 'read-only');
mkdirSync(readOnly);
writeFileSync(path.join(readOnly, 'existing.prom'), 'old');
const undoReadOnly = makeReadOnly(readOnly);
afterAll(() => {
  undoReadOnly?.();
  rmSync(root, { recursive: true, force: true });
});

/** The one-line message checkOutputTargets throws for one target, or 'ok'. */
function check(kind: 'dir' | 'file', p: string, flag = kind === 'dir' ? '--out-dir' : '--prom-file'): string {
  try {
    checkOutputTargets([{ flag, path: p, kind }]);
    return 'ok';
  } catch (e) {
    expect(e).toBeInstanceOf(UsageError);
    return (e as Error).message;
  }
}

describe('checkOutputTargets (issue 14 items 9, 15)', () => {
  it('accepts an existing folder and a missing nested one, creating nothing and leaving no probe behind', () => {
    const nested = path.join(root, 'new', 'deeper');
    expect(check('dir', root)).toBe('ok');
    expect(check('dir', nested)).toBe('ok');
    expect(check('file', path.join(root, 'new', 'metrics.prom'))).toBe('ok');
    expect(check('file', aFile)).toBe('ok'); // an existing file is overwritten
    expect(existsSync(path.join(root, 'new'))).toBe(false);
    expect(readdirSync(root).filter((n) => n.startsWith('.pitchey-fit-probe-'))).toEqual([]);
  });

  it('names the flag and the path: a file given as a folder, a folder under a file', () => {
    expect(check('dir', aFile)).toBe(`--out-dir ${aFile} is a file, not a folder`);
    expect(check('dir', path.join(aFile, 'out'))).toBe(
      `--out-dir ${path.join(aFile, 'out')} is under ${aFile}, which is a file`,
    );
  });

  it('names the flag and the path: a folder given as a file, a file under a file', () => {
    expect(check('file', root, '--export-k6')).toBe(`--export-k6 ${root} is a folder, expected a file`);
    const under = path.join(aFile, 'rules.yml');
    expect(check('file', under, '--output')).toBe(
      `--output ${under} cannot be written: its folder ${aFile} is a file, not a folder`,
    );
  });

  it('refuses a read-only folder, a folder to create inside it, and a file in it', (ctx) => {
    if (!undoReadOnly) ctx.skip(); // neither chmod nor chattr can make a folder read-only here
    expect(check('dir', readOnly)).toMatch(new RegExp(`^--out-dir ${readOnly} is not writable \\((EACCES|EPERM)\\)$`));
    const inside = path.join(readOnly, 'sub', 'out');
    expect(check('dir', inside)).toMatch(
      new RegExp(`^--out-dir ${inside} cannot be created: ${readOnly} is not writable \\((EACCES|EPERM)\\)$`),
    );
    const file = path.join(readOnly, 'existing.prom');
    expect(check('file', file, '--file')).toMatch(
      new RegExp(`^--file ${file} cannot be written: its folder ${readOnly} is not writable \\((EACCES|EPERM)\\)$`),
    );
  });

  it('refuses /proc and /sys at once instead of spinning in mkdir', () => {
    const started = performance.now();
    expect(check('dir', '/proc/nope')).toBe(
      "--out-dir /proc/nope is on the kernel's proc filesystem (/proc), where no file can be created",
    );
    expect(check('dir', '/proc/nope/deeper')).toMatch(/is on the kernel's proc filesystem \(\/proc\)/);
    expect(check('file', '/sys/nope/metrics.prom')).toMatch(
      /its folder \/sys\/nope is on the kernel's sysfs filesystem/,
    );
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('refuses an empty path', () => {
    expect(check('dir', '')).toBe('--out-dir: empty path');
  });

  it('skips undefined targets (flags not given)', () => {
    expect(() => checkOutputTargets([undefined, { flag: '--out-dir', path: root, kind: 'dir' }])).not.toThrow();
  });
});

describe('ensureDir', () => {
  it('creates missing levels one by one', () => {
    const dir = path.join(root, 'made', 'by', 'ensure');
    ensureDir(dir);
    expect(existsSync(dir)).toBe(true);
    ensureDir(dir); // already there: nothing to do
  });

  it('throws at once for a missing path under /proc (Node 20 recursive mkdir spins there)', () => {
    const started = performance.now();
    expect(() => ensureDir('/proc/nope/x')).toThrow(/\/proc\/nope\/x is on the kernel's proc filesystem/);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
