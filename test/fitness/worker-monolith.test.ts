import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import { afterAll, describe, expect, it } from 'vitest';
import { judgeFunction } from '../../src/core/judge.js';
import { collectStatic, proposeServices, proposeShared, staticFitnessFunctions } from '../../src/fitness/index.js';
import { fixture } from './fixture-config.js';
import { COMMITS, filesPerCommit, makeWorkerMonolithHistory } from './worker-monolith-history.js';

// Every expected value here is in fixtures/worker-monolith/ANSWERS.md, derived by hand; the dependency-cruiser
// blocks recompute the graph-level ones with dependency-cruiser as the independent oracle.
const root = fixture('worker-monolith');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-worker-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const DEAD = [
  'src/legacy/router-v2.ts',
  'src/legacy/user-format.ts',
  'src/services/__tests__/user-service.test.ts',
  'src/services/websocket/hub.ts',
  'src/worker-legacy.ts',
  'src/worker-v2.ts',
];
const HANDLERS = ['media', 'ndas', 'notifications', 'pitches', 'users'].map((h) => `src/handlers/${h}.ts`);

async function depcruise(opts: { exclude?: string; rules?: object }): Promise<ICruiseResult> {
  const r = await cruise(
    ['src'],
    {
      baseDir: root,
      tsPreCompilationDeps: true,
      ...(opts.exclude ? { exclude: { path: opts.exclude } } : {}),
      ...(opts.rules ? { ruleSet: opts.rules, validate: true } : {}),
    },
    undefined,
    { tsConfig: { fileName: path.join(root, 'tsconfig.json') } },
  );
  return r.output as ICruiseResult;
}

describe('fixtures/worker-monolith: init proposes services from the flat layout', () => {
  const services = proposeServices(root);
  it('proposes one service per domain, never __tests__, and shared utils/db/types', () => {
    expect(services).toEqual({
      email: ['src/services/email/**'],
      media: ['src/handlers/media.ts'],
      nda: ['src/services/nda-service.ts', 'src/handlers/ndas.ts'],
      notification: ['src/handlers/notifications.ts'],
      pitch: ['src/services/pitch-service.ts', 'src/handlers/pitches.ts'],
      user: ['src/services/user-service.ts', 'src/handlers/users.ts'],
      websocket: ['src/services/websocket/**'],
    });
    expect(proposeShared(root, services)).toEqual(['src/db/**', 'src/types/**', 'src/utils/**']);
  });
});

