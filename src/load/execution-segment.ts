import { InputError } from '../core/errors.js';

/** An exact rational number a/b (execution segments are fractions such as 1/3, which floats cannot hold). */
export interface Fraction {
  n: number;
  d: number;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return Math.abs(a);
}

function frac(n: number, d: number): Fraction {
  const g = gcd(n, d) || 1;
  return { n: n / g, d: d / g };
}

/** Parses '1/4', '0.25', '25%', '0' or '1' into an exact fraction in [0, 1]. */
export function parseFraction(text: string): Fraction {
  const t = text.trim();
  let f: Fraction | null = null;
  let m: RegExpExecArray | null;
  if ((m = /^(\d+)\/(\d+)$/.exec(t)) && Number(m[2]) > 0) f = frac(Number(m[1]), Number(m[2]));
  else if ((m = /^(\d+)(?:\.(\d+))?(%)?$/.exec(t))) {
    const decimals = m[2] ?? '';
    const scale = 10 ** decimals.length * (m[3] ? 100 : 1);
    f = frac(Number(m[1] + decimals), scale);
  }
  if (!f || f.n > f.d)
    throw new InputError(
      `invalid execution segment value ${JSON.stringify(text)}: expected a fraction in 0..1 such as 1/4, 0.25 or 25%`,
    );
  return f;
}

function lessThan(a: Fraction, b: Fraction): boolean {
  return a.n * b.d < b.n * a.d;
}

function formatFraction(f: Fraction): string {
  return f.n === 0 ? '0' : f.n === f.d ? '1' : `${f.n}/${f.d}`;
}

/** k6's `--execution-segment from:to` plus the `--execution-segment-sequence` it belongs to. */
export interface ExecutionSegment {
  from: Fraction;
  to: Fraction;
  /** Boundaries of the whole sequence, 0 … 1; every runner of a distributed test must use the same sequence. */
  sequence: Fraction[];
  /** Index of this segment in the sequence. */
  index: number;
}

/** The whole test as one segment. */
export const FULL_SEGMENT: ExecutionSegment = {
  from: { n: 0, d: 1 },
  to: { n: 1, d: 1 },
  sequence: [
    { n: 0, d: 1 },
    { n: 1, d: 1 },
  ],
  index: 0,
};

/** Parses k6's `--execution-segment` ('1/4:1/2') and optional `--execution-segment-sequence` ('0,1/4,1/2,1'). */
export function parseExecutionSegment(segment: string, sequence?: string): ExecutionSegment {
  const parts = segment.split(':');
  if (parts.length !== 2)
    throw new InputError(`invalid execution segment ${JSON.stringify(segment)}: expected from:to such as 0:1/4`);
  const from = parseFraction(parts[0]);
  const to = parseFraction(parts[1]);
  if (!lessThan(from, to))
    throw new InputError(`invalid execution segment ${JSON.stringify(segment)}: from must be below to`);
  let seq: Fraction[];
  if (sequence) {
    seq = sequence.split(',').map(parseFraction);
    if (seq[0].n !== 0) seq.unshift({ n: 0, d: 1 });
    if (seq[seq.length - 1].n !== seq[seq.length - 1].d) seq.push({ n: 1, d: 1 });
    for (let i = 1; i < seq.length; i++) {
      if (!lessThan(seq[i - 1], seq[i]))
        throw new InputError(`invalid execution segment sequence ${JSON.stringify(sequence)}: values must increase`);
    }
  } else {
    seq = [{ n: 0, d: 1 }];
    if (from.n !== 0) seq.push(from);
    seq.push(to);
    if (to.n !== to.d) seq.push({ n: 1, d: 1 });
  }
  const index = seq.findIndex(
    (f, i) => i < seq.length - 1 && f.n * from.d === from.n * f.d && seq[i + 1].n * to.d === to.n * seq[i + 1].d,
  );
  if (index === -1)
    throw new InputError(
      `execution segment ${segment} is not part of the sequence ${seq.map(formatFraction).join(',')}`,
    );
  return { from, to, sequence: seq, index };
}

/** N equal segments 0:1/N … (N-1)/N:1 of one sequence, as k6-operator's parallelism N uses. */
export function equalSegments(count: number): ExecutionSegment[] {
  const seq = Array.from({ length: count + 1 }, (_, i) => frac(i, count));
  return Array.from({ length: count }, (_, i) => ({ from: seq[i], to: seq[i + 1], sequence: seq, index: i }));
}

export function formatSegment(s: ExecutionSegment): string {
  return `${formatFraction(s.from)}:${formatFraction(s.to)}`;
}

export function formatSequence(s: ExecutionSegment): string {
  return s.sequence.map(formatFraction).join(',');
}

/**
 * Striping of a sequence: within every cycle of L = lcm(denominators) consecutive indices, segment k owns exactly
 * L × its width of them, spread evenly (each position goes to the segment furthest behind its share). The segments of
 * one sequence thus partition every index stream (iterations, VU numbers) exactly; their union is the whole test.
 */
export class SegmentStriping {
  readonly cycle: number;
  /** owner[j] = segment index owning position j of a cycle. */
  private readonly owner: Int32Array;
  /** For each segment, the sorted positions it owns in a cycle. */
  private readonly owned: number[][];

  constructor(readonly segment: ExecutionSegment) {
    const seq = segment.sequence;
    let l = 1;
    for (const f of seq) l = (l * f.d) / gcd(l, f.d);
    if (l > 1_000_000)
      throw new InputError(`execution segment sequence ${formatSequence(segment)} is too fine (cycle ${l})`);
    this.cycle = l;
    const widths = seq.slice(1).map((f, i) => (f.n * l) / f.d - (seq[i].n * l) / seq[i].d);
    this.owner = new Int32Array(l);
    this.owned = widths.map(() => []);
    const assigned = widths.map(() => 0);
    for (let j = 0; j < l; j++) {
      let best = -1;
      let bestDeficit = -Infinity;
      for (let k = 0; k < widths.length; k++) {
        if (assigned[k] >= widths[k]) continue;
        // deficit = expected share after j+1 positions minus what k has, in units of 1/l
        const deficit = widths[k] * (j + 1) - assigned[k] * l;
        if (deficit > bestDeficit) {
          bestDeficit = deficit;
          best = k;
        }
      }
      this.owner[j] = best;
      assigned[best]++;
      this.owned[best].push(j);
    }
  }

  owns(index: number): boolean {
    return this.owner[index % this.cycle] === this.segment.index;
  }

  /** How many of the indices 0..total-1 this segment owns (k6's ExecutionSegment.Scale for VUs and iterations). */
  scale(total: number): number {
    const mine = this.owned[this.segment.index];
    const full = Math.floor(total / this.cycle) * mine.length;
    const rest = total % this.cycle;
    let partial = 0;
    for (const p of mine) if (p < rest) partial++;
    return full + partial;
  }

  /** The k-th index (0-based) this segment owns. */
  nth(k: number): number {
    const mine = this.owned[this.segment.index];
    return Math.floor(k / mine.length) * this.cycle + mine[k % mine.length];
  }
}
