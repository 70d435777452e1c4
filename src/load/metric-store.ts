import type { MetricSummary, MetricType } from '../core/result-load.js';
import type { MetricContains, MetricDefinition } from './metric-types.js';
import { BUILTIN_METRICS } from './metric-types.js';
import { formatMetricReference, type MetricReference } from './threshold-expression.js';
import type { SampleSink, Tags } from './sample-sink.js';
import { TrendSink, type TrendSnapshot } from './trend-sink.js';

export type { Tags };

/** k6 rate: share of non-zero samples. `passes` counts non-zero values (for http_req_failed: the failures). */
export class RateSink {
  passes = 0;
  total = 0;
  add(v: number): void {
    this.total++;
    if (v !== 0) this.passes++;
  }
  get rate(): number {
    return this.total === 0 ? 0 : this.passes / this.total;
  }
}

export class CounterSink {
  sum = 0;
  samples = 0;
  add(v: number): void {
    this.sum += v;
    this.samples++;
  }
}

export class GaugeSink {
  value = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;
  samples = 0;
  add(v: number): void {
    this.value = v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    this.samples++;
  }
}

export type Sink = TrendSink | RateSink | CounterSink | GaugeSink;

type SinkState =
  | { type: 'trend'; trend: TrendSnapshot }
  | { type: 'rate'; passes: number; total: number }
  | { type: 'counter'; sum: number; samples: number }
  | { type: 'gauge'; value: number; min: number; max: number; samples: number };

export interface MetricEntrySnapshot {
  key: string;
  name: string;
  tags: Tags;
  type: MetricType;
  contains: MetricContains;
  state: SinkState;
}

/** Plain, structured-clone-able state of a whole store (crosses worker threads). */
export interface MetricStoreSnapshot {
  keepSamples: boolean;
  entries: MetricEntrySnapshot[];
}

interface Entry {
  key: string;
  def: MetricDefinition;
  tags: Tags;
  sink: Sink;
}

function newSink(type: MetricType, keepSamples: boolean): Sink {
  switch (type) {
    case 'trend':
      return new TrendSink(keepSamples);
    case 'rate':
      return new RateSink();
    case 'counter':
      return new CounterSink();
    case 'gauge':
      return new GaugeSink();
  }
}

/** Trend stats in every summary: k6's defaults plus count, p(99) and p(99.9). */
export const SUMMARY_TREND_STATS = ['count', 'avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)', 'p(99.9)'] as const;

/**
 * Metric samples of one run, k6 style: one sink per metric, plus one per declared sub-metric (a tag filter); a sample
 * goes to its metric's sink and to every sub-metric whose tags it carries.
 */
export class MetricStore implements SampleSink {
  private readonly entries = new Map<string, Entry>();
  private readonly subs = new Map<string, Entry[]>();

  constructor(
    readonly keepSamples: boolean,
    definitions: Record<string, MetricDefinition> = BUILTIN_METRICS,
  ) {
    for (const def of Object.values(definitions)) this.define(def);
  }

  define(def: MetricDefinition): void {
    if (this.entries.has(def.name)) return;
    this.entries.set(def.name, { key: def.name, def, tags: {}, sink: newSink(def.type, this.keepSamples) });
  }

  /** Declares a sub-metric such as `http_req_duration{group:::browse}`; the metric must be defined. */
  addSubmetric(ref: MetricReference): void {
    const base = this.entries.get(ref.name);
    if (!base) throw new Error(`unknown metric ${ref.name}`);
    if (Object.keys(ref.tags).length === 0) return;
    const key = formatMetricReference(ref.name, ref.tags);
    if (this.entries.has(key)) return;
    const entry: Entry = { key, def: base.def, tags: { ...ref.tags }, sink: newSink(base.def.type, this.keepSamples) };
    this.entries.set(key, entry);
    const list = this.subs.get(ref.name) ?? [];
    list.push(entry);
    this.subs.set(ref.name, list);
  }

  has(key: string): boolean {
    return this.entries.has(key);
  }

  definition(name: string): MetricDefinition | undefined {
    return this.entries.get(name)?.def;
  }

  /** SampleSink: the store keeps every metric it knows (time is not needed for aggregates). */
  sample(name: string, value: number, tags: Tags | null): void {
    this.add(name, value, tags ?? undefined);
  }

  add(name: string, value: number, tags?: Tags): void {
    const base = this.entries.get(name);
    if (!base) throw new Error(`unknown metric ${name}`);
    base.sink.add(value);
    const subs = this.subs.get(name);
    if (subs && tags) {
      for (const sub of subs) if (matches(sub.tags, tags)) sub.sink.add(value);
    }
  }

  sink(key: string): Sink | undefined {
    return this.entries.get(key)?.sink;
  }

  trend(key: string): TrendSink | undefined {
    const s = this.entries.get(key)?.sink;
    return s instanceof TrendSink ? s : undefined;
  }

  keys(): string[] {
    return [...this.entries.keys()];
  }

