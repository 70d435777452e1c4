import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/schema.js';
import { ConfigError } from '../../src/core/errors.js';
import { collectStatic, proposeServices, proposeShared } from '../../src/fitness/index.js';
import { tableNamesOf } from '../../src/fitness/boundaries/domain-boundaries.js';
import { ModuleGraph } from '../../src/fitness/boundaries/weighted-graph.js';
import { makeWorkerMonolithHistory } from './worker-monolith-history.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-boundaries-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Newman's modularity straight from its definition: (1/2m) Σ_ij [A_ij − k_i k_j / 2m] δ(c_i, c_j). */
function modularityByDefinition(g: ModuleGraph, groupOf: (n: string) => string): number {
  const nodes = g.graph.nodes();
  const w = (a: string, b: string) => (g.graph.hasEdge(a, b) ? g.graph.getEdgeAttribute(a, b, 'weight') : 0);
  const k = new Map(nodes.map((n) => [n, nodes.reduce((s, m) => s + w(n, m), 0)]));
  const m2 = [...k.values()].reduce((a, b) => a + b, 0);
  let q = 0;
  for (const i of nodes)
    for (const j of nodes) if (groupOf(i) === groupOf(j)) q += w(i, j) - (k.get(i)! * k.get(j)!) / m2;
  return q / m2;
}

describe('weighted module graph', () => {
  const g = new ModuleGraph(['a', 'b', 'c', 'd', 'e', 'f']);
  for (const [x, y] of ['ab', 'bc', 'ac', 'de', 'ef', 'df', 'cd']) g.add(x, y, 1);

  it('two triangles joined by one edge: modularity 2 × (3/7 − (7/14)²) = 5/14, found by Louvain', () => {
    const side = (n: string) => ('abc'.includes(n) ? 'L' : 'R');
    expect(g.modularity(side)).toBeCloseTo(5 / 14, 12);
    expect(g.modularity(() => 'one')).toBeCloseTo(0, 12);
    const r = g.louvain(1);
    expect(r.modularity).toBeCloseTo(5 / 14, 12);
    expect(new Set(['a', 'b', 'c'].map((n) => r.communities.get(n))).size).toBe(1);
    expect(r.communities.get('a')).not.toBe(r.communities.get('d'));
  });

  it('derives conventional table names of entities', () => {
    expect(tableNamesOf('Pitch')).toEqual(['pitch', 'pitches']);
    expect(tableNamesOf('PitchView')).toEqual(['pitch_view', 'pitch_views']);
    expect(tableNamesOf('Reply')).toEqual(['reply', 'replies']);
  });
});

