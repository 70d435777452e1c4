import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateMonolith, generateMonorepo } from '../../scripts/gen-monorepo.js';
import { collectStatic, proposeServices } from '../../src/fitness/index.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-gen-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('synthetic monorepo generator (benchmark input)', () => {
  it('generates a workspace whose every import resolves, workspace packages to their sources', async () => {
    const g = generateMonorepo(path.join(tmp, 'mono'), 300, 3);
    expect(g).toMatchObject({ files: 300, packages: 3 });
    const services = proposeServices(g.root);
    expect(Object.keys(services)).toEqual(['pkg000', 'pkg001', 'pkg002']);
    const c = await collectStatic({
      root: g.root,
      services,
      shared: [],
      allowedDependencies: [],
      static: {
        detectors: { sharedTables: false, mixedResponsibilities: false, circuitBreakers: false, rateLimits: false },
      },
    });
    expect(c.section.counts.modules).toBe(300);
    expect(c.section.counts.unresolved).toBe(0);
    const pkgEdges = c.graph.edges.filter((e) => e.specifier.startsWith('@gen/'));
    expect(pkgEdges.length).toBeGreaterThan(0);
    expect(pkgEdges.every((e) => /^packages\/pkg\d{3}\/src\/m\d{4}\.ts$/.test(e.to))).toBe(true);
    // Packages only import lower-numbered packages, so services depend "downwards": pkg000 is autonomous.
    expect(c.section.services.find((s) => s.name === 'pkg000')!.autonomous).toBe(true);
  });
});

describe('synthetic worker monolith (benchmark input)', () => {
  it('has one wrangler entry reaching every domain module, and a dead legacy tree of the requested share', async () => {
    const g = generateMonolith(path.join(tmp, 'monolith'), 400, 0.3);
    expect(g.files).toBe(400);
    const c = await collectStatic({ root: g.root, services: {}, shared: [], allowedDependencies: [], static: {} });
    expect(c.section.counts).toMatchObject({ modules: 400, unresolved: 0, parseErrors: 0 });
    expect(c.section.scope!.entries.map((e) => e.file)).toEqual(['src/worker.ts']);
    // 120 legacy files are dead; the entry, the db client and the 278 domain modules are live.
    expect([c.section.scope!.live, c.section.scope!.dead]).toEqual([280, 120]);
    expect(c.section.scope!.deadModules.every((m) => m.startsWith('src/legacy/'))).toBe(true);
    const rate = c.section.detectors.rateLimits as Array<{ httpEntry: string | null }>;
    expect(rate.map((r) => r.httpEntry)).toEqual(['src/worker.ts']);
  });
});
