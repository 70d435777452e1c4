import * as hdr from 'hdr-histogram-js';
import { percentileR7 } from './percentiles.js';

/** A growable Float64 buffer for raw samples (cheaper than number[] at millions of samples). */
export class SampleBuffer {
  private buf = new Float64Array(1024);
  length = 0;

  push(v: number): void {
    if (this.length === this.buf.length) {
      const next = new Float64Array(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = v;
  }

  pushAll(values: ArrayLike<number>): void {
    for (let i = 0; i < values.length; i++) this.push(values[i]);
  }

  /** A view of the filled part (shares memory). */
  view(): Float64Array {
    return this.buf.subarray(0, this.length);
  }
}

/** Serializable state of a trend, for moving it between worker threads and merging. */
export interface TrendSnapshot {
  count: number;
  sum: number;
  min: number;
  max: number;
  /** HDR histogram of the values in microseconds, compressed base64. */
  hdr: string;
  /** Raw values (ms), present when samples are kept. */
  values?: Float64Array;
}

/**
 * k6 trend (durations in ms): exact count/sum/min/max, an HDR histogram at microsecond resolution with 3 significant
 * digits, and optionally every raw value so percentiles can be exact by k6's rule (R-7).
 */
export class TrendSink {
  count = 0;
  sum = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  readonly histogram: hdr.Histogram;
  private readonly samples: SampleBuffer | null;
  private sorted: Float64Array | null = null;

  constructor(keepSamples: boolean) {
    this.histogram = hdr.build({ numberOfSignificantValueDigits: 3, autoResize: true });
    this.samples = keepSamples ? new SampleBuffer() : null;
  }

  get keepsSamples(): boolean {
    return this.samples !== null;
  }

  add(ms: number): void {
    this.count++;
    this.sum += ms;
    if (ms < this.min) this.min = ms;
    if (ms > this.max) this.max = ms;
    this.histogram.recordValue(Math.max(0, Math.round(ms * 1000)));
    if (this.samples) {
      this.samples.push(ms);
      this.sorted = null;
    }
  }

  /** Percentile (0..100): exact R-7 over raw samples when kept, else the HDR histogram's value (µs → ms). */
  percentile(p: number): number {
    if (this.count === 0) return Number.NaN;
    if (this.samples) {
      if (!this.sorted) {
        this.sorted = Float64Array.from(this.samples.view());
        this.sorted.sort();
      }
      return percentileR7(this.sorted, p / 100);
    }
    if (p <= 0) return this.min;
    if (p >= 100) return this.max;
    // HDR returns the highest equivalent value of the bucket; clamp into the exactly known range.
    return Math.min(this.max, Math.max(this.min, this.histogram.getValueAtPercentile(p) / 1000));
  }

  rawValues(): Float64Array | null {
    return this.samples ? this.samples.view() : null;
  }

  snapshot(): TrendSnapshot {
    const snap: TrendSnapshot = {
      count: this.count,
      sum: this.sum,
      min: this.min,
      max: this.max,
      hdr: hdr.encodeIntoCompressedBase64(this.histogram),
    };
    if (this.samples) snap.values = Float64Array.from(this.samples.view());
    return snap;
  }

  /** Adds another trend's state: counts and sums add, histograms add, raw samples concatenate. */
  merge(other: TrendSnapshot): void {
    if (other.count === 0) return;
    this.count += other.count;
    this.sum += other.sum;
    if (other.min < this.min) this.min = other.min;
    if (other.max > this.max) this.max = other.max;
    const h = hdr.decodeFromCompressedBase64(other.hdr);
    this.histogram.add(h);
    h.destroy();
    if (this.samples && other.values) {
      this.samples.pushAll(other.values);
      this.sorted = null;
    }
  }
}
