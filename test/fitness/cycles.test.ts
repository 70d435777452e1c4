import { describe, expect, it } from 'vitest';
import { findCycles, stronglyConnectedComponents } from '../../src/fitness/cycles.js';
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
    const cycles = findCycles(adj.map((_, i) => `m${String(i).padStart(6, '0')}`), adj);
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
    expect(c.findings.filter((f) => f.rule === 'cycle').map((f) => f.message)).toEqual(['src/a.ts -> src/c.ts -> src/a.ts', 'src/self.ts -> src/self.ts']);
  });
});
