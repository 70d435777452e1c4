import type { CycleReport, DependencyGraph, GraphEdge } from '../core/result-static.js';
import { elementaryCycles, findCycles, type Adjacency } from './cycles.js';
import { isInternalEdge } from './martin-metrics.js';

/**
 * SCCs, elementary cycles (Johnson, capped at `limit`) and circular edges of the internal graph over the edges `keep`
 * accepts, restricted to the modules in `scope`.
 */
export function analyseCycles(
  graph: DependencyGraph,
  keep: (e: GraphEdge) => boolean,
  scope: (file: string) => boolean,
  entries: Set<string>,
  limit: number,
): CycleReport {
  // Alphabetical node numbering, so Johnson's "least node" is the alphabetically first file of each cycle.
  const names = graph.modules
    .filter((m) => !m.external && scope(m.path))
    .map((m) => m.path)
    .sort();
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
  const components = findCycles(names, adj);
  const groupOf = new Map<string, number>();
  components.forEach((c, i) => c.members.forEach((m) => groupOf.set(m, i)));
  const { cycles, truncated } = elementaryCycles(adj, limit);
  const elementary = cycles
    .map((c) => c.map((i) => names[i]))
    .sort((a, b) => a.length - b.length || a.join('\0').localeCompare(b.join('\0')));
  const perGroup = new Map<number, number>();
  for (const c of elementary) perGroup.set(groupOf.get(c[0])!, (perGroup.get(groupOf.get(c[0])!) ?? 0) + 1);
  const circularEdges: CycleReport['circularEdges'] = [];
  adj.forEach((targets, a) => {
    for (const b of targets) {
      const g = groupOf.get(names[a]);
      if (g !== undefined && g === groupOf.get(names[b])) circularEdges.push({ from: names[a], to: names[b] });
    }
  });
  circularEdges.sort((x, y) => x.from.localeCompare(y.from) || x.to.localeCompare(y.to));
  return {
    groups: components.map((c, i) => ({
      size: c.size,
      members: c.members,
      example: c.example,
      elementaryCycles: perGroup.get(i) ?? 0,
      entries: c.members.filter((m) => entries.has(m)),
    })),
    elementary,
    truncated,
    circularEdges,
    throughEntry: elementary.filter((c) => c.some((f) => entries.has(f))),
  };
}
