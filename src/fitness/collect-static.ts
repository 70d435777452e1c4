import fs from 'node:fs';
import path from 'node:path';
import type { StaticConfig } from '../config/types.js';
import { ConfigError, InputError } from '../core/errors.js';
import type { Finding } from '../core/result.js';
import type { CycleInfo, DependencyGraph, GraphEdge, StaticSection } from '../core/result-static.js';
import { findCycles, type Adjacency } from './cycles.js';
import { evaluateRules, type RuleSet } from './dependency-rules.js';
import { loadDependencyCruiserRules } from './depcruise-config.js';
import { runDetectors } from './detectors/run-detectors.js';
import { fingerprintOf } from './fingerprint.js';
import { buildNativeGraph, type BuiltGraph } from './graph-native.js';
import { folderMetrics, isInternalEdge, isValueEdge } from './martin-metrics.js';
import { ModuleResolver } from './module-resolver.js';
import { assignServices } from './service-map.js';
import { analyseServices, packageDependencies, type ServiceAnalysis } from './service-dependencies.js';
import { discoverFiles } from './source-files.js';
import { resolutionEnvironment } from './extraction-cache.js';
import { discoverWorkspacePackages } from './workspace-packages.js';

export interface StaticCollectOptions {
  /** Absolute repository root. */
  root: string;
  /** Service name -> globs relative to root. */
  services: Record<string, string[]>;
  /** Globs of allowed shared modules (contracts / kernel / lib). */
  shared: string[];
  allowedDependencies: Array<{ from: string; to: string }>;
  static: StaticConfig;
  /** Folder for the per-file extraction cache (keyed by content hash) that makes warm re-runs fast. */
  cacheDir?: string;
}

export interface StaticCollection {
  section: StaticSection;
  graph: DependencyGraph;
  findings: Finding[];
}

function cyclesOf(graph: DependencyGraph, keep: (e: GraphEdge) => boolean) {
  const names = graph.modules.filter((m) => !m.external).map((m) => m.path);
  const index = new Map(names.map((n, i) => [n, i]));
  const adj: Adjacency = names.map(() => []);
  const seen = new Set<string>();
  for (const e of graph.edges) {
    if (!isInternalEdge(e) || !keep(e)) continue;
    const a = index.get(e.from);
    const b = index.get(e.to);
    if (a === undefined || b === undefined) continue;
    const k = `${a},${b}`;
    if (seen.has(k)) continue;
    seen.add(k);
    adj[a].push(b);
  }
  return findCycles(names, adj);
}

function validateOptions(opts: StaticCollectOptions): void {
  if (!opts.root || !path.isAbsolute(opts.root)) throw new InputError(`static root must be an absolute path, got ${JSON.stringify(opts.root)}`);
  let st: fs.Stats;
  try {
    st = fs.statSync(opts.root);
  } catch {
    throw new InputError(`root ${opts.root} does not exist or is unreadable`);
  }
  if (!st.isDirectory()) throw new InputError(`root ${opts.root} is not a folder`);
  for (const [name, globs] of Object.entries(opts.services ?? {})) {
    if (!Array.isArray(globs) || globs.length === 0 || globs.some((g) => typeof g !== 'string' || g.trim() === '')) {
      throw new ConfigError('a service needs a non-empty list of globs', `services.${name}`);
    }
  }
  const engine = opts.static?.engine ?? 'native';
  if (engine !== 'native' && engine !== 'dependency-cruiser') {
    throw new ConfigError(`unknown engine ${JSON.stringify(engine)}: use 'native' or 'dependency-cruiser'`, 'static.engine');
  }
}

