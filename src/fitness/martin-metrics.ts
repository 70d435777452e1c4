import path from 'node:path';
import type { ComponentMetrics, DependencyGraph, EdgeKind, GraphEdge } from '../core/result-static.js';
import { TYPE_ONLY_EDGE_KINDS } from '../core/edge-kinds.js';
import type { ExportedDeclarations } from './import-extraction.js';

export function isValueEdge(kind: EdgeKind): boolean {
  return !TYPE_ONLY_EDGE_KINDS.has(kind);
}

/** Internal edges between files of the tree (not external, not unresolved). */
export function isInternalEdge(e: GraphEdge): boolean {
  return !e.external && !e.unresolved;
}

export function abstractnessOf(decl: ExportedDeclarations | undefined): number | null {
  return decl && decl.total > 0 ? decl.abstract / decl.total : null;
}

export function instabilityOf(ca: number, ce: number): number | null {
  return ca + ce === 0 ? null : ce / (ca + ce);
}

export function distanceOf(a: number | null, i: number | null): number | null {
  return a === null || i === null ? null : Math.abs(a + i - 1);
}

function sumExported(paths: Iterable<string>, exported: Map<string, ExportedDeclarations>): ExportedDeclarations {
  const s = { abstract: 0, total: 0 };
  for (const p of paths) {
    const d = exported.get(p);
    if (d) {
      s.abstract += d.abstract;
      s.total += d.total;
    }
  }
  return s;
}

/** dependency-cruiser's folder list for a module: every ancestor folder ('.' for files at the root). */
export function parentFolders(modulePath: string): string[] {
  const dir = path.posix.dirname(modulePath);
  const parts = dir.split('/');
  const out: string[] = [];
  for (let i = 1; i <= parts.length; i++) out.push(parts.slice(0, i).join('/'));
  return out;
}

/** Small integer ids for paths, so distinct (from, to) pairs are found without a Set of paths per module. */
class PathIds {
  private readonly ids = new Map<string, number>();
  id(p: string): number {
    let i = this.ids.get(p);
    if (i === undefined) this.ids.set(p, (i = this.ids.size));
    return i;
  }
}

/**
 * Calls `visit` once per distinct (from, to) pair among the edges `keep` accepts, in edge order. Each source keeps
 * the ids of its targets in a small array (a Set once it has many): on a 10k-module graph a Set per module, or one
 * Set of pair keys, was most of the metrics' time.
 */
function forDistinctPairs(
  edges: GraphEdge[],
  keep: (e: GraphEdge) => boolean,
  visit: (from: string, to: string) => void,
): void {
  const ids = new PathIds();
  const targets: Array<number[] | Set<number>> = [];
  let lastFrom: string | undefined;
  let fromId = 0;
  for (const e of edges) {
    if (!keep(e)) continue;
    // Edges come grouped by source: one id lookup per source file, not per edge.
    if (e.from !== lastFrom) fromId = ids.id((lastFrom = e.from));
    const to = ids.id(e.to);
    let seen = targets[fromId];
    if (seen === undefined) targets[fromId] = seen = [];
    if (Array.isArray(seen)) {
      if (seen.includes(to)) continue;
      seen.push(to);
      if (seen.length > 32) targets[fromId] = new Set(seen);
    } else {
      if (seen.has(to)) continue;
      seen.add(to);
    }
    visit(e.from, e.to);
  }
}

interface FolderAggregate {
  prefix: string;
  modules: number;
  exported: ExportedDeclarations;
  ca: number;
  ce: number;
}

/**
 * Every ancestor folder of the tree's modules with its module count and exported declarations, and each module's
 * folder chain (once per directory).
 */
function folderAggregates(graph: DependencyGraph, exported: Map<string, ExportedDeclarations> = new Map()) {
  const folders = new Map<string, FolderAggregate>();
  const chains = new Map<string, FolderAggregate[]>();
  const chainOf = (modulePath: string) => {
    const dir = path.posix.dirname(modulePath);
    let chain = chains.get(dir);
    if (!chain) {
      chain = parentFolders(modulePath).map((f) => {
        let agg = folders.get(f);
        if (!agg)
          folders.set(f, (agg = { prefix: f + '/', modules: 0, exported: { abstract: 0, total: 0 }, ca: 0, ce: 0 }));
        return agg;
      });
      chains.set(dir, chain);
    }
    return chain;
  };
  const internal = new Set<string>();
  for (const m of graph.modules) {
    if (m.external) continue;
    internal.add(m.path);
    const d = exported.get(m.path);
    for (const agg of chainOf(m.path)) {
      agg.modules++;
      if (d) {
        agg.exported.abstract += d.abstract;
        agg.exported.total += d.total;
      }
    }
  }
  return { folders, chainOf, internal };
}

