import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { collectStatic, proposeServices, proposeShared } from '../../src/fitness/index.js';
import { fixture } from './fixture-config.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-warm-rerun-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const root = path.join(tmp, 'worker');
const cacheDir = path.join(tmp, 'cache');
fs.cpSync(fixture('worker-monolith'), root, { recursive: true });
const services = proposeServices(root);
const shared = proposeShared(root, services);

const collect = async (withCache: boolean, serviceGlobs = services) => {
  const c = await collectStatic({
    root,
    services: serviceGlobs,
    shared,
    allowedDependencies: [],
    static: { changeCoupling: { enabled: false } },
    ...(withCache ? { cacheDir } : {}),
  });
  // Everything but the cache counters, which differ between a cached and an uncached run by design.
  const { cache: _c, factCache: _f, ...detectors } = c.section.detectors;
  const section = { ...c.section, detectors, tables: { ...c.section.tables!, cache: null } };
  return { section, graph: c.graph, findings: c.findings, cacheCounts: c.section.detectors.cache };
};

const edit = (rel: string, change: (text: string) => string) => {
  const file = path.join(root, rel);
  const before = fs.readFileSync(file, 'utf8');
  const after = change(before);
  expect(after).not.toBe(before);
  fs.writeFileSync(file, after);
};

describe('a warm re-run after one changed file sees the change and equals an uncached run', () => {
  it('fills the caches, then reuses them while nothing changed', async () => {
    const cold = await collect(true);
    expect(cold.cacheCounts).toMatchObject({ hits: 0 });
    const warm = await collect(true);
    expect(warm.cacheCounts).toMatchObject({ misses: 0, resolutionsReused: true });
    expect(warm.section).toEqual(cold.section);
    expect(warm.findings).toEqual(cold.findings);
  });

  it('a new import in one file: the new edge is in the graph and every analysis', async () => {
    edit('src/utils/http.ts', (t) => `import { listNdas } from '../services/nda-service';\n${t}\nvoid listNdas;\n`);
    const warm = await collect(true);
    expect(warm.cacheCounts).toMatchObject({ misses: 1 });
    expect(warm.graph.edges).toContainEqual(
      expect.objectContaining({ from: 'src/utils/http.ts', to: 'src/services/nda-service.ts', line: 1 }),
    );
    const fresh = await collect(false);
    expect(warm.section).toEqual(fresh.section);
    expect(warm.findings).toEqual(fresh.findings);
    expect(warm.graph).toEqual(fresh.graph);
  });

  it('changed SQL in one file: the new table and the changed access are read', async () => {
    edit('src/services/nda-service.ts', (t) =>
      t
        .replace("'SELECT * FROM ndas WHERE user_id = $1'", "'SELECT * FROM nda_requests WHERE user_id = $1'")
        .replace('UPDATE pitches SET nda_count', 'UPDATE users SET nda_count'),
    );
    const warm = await collect(true);
    const tables = warm.section.tables.tables;
    const refsOf = (table: string) =>
      tables.find((r) => r.table === table)?.references.filter((r) => r.file === 'src/services/nda-service.ts');
    expect(refsOf('nda_requests')).toEqual([expect.objectContaining({ line: 6, access: 'read' })]);
    expect(refsOf('users')).toContainEqual(expect.objectContaining({ line: 13, access: 'write' }));
    expect(refsOf('pitches') ?? []).not.toContainEqual(expect.objectContaining({ line: 13 }));
    const fresh = await collect(false);
    expect(warm.section).toEqual(fresh.section);
    expect(warm.findings).toEqual(fresh.findings);
  });

  it('an import of dead code from live code: the imported file turns live on the warm run', async () => {
    const before = await collect(true);
    expect(before.section.scope!.deadModules).toContain('src/legacy/user-format.ts');
    edit('src/utils/rate-counter.ts', (t) => `import '../legacy/user-format';\n${t}`);
    const warm = await collect(true);
    expect(warm.section.scope!.deadModules).not.toContain('src/legacy/user-format.ts');
    expect(warm.section.scope!.live).toBe(before.section.scope!.live + 1);
    const fresh = await collect(false);
    expect(warm.section).toEqual(fresh.section);
    expect(warm.findings).toEqual(fresh.findings);
  });

  it('a new outbound call in one file: the detectors report it (their cached results are not reused)', async () => {
    const before = (await collect(true)).section.detectors.unprotectedCalls as Array<{ file: string }>;
    expect(before.some((c) => c.file === 'src/utils/http.ts')).toBe(false);
    edit(
      'src/utils/http.ts',
      (t) => `${t}\nexport async function ping(): Promise<Response> {\n  return fetch('https://x');\n}\n`,
    );
    const warm = await collect(true);
    expect(warm.section.detectors.unprotectedCalls).toContainEqual(
      expect.objectContaining({ file: 'src/utils/http.ts', callee: 'fetch' }),
    );
    const fresh = await collect(false);
    expect(warm.section).toEqual(fresh.section);
    expect(warm.findings).toEqual(fresh.findings);
  });

  it('a removed import, an edit that keeps the SQL, and a deleted file', async () => {
    edit('src/utils/http.ts', (t) => t.replace("import { listNdas } from '../services/nda-service';\n", ''));
    edit('src/services/nda-service.ts', (t) => `${t}\nexport const touched = 1;\n`);
    fs.rmSync(path.join(root, 'src/utils/rate-counter.ts'));
    const warm = await collect(true);
    expect(warm.graph.edges).not.toContainEqual(
      expect.objectContaining({ from: 'src/utils/http.ts', to: 'src/services/nda-service.ts' }),
    );
    expect(warm.graph.modules.map((m) => m.path)).not.toContain('src/utils/rate-counter.ts');
    const fresh = await collect(false);
    expect(warm.section).toEqual(fresh.section);
    expect(warm.findings).toEqual(fresh.findings);
    expect(warm.graph).toEqual(fresh.graph);
    // And the run after it, from the journals, still equals the uncached run.
    expect((await collect(true)).section).toEqual(fresh.section);
  });

  it('other service globs: the cached assignment is not reused', async () => {
    const [first, ...rest] = Object.keys(services);
    const fewer = Object.fromEntries(rest.map((n) => [n, services[n]]));
    const warm = await collect(true, fewer);
    expect(warm.graph.modules.some((m) => m.service === first)).toBe(false);
    expect(warm.section).toEqual((await collect(false, fewer)).section);
    expect((await collect(true)).section).toEqual((await collect(false)).section);
  });
});
