import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { elementaryCycles, findCycles, stronglyConnectedComponents } from '../../src/fitness/cycles.js';
import { collectFixture } from './fixture-config.js';

describe('strongly connected components', () => {
  it('finds the components of a hand-drawn graph', () => {
    // 0->1->2->0, 2->3, 3->4->3, 5 alone, 6->6
    const adj = [[1], [2], [0, 3], [4], [3], [], [6]];
    const { components } = stronglyConnectedComponents(adj);
    expect(components.map((c) => [...c].sort()).sort()).toEqual([[0, 1, 2], [3, 4], [5], [6]]);
  });

  it('handles a 200,000-node chain without recursion', () => {
    const n = 200_000;
    const adj = Array.from({ length: n }, (_, i) => (i + 1 < n ? [i + 1] : [0]));
    const cycles = findCycles(
      adj.map((_, i) => `m${String(i).padStart(6, '0')}`),
      adj,
    );
    expect(cycles).toHaveLength(1);
    expect(cycles[0].size).toBe(n);
    expect(cycles[0].example).toHaveLength(n + 1);
  });

  it('gives the shortest chain through the first file', () => {
    // a->b->c->a and a->c->a: shortest through a is a->c->a
    const names = ['a', 'b', 'c'];
    const cycles = findCycles(names, [[1, 2], [2], [0]]);
    expect(cycles[0].example).toEqual(['a', 'c', 'a']);
  });
});

describe('fixtures/cycles', async () => {
  const c = await collectFixture('cycles');
  it('reports all-edge and value-edge cycles as in ANSWERS.md', () => {
    expect(c.section.cycles.all).toEqual([
      { size: 3, example: ['src/a.ts', 'src/c.ts', 'src/a.ts'] },
      { size: 2, example: ['src/x.ts', 'src/y.ts', 'src/x.ts'] },
      { size: 1, example: ['src/self.ts', 'src/self.ts'] },
    ]);
    expect(c.section.cycles.value).toEqual([
      { size: 3, example: ['src/a.ts', 'src/c.ts', 'src/a.ts'] },
      { size: 1, example: ['src/self.ts', 'src/self.ts'] },
    ]);
    expect(c.findings.filter((f) => f.rule === 'cycle').map((f) => f.message)).toEqual([
      'src/a.ts -> src/c.ts -> src/a.ts',
      'src/self.ts -> src/self.ts',
    ]);
  });
});

/** Every elementary cycle by brute force: each simple path from the least node of the cycle back to it. */
function bruteForceCycles(adj: number[][]): string[] {
  const out: string[] = [];
  const n = adj.length;
  for (let s = 0; s < n; s++) {
    const walk = (v: number, path: number[], seen: Set<number>) => {
      for (const w of new Set(adj[v])) {
        if (w === s) out.push([...path, s].join(','));
        else if (w > s && !seen.has(w)) {
          seen.add(w);
          walk(w, [...path, w], seen);
          seen.delete(w);
        }
      }
    };
    walk(s, [s], new Set([s]));
  }
  return out.sort();
}

describe("elementary cycles (Johnson's algorithm)", () => {
  it('finds the cycles of a hand-drawn graph', () => {
    // 0->1->2->0, 0->2, 2->1 (so also 1->2->1 and 0->2->0), 3->3; 4 alone
    const adj = [[1, 2], [2], [0, 1], [3], []];
    const { cycles, truncated } = elementaryCycles(adj, 100);
    expect(cycles.map((c) => c.join(',')).sort()).toEqual(['0,1,2,0', '0,2,0', '1,2,1', '3,3']);
    expect(truncated).toBe(false);
  });

  it('agrees with brute-force enumeration on random graphs', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 7 })
          .chain((n) =>
            fc.array(fc.array(fc.integer({ min: 0, max: n - 1 }), { maxLength: 4 }), { minLength: n, maxLength: n }),
          ),
        (adj) => {
          const { cycles } = elementaryCycles(adj, 1_000_000);
          expect(cycles.map((c) => c.join(',')).sort()).toEqual(bruteForceCycles(adj));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('stops at the limit and says so', () => {
    // The complete graph on 6 nodes has sum over k=2..6 of C(6,k)(k-1)! = 409 elementary cycles.
    const n = 6;
    const complete = Array.from({ length: n }, (_, v) => Array.from({ length: n }, (_, w) => w).filter((w) => w !== v));
    expect(elementaryCycles(complete, 10_000).cycles).toHaveLength(409);
    const capped = elementaryCycles(complete, 50);
    expect([capped.cycles.length, capped.truncated]).toEqual([50, true]);
  });

  it('handles a 200,000-node ring without recursion', () => {
    const n = 200_000;
    const adj = Array.from({ length: n }, (_, i) => [(i + 1) % n]);
    const { cycles } = elementaryCycles(adj, 10);
    expect(cycles).toHaveLength(1);
    expect(cycles[0]).toHaveLength(n + 1);
  });
});