/** Ca and Ce per folder: [folder, ca, ce], the part of the folder metrics that only the graph's structure decides. */
export type FolderCoupling = Array<[folder: string, ca: number, ce: number]>;

function countFolderCoupling(graph: DependencyGraph, { chainOf, internal }: ReturnType<typeof folderAggregates>) {
  forDistinctPairs(
    graph.edges,
    (e) => internal.has(e.from),
    (from, to) => {
      for (const agg of chainOf(from)) if (!to.startsWith(agg.prefix)) agg.ce++;
    },
  );
  forDistinctPairs(
    graph.edges,
    (e) => isInternalEdge(e) && internal.has(e.to),
    (from, to) => {
      for (const agg of chainOf(to)) if (!from.startsWith(agg.prefix)) agg.ca++;
    },
  );
}

export function folderCoupling(graph: DependencyGraph): FolderCoupling {
  const aggregates = folderAggregates(graph);
  countFolderCoupling(graph, aggregates);
  return [...aggregates.folders].map(([name, agg]) => [name, agg.ca, agg.ce]);
}

/**
 * Folder metrics with dependency-cruiser's definitions (so they can be cross-checked against `depcruise --metrics`):
 * Ca = for each module in the folder (sub-folders included), the distinct modules outside the folder depending on it,
 * summed; Ce = for each module, its distinct dependencies outside the folder (external and unresolved ones
 * included), summed. All edge kinds count. fanIn/fanOut equal Ca/Ce here. `coupling`: Ca/Ce already computed for
 * this graph (a cache), else they are counted.
 */
export function folderMetrics(
  graph: DependencyGraph,
  exported: Map<string, ExportedDeclarations>,
  coupling?: FolderCoupling,
): ComponentMetrics[] {
  const aggregates = folderAggregates(graph, exported);
  const { folders } = aggregates;
  if (coupling) {
    for (const [name, ca, ce] of coupling) Object.assign(folders.get(name) ?? {}, { ca, ce });
  } else {
    countFolderCoupling(graph, aggregates);
  }
  return [...folders.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, agg]) => {
      const i = instabilityOf(agg.ca, agg.ce);
      const a = abstractnessOf(agg.exported);
      return {
        name,
        modules: agg.modules,
        ca: agg.ca,
        ce: agg.ce,
        instability: i,
        abstractness: a,
        distance: distanceOf(a, i),
        fanIn: agg.ca,
        fanOut: agg.ce,
      };
    });
}

/** Ca and Ce of each internal module in graph order (all edge kinds): the module view's part of the structure. */
export interface ModuleCoupling {
  ca: number[];
  ce: number[];
}

export function moduleCoupling(graph: DependencyGraph): ModuleCoupling {
  const rows = moduleMetrics(graph, new Map());
  return { ca: rows.map((r) => r.ca), ce: rows.map((r) => r.ce) };
}

/**
 * Module metrics: Ca = distinct modules depending on it, Ce = distinct tree modules it depends on (counted edge kinds,
 * internal edges only); fanIn/fanOut count the edges themselves (every import statement).
 */
export function moduleMetrics(
  graph: DependencyGraph,
  exported: Map<string, ExportedDeclarations>,
  counts: (e: GraphEdge) => boolean = () => true,
): ComponentMetrics[] {
  const ca = new Map<string, number>();
  const ce = new Map<string, number>();
  const fanIn = new Map<string, number>();
  const fanOut = new Map<string, number>();
  const counted = (e: GraphEdge) => isInternalEdge(e) && counts(e) && e.from !== e.to;
  for (const e of graph.edges) {
    if (!counted(e)) continue;
    fanIn.set(e.to, (fanIn.get(e.to) ?? 0) + 1);
    fanOut.set(e.from, (fanOut.get(e.from) ?? 0) + 1);
  }
  forDistinctPairs(graph.edges, counted, (from, to) => {
    ca.set(to, (ca.get(to) ?? 0) + 1);
    ce.set(from, (ce.get(from) ?? 0) + 1);
  });
  return graph.modules
    .filter((m) => !m.external)
    .map((m) => {
      const a = ca.get(m.path) ?? 0;
      const c = ce.get(m.path) ?? 0;
      const i = instabilityOf(a, c);
      const abs = abstractnessOf(exported.get(m.path));
      return {
        name: m.path,
        modules: 1,
        ca: a,
        ce: c,
        instability: i,
        abstractness: abs,
        distance: distanceOf(abs, i),
        fanIn: fanIn.get(m.path) ?? 0,
        fanOut: fanOut.get(m.path) ?? 0,
      };
    });
}

export { sumExported };
