import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import type { Finding } from '../../src/core/result.js';
import { applyBaseline, collectStatic, updateBaseline, writeBaseline } from '../../src/fitness/index.js';
import { fixture } from './fixture-config.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-baseline-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const services = {
  user: ['src/services/user/**'],
  pitch: ['src/services/pitch/**'],
  nda: ['src/services/nda/**'],
  worker: ['src/services/worker/**'],
};
const collect = async (root: string) =>
  (
    await collectStatic({
      root,
      services,
      shared: ['src/contracts/**', 'src/lib/**'],
      allowedDependencies: [],
      static: {},
    })
  ).findings;

describe('baseline', () => {
  it('accepts recorded findings after line shifts, flags new ones, reports stale ones, and update shrinks', async () => {
    const repo = path.join(tmp, 'repo');
    fs.cpSync(fixture('pitchey-monolith'), repo, { recursive: true });
    const file = path.join(tmp, 'baseline.json');
    const before = await collect(repo);
    expect(writeBaseline(file, before)).toEqual({ entries: before.length });

    // Shift every line of a handler, add a new cross-service import, and fix one (search.ts stops importing pitch).
    const detail = path.join(repo, 'src/services/worker/handlers/pitch-detail.ts');
    fs.writeFileSync(detail, '// moved\n// down\n' + fs.readFileSync(detail, 'utf8'));
    const follows = path.join(repo, 'src/services/worker/handlers/follows.ts');
    fs.writeFileSync(
      follows,
      "import { ndaStatus } from '../../nda/nda-repository.js';\n" +
        fs.readFileSync(follows, 'utf8') +
        'export const n = ndaStatus;\n',
    );
    fs.writeFileSync(
      path.join(repo, 'src/services/worker/handlers/search.ts'),
      'export async function search(q: string) { return [q]; }\n',
    );

    const after = await collect(repo);
    const applied = applyBaseline(file, after);
    const where = (f: Finding) => `${f.locations[0].file}:${f.locations[0].line ?? ''} ${f.message}`;
    expect(applied.newFindings.map(where)).toEqual([
      "src/services/worker/handlers/follows.ts:1 import '../../nda/nda-repository.js' -> src/services/nda/nda-repository.ts",
      // follows.ts now touches user and nda besides its own worker domain: a new mixed-responsibility finding.
      'src/services/worker/handlers/follows.ts: src/services/worker/handlers/follows.ts (service worker) touches nda, user, worker',
    ]);
    expect(applied.stale.map(where)).toEqual([
      "src/services/worker/handlers/search.ts:1 import '../../pitch/pitch-repository.js' -> src/services/pitch/pitch-repository.ts",
    ]);
    const shifted = applied.findings.filter(
      (f) => f.locations[0]?.file.endsWith('pitch-detail.ts') && f.rule === 'cross-service-import',
    );
    expect(shifted.map((f) => [f.locations[0].line, f.baselined])).toEqual([
      [3, true],
      [4, true],
      [5, true],
    ]);

    expect(updateBaseline(file, after)).toEqual({ kept: before.length - 1, removed: 1 });
    const again = applyBaseline(file, after);
    expect(again.stale).toEqual([]);
    expect(again.newFindings).toHaveLength(2);
  });

  it('counts duplicate fingerprints', () => {
    const f: Finding = {
      rule: 'r',
      severity: 'low',
      title: 't',
      message: 'm',
      locations: [{ file: 'a.ts', line: 1 }],
      fingerprint: 'r:1',
    };
    const file = path.join(tmp, 'dup.json');
    writeBaseline(file, [f]);
    const r = applyBaseline(file, [f, { ...f, locations: [{ file: 'a.ts', line: 9 }] }]);
    expect(r.newFindings).toHaveLength(1);
    expect(r.findings.filter((x) => x.baselined)).toHaveLength(1);
  });

  it('rejects a missing or malformed baseline with an InputError', () => {
    expect(() => applyBaseline(path.join(tmp, 'nope.json'), [])).toThrow(InputError);
    const bad = path.join(tmp, 'bad.json');
    fs.writeFileSync(bad, '{"version": 7}');
    expect(() => applyBaseline(bad, [])).toThrow(/not a pitchey-fit baseline/);
  });
});