  /** Number of samples a metric (or sub-metric) received. */
  sampleCount(key: string): number {
    const s = this.entries.get(key)?.sink;
    if (!s) return 0;
    if (s instanceof TrendSink) return s.count;
    if (s instanceof RateSink) return s.total;
    return s.samples;
  }

  /** k6-style summary of every metric that received samples (sub-metrics under their `name{tags}` key). */
  summarise(durationMs: number): Record<string, MetricSummary> {
    const out: Record<string, MetricSummary> = {};
    for (const entry of this.entries.values()) {
      if (this.sampleCount(entry.key) === 0) continue;
      out[entry.key] = summariseSink(entry.def, entry.sink, durationMs);
    }
    return out;
  }

  snapshot(): MetricStoreSnapshot {
    const entries: MetricEntrySnapshot[] = [];
    for (const e of this.entries.values()) {
      entries.push({
        key: e.key,
        name: e.def.name,
        tags: e.tags,
        type: e.def.type,
        contains: e.def.contains,
        state: sinkState(e.sink),
      });
    }
    return { keepSamples: this.keepSamples, entries };
  }

  /** Merges another store's snapshot exactly: counts add, histograms add, raw samples concatenate. */
  merge(snap: MetricStoreSnapshot, mode: { gauges: 'sum' | 'last' } = { gauges: 'sum' }): void {
    for (const e of snap.entries) {
      if (!this.entries.has(e.name)) this.define({ name: e.name, type: e.type, contains: e.contains });
      if (e.key !== e.name) this.addSubmetric({ text: e.key, name: e.name, tags: e.tags });
      const target = this.entries.get(e.key)!.sink;
      mergeState(target, e.state, mode.gauges);
    }
  }
}

function matches(filter: Tags, tags: Tags): boolean {
  for (const k in filter) if (tags[k] !== filter[k]) return false;
  return true;
}

function sinkState(s: Sink): SinkState {
  if (s instanceof TrendSink) return { type: 'trend', trend: s.snapshot() };
  if (s instanceof RateSink) return { type: 'rate', passes: s.passes, total: s.total };
  if (s instanceof CounterSink) return { type: 'counter', sum: s.sum, samples: s.samples };
  return { type: 'gauge', value: s.value, min: s.min, max: s.max, samples: s.samples };
}

function mergeState(target: Sink, state: SinkState, gauges: 'sum' | 'last'): void {
  if (state.type === 'trend' && target instanceof TrendSink) target.merge(state.trend);
  else if (state.type === 'rate' && target instanceof RateSink) {
    target.passes += state.passes;
    target.total += state.total;
  } else if (state.type === 'counter' && target instanceof CounterSink) {
    target.sum += state.sum;
    target.samples += state.samples;
  } else if (state.type === 'gauge' && target instanceof GaugeSink) {
    if (state.samples === 0) return;
    if (gauges === 'sum' && target.samples > 0) {
      // Segments run side by side: their VU gauges add up (max is an upper bound: segment peaks may not coincide).
      target.value += state.value;
      target.min += state.min;
      target.max += state.max;
    } else {
      target.value = state.value;
      target.min = Math.min(target.min, state.min);
      target.max = Math.max(target.max, state.max);
    }
    target.samples += state.samples;
  } else throw new Error(`cannot merge a ${state.type} into a different metric type`);
}

export function summariseSink(def: MetricDefinition, sink: Sink, durationMs: number): MetricSummary {
  const seconds = durationMs / 1000;
  if (sink instanceof TrendSink) {
    const values: Record<string, number> = {};
    for (const stat of SUMMARY_TREND_STATS) values[stat] = trendStat(sink, stat);
    return { type: 'trend', unit: def.contains === 'time' ? 'ms' : def.contains === 'data' ? 'B' : undefined, values };
  }
  if (sink instanceof RateSink)
    return { type: 'rate', values: { rate: sink.rate, passes: sink.passes, fails: sink.total - sink.passes } };
  if (sink instanceof CounterSink) {
    return {
      type: 'counter',
      ...(def.contains === 'data' ? { unit: 'B' } : {}),
      values: { count: sink.sum, rate: seconds > 0 ? sink.sum / seconds : 0 },
    };
  }
  return { type: 'gauge', values: { value: sink.value, min: sink.min, max: sink.max } };
}

/** One trend statistic by its k6 name: count, avg, min, med, max or p(N). */
export function trendStat(sink: TrendSink, stat: string): number {
  if (sink.count === 0) return Number.NaN;
  switch (stat) {
    case 'count':
      return sink.count;
    case 'avg':
      return sink.sum / sink.count;
    case 'min':
      return sink.min;
    case 'max':
      return sink.max;
    case 'med':
      return sink.percentile(50);
  }
  const m = /^p\((\d+(?:\.\d+)?)\)$/.exec(stat);
  if (!m) throw new Error(`unknown trend stat ${stat}`);
  return sink.percentile(Number(m[1]));
}
