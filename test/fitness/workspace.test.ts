import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { judgeFunction } from '../../src/core/judge.js';
import { collectStatic, staticFitnessFunctions } from '../../src/fitness/index.js';
import { exportTarget, exportTargets, readPnpmWorkspaceGlobs } from '../../src/fitness/workspace-packages.js';
import { collectFixture } from './fixture-config.js';

describe('fixtures/workspace-monorepo', async () => {
  const c = await collectFixture('workspace-monorepo');
  const edges = c.graph.edges.map((e) => `${e.from} -> ${e.to} [${e.kind}]${e.unresolved ? ' unresolved' : ''}`).sort();

  it('maps workspace packages to their sources and uses the nearest tsconfig of each file', () => {
    expect(edges).toEqual([
      'packages/billing/src/index.ts -> packages/kernel/src/index.ts [import]', // '~kernel' via the root tsconfig paths
      'packages/billing/src/index.ts -> packages/orders/src/events.ts [import-type]', // exports './events' -> dist -> src
      'packages/orders/src/index.ts -> packages/kernel/src/index.ts [import]', // main ./dist/index.js -> src/index.ts
      'packages/shipping/src/index.ts -> packages/orders/src/index.ts [import]',
      'packages/shipping/src/index.ts -> packages/shipping/src/internal/rates.ts [import]', // shipping's own paths
      'packages/shipping/src/internal/rates.ts -> ~kernel [import] unresolved', // shipping's tsconfig replaces paths
    ]);
  });

  it('counts package.json dependencies between service packages against autonomy', async () => {
    const s = Object.fromEntries(c.section.services.map((x) => [x.name, x]));
    expect([s.orders.autonomous, s.billing.autonomous, s.shipping.autonomous]).toEqual([true, false, false]);
    expect(s.billing.dependsOn).toEqual(['orders']);
    expect([s.orders.ca, s.billing.ca, s.shipping.ca]).toEqual([1, 0, 0]);
    const pkg = c.findings.find((f) => f.rule === 'service-package-dependency')!;
    expect(pkg.locations).toEqual([{ file: 'packages/billing/package.json', line: 7 }]);
    const ctx = { root: c.section.root, static: c.section, graph: c.graph, findings: c.findings };
    const a = await judgeFunction('serviceAutonomy', staticFitnessFunctions.serviceAutonomy, ctx);
    expect(a.value).toBeCloseTo(100 / 3, 10);
    const k = await judgeFunction('serviceCoupling', staticFitnessFunctions.serviceCoupling, ctx);
    expect(k.value).toBeCloseTo(1 / 3, 10);
    expect(k.verdict).toBe('pass');
  });
});

describe('package.json exports and pnpm workspaces', () => {
  it('resolves subpaths, conditions and * patterns', () => {
    const exp = {
      '.': { types: './dist/index.d.ts', import: './dist/index.js' },
      './utils/*': './dist/utils/*.js',
      './feature': ['./dist/feature.js'],
    };
    expect(exportTarget(exp, '.')).toBe('./dist/index.d.ts');
    expect(exportTarget(exp, './utils/date')).toBe('./dist/utils/date.js');
    expect(exportTarget(exp, './feature')).toBe('./dist/feature.js');
    expect(exportTarget(exp, './missing')).toBeUndefined();
    expect(exportTarget('./index.js', '.')).toBe('./index.js');
    expect(exportTarget({ import: './m.js', require: './c.cjs' }, '.')).toBe('./m.js');
  });

  it('reads the packages list of pnpm-workspace.yaml', () => {
    expect(
      readPnpmWorkspaceGlobs(
        "packages:\n  - 'apps/*'\n  - \"packages/**\" # all\n  - '!**/test/**'\ncatalog:\n  x: 1\n",
      ),
    ).toEqual(['apps/*', 'packages/**', '!**/test/**']);
  });
});

describe('workspace resolution on built packages (issue 12)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-ws-'));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const write = (root: string, files: Record<string, string>) => {
    for (const [f, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(root, f)), { recursive: true });
      fs.writeFileSync(path.join(root, f), text);
    }
    return root;
  };

  it('tries every exports condition, maps dist/esm and dist/cjs back through tsconfig outDir/rootDir, finds nested workspaces', async () => {
    const root = write(path.join(tmp, 'mono'), {
      'package.json': JSON.stringify({ name: 'root', private: true, workspaces: ['apps/*', 'platform'] }),
      'apps/web/package.json': JSON.stringify({ name: '@m/web' }),
      'apps/web/src/main.ts':
        "import { a } from '@m/core';\nimport { b } from '@m/core/b';\nimport { n } from '@m/nested';\n",
      // core builds lib/ -> dist/esm and dist/cjs; its exports name only built files, the first condition a missing one
      'platform/package.json': JSON.stringify({ name: '@m/platform', private: true, workspaces: ['libs/*'] }),
      'platform/libs/core/package.json': JSON.stringify({
        name: '@m/core',
        exports: {
          '.': { types: './types/missing.d.ts', import: './dist/esm/index.js', require: './dist/cjs/index.cjs' },
          './b': { require: './dist/cjs/b.cjs' },
        },
      }),
      'platform/libs/core/tsconfig.esm.json': JSON.stringify({
        compilerOptions: { outDir: 'dist/esm', rootDir: 'lib' },
      }),
      'platform/libs/core/tsconfig.cjs.json': JSON.stringify({
        compilerOptions: { outDir: 'dist/cjs', rootDir: 'lib' },
      }),
      'platform/libs/core/lib/index.ts': 'export const a = 1;\n',
      'platform/libs/core/lib/b.ts': 'export const b = 1;\n',
      'platform/libs/nested/package.json': JSON.stringify({ name: '@m/nested', main: './out/index.js' }),
      'platform/libs/nested/tsconfig.json': JSON.stringify({ compilerOptions: { outDir: 'out', rootDir: 'source' } }),
      'platform/libs/nested/source/index.ts': 'export const n = 1;\n',
    });
    const c = await collectStatic({ root, services: {}, shared: [], allowedDependencies: [], static: {} });
    expect(c.graph.edges.map((e) => `${e.specifier} -> ${e.to}${e.unresolved ? ' unresolved' : ''}`)).toEqual([
      '@m/core -> platform/libs/core/lib/index.ts',
      '@m/core/b -> platform/libs/core/lib/b.ts',
      '@m/nested -> platform/libs/nested/source/index.ts',
    ]);
  });

  it('lists every export target in preference order', () => {
    expect(exportTargets({ '.': { types: './t.d.ts', node: { import: './n.mjs' }, default: './d.js' } }, '.')).toEqual([
      './t.d.ts',
      './n.mjs',
      './d.js',
    ]);
  });
});
