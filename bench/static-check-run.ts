// One full static check (collect + every built-in static function), as `pitchey-fit check --only static` runs it.
//   node dist/bench/static-check-run.js <root> [cacheDir]
import path from 'node:path';
import { judgeFunction } from '../src/core/judge.js';
import { collectStatic, proposeServices, proposeShared, staticFitnessFunctions } from '../src/fitness/index.js';

const root = path.resolve(process.argv[2]);
const cacheDir = process.argv[3];
// CPU spent before the check: Node's start and loading our modules.
const startupCpu = process.cpuUsage();
const started = performance.now();
const services = proposeServices(root);
const shared = proposeShared(root, services);
const c = await collectStatic({
  root,
  services,
  shared,
  allowedDependencies: [],
  static: {},
  ...(cacheDir ? { cacheDir } : {}),
});
const ctx = { root, static: c.section, graph: c.graph, findings: c.findings };
const values: Record<string, unknown> = {};
for (const [id, fn] of Object.entries(staticFitnessFunctions)) values[id] = (await judgeFunction(id, fn, ctx)).value;
const totalCpu = process.cpuUsage();
const internalEdges = c.graph.edges.filter((e) => !e.external && !e.unresolved).length;
process.stdout.write(
  JSON.stringify({
    ms: performance.now() - started,
    cpuMs: (totalCpu.user + totalCpu.system - startupCpu.user - startupCpu.system) / 1000,
    startupCpuMs: (startupCpu.user + startupCpu.system) / 1000,
    phases: c.timings.map((t) => `${t.phase} ${t.cpuMs.toFixed(0)}`).join(', '),
    modules: c.section.counts.modules,
    edges: c.section.counts.edges,
    internalEdges,
    unresolved: c.section.counts.unresolved,
    services: Object.keys(services).length,
    values,
    cache: c.section.detectors.cache ?? null,
    factCache: c.section.detectors.factCache ?? null,
    live: c.section.scope?.live ?? null,
    cycles: `${c.section.cycleAnalysis?.all.elementary.length ?? 0}/${c.section.cycleAnalysis?.value.elementary.length ?? 0}`,
  }) + '\n',
);