/** Collects the static section: graph (native or dependency-cruiser engine), metrics, cycles, rules, detectors. */
export async function collectStatic(opts: StaticCollectOptions): Promise<StaticCollection> {
  validateOptions(opts);
  const root = path.resolve(opts.root);
  const cfg = opts.static ?? {};
  const engine = cfg.engine ?? 'native';
  const countTypeOnly = cfg.countTypeOnly ?? false;
  const counts = (e: GraphEdge) => countTypeOnly || isValueEdge(e.kind);

  const discovered = discoverFiles(root, cfg.include, cfg.exclude);
  const files = discovered.sources;
  if (files.length === 0) throw new ConfigError(`no source files under ${root} match static.include`, 'static.include');
  const packages = discoverWorkspacePackages(root);
  const tsconfig = cfg.tsconfig ? path.resolve(root, cfg.tsconfig) : undefined;
  if (tsconfig && !fs.existsSync(tsconfig)) throw new ConfigError(`tsconfig ${cfg.tsconfig} does not exist`, 'static.tsconfig');

  let built: BuiltGraph;
  if (engine === 'dependency-cruiser') {
    const { buildDepcruiseGraph } = await import('./graph-depcruise.js');
    built = await buildDepcruiseGraph(root, files, { tsconfig, packages });
  } else {
    const resolver = new ModuleResolver(root, packages, tsconfig);
    const cache = opts.cacheDir
      ? { dir: opts.cacheDir, environment: resolutionEnvironment(root, files, discovered.resolutionConfigs, tsconfig ? [tsconfig] : []) }
      : undefined;
    built = buildNativeGraph(root, files, resolver, cache);
  }
  const { graph } = built;

  const matcher = assignServices(graph, opts.services ?? {}, opts.shared ?? []);
  const pkgDeps = packageDependencies(root, packages, matcher);
  const analysis: ServiceAnalysis = analyseServices(graph, matcher, built.exported, {
    countTypeOnly, allowed: opts.allowedDependencies ?? [], packageDeps: pkgDeps,
  });

  const allCycles = cyclesOf(graph, () => true);
  const valueCycles = cyclesOf(graph, (e) => isValueEdge(e.kind));
  const countedCycles = countTypeOnly ? allCycles : valueCycles;

  const findings: Finding[] = [];
  for (const c of analysis.crossServiceImports) {
    const e = c.edge;
    findings.push({
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
    findings.push({
      rule: 'service-package-dependency',
      severity: 'critical',
      title: `Service ${d.fromService} depends on service ${d.toService} (package.json)`,
      message: `${d.fromPackage} depends on ${d.toPackage}`,
      service: d.fromService,
      locations: [{ file: d.file, line: d.line }],
      fingerprint: fingerprintOf('service-package-dependency', d.fromPackage, d.toPackage),
    });
  }
  for (const c of countedCycles) {
    findings.push({
      rule: 'cycle',
      severity: 'medium',
      title: `Dependency cycle of ${c.size} module${c.size === 1 ? '' : 's'}`,
      message: c.example.join(' -> '),
      locations: c.members.map((file) => ({ file })),
      fingerprint: fingerprintOf('cycle', ...c.members),
    });
  }
  if ((opts.shared ?? []).length > 0) {
    const byPath = new Map(graph.modules.map((m) => [m.path, m]));
    for (const e of graph.edges) {
      if (!isInternalEdge(e) || !counts(e)) continue;
      const from = byPath.get(e.from);
      const to = byPath.get(e.to);
      if (!from?.service || !to || to.service !== null || to.sharedClass !== 'unclassified') continue;
      findings.push({
        rule: 'unclassified-shared-import',
        severity: 'low',
        title: `Service ${from.service} imports a module outside every service that is not declared shared`,
        message: `${e.kind} '${e.specifier}' -> ${e.to}`,
        service: from.service,
        locations: [{ file: e.from, line: e.line }],
        fingerprint: fingerprintOf('unclassified-shared-import', e.from, e.to, e.kind),
      });
    }
  }

  const ruleSets: RuleSet[] = [];
  if (cfg.rules && ((cfg.rules.forbidden?.length ?? 0) > 0 || (cfg.rules.allowed?.length ?? 0) > 0)) {
    ruleSets.push({ forbidden: cfg.rules.forbidden ?? [], allowed: cfg.rules.allowed ?? [], required: [], source: 'static.rules' });
  }
  if (cfg.dependencyCruiserConfig) ruleSets.push(await loadDependencyCruiserRules(path.resolve(root, cfg.dependencyCruiserConfig)));
  if (ruleSets.length > 0) {
    const cycleOf = new Map<string, number>();
    allCycles.forEach((c, i) => { for (const m of c.members) cycleOf.set(m, i); });
    // dependency-cruiser's `circular`: the edge lies on a cycle, i.e. both ends are in the same component.
    const inCycle = (e: GraphEdge) => cycleOf.has(e.from) && cycleOf.get(e.from) === cycleOf.get(e.to);
    for (const rs of ruleSets) findings.push(...evaluateRules(graph, rs, inCycle));
  }

  const detectors = await runDetectors(root, graph, matcher, cfg.detectors ?? {}, findings, built.texts);

  const valueEdges = graph.edges.filter((e) => isValueEdge(e.kind)).length;
  const section: StaticSection = {
    engine,
    root,
    counted: countTypeOnly ? 'all' : 'value',
    counts: {
      modules: graph.modules.filter((m) => !m.external).length,
      edges: graph.edges.length,
      valueEdges,
      typeEdges: graph.edges.length - valueEdges,
      unresolved: graph.edges.filter((e) => e.unresolved).length,
      parseErrors: built.parseErrors.length,
    },
    services: analysis.services,
    serviceEdges: analysis.serviceEdges,
    folders: folderMetrics(graph, built.exported),
    cycles: { all: allCycles.map(stripMembers), value: valueCycles.map(stripMembers) },
    parseErrors: built.parseErrors,
    detectors: {
      ...detectors,
      ...(built.cache ? { cache: built.cache } : {}),
    },
  };
  return { section, graph, findings };
}

function stripMembers(c: CycleInfo & { members: string[] }): CycleInfo {
  return { size: c.size, example: c.example };
}
