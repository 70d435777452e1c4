/** Static analysis data carried in the Result and handed to fitness functions. Owned by src/fitness. */

export type EdgeKind =
  | 'import'          // import x from / import {a} from / import * as / side-effect import (value)
  | 'import-type'     // import type {A} from, or import { type A, type B } (all specifiers types)
  | 'export-from'     // export {a} from / export * from (value)
  | 'export-type'     // export type {A} from
  | 'typeof-import'   // typeof import('x') / import('x').T in a type position
  | 'dynamic-import'  // import('x') in a value position
  | 'require'         // require('x')
  | 'triple-slash';   // /// <reference path|types>

export const TYPE_ONLY_EDGE_KINDS: ReadonlySet<EdgeKind> = new Set(['import-type', 'export-type', 'typeof-import', 'triple-slash']);

export interface GraphModule {
  /** Path relative to the analysed root, forward slashes. */
  path: string;
  /** Service name from config globs, or null when shared / outside every service. */
  service: string | null;
  /** For modules outside every service: how the config classes them. */
  sharedClass?: 'shared-allowed' | 'unclassified';
  external?: boolean;
}

export interface GraphEdge {
  from: string;
  to: string;
  kind: EdgeKind;
  /** The module specifier as written. */
  specifier: string;
  line: number;
  /** True when `to` could not be resolved to a file (then `to` is the specifier). */
  unresolved?: boolean;
  /** True when `to` is a package in node_modules (not part of the analysed tree). */
  external?: boolean;
}

/** The whole graph; handed to fitness functions in memory, never serialised into the Result (can be large). */
export interface DependencyGraph {
  root: string;
  modules: GraphModule[];
  edges: GraphEdge[];
}

/** Martin metrics for a component (service, folder or module). */
export interface ComponentMetrics {
  name: string;
  modules: number;
  /**
   * Afferent coupling. Services: distinct modules of OTHER services that import this service (Martin's class-level
   * definition, counted between services only; shared modules do not count). Folders: dependency-cruiser's
   * `--metrics` definition.
   */
  ca: number;
  /** Efferent coupling: services — distinct modules of this service that import another service; folders — as dependency-cruiser. */
  ce: number;
  /** Instability Ce / (Ca + Ce); null when Ca + Ce = 0. */
  instability: number | null;
  /** Abstract exported declarations / all exported declarations; null when nothing is exported. */
  abstractness: number | null;
  /** Distance from the main sequence |A + I - 1|; null when I or A is null. */
  distance: number | null;
  fanIn: number;
  fanOut: number;
}

export interface ServiceMetrics extends ComponentMetrics {
  /** Services this one depends on at value level (import edges), sorted. */
  dependsOn: string[];
  /** Services that depend on this one at value level, sorted. */
  dependedOnBy: string[];
  autonomous: boolean;
}

export interface ServiceEdge {
  from: string;
  to: string;
  /** Value-level import edges between the two services. */
  valueEdges: number;
  /** Type-only edges between the two services. */
  typeEdges: number;
  /** Counted against autonomy/coupling and not allowed by the config. */
  violating: boolean;
}

export interface CycleInfo {
  /** Files in the strongly connected component. */
  size: number;
  /** A shortest example chain a -> b -> ... -> a. */
  example: string[];
}

export interface StaticSection {
  engine: 'native' | 'dependency-cruiser';
  root: string;
  /** Which edges autonomy and coupling counted. */
  counted: 'value' | 'all';
  counts: {
    modules: number;
    edges: number;
    valueEdges: number;
    typeEdges: number;
    unresolved: number;
    parseErrors: number;
  };
  services: ServiceMetrics[];
  serviceEdges: ServiceEdge[];
  folders: ComponentMetrics[];
  cycles: { all: CycleInfo[]; value: CycleInfo[] };
  parseErrors: Array<{ file: string; message: string }>;
  /** Free-form detector summaries (shared tables, mixed responsibilities, ...); findings carry the details. */
  detectors: Record<string, unknown>;
}
