import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, InputError } from '../../src/core/errors.js';
import { starterConfig } from '../../src/cli/commands/init.js';
import { loadConfigFile } from '../../src/config/load-config.js';
import { BUILTIN_IDS } from '../../src/run/builtin-functions.js';
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
    await expect(
      collectStatic({ ...base, root: fixture('cycles'), services: { a: ['src/**'], ghost: ['services/ghost/**'] } }),
    ).rejects.toThrow(new ConfigError('glob "services/ghost/**" matches no source file', 'services.ghost[0]'));
    await expect(collectStatic({ ...base, root: fixture('cycles'), services: {}, shared: ['lib/**'] })).rejects.toThrow(
      new ConfigError('glob "lib/**" matches no source file', 'shared[0]'),
    );
  });

  it('a missing tsconfig named in the config is a ConfigError', async () => {
    await expect(
      collectStatic({ ...base, root: fixture('cycles'), services: {}, static: { tsconfig: 'tsconfig.missing.json' } }),
    ).rejects.toThrow(new ConfigError('tsconfig tsconfig.missing.json does not exist', 'static.tsconfig'));
  });

  it('a file with syntax errors is reported and keeps the imports the parser recovered (as dependency-cruiser)', async () => {
    const c = await collectFixture('parse-error');
    expect(c.section.parseErrors).toEqual([{ file: 'src/broken.ts', message: 'line 2: Expression expected.' }]);
    expect(c.graph.edges.map((e) => `${e.from} -> ${e.to}`)).toEqual([
      'src/broken.ts -> src/a.ts',
      'src/ok.ts -> src/a.ts',
    ]);
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
    const opts = {
      root: repo,
      services: { w: ['src/services/worker/**'] },
      shared: [],
      allowedDependencies: [],
      static: {},
      cacheDir,
    };
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
    expect(services).toEqual({
      billing: ['packages/billing/**'],
      orders: ['packages/orders/**'],
      shipping: ['packages/shipping/**'],
    });
    expect(proposeShared(root, services)).toEqual(['packages/kernel/**']);
  });

  it('proposes the child folders of a services folder, and contracts/lib as shared', () => {
    const services = proposeServices(fixture('pitchey-decomposed'));
    expect(services).toEqual({
      media: ['services/media/**'],
      nda: ['services/nda/**'],
      notification: ['services/notification/**'],
      pitch: ['services/pitch/**'],
      user: ['services/user/**'],
    });
    expect(proposeShared(fixture('pitchey-decomposed'), services)).toEqual(['contracts/**', 'lib/**']);
    expect(proposeShared(fixture('pitchey-monolith'), proposeServices(fixture('pitchey-monolith')))).toEqual([
      'src/contracts/**',
      'src/lib/**',
    ]);
  });
});

describe('proposeServices on real layouts (issue 12)', () => {
  const layout = (name: string, files: string[]) => {
    const root = path.join(tmp, name);
    for (const f of files) {
      fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
      fs.writeFileSync(path.join(root, f), 'export {};\n');
    }
    return root;
  };

  it('groups flat files of handlers/, services/, routes/ by the domain they name; never tests, fixtures or generated code', () => {
    const root = layout('flat', [
      'src/index.ts',
      'src/handlers/users.ts',
      'src/handlers/categories.ts',
      'src/handlers/users.test.ts',
      'src/handlers/index.ts',
      'src/services/user-service.ts',
      'src/services/billingService.ts',
      'src/services/__tests__/x.test.ts',
      'src/routes/search.routes.ts',
      'src/routes/fixtures/data.ts',
      'src/routes/generated/api.gen.ts',
      'src/routes/__mocks__/db.ts',
      'src/utils/time.ts',
      'src/db/pool.ts',
    ]);
    const services = proposeServices(root);
    expect(services).toEqual({
      billing: ['src/services/billingService.ts'],
      category: ['src/handlers/categories.ts'],
      search: ['src/routes/search.routes.ts'],
      user: ['src/services/user-service.ts', 'src/handlers/users.ts'],
    });
    expect(proposeShared(root, services)).toEqual(['src/db/**', 'src/utils/**']);
  });

  it('leaves test, fixture and invalidly named workspace packages out; the config it writes passes validation', async () => {
    const root = layout('ws', [
      'apps/web/src/a.ts',
      'apps/9lives/src/a.ts',
      'packages/fixtures/src/a.ts',
      'packages/ui/src/a.ts',
    ]);
    fs.writeFileSync(
      path.join(root, 'package.json'),
      JSON.stringify({ name: 'r', workspaces: ['apps/*', 'packages/*'] }),
    );
    for (const [dir, name] of [
      ['apps/web', '@r/web'],
      ['apps/9lives', '9lives'],
      ['packages/fixtures', '@r/fixtures'],
      ['packages/ui', '@r/ui'],
    ]) {
      fs.writeFileSync(path.join(root, dir, 'package.json'), JSON.stringify({ name }));
    }
    const services = proposeServices(root);
    expect(services).toEqual({ ui: ['packages/ui/**'], web: ['apps/web/**'] });
    // What `init` writes, loaded and validated as `check` does (no shared folder here: none may be written).
    const file = path.join(root, 'pitchey-fit.config.ts');
    fs.writeFileSync(file, starterConfig('ws', services, proposeShared(root, services)));
    await expect(loadConfigFile(file, BUILTIN_IDS)).resolves.toMatchObject({ config: { services } });
    const wm = fixture('worker-monolith');
    const flat = proposeServices(wm);
    fs.writeFileSync(file, starterConfig('wm', flat, proposeShared(wm, flat)));
    await expect(loadConfigFile(file, BUILTIN_IDS)).resolves.toMatchObject({ config: { services: flat } });
  });
});

describe('service globs', () => {
  it('a plain folder means everything below it', async () => {
    const c = await collectStatic({
      ...base,
      root: fixture('workspace-monorepo'),
      services: { orders: ['packages/orders'], billing: ['./packages/billing/'] },
    });
    expect(c.section.services.map((s) => [s.name, s.modules])).toEqual([
      ['orders', 2],
      ['billing', 1],
    ]);
  });

  it('an empty glob list is a ConfigError', async () => {
    await expect(collectStatic({ ...base, root: fixture('cycles'), services: { a: [] } })).rejects.toThrow(
      new ConfigError('a service needs a non-empty list of globs', 'services.a'),
    );
  });
});
