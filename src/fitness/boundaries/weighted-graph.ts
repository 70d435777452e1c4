import { UndirectedGraph } from 'graphology';
import louvainModule, { type DetailedLouvainOutput, type LouvainOptions } from 'graphology-communities-louvain';
import { mulberry32 } from '../../core/seeded-random.js';

// A CommonJS module (module.exports = fn): its default import is the function, whose types NodeNext mis-reads.
type Detailed = (graph: unknown, options: LouvainOptions) => DetailedLouvainOutput;
const louvain = louvainModule as unknown as { detailed: Detailed };

export type Link = 'import' | 'table' | 'co-change';

/** An undirected graph of modules whose edge weights add up imports, shared tables and co-change. */
export class ModuleGraph {
  readonly graph = new UndirectedGraph<Record<string, never>, { weight: number }>();

  constructor(modules: string[]) {
    for (const m of modules) this.graph.addNode(m);
  }

  add(a: string, b: string, weight: number): void {
    if (a === b || weight <= 0 || !this.graph.hasNode(a) || !this.graph.hasNode(b)) return;
    if (this.graph.hasEdge(a, b)) this.graph.updateEdgeAttribute(a, b, 'weight', (w = 0) => w + weight);
    else this.graph.addEdge(a, b, { weight });
  }

  /** Adds many links at once, summing the weights of links between the same two modules first. */
  addAll(links: Array<{ a: string; b: string; weight: number }>): void {
    const sum = new Map<string, number>();
    for (const { a, b, weight } of links) {
      if (a === b || weight <= 0) continue;
      const k = a < b ? `${a}\0${b}` : `${b}\0${a}`;
      sum.set(k, (sum.get(k) ?? 0) + weight);
    }
    for (const [k, weight] of sum) {
      const [a, b] = k.split('\0');
      this.add(a, b, weight);
    }
  }

  /** Newman's weighted modularity of a partition: Σ_c [ W_c / W − (D_c / 2W)² ]. */
  modularity(groupOf: (node: string) => string): number {
    const total = this.graph.reduceEdges((sum, _e, attr) => sum + attr.weight, 0);
    if (total === 0) return 0;
    const inside = new Map<string, number>();
    const degree = new Map<string, number>();
    this.graph.forEachEdge((_e, attr, a, b) => {
      const ga = groupOf(a);
      const gb = groupOf(b);
      if (ga === gb) inside.set(ga, (inside.get(ga) ?? 0) + attr.weight);
      degree.set(ga, (degree.get(ga) ?? 0) + attr.weight);
      degree.set(gb, (degree.get(gb) ?? 0) + attr.weight);
    });
    let q = 0;
    for (const [g, d] of degree) q += (inside.get(g) ?? 0) / total - (d / (2 * total)) ** 2;
    return q;
  }

  /** Louvain communities with a seeded random source, so the same graph always gives the same proposal. */
  louvain(seed: number): { communities: Map<string, number>; modularity: number } {
    if (this.graph.size === 0) {
      return { communities: new Map(this.graph.nodes().map((n, i) => [n, i])), modularity: 0 };
    }
    const out = louvain.detailed(this.graph, { getEdgeWeight: 'weight', rng: mulberry32(seed) });
    return { communities: new Map(Object.entries(out.communities)), modularity: out.modularity };
  }
}
