import { describe, expect, it } from 'vitest';
import { cruise } from 'dependency-cruiser';
import type { GraphEdge } from '../../src/core/result-static.js';
import { collectFixture, fixture } from './fixture-config.js';

const key = (e: GraphEdge) =>
  `${e.from} -> ${e.to} [${e.kind}]${e.unresolved ? ' unresolved' : ''}${e.external ? ' external' : ''}`;
const keys = (edges: GraphEdge[]) => [...new Set(edges.map(key))].sort();

// dependency-cruiser is the oracle: on these fixtures both engines must produce the same edges with the same kinds.
describe.each(['edge-kinds', 'cycles', 'pitchey-monolith', 'pitchey-decomposed'])(
  'native vs dependency-cruiser on fixtures/%s',
  (name) => {
    it('gives the same edges, kinds included', async () => {
      const off = {
        detectors: { sharedTables: false, mixedResponsibilities: false, circuitBreakers: false, rateLimits: false },
      } as const;
      const native = await collectFixture(name, { ...off, engine: 'native' });
      const dc = await collectFixture(name, { ...off, engine: 'dependency-cruiser' });
      expect(keys(native.graph.edges)).toEqual(keys(dc.graph.edges));
      expect(native.section.services).toEqual(dc.section.services);
      expect(native.section.cycles).toEqual(dc.section.cycles);
      expect(native.graph.edges.every((e) => e.line > 0)).toBe(true);
      expect(dc.graph.edges.filter((e) => !e.external).every((e) => e.line > 0)).toBe(true);
    });

    it("folder Ca/Ce/I equal dependency-cruiser's own --metrics output", async () => {
      // dependency-cruiser's metrics cover every module: judge all, not only code reachable from src/main.ts.
      const native = await collectFixture(name, {
        scope: 'all',
        detectors: { sharedTables: false, mixedResponsibilities: false, circuitBreakers: false, rateLimits: false },
      });
      const root = fixture(name);
      // Dot-files (the fixture's .dependency-cruiser.cjs) are not sources for us.
      const r = await cruise(['.'], {
        baseDir: root,
        tsPreCompilationDeps: true,
        metrics: true,
        doNotFollow: { path: 'node_modules' },
        exclude: { path: '(^|/)\\.[^/]+$' },
      });
      const folders = (
        r.output as unknown as {
          folders: Array<{
            name: string;
            moduleCount: number;
            afferentCouplings: number;
            efferentCouplings: number;
            instability: number;
          }>;
        }
      ).folders
        .filter((f) => f.moduleCount > 0)
        .map((f) => ({ name: f.name, ca: f.afferentCouplings, ce: f.efferentCouplings, i: f.instability }))
        .sort((a, b) => a.name.localeCompare(b.name));
      const ours = native.section.folders.map((f) => ({ name: f.name, ca: f.ca, ce: f.ce, i: f.instability ?? 0 }));
      expect(ours.map((f) => f.name)).toEqual(folders.map((f) => f.name));
      for (let k = 0; k < ours.length; k++) {
        expect([ours[k].name, ours[k].ca, ours[k].ce]).toEqual([folders[k].name, folders[k].ca, folders[k].ce]);
        expect(ours[k].i).toBeCloseTo(folders[k].i, 10);
      }
    });
  },
);

describe('native vs dependency-cruiser on fixtures/workspace-monorepo', () => {
  it('differs only where dependency-cruiser cannot see workspaces or per-package tsconfigs', async () => {
    const off = {
      detectors: { sharedTables: false, mixedResponsibilities: false, circuitBreakers: false, rateLimits: false },
    } as const;
    const native = keys((await collectFixture('workspace-monorepo', { ...off, engine: 'native' })).graph.edges);
    const dc = keys((await collectFixture('workspace-monorepo', { ...off, engine: 'dependency-cruiser' })).graph.edges);
    // Without node_modules links, dependency-cruiser cannot map @acme/* to the packages' sources; our engine reads
    // the workspace globs, package names and `exports` subpaths. It also uses one tsconfig, so '@shipping/*' (paths of
    // the shipping package's own tsconfig) and '~kernel' (root tsconfig) stay unresolved there.
    expect(native.filter((k) => !dc.includes(k))).toEqual([
      'packages/billing/src/index.ts -> packages/kernel/src/index.ts [import]',
      'packages/billing/src/index.ts -> packages/orders/src/events.ts [import-type]',
      'packages/orders/src/index.ts -> packages/kernel/src/index.ts [import]',
      'packages/shipping/src/index.ts -> packages/orders/src/index.ts [import]',
      'packages/shipping/src/index.ts -> packages/shipping/src/internal/rates.ts [import]',
    ]);
    expect(dc.filter((k) => !native.includes(k))).toEqual([
      // dependency-cruiser drops the type-only flag of a dependency it cannot resolve.
      'packages/billing/src/index.ts -> @acme/orders/events [import] unresolved',
      'packages/billing/src/index.ts -> ~kernel [import] unresolved',
      'packages/orders/src/index.ts -> @acme/kernel [import] unresolved',
      'packages/shipping/src/index.ts -> @acme/orders [import] unresolved',
      'packages/shipping/src/index.ts -> @shipping/rates.js [import] unresolved',
    ]);
  });
});
