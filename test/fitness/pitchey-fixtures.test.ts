import { describe, expect, it } from 'vitest';
import { judgeFunction } from '../../src/core/judge.js';
import type { FitnessContext } from '../../src/core/fitness-function.js';
import { staticFitnessFunctions, type StaticCollection } from '../../src/fitness/index.js';
import { collectFixture } from './fixture-config.js';

function ctxOf(c: StaticCollection): FitnessContext {
  return { root: c.section.root, static: c.section, graph: c.graph, findings: c.findings };
}

const W = 'src/services/worker';

describe('fixtures/pitchey-monolith (the review\'s "current" column)', async () => {
  const c = await collectFixture('pitchey-monolith');

  it('measures per-service Ca/Ce/I and autonomy exactly as in ANSWERS.md', () => {
    const s = Object.fromEntries(c.section.services.map((x) => [x.name, x]));
    expect([s.user.ca, s.pitch.ca, s.nda.ca, s.worker.ca]).toEqual([7, 7, 6, 0]);
    expect([s.user.ce, s.pitch.ce, s.nda.ce, s.worker.ce]).toEqual([0, 0, 0, 12]);
    expect(s.worker.instability).toBe(1);
    expect(s.user.instability).toBe(0);
    expect(s.worker.dependsOn).toEqual(['nda', 'pitch', 'user']);
    expect(s.pitch.dependedOnBy).toEqual(['worker']);
    expect(c.section.services.filter((x) => x.autonomous).map((x) => x.name)).toEqual(['user', 'pitch', 'nda']);
    // pitch-model.ts has 1 interface + 1 type alias; pitch-repository 1 function; pitch-service 1; pitch-cache 2.
    expect(s.pitch.abstractness).toBeCloseTo(2 / 6, 10);
  });

  it('judges serviceAutonomy 75 (fail) and serviceCoupling 5 (fail) with evidence', async () => {
    const autonomy = await judgeFunction('serviceAutonomy', staticFitnessFunctions.serviceAutonomy, ctxOf(c));
    expect(autonomy.value).toBe(75);
    expect(autonomy.verdict).toBe('fail');
    // The built-in names no baseline: the review's 75 comes from this fixture's config (fitness.*.current).
    expect(autonomy.baseline).toBeNull();
    const imports = autonomy.evidence.filter((e) => e.file);
    expect(imports).toHaveLength(20);
    expect(imports).toContainEqual(expect.objectContaining({ file: `${W}/handlers/pitch-detail.ts`, line: 2 }));
    expect(imports).toContainEqual(expect.objectContaining({ file: `${W}/index.ts`, line: 2 }));
    expect(autonomy.evidence[0].message).toBe('worker depends on nda, pitch, user');

    const coupling = await judgeFunction('serviceCoupling', staticFitnessFunctions.serviceCoupling, ctxOf(c));
    expect(coupling.value).toBe(5);
    expect(coupling.verdict).toBe('fail');
    expect(coupling.evidence.slice(4).filter((e) => e.fingerprint && e.file)).toHaveLength(20);
    expect(coupling.evidence.slice(0, 4).map((e) => e.message)).toEqual([
      'user: Ca 7, Ce 0 (depended on by worker)',
      'pitch: Ca 7, Ce 0 (depended on by worker)',
      'nda: Ca 6, Ce 0 (depended on by worker)',
      'worker: Ca 0, Ce 12',
    ]);
  });

  it('with every violation baselined, the failing functions pass but keep their true values', async () => {
    const baselined = new Set(c.findings.map((f) => f.fingerprint));
    for (const id of ['serviceAutonomy', 'serviceCoupling', 'noCycles'] as const) {
      const o = await judgeFunction(id, staticFitnessFunctions[id], ctxOf(c), { baselined });
      expect([id, o.verdict]).toEqual([id, 'pass']);
    }
    const partial = new Set(
      [...baselined].filter((fp) => fp !== c.findings.find((f) => f.rule === 'cross-service-import')!.fingerprint),
    );
    const o = await judgeFunction('serviceAutonomy', staticFitnessFunctions.serviceAutonomy, ctxOf(c), {
      baselined: partial,
    });
    expect([o.value, o.verdict]).toEqual([75, 'fail']);
  });

  it('keeps type-only service edges out of the counts but reports them', () => {
    expect(c.section.counted).toBe('value');
    const e = c.section.serviceEdges;
    expect(e).toContainEqual({ from: 'nda', to: 'pitch', valueEdges: 0, typeEdges: 1, violating: false });
    expect(e).toContainEqual({ from: 'worker', to: 'pitch', valueEdges: 7, typeEdges: 1, violating: true });
    expect(e).toContainEqual({ from: 'worker', to: 'user', valueEdges: 7, typeEdges: 0, violating: true });
    expect(e).toContainEqual({ from: 'worker', to: 'nda', valueEdges: 6, typeEdges: 0, violating: true });
  });

  it('reports cycles for all edges and value edges with shortest chains', async () => {
    expect(c.section.cycles.value).toEqual([
      {
        size: 2,
        example: [
          'src/services/pitch/pitch-cache.ts',
          'src/services/pitch/pitch-service.ts',
          'src/services/pitch/pitch-cache.ts',
        ],
      },
    ]);
    expect(c.section.cycles.all).toHaveLength(2);
    expect(c.section.cycles.all[0].example).toEqual([
      'src/contracts/events.ts',
      'src/contracts/ids.ts',
      'src/contracts/events.ts',
    ]);
    const noCycles = await judgeFunction('noCycles', staticFitnessFunctions.noCycles, ctxOf(c));
    expect([noCycles.value, noCycles.verdict]).toEqual([1, 'fail']);
  });

  it('detects shared tables, mixed responsibilities, unprotected calls and missing rate limits', () => {
    const d = c.section.detectors as Record<string, Array<Record<string, unknown>>>;
    // Both shared tables are read across services and written by none of them twice: the table matrix shows them,
    // and only a table written by more than one service is a violation (issue 12).
    const tables = c.section.tables!;
    const shared = tables.tables.filter((t) => new Set([...t.readers, ...t.writers]).size > 1);
    expect(shared.map((t) => [t.table, t.readers, t.writers])).toEqual([
      ['pitches', ['pitch', 'worker'], []],
      ['users', ['user', 'worker'], []],
    ]);
    expect(shared[0].references.map((r) => ({ file: r.file, line: r.line, service: r.owner }))).toEqual([
      { file: 'src/services/pitch/pitch-repository.ts', line: 5, service: 'pitch' },
      { file: `${W}/handlers/dashboard.ts`, line: 9, service: 'worker' },
    ]);
    expect(tables.violations).toEqual([]);
    expect(d.mixedResponsibilities.map((m) => [m.file, (m.domains as string[]).length])).toEqual([
      [`${W}/handlers/dashboard.ts`, 4],
      [`${W}/handlers/nda.ts`, 4],
      [`${W}/handlers/pitch-detail.ts`, 4],
      [`${W}/index.ts`, 4],
      [`${W}/handlers/auth.ts`, 3],
      [`${W}/handlers/media.ts`, 3],
      [`${W}/handlers/pitch-write.ts`, 3],
    ]);
    expect(d.mixedResponsibilities[3].routeDomains).toEqual(['nda', 'pitch', 'user']);
    expect(d.unprotectedCalls).toEqual([
      { service: 'worker', file: `${W}/handlers/media.ts`, line: 7, callee: 'fetch' },
    ]);
    const rl = Object.fromEntries(d.rateLimits.map((r) => [String(r.service), r]));
    expect(rl.user.rateLimited).toBe(true);
    expect(rl.worker).toEqual({ service: 'worker', httpEntry: `${W}/index.ts`, rateLimited: false });
    const byRule: Record<string, number> = {};
    for (const f of c.findings) byRule[f.rule] = (byRule[f.rule] ?? 0) + 1;
    expect(byRule).toEqual({
      'cross-service-import': 20,
      cycle: 1,
      'mixed-responsibilities': 7,
      'no-circuit-breaker': 1,
      'no-rate-limit': 1,
    });
  });

  it('with countTypeOnly, type imports count: autonomy 50, coupling 5.5', async () => {
    const t = await collectFixture('pitchey-monolith', {
      countTypeOnly: true,
      detectors: { sharedTables: false, mixedResponsibilities: false, circuitBreakers: false, rateLimits: false },
    });
    const ctx = ctxOf(t);
    expect((await judgeFunction('a', staticFitnessFunctions.serviceAutonomy, ctx)).value).toBe(50);
    expect((await judgeFunction('c', staticFitnessFunctions.serviceCoupling, ctx)).value).toBe(5.5);
    expect(t.section.services.find((s) => s.name === 'pitch')!.ca).toBe(9);
    expect(t.section.counted).toBe('all');
  });

  it('allowedDependencies take an edge out of autonomy and coupling', async () => {
    const { collectStatic } = await import('../../src/fitness/index.js');
    const r = await collectStatic({
      root: c.section.root,
      services: {
        user: ['src/services/user/**'],
        pitch: ['src/services/pitch/**'],
        nda: ['src/services/nda/**'],
        worker: ['src/services/worker/**'],
      },
      shared: ['src/contracts/**', 'src/lib/**'],
      allowedDependencies: [{ from: 'worker', to: '*' }],
      static: {
        detectors: { sharedTables: false, mixedResponsibilities: false, circuitBreakers: false, rateLimits: false },
      },
    });
    expect(r.section.services.every((s) => s.autonomous && s.ca === 0)).toBe(true);
    expect(r.findings.filter((f) => f.rule === 'cross-service-import')).toEqual([]);
  });
});

