/** Counts how often things change together, per pair, as code-maat's `coupling` analysis does. */

export interface PairCount {
  a: string;
  b: string;
  shared: number;
  revisionsA: number;
  revisionsB: number;
  degree: number;
  confidenceAB: number;
  confidenceBA: number;
}

/** Revisions per item and co-change per pair, over change sets (each a set of distinct items). */
export function coChange(
  changeSets: string[][],
  minShared: number,
): { revisions: Map<string, number>; pairs: PairCount[] } {
  const revisions = new Map<string, number>();
  const shared = new Map<string, number>();
  for (const set of changeSets) {
    const items = [...new Set(set)].sort();
    for (const x of items) revisions.set(x, (revisions.get(x) ?? 0) + 1);
    for (let i = 0; i < items.length; i++) {
      for (let j = i + 1; j < items.length; j++) {
        const k = `${items[i]}\0${items[j]}`;
        shared.set(k, (shared.get(k) ?? 0) + 1);
      }
    }
  }
  const pairs: PairCount[] = [];
  for (const [k, n] of shared) {
    if (n < minShared) continue;
    const [a, b] = k.split('\0');
    const ra = revisions.get(a)!;
    const rb = revisions.get(b)!;
    pairs.push({
      a,
      b,
      shared: n,
      revisionsA: ra,
      revisionsB: rb,
      degree: n / ((ra + rb) / 2),
      confidenceAB: n / ra,
      confidenceBA: n / rb,
    });
  }
  pairs.sort((x, y) => y.shared - x.shared || y.degree - x.degree || x.a.localeCompare(y.a) || x.b.localeCompare(y.b));
  return { revisions, pairs };
}
