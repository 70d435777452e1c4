import type { BoundaryAdvice, BoundaryCrossing, ChangeCoupling, TableOwnership } from '../../core/result-domain.js';
import type { DependencyGraph, GraphEdge } from '../../core/result-static.js';
import { ModuleGraph } from './weighted-graph.js';

export const BOUNDARY_DEFAULTS = { weights: { imports: 1, tables: 1, coChange: 1 }, seed: 1 };
const OUTSIDE = '(no service)';
/** At equal weight a shared table comes first: it is the hardest coupling to remove. */
const KIND_ORDER = { table: 0, 'co-change': 1, import: 2 } as const;

export interface BoundaryInput {
  /** The judged graph (live modules unless scope is all). */
  judged: DependencyGraph;
  counts: (e: GraphEdge) => boolean;
  tables?: TableOwnership;
  changeCoupling?: ChangeCoupling;
  weights?: Partial<BoundaryAdvice['weights']>;
  seed?: number;
}

interface Link {
  a: string;
  b: string;
  weight: number;
  crossing: Omit<BoundaryCrossing, 'other' | 'weight'>;
  /** For table links: the line of each file's statement, so a crossing points at the other side's SQL. */
  lines?: Record<string, number>;
}

/** Every weighted link between judged modules: one per import edge, per table co-user pair, per co-change pair. */
function linksOf(input: BoundaryInput, w: BoundaryAdvice['weights'], live: Set<string>): Link[] {
  const links: Link[] = [];
  for (const e of input.judged.edges) {
    if (e.external || e.unresolved || !input.counts(e) || !live.has(e.to) || e.from === e.to) continue;
    const detail = `${e.from}:${e.line} → ${e.to}`;
    links.push({
      a: e.from,
      b: e.to,
      weight: w.imports,
      crossing: { kind: 'import', detail, file: e.from, line: e.line },
    });
  }
  for (const t of input.tables?.tables ?? []) {
    const refs = t.references.filter((r) => r.live && live.has(r.file));
    const files = [...new Set(refs.map((r) => r.file))].sort();
    if (files.length < 2) continue;
    // Each file gets `tables` weight per table in total, however many files share it.
    const weight = w.tables / (files.length - 1);
    const accessOf = (f: string) => (refs.some((r) => r.file === f && r.access === 'write') ? 'writes' : 'reads');
    for (let i = 0; i < files.length; i++) {
      for (let j = i + 1; j < files.length; j++) {
        const [a, b] = [files[i], files[j]];
        const lines = { [a]: refs.find((r) => r.file === a)!.line, [b]: refs.find((r) => r.file === b)!.line };
        const detail = `table ${t.table}: ${a} ${accessOf(a)}, ${b} ${accessOf(b)}`;
        links.push({ a, b, weight, crossing: { kind: 'table', detail }, lines });
      }
    }
  }
  for (const p of input.changeCoupling?.pairs ?? []) {
    if (!live.has(p.a) || !live.has(p.b)) continue;
    const detail = `${p.a} ~ ${p.b}: ${p.shared} shared commits, degree ${Math.round(p.degree * 100)}%`;
    links.push({ a: p.a, b: p.b, weight: w.coChange * p.degree, crossing: { kind: 'co-change', detail } });
  }
  return links;
}

/**
 * Clusters the judged module graph (imports + shared tables + co-change) with seeded Louvain, compares the modularity
 * of the configured services with the proposal, and lists per service what crosses its boundary, heaviest first.
 */
export function adviseBoundaries(input: BoundaryInput): BoundaryAdvice {
  const weights = { ...BOUNDARY_DEFAULTS.weights, ...input.weights };
  const seed = input.seed ?? BOUNDARY_DEFAULTS.seed;
  const internal = input.judged.modules.filter((m) => !m.external);
  const live = new Set(internal.map((m) => m.path));
  const serviceOf = new Map(internal.map((m) => [m.path, m.service]));
  const shared = new Set(internal.filter((m) => m.sharedClass === 'shared-allowed').map((m) => m.path));
  const graph = new ModuleGraph([...live].sort());
  const links = linksOf(input, weights, live);
  for (const l of links) graph.add(l.a, l.b, l.weight);

  const proposal = graph.louvain(seed);
  const names = [...new Set(internal.map((m) => m.service).filter((s): s is string => s !== null))].sort();
  const groupOf = (m: string) => serviceOf.get(m) ?? OUTSIDE;
  const clusterIds = [...new Set(proposal.communities.values())].sort((a, b) => a - b);
  const clusters = clusterIds.map((id) => {
    const modules = [...proposal.communities]
      .filter(([, c]) => c === id)
      .map(([m]) => m)
      .sort();
    const count = new Map<string, number>();
    for (const m of modules)
      if (serviceOf.get(m)) count.set(serviceOf.get(m)!, (count.get(serviceOf.get(m)!) ?? 0) + 1);
    const services = [...count].map(([service, n]) => ({ service, modules: n }));
    services.sort((a, b) => b.modules - a.modules || a.service.localeCompare(b.service));
    return { id, modules, services };
  });
  clusters.sort((a, b) => b.modules.length - a.modules.length || a.modules[0].localeCompare(b.modules[0]));
  clusters.forEach((c, i) => (c.id = i));

  const services = names.map((service) => {
    let inside = 0;
    let across = 0;
    const crossings: BoundaryCrossing[] = [];
    for (const l of links) {
      const ga = groupOf(l.a);
      const gb = groupOf(l.b);
      if (ga !== service && gb !== service) continue;
      if (ga === gb) {
        inside += l.weight;
        continue;
      }
      const otherFile = ga === service ? l.b : l.a;
      // Imports of declared shared code are allowed by design, not a boundary to remove.
      if (l.crossing.kind === 'import' && shared.has(otherFile)) continue;
      across += l.weight;
      // A table or co-change crossing points at the other side's file; an import at the import line.
      const at =
        l.crossing.kind === 'import' ? {} : { file: otherFile, ...(l.lines ? { line: l.lines[otherFile] } : {}) };
      crossings.push({ ...l.crossing, ...at, weight: l.weight, other: ga === service ? gb : ga });
    }
    crossings.sort(
      (x, y) => y.weight - x.weight || KIND_ORDER[x.kind] - KIND_ORDER[y.kind] || x.detail.localeCompare(y.detail),
    );
    return { service, autonomy: inside + across === 0 ? 1 : inside / (inside + across), crossings };
  });

  return {
    weights,
    seed,
    modules: live.size,
    modularity: { proposal: proposal.modularity, services: names.length === 0 ? null : graph.modularity(groupOf) },
    clusters,
    services,
  };
}
