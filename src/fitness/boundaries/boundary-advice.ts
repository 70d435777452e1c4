import type {
  BoundaryAdvice,
  BoundaryCrossing,
  ChangeCoupling,
  TableOwnership,
  TableRow,
} from '../../core/result-domain.js';
import type { DependencyGraph, GraphEdge } from '../../core/result-static.js';
import { ModuleGraph } from './weighted-graph.js';

export const BOUNDARY_DEFAULTS = { weights: { imports: 1, tables: 1, coChange: 1 }, seed: 1 };
const OUTSIDE = '(no service)';
/** Crossings kept per service in the Result (the heaviest); crossingsTotal counts them all. */
const CROSSINGS_KEPT = 500;
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

/** Tables used by more files than this link each file to the table's main users only, not to every other file. */
const MAX_TABLE_CLIQUE = 100;
const TABLE_HUBS = 5;

interface Link {
  a: string;
  b: string;
  weight: number;
  kind: BoundaryCrossing['kind'];
  /**
   * What crosses, seen from the side whose other end is `otherFile`; built only for links that cross a boundary
   * (there can be hundreds of thousands of links).
   */
  describe: (otherFile: string) => Omit<BoundaryCrossing, 'other' | 'weight' | 'kind'>;
}

function tableLinks(t: TableRow, w: number, live: Set<string>, links: Link[]): void {
  const byFile = new Map<string, { line: number; writes: boolean; statements: number }>();
  for (const r of t.references) {
    if (!r.live || !live.has(r.file)) continue;
    const x = byFile.get(r.file);
    if (!x) {
      byFile.set(r.file, { line: r.line, writes: r.access === 'write', statements: 1 });
      continue;
    }
    x.writes ||= r.access === 'write';
    x.statements++;
  }
  const files = [...byFile.keys()].sort();
  if (files.length < 2) return;
  const link = (a: string, b: string, weight: number) => {
    const [fa, fb] = [byFile.get(a)!, byFile.get(b)!];
    const detail = () =>
      `table ${t.table}: ${a} ${fa.writes ? 'writes' : 'reads'}, ${b} ${fb.writes ? 'writes' : 'reads'}`;
    const describe = (other: string) => ({ detail: detail(), file: other, line: byFile.get(other)!.line });
    links.push({ a, b, weight, kind: 'table', describe });
  };
  // Each file gets `w` weight per table in total, however many files share it.
  if (files.length <= MAX_TABLE_CLIQUE) {
    for (let i = 0; i < files.length; i++)
      for (let j = i + 1; j < files.length; j++) link(files[i], files[j], w / (files.length - 1));
    return;
  }
  const rank = (f: string) => byFile.get(f)!;
  const hubs = [...files]
    .sort((x, y) => Number(rank(y).writes) - Number(rank(x).writes) || rank(y).statements - rank(x).statements)
    .slice(0, TABLE_HUBS);
  const hubSet = new Set(hubs);
  for (const f of files) if (!hubSet.has(f)) for (const h of hubs) link(f, h, w / hubs.length);
  for (let i = 0; i < hubs.length; i++)
    for (let j = i + 1; j < hubs.length; j++) link(hubs[i], hubs[j], w / hubs.length);
}

/**
 * Every weighted link between judged modules: one per import edge, per pair of files sharing a table (a table's
 * main users when more than MAX_TABLE_CLIQUE files share it), per co-change pair.
 */
function linksOf(input: BoundaryInput, w: BoundaryAdvice['weights'], live: Set<string>): Link[] {
  const links: Link[] = [];
  for (const e of input.judged.edges) {
    if (e.external || e.unresolved || !input.counts(e) || !live.has(e.to) || e.from === e.to) continue;
    links.push({
      a: e.from,
      b: e.to,
      weight: w.imports,
      kind: 'import',
      describe: () => ({ detail: `${e.from}:${e.line} → ${e.to}`, file: e.from, line: e.line }),
    });
  }
  for (const t of input.tables?.tables ?? []) tableLinks(t, w.tables, live, links);
  for (const p of input.changeCoupling?.pairs ?? []) {
    if (!live.has(p.a) || !live.has(p.b)) continue;
    const detail = `${p.a} ~ ${p.b}: ${p.shared} shared commits, degree ${Math.round(p.degree * 100)}%`;
    const describe = (other: string) => ({ detail, file: other });
    links.push({ a: p.a, b: p.b, weight: w.coChange * p.degree, kind: 'co-change', describe });
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
  graph.addAll(links);

  const proposal = graph.louvain(seed);
  const names = [...new Set(internal.map((m) => m.service).filter((s): s is string => s !== null))].sort();
  const groupOf = (m: string) => serviceOf.get(m) ?? OUTSIDE;
  const members = new Map<number, string[]>();
  for (const [m, c] of proposal.communities) {
    const list = members.get(c);
    if (list) list.push(m);
    else members.set(c, [m]);
  }
  const clusters = [...members].map(([id, list]) => {
    const modules = list.sort();
    const count = new Map<string, number>();
    for (const m of modules)
      if (serviceOf.get(m)) count.set(serviceOf.get(m)!, (count.get(serviceOf.get(m)!) ?? 0) + 1);
    const services = [...count].map(([service, n]) => ({ service, modules: n }));
    services.sort((a, b) => b.modules - a.modules || a.service.localeCompare(b.service));
    return { id, modules, services };
  });
  clusters.sort((a, b) => b.modules.length - a.modules.length || a.modules[0].localeCompare(b.modules[0]));
  clusters.forEach((c, i) => (c.id = i));

  const inside = new Map<string, number>();
  /** Crossing candidates, light: details are built for the kept (heaviest) ones only. */
  const crossings = new Map<string, Array<{ l: Link; other: string; otherFile: string }>>(names.map((n) => [n, []]));
  const across = new Map<string, number>();
  for (const l of links) {
    const ga = groupOf(l.a);
    const gb = groupOf(l.b);
    if (ga === gb) {
      inside.set(ga, (inside.get(ga) ?? 0) + l.weight);
      continue;
    }
    for (const [service, other, otherFile] of [
      [ga, gb, l.b],
      [gb, ga, l.a],
    ]) {
      const list = crossings.get(service);
      // Imports of declared shared code are allowed by design, not a boundary to remove.
      if (!list || (l.kind === 'import' && shared.has(otherFile))) continue;
      across.set(service, (across.get(service) ?? 0) + l.weight);
      list.push({ l, other, otherFile });
    }
  }
  const services = names.map((service) => {
    const list = crossings.get(service)!;
    list.sort(
      (x, y) =>
        y.l.weight - x.l.weight ||
        KIND_ORDER[x.l.kind] - KIND_ORDER[y.l.kind] ||
        x.l.a.localeCompare(y.l.a) ||
        x.l.b.localeCompare(y.l.b),
    );
    const total = (inside.get(service) ?? 0) + (across.get(service) ?? 0);
    return {
      service,
      autonomy: total === 0 ? 1 : (inside.get(service) ?? 0) / total,
      crossingsTotal: list.length,
      // A table or co-change crossing points at the other side's file; an import at the import line.
      crossings: list
        .slice(0, CROSSINGS_KEPT)
        .map(({ l, other, otherFile }) => ({ kind: l.kind, ...l.describe(otherFile), weight: l.weight, other })),
    };
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
