import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, InputError } from '../../src/core/errors.js';
import { collectStatic, proposeServices, proposeShared } from '../../src/fitness/index.js';
import { collectFixture, fixture } from './fixture-config.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-static-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const base = { shared: [], allowedDependencies: [], static: {} };

describe('bad input', () => {
  it('a missing root is an InputError', async () => {
    await expect(collectStatic({ ...base, root: path.join(tmp, 'nope'), services: {} })).rejects.toThrow(InputError);
  });

  it('a service glob that matches nothing is a ConfigError naming the key', async () => {
    await expect(collectStatic({ ...base, root: fixture('cycles'), services: { a: ['src/**'], ghost: ['services/ghost/**'] } }))
      .rejects.toThrow(new ConfigError('glob "services/ghost/**" matches no source file', 'services.ghost[0]'));
    await expect(collectStatic({ ...base, root: fixture('cycles'), services: {}, shared: ['lib/**'] }))
      .rejects.toThrow(new ConfigError('glob "lib/**" matches no source file', 'shared[0]'));
  });

  it('a missing tsconfig named in the config is a ConfigError', async () => {
    await expect(collectStatic({ ...base, root: fixture('cycles'), services: {}, static: { tsconfig: 'tsconfig.missing.json' } }))
      .rejects.toThrow(new ConfigError('tsconfig tsconfig.missing.json does not exist', 'static.tsconfig'));
  });

  it('a file with syntax errors is reported and keeps the imports the parser recovered (as dependency-cruiser)', async () => {
    const c = await collectFixture('parse-error');
    expect(c.section.parseErrors).toEqual([{ file: 'src/broken.ts', message: 'line 2: Expression expected.' }]);
    expect(c.graph.edges.map((e) => `${e.from} -> ${e.to}`)).toEqual(['src/broken.ts -> src/a.ts', 'src/ok.ts -> src/a.ts']);
    expect(c.section.modules?.parseErrors).toEqual([
      { file: 'src/broken.ts', message: 'line 2: Expression expected.', importsRecovered: 1, live: true },
    ]);
    expect(c.section.counts.parseErrors).toBe(1);
  });
});

describe('per-file cache', () => {
  it('re-parses only changed files, reuses resolutions until the file set changes', async () => {
    const repo = path.join(tmp, 'cache-repo');
    fs.cpSync(fixture('pitchey-monolith'), repo, { recursive: true });
    const cacheDir = path.join(tmp, 'cache');
    const opts = { root: repo, services: { w: ['src/services/worker/**'] }, shared: [], allowedDependencies: [], static: {}, cacheDir };
    const cold = await collectStatic(opts);
    expect(cold.section.detectors.cache).toEqual({ hits: 0, misses: 29, resolutionsReused: false });
    const browse = path.join(repo, 'src/services/worker/handlers/browse.ts');
    fs.appendFileSync(browse, "import '../../user/session.js';\nimport './extra.js';\n");
    const warm = await collectStatic(opts);
    expect(warm.section.detectors.cache).toEqual({ hits: 28, misses: 1, resolutionsReused: true });
    expect(warm.graph.edges.length).toBe(cold.graph.edges.length + 2);
    expect(warm.graph.edges.filter((e) => e.unresolved).map((e) => e.specifier)).toEqual(['./extra.js']);
    // A new file changes the file set: browse.ts is not re-parsed, but its imports are resolved again.
    fs.writeFileSync(path.join(repo, 'src/services/worker/handlers/extra.ts'), 'export {};\n');
    const added = await collectStatic(opts);
    expect(added.section.detectors.cache).toEqual({ hits: 29, misses: 1, resolutionsReused: false });
    expect(added.graph.edges.filter((e) => e.unresolved)).toEqual([]);
  });
});

describe('proposeServices (init)', () => {
  it('proposes workspace packages, leaving shared-looking ones to proposeShared', () => {
    const root = fixture('workspace-monorepo');
    const services = proposeServices(root);
    expect(services).toEqual({ billing: ['packages/billing/**'], orders: ['packages/orders/**'], shipping: ['packages/shipping/**'] });
    expect(proposeShared(root, services)).toEqual(['packages/kernel/**']);
  });

  it('proposes the child folders of a services folder, and contracts/lib as shared', () => {
    const services = proposeServices(fixture('pitchey-decomposed'));
    expect(services).toEqual({ media: ['services/media/**'], nda: ['services/nda/**'], notification: ['services/notification/**'], pitch: ['services/pitch/**'], user: ['services/user/**'] });
    expect(proposeShared(fixture('pitchey-decomposed'), services)).toEqual(['contracts/**', 'lib/**']);
    expect(proposeShared(fixture('pitchey-monolith'), proposeServices(fixture('pitchey-monolith')))).toEqual(['src/contracts/**', 'src/lib/**']);
  });
});

describe('service globs', () => {
  it('a plain folder means everything below it', async () => {
    const c = await collectStatic({ ...base, root: fixture('workspace-monorepo'), services: { orders: ['packages/orders'], billing: ['./packages/billing/'] } });
    expect(c.section.services.map((s) => [s.name, s.modules])).toEqual([['orders', 2], ['billing', 1]]);
  });

  it('an empty glob list is a ConfigError', async () => {
    await expect(collectStatic({ ...base, root: fixture('cycles'), services: { a: [] } })).rejects.toThrow(new ConfigError('a service needs a non-empty list of globs', 'services.a'));
  });
});