describe('fixtures/worker-monolith: static on the proposed config', async () => {
  const services = proposeServices(root);
  const c = await collectStatic({
    root,
    services,
    shared: proposeShared(root, services),
    allowedDependencies: [],
    // The fixture sits in this repository: its change coupling would follow our own commits (the generated history
    // in change-coupling.test.ts has the known one).
    static: { changeCoupling: { enabled: false } },
  });
  const s = c.section;
  const ctx = { root, static: s, graph: c.graph, findings: c.findings };

  it('counts the graph, unresolved imports and parse errors', () => {
    expect(s.counts).toEqual({ modules: 21, edges: 45, valueEdges: 37, typeEdges: 8, unresolved: 3, parseErrors: 1 });
    expect(s.modules!.unresolved).toEqual({
      'missing-file': [
        {
          from: 'src/handlers/notifications.ts',
          line: 4,
          specifier: './notification-templates',
          group: 'missing-file',
          live: true,
        },
      ],
      'uninstalled-package': [
        {
          from: 'src/services/nda-service.ts',
          line: 1,
          specifier: 'pdf-lib',
          group: 'uninstalled-package',
          package: 'pdf-lib',
          live: true,
        },
      ],
      url: [
        { from: 'src/handlers/pitches.ts', line: 1, specifier: 'https://esm.sh/marked@12', group: 'url', live: true },
      ],
    });
    expect(s.modules!.parseErrors).toEqual([
      { file: 'src/handlers/media.ts', message: "line 15: ':' expected.", importsRecovered: 3, live: true },
    ]);
    expect(s.modules!.orphans).toEqual(['src/services/websocket/hub.ts']);
  });

  it('finds the entry in wrangler.toml and marks 6 of 21 modules dead', () => {
    expect(s.scope!.entries).toEqual([{ file: 'src/worker.ts', source: 'wrangler', via: 'wrangler.toml main' }]);
    expect([s.scope!.judged, s.scope!.live, s.scope!.dead, s.scope!.inServices]).toEqual(['live', 15, 6, 9]);
    expect(s.scope!.deadShare).toBeCloseTo(6 / 21, 12);
    expect(s.scope!.deadModules).toEqual(DEAD);
  });

  it('ranks the hubs by Ce and by Ca on live code', () => {
    const row = (m: { file: string; ce: number; ca: number; lines: number }) => [m.file, m.ce, m.ca, m.lines];
    expect(s.modules!.hubsByCe.slice(0, 5).map(row)).toEqual([
      ['src/worker.ts', 8, 5, 68],
      ['src/handlers/notifications.ts', 4, 1, 17],
      ['src/handlers/users.ts', 3, 1, 22],
      ['src/handlers/media.ts', 3, 1, 16],
      ['src/handlers/pitches.ts', 3, 1, 14],
    ]);
    expect(s.modules!.hubsByCa.slice(0, 5).map(row)).toEqual([
      ['src/utils/http.ts', 0, 6, 7],
      ['src/worker.ts', 8, 5, 68],
      ['src/db/client.ts', 0, 5, 12],
      ['src/services/index.ts', 3, 5, 4],
      ['src/types/env.ts', 0, 2, 10],
    ]);
  });

  it('reports SCCs, elementary cycles, circular edges and the cycles through the entry, with and without types', () => {
    const all = s.cycleAnalysis!.all;
    const value = s.cycleAnalysis!.value;
    expect(all.groups.map((g) => [g.size, g.elementaryCycles, g.entries])).toEqual([
      [6, 5, ['src/worker.ts']],
      [3, 2, []],
    ]);
    expect(all.groups[0].members).toEqual([...HANDLERS, 'src/worker.ts']);
    expect(all.elementary).toHaveLength(7);
    expect(all.throughEntry).toEqual(HANDLERS.map((h) => [h, 'src/worker.ts', h]));
    expect(all.circularEdges).toHaveLength(14);
    expect(value.groups.map((g) => g.members)).toEqual([
      ['src/services/index.ts', 'src/services/nda-service.ts', 'src/services/pitch-service.ts'],
    ]);
    expect(value.elementary).toEqual([
      ['src/services/index.ts', 'src/services/nda-service.ts', 'src/services/index.ts'],
      ['src/services/index.ts', 'src/services/pitch-service.ts', 'src/services/index.ts'],
    ]);
    expect(value.circularEdges).toHaveLength(4);
    expect(value.throughEntry).toEqual([]);
    expect([all.truncated, value.truncated, s.cycleAnalysis!.limit]).toEqual([false, false, 1000]);
  });

  it('judges autonomy 6/7, coupling 1/7, one value cycle, with no baseline', async () => {
    const a = await judgeFunction('serviceAutonomy', staticFitnessFunctions.serviceAutonomy, ctx);
    const k = await judgeFunction('serviceCoupling', staticFitnessFunctions.serviceCoupling, ctx);
    const n = await judgeFunction('noCycles', staticFitnessFunctions.noCycles, ctx);
    expect(a.value).toBeCloseTo((100 * 6) / 7, 10);
    expect(k.value).toBeCloseTo(1 / 7, 10);
    expect([a.verdict, k.verdict, n.value, n.verdict]).toEqual(['fail', 'pass', 1, 'fail']);
    expect([a.baseline, k.baseline]).toEqual([null, null]);
  });

  it('runs the detectors on all live code, entry included, without reading English as SQL', () => {
    const d = s.detectors as Record<string, Array<Record<string, unknown>>>;
    // Table ownership (src/fitness/tables) replaced the regex matcher: a table several services write is a finding.
    expect(s.tables!.violations.map((v) => [v.table, v.writers])).toEqual([
      ['pitches', ['nda', 'pitch']],
      ['users', ['notification', 'user']],
    ]);
    expect(d.mixedResponsibilities.map((m) => [m.file, m.service, m.domains])).toEqual([
      ['src/worker.ts', null, ['media', 'nda', 'notification', 'pitch', 'user']],
    ]);
    expect(d.unprotectedCalls).toEqual([
      { service: null, file: 'src/db/client.ts', line: 7, callee: 'fetch' },
      { service: 'email', file: 'src/services/email/send-email.ts', line: 2, callee: 'fetch' },
      { service: null, file: 'src/utils/rate-counter.ts', line: 8, callee: 'redis.rpush' },
      { service: null, file: 'src/utils/rate-counter.ts', line: 9, callee: 'redis.llen' },
    ]);
    expect(d.rateLimits.filter((r) => r.httpEntry !== null)).toEqual([
      { service: '(no service)', httpEntry: 'src/worker.ts', rateLimited: false },
    ]);
    const bySeverity = (sev: string) => c.findings.filter((f) => f.severity === sev).length;
    expect([bySeverity('critical'), bySeverity('medium'), bySeverity('low')]).toEqual([3, 7, 5]);
  });
});

