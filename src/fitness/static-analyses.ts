import fs from 'node:fs';
import path from 'node:path';
import type { GraphEdge } from '../core/result-static.js';
import { boundaryAnalysis } from './boundaries/boundary-analysis.js';
import { changeCouplingAnalysis } from './change-coupling/change-coupling-analysis.js';
import { analyseCycles } from './cycle-analysis.js';
import { cycleInputKey, readCycleCache, writeCycleCache } from './cycle-cache.js';
import { DEFAULT_CYCLE_LIMIT } from './cycles.js';
import { loadDependencyCruiserRules } from './depcruise-config.js';
import { evaluateRules, type RuleSet } from './dependency-rules.js';
import { runDetectors } from './detectors/run-detectors.js';
import { fingerprintOf } from './fingerprint.js';
import { folderCoupling, folderMetrics, isInternalEdge, isValueEdge, moduleCoupling } from './martin-metrics.js';
import { buildModuleView, lineCount } from './module-view.js';
import { analyseServices, packageDependencies } from './service-dependencies.js';
import type { StaticAnalysis, StaticAnalysisContext } from './static-analysis.js';
import { cachedByStructure } from './structure-key.js';
import { tableAnalysis } from './tables/table-analysis.js';

function readSource(root: string, rel: string): string {
  try {
    return fs.readFileSync(path.join(root, rel), 'utf8');
  } catch {
    return '';
  }
}

const counts = (ctx: StaticAnalysisContext) => (e: GraphEdge) => ctx.countTypeOnly || isValueEdge(e.kind);

/** Service autonomy and coupling (imports and package.json dependencies), folder metrics. */
export const serviceAnalysis: StaticAnalysis = {
  name: 'services',
  run(ctx) {
    const pkgDeps = packageDependencies(ctx.root, ctx.packages, ctx.matcher);
    const analysis = analyseServices(ctx.judged, ctx.matcher, ctx.built.exported, {
      countTypeOnly: ctx.countTypeOnly,
      allowed: ctx.allowedDependencies,
      packageDeps: pkgDeps,
    });
    ctx.section.services = analysis.services;
    ctx.section.serviceEdges = analysis.serviceEdges;
    const coupling = cachedByStructure(ctx.cacheDir, 'folders', ctx.structureKey, () => folderCoupling(ctx.judged));
    ctx.section.folders = folderMetrics(ctx.judged, ctx.built.exported, coupling);
    for (const c of analysis.crossServiceImports) {
      const e = c.edge;
      ctx.findings.push({
        rule: 'cross-service-import',
        severity: 'critical',
        title: `Service ${c.fromService} depends on service ${c.toService}`,
        message: `${e.kind} '${e.specifier}' -> ${e.to}`,
        service: c.fromService,
        locations: [{ file: e.from, line: e.line }],
        fingerprint: fingerprintOf('cross-service-import', e.from, e.to, e.kind, e.specifier),
      });
    }
    for (const d of analysis.packageViolations) {
      ctx.findings.push({
        rule: 'service-package-dependency',
        severity: 'critical',
        title: `Service ${d.fromService} depends on service ${d.toService} (package.json)`,
        message: `${d.fromPackage} depends on ${d.toPackage}`,
        service: d.fromService,
        locations: [{ file: d.file, line: d.line }],
        fingerprint: fingerprintOf('service-package-dependency', d.fromPackage, d.toPackage),
      });
    }
    if (ctx.shared.length === 0) return;
    const byPath = new Map(ctx.judged.modules.map((m) => [m.path, m]));
    const counted = counts(ctx);
    for (const e of ctx.judged.edges) {
      if (!isInternalEdge(e) || !counted(e)) continue;
      const from = byPath.get(e.from);
      const to = byPath.get(e.to);
      if (!from?.service || !to || to.service !== null || to.sharedClass !== 'unclassified') continue;
      ctx.findings.push({
        rule: 'unclassified-shared-import',
        severity: 'low',
        title: `Service ${from.service} imports a module outside every service that is not declared shared`,
        message: `${e.kind} '${e.specifier}' -> ${e.to}`,
        service: from.service,
        locations: [{ file: e.from, line: e.line }],
        fingerprint: fingerprintOf('unclassified-shared-import', e.from, e.to, e.kind),
      });
    }
  },
};

