import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FitnessContext } from '../../src/core/fitness-function.js';
import { collectStatic, proposeServices, proposeShared, staticFitnessFunctions } from '../../src/fitness/index.js';
import { coChange } from '../../src/fitness/change-coupling/co-change.js';
import { makeWorkerMonolithHistory } from './worker-monolith-history.js';

// The history and every count below are in fixtures/worker-monolith/ANSWERS.md ("Change coupling"), derived by hand
// from the commit table in test/fitness/worker-monolith-history.ts.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-cochange-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const repo = makeWorkerMonolithHistory(path.join(tmp, 'history'));
const services = proposeServices(repo);
const run = (changeCoupling: object = {}) =>
  collectStatic({
    root: repo,
    services,
    shared: proposeShared(repo, services),
    allowedDependencies: [],
    static: { changeCoupling, tables: false, boundaries: false },
  });

describe('co-change counting', () => {
  it("counts revisions and shared commits; degree is code-maat's shared / mean revisions (sorted by shared, degree)", () => {
    const r = coChange([['a', 'b'], ['a', 'b', 'c'], ['a'], ['b', 'c']], 1);
    expect(Object.fromEntries(r.revisions)).toEqual({ a: 3, b: 3, c: 2 });
    expect(r.pairs).toEqual([
      { a: 'b', b: 'c', shared: 2, revisionsA: 3, revisionsB: 2, degree: 0.8, confidenceAB: 2 / 3, confidenceBA: 1 },
      {
        a: 'a',
        b: 'b',
        shared: 2,
        revisionsA: 3,
        revisionsB: 3,
        degree: 2 / 3,
        confidenceAB: 2 / 3,
        confidenceBA: 2 / 3,
      },
      { a: 'a', b: 'c', shared: 1, revisionsA: 3, revisionsB: 2, degree: 0.4, confidenceAB: 1 / 3, confidenceBA: 0.5 },
    ]);
  });
});

describe('fixtures/worker-monolith history: change coupling', async () => {
  const c = await run();
  const cc = c.section.changeCoupling!;

  it('reads 10 commits and leaves out the bulk import (24 files > 20)', () => {
    expect([cc.available, cc.commits, cc.bulkCommits, cc.maxFilesPerCommit]).toEqual([true, 10, 1, 20]);
    expect(cc.revisions.map((r) => [r.file, r.revisions])).toEqual([
      ['src/services/user-service.ts', 5],
      ['src/handlers/users.ts', 3],
      ['src/services/pitch-service.ts', 3],
      ['src/handlers/media.ts', 2],
      ['src/services/nda-service.ts', 2],
      ['src/handlers/ndas.ts', 1],
      ['src/handlers/notifications.ts', 1],
      ['src/handlers/pitches.ts', 1],
      ['src/services/email/send-email.ts', 1],
      ['src/worker.ts', 1],
    ]);
  });

  it('lists the pairs with 2 or more shared commits; media.ts ~ user-service.ts is hidden coupling', () => {
    expect(cc.pairs.map((p) => [p.a, p.b, p.shared, p.degree, p.importPath, p.hidden, p.crossService])).toEqual([
      ['src/handlers/users.ts', 'src/services/user-service.ts', 3, 0.75, true, false, false],
      ['src/services/nda-service.ts', 'src/services/pitch-service.ts', 2, 0.8, true, false, true],
      ['src/handlers/media.ts', 'src/services/user-service.ts', 2, 2 / 3.5, false, true, true],
    ]);
    expect(c.findings.filter((f) => f.rule === 'hidden-change-coupling').map((f) => [f.title, f.severity])).toEqual([
      [
        'src/handlers/media.ts and src/services/user-service.ts change together with no import path between them',
        'medium',
      ],
    ]);
  });

  it('counts services changed together: 5 of the 9 commits that touch a service touch two', () => {
    expect(cc.servicePairs.map((p) => [p.a, p.b, p.shared])).toEqual([
      ['nda', 'pitch', 2],
      ['media', 'user', 2],
      ['email', 'notification', 1],
    ]);
    expect([cc.serviceCommits, cc.crossServiceCommits]).toEqual([9, 5]);
    const ctx: FitnessContext = { root: repo, static: c.section, graph: c.graph, findings: c.findings };
    const v = staticFitnessFunctions.crossServiceCoChange.test(ctx);
    expect(v).toMatchObject({ value: (100 * 5) / 9 });
  });

  it('counts the bulk commit when the limit is raised', async () => {
    const raised = (await run({ maxFilesPerCommit: 30 })).section.changeCoupling!;
    expect([raised.commits, raised.bulkCommits]).toEqual([10, 0]);
    const users = raised.pairs.find((p) => p.a === 'src/handlers/users.ts' && p.b === 'src/services/user-service.ts')!;
    expect([users.shared, users.revisionsA, users.revisionsB]).toEqual([4, 4, 6]);
  });

  it('reads only the window given by since (commits 6 to 10)', async () => {
    const since = (await run({ since: '2026-01-06T00:00:00Z' })).section.changeCoupling!;
    expect([since.since, since.commits, since.bulkCommits]).toEqual(['2026-01-06T00:00:00Z', 5, 0]);
    expect(since.pairs.map((p) => [p.a, p.b, p.shared])).toEqual([
      ['src/handlers/media.ts', 'src/services/user-service.ts', 2],
    ]);
  });

  it('refuses a window git does not read as a date (git would silently use now)', async () => {
    await expect(run({ since: 'garbage' })).rejects.toThrow('--since "garbage" is not a date git understands');
  });

  it('is not measured outside a git work tree, and the fitness function is then inconclusive', async () => {
    const plain = path.join(tmp, 'plain');
    fs.cpSync(path.join(repo, 'src'), path.join(plain, 'src'), { recursive: true });
    fs.cpSync(path.join(repo, 'wrangler.toml'), path.join(plain, 'wrangler.toml'));
    const c2 = await collectStatic({
      root: plain,
      services,
      shared: [],
      allowedDependencies: [],
      static: { tables: false, boundaries: false },
    });
    const cc2 = c2.section.changeCoupling!;
    expect(cc2.available).toBe(false);
    expect(cc2.reason).toMatch(/not a git repository/);
    const ctx: FitnessContext = { root: plain, static: c2.section, graph: c2.graph, findings: c2.findings };
    expect(staticFitnessFunctions.crossServiceCoChange.test(ctx)).toMatchObject({
      value: null,
      verdict: 'inconclusive',
    });
  });
});