describe('fixtures/worker-monolith: dependency-cruiser agrees', async () => {
  const services = proposeServices(root);
  const c = await collectStatic({ root, services, shared: [], allowedDependencies: [], static: { detectors: {} } });
  const s = c.section;

  it('on reachability from the entry', async () => {
    const rules = {
      forbidden: [{ name: 'dead', from: { path: '^src/worker\\.ts$' }, to: { path: '^src/', reachable: false } }],
    };
    const r = await depcruise({ rules });
    expect(r.summary.violations.map((v) => v.to).sort()).toEqual(s.scope!.deadModules);
  });

  it('on the edge count, unresolved imports, recovered imports and orphans', async () => {
    const r = await depcruise({});
    expect(r.summary.totalDependenciesCruised).toBe(s.counts.edges);
    const local = r.modules.filter((m) => m.source.startsWith('src/'));
    expect(local.flatMap((m) => m.dependencies.filter((d) => d.couldNotResolve).map((d) => d.module)).sort()).toEqual([
      './notification-templates',
      'https://esm.sh/marked@12',
      'pdf-lib',
    ]);
    expect(local.find((m) => m.source === 'src/handlers/media.ts')!.dependencies).toHaveLength(3);
    expect(local.filter((m) => m.orphan).map((m) => m.source)).toEqual(s.modules!.orphans);
  });

  it('on Ca and Ce of every live module', async () => {
    const r = await depcruise({ exclude: '^src/(worker-legacy|worker-v2|legacy/|services/(websocket|__tests__)/)' });
    const local = r.modules.filter((m) => m.source.startsWith('src/'));
    const theirs = local
      .map((m) => {
        const ce = new Set(m.dependencies.filter((d) => d.resolved.startsWith('src/')).map((d) => d.resolved)).size;
        return [m.source, m.dependents.length, ce];
      })
      .sort((a, b) => String(a[0]).localeCompare(String(b[0])));
    expect(s.modules!.modules.map((m) => [m.file, m.ca, m.ce])).toEqual(theirs);
  });

  it('on circular edges, and on the cycles with and without type-only imports', async () => {
    const pairs = (r: ICruiseResult) =>
      r.modules
        .flatMap((m) => m.dependencies.filter((d) => d.circular).map((d) => `${m.source} -> ${d.resolved}`))
        .sort();
    const mine = (edges: Array<{ from: string; to: string }>) => edges.map((e) => `${e.from} -> ${e.to}`).sort();
    expect(mine(s.cycleAnalysis!.all.circularEdges)).toEqual(pairs(await depcruise({})));
    // dependency-cruiser reports each cycle once per circular rule; `viaOnly` keeps the cycles without a type-only
    // edge. Here every cycle is elementary of length 2, so its cycles are exactly our elementary ones.
    const rules = {
      forbidden: [
        { name: 'all', from: {}, to: { circular: true } },
        { name: 'value', from: {}, to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } } },
      ],
    };
    const r = await depcruise({ rules });
    const cyclesOf = (rule: string) =>
      r.summary.violations
        .filter((v) => v.rule.name === rule)
        .map((v) => {
          const ring = [v.from, ...(v.cycle ?? []).map((c) => (typeof c === 'string' ? c : c.name))].slice(0, -1);
          const first = ring.indexOf([...ring].sort()[0]);
          const rotated = [...ring.slice(first), ...ring.slice(0, first)];
          return [...rotated, rotated[0]].join(' -> ');
        })
        .sort();
    const joined = (cycles: string[][]) => cycles.map((c) => c.join(' -> ')).sort();
    expect(joined(s.cycleAnalysis!.all.elementary)).toEqual(cyclesOf('all'));
    expect(joined(s.cycleAnalysis!.value.elementary)).toEqual(cyclesOf('value'));
  });
});

describe('fixtures/worker-monolith: git history for change coupling', () => {
  it('commits the tree once, then exactly the files of each planned change', () => {
    const repo = makeWorkerMonolithHistory(path.join(tmp, 'history'));
    const commits = filesPerCommit(repo);
    expect(commits).toHaveLength(10);
    expect(commits[0]).toHaveLength(21 + 3); // the sources plus package.json, tsconfig.json, wrangler.toml
    expect(commits.slice(1)).toEqual(COMMITS.map(([, files]) => [...files].sort()));
    const shared = (a: string, b: string) => commits.slice(1).filter((f) => f.includes(a) && f.includes(b)).length;
    expect(shared('src/handlers/users.ts', 'src/services/user-service.ts')).toBe(3);
    expect(shared('src/services/nda-service.ts', 'src/services/pitch-service.ts')).toBe(2);
    expect(shared('src/handlers/media.ts', 'src/services/user-service.ts')).toBe(2);
  });
});