/** SCCs, elementary cycles and circular edges with and without type-only edges; a finding per counted group. */
export const cycleAnalysis: StaticAnalysis = {
  name: 'cycles',
  run(ctx) {
    const limit = ctx.config.cycleLimit ?? DEFAULT_CYCLE_LIMIT;
    const entries = new Set(ctx.reach.entries.map((e) => e.file));
    // Cached by the graph's structure: a warm re-run whose changed files kept their imports skips Johnson.
    const key = ctx.structureKey ? cycleInputKey(ctx.structureKey, entries, limit) : undefined;
    const cached = key ? readCycleCache(ctx.cacheDir!, key) : undefined;
    const all = cached?.all ?? analyseCycles(ctx.graph, () => true, ctx.inScope, entries, limit);
    const value = cached?.value ?? analyseCycles(ctx.graph, (e) => isValueEdge(e.kind), ctx.inScope, entries, limit);
    if (key && !cached) writeCycleCache(ctx.cacheDir!, key, { all, value });
    const brief = (r: typeof all) => r.groups.map((g) => ({ size: g.size, example: g.example }));
    ctx.section.cycles = { all: brief(all), value: brief(value) };
    ctx.section.cycleAnalysis = { limit, all, value };
    for (const g of (ctx.countTypeOnly ? all : value).groups) {
      ctx.findings.push({
        rule: 'cycle',
        severity: 'medium',
        title: `Dependency cycle of ${g.size} module${g.size === 1 ? '' : 's'}`,
        message: g.example.join(' -> '),
        locations: g.members.map((file) => ({ file })),
        fingerprint: fingerprintOf('cycle', ...g.members),
      });
    }
  },
};

/** The config's forbidden / allowed rules and a dependency-cruiser config's rules. */
export const ruleAnalysis: StaticAnalysis = {
  name: 'rules',
  async run(ctx) {
    const cfg = ctx.config;
    const ruleSets: RuleSet[] = [];
    if (cfg.rules && ((cfg.rules.forbidden?.length ?? 0) > 0 || (cfg.rules.allowed?.length ?? 0) > 0)) {
      ruleSets.push({
        forbidden: cfg.rules.forbidden ?? [],
        allowed: cfg.rules.allowed ?? [],
        required: [],
        source: 'static.rules',
      });
    }
    if (cfg.dependencyCruiserConfig) {
      ruleSets.push(await loadDependencyCruiserRules(path.resolve(ctx.root, cfg.dependencyCruiserConfig)));
    }
    if (ruleSets.length === 0) return;
    // dependency-cruiser's `circular`: the edge lies on a cycle, i.e. both ends are in the same component.
    const groupOf = new Map<string, number>();
    ctx.section.cycleAnalysis!.all.groups.forEach((g, i) => g.members.forEach((m) => groupOf.set(m, i)));
    const inCycle = (e: GraphEdge) => groupOf.has(e.from) && groupOf.get(e.from) === groupOf.get(e.to);
    for (const rs of ruleSets) ctx.findings.push(...evaluateRules(ctx.judged, rs, inCycle));
  },
};

/** Hubs by Ca and Ce, orphans, unresolved imports grouped, parse errors. */
export const moduleViewAnalysis: StaticAnalysis = {
  name: 'modules',
  run(ctx) {
    const lines = (file: string) => ctx.built.lines?.get(file) ?? lineCount(readSource(ctx.root, file));
    const coupling = cachedByStructure(ctx.cacheDir, 'modules', ctx.structureKey, () => moduleCoupling(ctx.judged));
    const { graph, judged, reach, built } = ctx;
    ctx.section.modules = buildModuleView(graph, judged, reach.live, lines, built.parseErrors, 10, coupling);
  },
};

/** Mixed responsibilities, unprotected external calls, missing rate limits, over judged code. */
export const detectorAnalysis: StaticAnalysis = {
  name: 'detectors',
  run(ctx) {
    const detectors = runDetectors(ctx.root, ctx.judged, ctx.matcher, ctx.config.detectors ?? {}, ctx.findings, {
      text: (rel) => ctx.built.texts?.get(rel) ?? readSource(ctx.root, rel),
      ...(ctx.built.hashes ? { hashes: ctx.built.hashes } : {}),
      ...(ctx.cacheDir ? { cacheDir: ctx.cacheDir } : {}),
      ...(ctx.structureKey ? { structureKey: ctx.structureKey } : {}),
    });
    ctx.section.detectors = { ...detectors, ...(ctx.built.cache ? { cache: ctx.built.cache } : {}) };
  },
};

/** The collector's analyses, in order: each may read what the ones before it wrote. */
export const STATIC_ANALYSES: StaticAnalysis[] = [
  serviceAnalysis,
  cycleAnalysis,
  ruleAnalysis,
  moduleViewAnalysis,
  detectorAnalysis,
  tableAnalysis,
  changeCouplingAnalysis,
  boundaryAnalysis,
];
