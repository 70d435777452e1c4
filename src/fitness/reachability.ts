import type { DependencyGraph, EntryPoint } from '../core/result-static.js';
import { isInternalEdge } from './martin-metrics.js';

export interface Reachability {
  entries: EntryPoint[];
  /**
   * Modules reachable from an entry over every internal edge kind (type-only included, as dependency-cruiser's
   * `reachable`): deleting any of them breaks the build of the deployed code. Every module when no entry is known.
   */
  live: Set<string>;
  /** Internal modules (external packages excluded). */
  modules: number;
}

/** Breadth-first walk from the entry points over resolved internal edges. */
export function reachableFrom(graph: DependencyGraph, entries: EntryPoint[]): Reachability {
  const internal = graph.modules.filter((m) => !m.external).map((m) => m.path);
  if (entries.length === 0) return { entries, live: new Set(internal), modules: internal.length };
  const out = new Map<string, string[]>();
  for (const e of graph.edges) {
    if (!isInternalEdge(e)) continue;
    let l = out.get(e.from);
    if (!l) out.set(e.from, (l = []));
    l.push(e.to);
  }
  const live = new Set(entries.map((e) => e.file));
  const queue = [...live];
  for (let i = 0; i < queue.length; i++) {
    for (const to of out.get(queue[i]) ?? []) {
      if (!live.has(to)) {
        live.add(to);
        queue.push(to);
      }
    }
  }
  return { entries, live, modules: internal.length };
}
