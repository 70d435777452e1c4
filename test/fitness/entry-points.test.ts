import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { findEntryPoints } from '../../src/fitness/entry-points.js';
import { discoverFiles } from '../../src/fitness/source-files.js';
import { discoverWorkspacePackages } from '../../src/fitness/workspace-packages.js';
import { collectStatic } from '../../src/fitness/index.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-entries-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function repo(name: string, files: Record<string, string>): string {
  const root = path.join(tmp, name);
  for (const [f, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
    fs.writeFileSync(path.join(root, f), text);
  }
  return root;
}

const entriesOf = (root: string, configured?: string[]) =>
  findEntryPoints(root, discoverFiles(root).sources, discoverWorkspacePackages(root), configured).map(
    (e) => `${e.file} <- ${e.via}`,
  );

describe('entry points', () => {
  it('reads package.json main, bin and every exports target, mapping dist back to src through tsconfig', () => {
    const root = repo('pkg', {
      'package.json': JSON.stringify({
        name: 'tool',
        main: './dist/esm/index.js',
        bin: { tool: './dist/esm/cli.js' },
        exports: {
          '.': { import: './dist/esm/index.js', require: './dist/cjs/index.cjs' },
          './extra': './dist/esm/extra.js',
        },
      }),
      'tsconfig.json': JSON.stringify({ compilerOptions: { outDir: 'dist/esm', rootDir: 'src' } }),
      'src/index.ts': 'export const a = 1;\n',
      'src/cli.ts': "import './index';\n",
      'src/extra.ts': 'export {};\n',
      'src/unused.ts': 'export {};\n',
    });
    expect(entriesOf(root)).toEqual([
      'src/index.ts <- package.json main',
      'src/cli.ts <- package.json bin.tool',
      'src/extra.ts <- package.json exports["./extra"]',
    ]);
  });

  it('reads wrangler.toml main, and wrangler.jsonc when there is no toml', () => {
    const toml = repo('wrangler-toml', {
      'wrangler.toml': 'name = "w"\nmain = "src/worker.ts"\n',
      'src/worker.ts': '',
      'src/index.ts': '',
    });
    expect(entriesOf(toml)).toEqual(['src/worker.ts <- wrangler.toml main']);
    const jsonc = repo('wrangler-jsonc', {
      'wrangler.jsonc': '{\n  // the worker\n  "main": "./src/edge.ts",\n}\n',
      'src/edge.ts': '',
    });
    expect(entriesOf(jsonc)).toEqual(['src/edge.ts <- wrangler.jsonc main']);
  });

  it('falls back to conventions only when nothing declares an entry', () => {
    const root = repo('conv', { 'src/main.ts': '', 'src/lib.ts': '', 'bin/run.mjs': '' });
    expect(entriesOf(root)).toEqual(['bin/run.mjs <- file name convention', 'src/main.ts <- file name convention']);
  });

  it('config globs replace every other source, and a glob that matches nothing is a ConfigError', () => {
    const root = repo('cfg', {
      'wrangler.toml': 'main = "src/a.ts"\n',
      'src/a.ts': '',
      'src/b.ts': '',
      'src/c.ts': '',
    });
    expect(entriesOf(root, ['src/{b,c}.ts'])).toEqual(['src/b.ts <- static.entry[0]', 'src/c.ts <- static.entry[0]']);
    expect(() => entriesOf(root, ['src/b.ts', 'src/ghost.ts'])).toThrow(
      new ConfigError('glob "src/ghost.ts" matches no source file', 'static.entry[1]'),
    );
  });

  it("scope 'all' judges dead code too; the default judges only live code", async () => {
    const root = repo('scope', {
      'wrangler.toml': 'main = "src/a.ts"\n',
      'src/a.ts': "import './b';\n",
      'src/b.ts': '',
      'src/old.ts': "import './x';\nimport './y';\n",
      'src/x.ts': "import './y';\n",
      'src/y.ts': "import './x';\n",
    });
    const base = { root, services: {}, shared: [], allowedDependencies: [] };
    const live = await collectStatic({ ...base, static: {} });
    expect([live.section.scope!.live, live.section.scope!.dead, live.section.cycles.value.length]).toEqual([2, 3, 0]);
    const all = await collectStatic({ ...base, static: { scope: 'all' } });
    expect([all.section.scope!.judged, all.section.cycles.value.length]).toEqual(['all', 1]);
    expect(all.section.modules!.hubsByCe.map((m) => [m.file, m.ce])).toEqual([
      ['src/old.ts', 2],
      ['src/a.ts', 1],
      ['src/x.ts', 1],
      ['src/y.ts', 1],
    ]);
  });
});

describe('entry points from exports subpath patterns', () => {
  it('"./*": "./dist/*.js" makes every source file under the mapped folder an entry', () => {
    const root = repo('patterns', {
      'package.json': JSON.stringify({ name: 'lib', exports: { './*': './dist/*.js', './internal/*': null } }),
      'src/a.ts': '',
      'src/deep/b.ts': '',
      'test/c.ts': '',
    });
    expect(entriesOf(root)).toEqual([
      'src/a.ts <- package.json exports["./*"]',
      'src/deep/b.ts <- package.json exports["./*"]',
    ]);
  });
});