describe('fixtures/pitchey-decomposed (the target that passes)', async () => {
  const c = await collectFixture('pitchey-decomposed');

  it('passes autonomy 100, coupling 0, no cycles, no findings', async () => {
    const ctx = ctxOf(c);
    const a = await judgeFunction('serviceAutonomy', staticFitnessFunctions.serviceAutonomy, ctx);
    const k = await judgeFunction('serviceCoupling', staticFitnessFunctions.serviceCoupling, ctx);
    const n = await judgeFunction('noCycles', staticFitnessFunctions.noCycles, ctx);
    const r = await judgeFunction('dependencyRules', staticFitnessFunctions.dependencyRules, ctx);
    expect([a.value, a.verdict, k.value, k.verdict, n.value, n.verdict, r.value, r.verdict]).toEqual([
      100,
      'pass',
      0,
      'pass',
      0,
      'pass',
      0,
      'pass',
    ]);
    expect(c.findings).toEqual([]);
    expect(c.section.services.map((s) => s.name)).toEqual(['user', 'pitch', 'nda', 'notification', 'media']);
    expect(c.section.counts).toEqual({
      modules: 14,
      edges: 32,
      valueEdges: 28,
      typeEdges: 4,
      unresolved: 0,
      parseErrors: 0,
    });
  });

  it('classes the gateway as outside every service and unclassified', () => {
    const gw = c.graph.modules.find((m) => m.path === 'gateway/server.ts')!;
    expect(gw.service).toBeNull();
    expect(gw.sharedClass).toBe('unclassified');
    expect(c.graph.modules.find((m) => m.path === 'lib/db.ts')!.sharedClass).toBe('shared-allowed');
  });
});
