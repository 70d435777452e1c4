import fs from 'node:fs';
import path from 'node:path';
import type { StaticConfig } from '../config/types.js';
import { ConfigError, InputError } from '../core/errors.js';
import type { Finding } from '../core/result.js';
import type { DependencyGraph, StaticSection } from '../core/result-static.js';
import { findEntryPoints } from './entry-points.js';
import { resolutionEnvironment } from './extraction-cache.js';
import { buildNativeGraph, type BuiltGraph } from './graph-native.js';
import { isValueEdge } from './martin-metrics.js';
import { ModuleResolver } from './module-resolver.js';
import { reachableFrom, type Reachability } from './reachability.js';
import { assignServices } from './service-map.js';
import { PhaseTimer, type PhaseTiming } from './phase-timer.js';
import { discoverFiles } from './source-files.js';
import { restrictGraph, type StaticAnalysisContext } from './static-analysis.js';
import { STATIC_ANALYSES } from './static-analyses.js';
import { cachedByStructure, graphDigest, structureKey } from './structure-key.js';
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
  /** CPU and wall time per phase (file discovery, graph, each analysis). */
  timings: PhaseTiming[];
}

function validateOptions(opts: StaticCollectOptions): void {
  if (!opts.root || !path.isAbsolute(opts.root))
    throw new InputError(`static root must be an absolute path, got ${JSON.stringify(opts.root)}`);
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
    throw new ConfigError(
      `unknown engine ${JSON.stringify(engine)}: use 'native' or 'dependency-cruiser'`,
      'static.engine',
    );
  }
}

/** Collects the static section: one graph of the whole tree, its entry points and reachability, then the analyses. */
export async function collectStatic(opts: StaticCollectOptions): Promise<StaticCollection> {
  const timer = new PhaseTimer();
  validateOptions(opts);
  const root = path.resolve(opts.root);
  const cfg = opts.static ?? {};
  const engine = cfg.engine ?? 'native';
  const countTypeOnly = cfg.countTypeOnly ?? false;

  const discovered = discoverFiles(root, cfg.include, cfg.exclude);
  const files = discovered.sources;
  if (files.length === 0) throw new ConfigError(`no source files under ${root} match static.include`, 'static.include');
  const packages = discoverWorkspacePackages(root);
  timer.lap('discover files');
  const tsconfig = cfg.tsconfig ? path.resolve(root, cfg.tsconfig) : undefined;
  if (tsconfig && !fs.existsSync(tsconfig)) {
    throw new ConfigError(`tsconfig ${cfg.tsconfig} does not exist`, 'static.tsconfig');
  }

  let built: BuiltGraph;
  if (engine === 'dependency-cruiser') {
    const { buildDepcruiseGraph } = await import('./graph-depcruise.js');
    built = await buildDepcruiseGraph(root, files, { tsconfig, packages });
  } else {
    const resolver = new ModuleResolver(root, packages, tsconfig);
    const environment = resolutionEnvironment(root, files, discovered.resolutionConfigs, tsconfig ? [tsconfig] : []);
    built = buildNativeGraph(root, files, resolver, opts.cacheDir ? { dir: opts.cacheDir, environment } : undefined);
  }
  const { graph } = built;
  timer.lap('graph');
  const services = opts.services ?? {};
  const shared = opts.shared ?? [];
  const matcher = assignServices(graph, services, shared, opts.cacheDir);

  const internal = graph.modules.filter((m) => !m.external).map((m) => m.path);
  const internalSet = new Set(internal);
  const entries = findEntryPoints(root, internal, packages, cfg.entry);
  // With a cache: the live set is reused while the graph's structure and the entries are the same.
  const digest = opts.cacheDir ? graphDigest(graph) : undefined;
  const reachKey = digest && `${digest}\0${entries.map((e) => e.file).join('\0')}`;
  const live = cachedByStructure(opts.cacheDir, 'reach', reachKey, () => [...reachableFrom(graph, entries).live]);
  const reach: Reachability = { entries, live: new Set(live), modules: internal.length };
  const judgeAll = cfg.scope === 'all' || reach.entries.length === 0;
  const inScope = judgeAll ? (f: string) => internalSet.has(f) : (f: string) => reach.live.has(f);
  const judged = judgeAll ? graph : restrictGraph(graph, inScope);
  timer.lap('service map+entries+reachability');

  const valueEdges = graph.edges.filter((e) => isValueEdge(e.kind)).length;
  const dead = internal.filter((f) => !reach.live.has(f)).sort();
  const section: StaticSection = {
    engine,
    root,
    counted: countTypeOnly ? 'all' : 'value',
    counts: {
      modules: internal.length,
      edges: graph.edges.length,
      valueEdges,
      typeEdges: graph.edges.length - valueEdges,
      unresolved: graph.edges.filter((e) => e.unresolved).length,
      parseErrors: built.parseErrors.length,
    },
    scope: {
      judged: judgeAll ? 'all' : 'live',
      entries: reach.entries,
      live: internal.length - dead.length,
      dead: dead.length,
      deadShare: internal.length === 0 ? 0 : dead.length / internal.length,
      deadModules: dead,
      inServices: graph.modules.filter((m) => !m.external && m.service !== null && inScope(m.path)).length,
    },
    services: [],
    serviceEdges: [],
    folders: [],
    cycles: { all: [], value: [] },
    parseErrors: built.parseErrors,
    detectors: {},
  };
  const ctx: StaticAnalysisContext = {
    root,
    config: cfg,
    services,
    shared,
    allowedDependencies: opts.allowedDependencies ?? [],
    packages,
    built,
    graph,
    matcher,
    reach,
    inScope,
    judged,
    countTypeOnly,
    ...(digest ? { cacheDir: opts.cacheDir, structureKey: structureKey(digest, graph, inScope) } : {}),
    section,
    findings: [],
  };
  for (const analysis of STATIC_ANALYSES) {
    await analysis.run(ctx);
    timer.lap(analysis.name);
  }
  return { section, graph, findings: ctx.findings, timings: timer.phases };
}
