import type { CycleInfo } from '../core/result-static.js';

/** Adjacency lists over node indices. */
export type Adjacency = number[][];

/** Strongly connected components (iterative Tarjan, linear in nodes + edges). Returns component id per node. */
export function stronglyConnectedComponents(adj: Adjacency): { componentOf: Int32Array; components: number[][] } {
  const n = adj.length;
  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const componentOf = new Int32Array(n).fill(-1);
  const stack: number[] = [];
  const components: number[][] = [];
  const callNode: number[] = [];
  const callEdge: number[] = [];
  let counter = 0;
  for (let s = 0; s < n; s++) {
    if (index[s] !== -1) continue;
    callNode.push(s);
    callEdge.push(0);
    index[s] = low[s] = counter++;
    stack.push(s);
    onStack[s] = 1;
    while (callNode.length > 0) {
      const v = callNode[callNode.length - 1];
      const ei = callEdge[callEdge.length - 1];
      if (ei < adj[v].length) {
        callEdge[callEdge.length - 1] = ei + 1;
        const w = adj[v][ei];
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          callNode.push(w);
          callEdge.push(0);
        } else if (onStack[w]) low[v] = Math.min(low[v], index[w]);
        continue;
      }
      callNode.pop();
      callEdge.pop();
      if (callNode.length > 0) {
        const p = callNode[callNode.length - 1];
        low[p] = Math.min(low[p], low[v]);
      }
      if (low[v] === index[v]) {
        const comp: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          componentOf[w] = components.length;
          comp.push(w);
        } while (w !== v);
        components.push(comp);
      }
    }
  }
  return { componentOf, components };
}

/** Shortest cycle through `start` staying inside its component (BFS). Returns node indices start..start. */
export function shortestCycleThrough(adj: Adjacency, start: number, componentOf: Int32Array): number[] {
  const comp = componentOf[start];
  const prev = new Map<number, number>();
  const queue = [start];
  for (let qi = 0; qi < queue.length; qi++) {
    const v = queue[qi];
    for (const w of adj[v]) {
      if (componentOf[w] !== comp) continue;
      if (w === start) {
        const chain = [start];
        for (let x = v; x !== start; x = prev.get(x)!) chain.push(x);
        chain.push(start);
        return [chain[0], ...chain.slice(1, -1).reverse(), start];
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start];
}

/** Cycles of a graph given by node names and adjacency: one entry per SCC with a cycle, largest first. */
export function findCycles(names: string[], adj: Adjacency): Array<CycleInfo & { members: string[] }> {
  const { componentOf, components } = stronglyConnectedComponents(adj);
  const out: Array<CycleInfo & { members: string[] }> = [];
  for (const comp of components) {
    if (comp.length === 1 && !adj[comp[0]].includes(comp[0])) continue;
    // Deterministic start: the alphabetically first file of the component.
    const start = comp.reduce((a, b) => (names[a] <= names[b] ? a : b));
    const chain = shortestCycleThrough(adj, start, componentOf);
    out.push({ size: comp.length, example: chain.map((i) => names[i]), members: comp.map((i) => names[i]).sort() });
  }
  return out.sort((a, b) => b.size - a.size || a.example[0].localeCompare(b.example[0]));
}

/** Default cap on elementary cycles enumerated per edge set (their number can grow exponentially with the graph). */
export const DEFAULT_CYCLE_LIMIT = 1000;

/**
 * Elementary cycles (Johnson, 1975), enumerated per strongly connected component, at most `limit` in all. Each cycle
 * is a node list that starts and ends at its least node: [a, b, c, a]; a self-import is [a, a]. Iterative, so deep
 * components do not overflow the stack.
 */
export function elementaryCycles(adj: Adjacency, limit: number): { cycles: number[][]; truncated: boolean } {
  const cycles: number[][] = [];
  for (let v = 0; v < adj.length && cycles.length < limit; v++) if (adj[v].includes(v)) cycles.push([v, v]);
  const { components } = stronglyConnectedComponents(adj);
  if (cycles.length >= limit) {
    return { cycles, truncated: countSelfLoops(adj) > limit || components.some((c) => c.length > 1) };
  }
  let truncated = false;
  for (const comp of components) {
    if (comp.length < 2) continue;
    const members = [...comp].sort((a, b) => a - b);
    const local = new Map(members.map((v, i) => [v, i]));
    const sub = members.map((v) => [
      ...new Set(adj[v].filter((w) => w !== v && local.has(w)).map((w) => local.get(w)!)),
    ]);
    truncated = johnsonInComponent(
      sub,
      limit,
      (c) => cycles.push(c.map((i) => members[i])),
      () => cycles.length,
    );
    if (truncated) break;
  }
  return { cycles, truncated };
}

function countSelfLoops(adj: Adjacency): number {
  return adj.reduce((n, l, v) => n + (l.includes(v) ? 1 : 0), 0);
}

/** Johnson's circuit enumeration over one component (nodes 0..k-1). Returns true when it stopped at `limit`. */
function johnsonInComponent(
  sub: number[][],
  limit: number,
  emit: (cycle: number[]) => void,
  emitted: () => number,
): boolean {
  const k = sub.length;
  const blocked = new Uint8Array(k);
  const blockedBy: Array<Set<number>> = Array.from({ length: k }, () => new Set());
  const unblock = (u: number) => {
    const work = [u];
    while (work.length > 0) {
      const x = work.pop()!;
      blocked[x] = 0;
      for (const w of blockedBy[x]) if (blocked[w]) work.push(w);
      blockedBy[x].clear();
    }
  };
  for (let s = 0; s < k; s++) {
    // Johnson's step: the least node lying on a cycle of the subgraph induced by nodes >= s, and its component.
    const induced = sub.map((l, v) => (v < s ? [] : l.filter((w) => w >= s)));
    const { componentOf, components } = stronglyConnectedComponents(induced);
    let least = -1;
    for (const c of components) {
      if (c.length < 2) continue;
      for (const v of c) if (least === -1 || v < least) least = v;
    }
    if (least === -1) break;
    s = least;
    const comp = componentOf[s];
    const next = induced.map((l, v) => (componentOf[v] === comp ? l.filter((w) => componentOf[w] === comp) : []));
    for (const v of components[comp]) {
      blocked[v] = 0;
      blockedBy[v].clear();
    }
    const path: number[] = [s];
    const frames = [{ v: s, i: 0, found: false }];
    blocked[s] = 1;
    while (frames.length > 0) {
      const f = frames[frames.length - 1];
      if (f.i < next[f.v].length) {
        const w = next[f.v][f.i++];
        if (w === s) {
          emit([...path, s]);
          f.found = true;
          if (emitted() >= limit) return true;
        } else if (!blocked[w]) {
          path.push(w);
          blocked[w] = 1;
          frames.push({ v: w, i: 0, found: false });
        }
        continue;
      }
      if (f.found) unblock(f.v);
      else for (const w of next[f.v]) blockedBy[w].add(f.v);
      path.pop();
      frames.pop();
      if (frames.length > 0 && f.found) frames[frames.length - 1].found = true;
    }
  }
  return false;
}
