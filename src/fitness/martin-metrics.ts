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

/**
 * Folder metrics with dependency-cruiser's definitions (so they can be cross-checked against `depcruise --metrics`):
 * Ca = for each module in the folder (sub-folders included), the distinct modules outside the folder depending on it,
 * summed; Ce = for each module, its distinct dependencies outside the folder (external and unresolved ones
 * included), summed. All edge kinds count. fanIn/fanOut equal Ca/Ce here.
 */
export function folderMetrics(graph: DependencyGraph, exported: Map<string, ExportedDeclarations>): ComponentMetrics[] {
  const internalModules = graph.modules.filter((m) => !m.external).map((m) => m.path);
  const dependents = new Map<string, Set<string>>();
  const dependencies = new Map<string, Set<string>>();
  for (const e of graph.edges) {
    const target = e.to;
    let deps = dependencies.get(e.from);
    if (!deps) dependencies.set(e.from, (deps = new Set()));
    deps.add(target);
    if (isInternalEdge(e)) {
      let ds = dependents.get(target);
      if (!ds) dependents.set(target, (ds = new Set()));
      ds.add(e.from);
    }
  }
  const folders = new Map<string, { modules: string[]; ca: number; ce: number }>();
  for (const m of internalModules) {
    for (const f of parentFolders(m)) {
      let agg = folders.get(f);
      if (!agg) folders.set(f, (agg = { modules: [], ca: 0, ce: 0 }));
      agg.modules.push(m);
      const prefix = f + '/';
      for (const d of dependents.get(m) ?? []) if (!d.startsWith(prefix)) agg.ca++;
      for (const d of dependencies.get(m) ?? []) if (!d.startsWith(prefix)) agg.ce++;
    }
  }
  return [...folders.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, agg]) => {
      const i = instabilityOf(agg.ca, agg.ce);
      const a = abstractnessOf(sumExported(agg.modules, exported));
      return {
        name,
        modules: agg.modules.length,
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

/**
 * Module metrics: Ca = distinct modules depending on it, Ce = distinct tree modules it depends on (counted edge kinds,
 * internal edges only); fanIn/fanOut count the edges themselves (every import statement).
 */
export function moduleMetrics(
  graph: DependencyGraph,
  exported: Map<string, ExportedDeclarations>,
  counts: (e: GraphEdge) => boolean = () => true,
): ComponentMetrics[] {
  const ca = new Map<string, Set<string>>();
  const ce = new Map<string, Set<string>>();
  const fanIn = new Map<string, number>();
  const fanOut = new Map<string, number>();
  for (const e of graph.edges) {
    if (!isInternalEdge(e) || !counts(e) || e.from === e.to) continue;
    if (!ca.has(e.to)) ca.set(e.to, new Set());
    ca.get(e.to)!.add(e.from);
    if (!ce.has(e.from)) ce.set(e.from, new Set());
    ce.get(e.from)!.add(e.to);
    fanIn.set(e.to, (fanIn.get(e.to) ?? 0) + 1);
    fanOut.set(e.from, (fanOut.get(e.from) ?? 0) + 1);
  }
  return graph.modules
    .filter((m) => !m.external)
    .map((m) => {
      const a = ca.get(m.path)?.size ?? 0;
      const c = ce.get(m.path)?.size ?? 0;
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