describe('fixtures/worker-monolith history: boundary advice', async () => {
  const repo = makeWorkerMonolithHistory(path.join(tmp, 'history'));
  const services = proposeServices(repo);
  const opts = { root: repo, services, shared: proposeShared(repo, services), allowedDependencies: [] };
  const c = await collectStatic({ ...opts, static: {} });
  const b = c.section.boundaries!;

  it('clusters the 15 live modules reproducibly (seeded), and Louvain beats the configured services', async () => {
    expect([b.modules, b.seed, b.weights]).toEqual([15, 1, { imports: 1, tables: 1, coChange: 1 }]);
    const again = (await collectStatic({ ...opts, static: {} })).section.boundaries!;
    expect(again.clusters).toEqual(b.clusters);
    expect(b.modularity.proposal).toBeGreaterThan(b.modularity.services!);
  });

  it('reports modularities equal to the definition computed on the same weighted graph', () => {
    // Rebuild the clustering graph from the section's own inputs and recompute Q both ways.
    const live = c.graph.modules.filter((m) => !m.external && !c.section.scope!.deadModules.includes(m.path));
    const g = new ModuleGraph(live.map((m) => m.path).sort());
    const liveSet = new Set(g.graph.nodes());
    for (const e of c.graph.edges) {
      const value = !['import-type', 'export-type', 'typeof-import', 'triple-slash'].includes(e.kind);
      if (value && !e.external && !e.unresolved && liveSet.has(e.from) && liveSet.has(e.to)) g.add(e.from, e.to, 1);
    }
    for (const t of c.section.tables!.tables) {
      const files = [...new Set(t.references.filter((r) => r.live).map((r) => r.file))].sort();
      for (let i = 0; i < files.length; i++)
        for (let j = i + 1; j < files.length; j++) g.add(files[i], files[j], 1 / (files.length - 1));
    }
    for (const p of c.section.changeCoupling!.pairs) g.add(p.a, p.b, p.degree);
    const serviceOf = new Map(live.map((m) => [m.path, m.service ?? '(no service)']));
    expect(b.modularity.services).toBeCloseTo(
      modularityByDefinition(g, (n) => serviceOf.get(n)!),
      12,
    );
    const cluster = new Map(b.clusters.flatMap((cl) => cl.modules.map((m) => [m, String(cl.id)])));
    expect(b.modularity.proposal).toBeCloseTo(
      modularityByDefinition(g, (n) => cluster.get(n)!),
      12,
    );
  });

  it("lists what crosses nda's boundary, heaviest first: the to-do list", () => {
    const nda = b.services.find((s) => s.service === 'nda')!;
    expect(nda.crossings.map((x) => [x.kind, x.other, x.weight, x.file, x.line])).toEqual([
      ['table', 'pitch', 1, 'src/services/pitch-service.ts', 5],
      ['import', '(no service)', 1, 'src/handlers/ndas.ts', 2],
      ['import', '(no service)', 1, 'src/services/index.ts', 4],
      ['import', '(no service)', 1, 'src/services/nda-service.ts', 3],
      ['import', '(no service)', 1, 'src/worker.ts', 4],
      ['co-change', 'pitch', 0.8, 'src/services/pitch-service.ts', undefined],
    ]);
    expect(nda.autonomy).toBe(0);
  });

  it('reuses the last advice while its inputs are unchanged (warm runs), recomputes when an import changes', async () => {
    const cacheDir = path.join(tmp, 'cache');
    const first = (await collectStatic({ ...opts, static: {}, cacheDir })).section.boundaries!;
    expect(first).toEqual(b);
    const file = path.join(cacheDir, 'static-boundary-cache.json');
    const cached = JSON.parse(fs.readFileSync(file, 'utf8')) as { key: string; advice: { seed: number } };
    fs.writeFileSync(file, JSON.stringify({ ...cached, advice: { ...cached.advice, seed: 99 } }));
    expect((await collectStatic({ ...opts, static: {}, cacheDir })).section.boundaries!.seed).toBe(99);
    const ndas = path.join(repo, 'src/handlers/ndas.ts');
    const text = fs.readFileSync(ndas, 'utf8');
    fs.writeFileSync(ndas, `import '../services/user-service';\n${text}`);
    try {
      const changed = (await collectStatic({ ...opts, static: {}, cacheDir })).section.boundaries!;
      expect(changed.seed).toBe(1);
      // One more crossing for nda: the new import of user's module.
      expect(changed.services.find((s) => s.service === 'nda')!.crossingsTotal).toBe(7);
    } finally {
      fs.writeFileSync(ndas, text);
    }
  });

  it('checks that each aggregate’s tables are written only by its owning service', async () => {
    const domainBoundaries = {
      aggregates: [
        { name: 'User', entities: ['User'], commands: ['UpdateSettings'], events: ['UserSeen'] },
        { name: 'Pitch', entities: ['Pitch'] },
        { name: 'Nda', entities: ['Nda'], events: ['NdaSigned'] },
      ],
      services: { user: ['User'], pitch: ['Pitch'], nda: ['Nda'] },
    };
    expect(ConfigSchema.safeParse({ static: { domainBoundaries } }).success).toBe(true);
    const d = await collectStatic({ ...opts, static: { domainBoundaries, changeCoupling: { enabled: false } } });
    expect(d.section.boundaries!.aggregates).toEqual([
      {
        aggregate: 'User',
        service: 'user',
        tables: ['users'],
        foreignWriters: [{ table: 'users', owner: 'notification', file: 'src/handlers/notifications.ts', line: 14 }],
      },
      {
        aggregate: 'Pitch',
        service: 'pitch',
        tables: ['pitches'],
        foreignWriters: [{ table: 'pitches', owner: 'nda', file: 'src/services/nda-service.ts', line: 13 }],
      },
      { aggregate: 'Nda', service: 'nda', tables: ['ndas'], foreignWriters: [] },
    ]);
    expect(d.findings.filter((f) => f.rule === 'aggregate-table-written-outside').map((f) => f.title)).toEqual([
      'Table users of aggregate User is written outside user',
      'Table pitches of aggregate Pitch is written outside pitch',
    ]);
    const bad = { ...domainBoundaries, services: { user: ['Usr'] } };
    await expect(collectStatic({ ...opts, static: { domainBoundaries: bad } })).rejects.toThrow(ConfigError);
    await expect(collectStatic({ ...opts, static: { domainBoundaries: bad } })).rejects.toThrow(
      'unknown aggregate "Usr"',
    );
  });
});
