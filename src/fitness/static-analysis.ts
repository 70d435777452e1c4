import type { StaticConfig } from '../config/types.js';
import type { Finding } from '../core/result.js';
import type { DependencyGraph, StaticSection } from '../core/result-static.js';
import type { BuiltGraph } from './graph-native.js';
import type { Reachability } from './reachability.js';
import type { ServiceMatcher } from './service-map.js';
import type { WorkspacePackage } from './workspace-packages.js';

/**
 * What every static analysis works on: one module graph of the whole tree, its reachability from the entry points,
 * and the judged graph (live modules and their edges unless `static.scope` is 'all').
 */
export interface StaticAnalysisContext {
  root: string;
  config: StaticConfig;
  services: Record<string, string[]>;
  shared: string[];
  allowedDependencies: Array<{ from: string; to: string }>;
  packages: WorkspacePackage[];
  built: BuiltGraph;
  /** The whole tree. */
  graph: DependencyGraph;
  matcher: ServiceMatcher;
  reach: Reachability;
  /** Modules the metrics and findings judge. */
  inScope: (file: string) => boolean;
  /** The graph restricted to judged modules (edges from judged modules). */
  judged: DependencyGraph;
  /** Counted edge kinds for autonomy, coupling and the counted cycles. */
  countTypeOnly: boolean;
  cacheDir?: string;
  /** With a cache folder: the digest of the graph's structure and judged modules (see structure-key.ts). */
  structureKey?: string;
  /** Filled by the analyses, in order. */
  section: StaticSection;
  findings: Finding[];
}

/**
 * One step of the static collector. Each analysis reads the graph (and what earlier analyses put in the section) and
 * writes its own part of the section plus its findings. Table ownership, change coupling and boundary advice plug in
 * here as further analyses (src/fitness/tables/, src/fitness/change-coupling/, src/fitness/boundaries/).
 */
export interface StaticAnalysis {
  name: string;
  run(ctx: StaticAnalysisContext): void | Promise<void>;
}

/** The graph restricted to the modules `keep` accepts: their modules, external packages, and the edges from them. */
export function restrictGraph(graph: DependencyGraph, keep: (file: string) => boolean): DependencyGraph {
  return {
    root: graph.root,
    modules: graph.modules.filter((m) => m.external || keep(m.path)),
    edges: graph.edges.filter((e) => keep(e.from) && (e.external || e.unresolved || keep(e.to))),
  };
}
