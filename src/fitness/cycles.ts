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
    callNode.push(s); callEdge.push(0);
    index[s] = low[s] = counter++; stack.push(s); onStack[s] = 1;
    while (callNode.length > 0) {
      const v = callNode[callNode.length - 1];
      const ei = callEdge[callEdge.length - 1];
      if (ei < adj[v].length) {
        callEdge[callEdge.length - 1] = ei + 1;
        const w = adj[v][ei];
        if (index[w] === -1) {
          index[w] = low[w] = counter++; stack.push(w); onStack[w] = 1;
          callNode.push(w); callEdge.push(0);
        } else if (onStack[w]) low[v] = Math.min(low[v], index[w]);
        continue;
      }
      callNode.pop(); callEdge.pop();
      if (callNode.length > 0) { const p = callNode[callNode.length - 1]; low[p] = Math.min(low[p], low[v]); }
      if (low[v] === index[v]) {
        const comp: number[] = [];
        let w: number;
        do { w = stack.pop()!; onStack[w] = 0; componentOf[w] = components.length; comp.push(w); } while (w !== v);
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
      if (!prev.has(w)) { prev.set(w, v); queue.push(w); }
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
