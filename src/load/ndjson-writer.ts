import { closeSync, openSync, writeSync } from 'node:fs';
import { BUILTIN_METRICS, type MetricDefinition } from './metric-types.js';
import type { SampleSink, Tags } from './sample-sink.js';

/**
 * Writes samples in k6's `--out json` shape: a `Metric` line declaring each metric before its first `Point` line.
 * Buffered; flushed synchronously in ~1 MB chunks.
 */
export class NdjsonWriter implements SampleSink {
  private readonly fd: number;
  private buf: string[] = [];
  private size = 0;
  private readonly declared = new Set<string>();

  /** `epochOffsetMs` turns the emitting thread's `performance.now()` times into epoch ms. */
  constructor(
    readonly file: string,
    private readonly thresholdsByMetric: Record<string, string[]> = {},
    private readonly epochOffsetMs = performance.timeOrigin,
  ) {
    this.fd = openSync(file, 'w');
  }

  sample(metric: string, value: number, tags: Tags | null, atMs: number): void {
    this.point(BUILTIN_METRICS[metric], value, tags, this.epochOffsetMs + atMs);
  }

  declare(def: MetricDefinition): void {
    if (this.declared.has(def.name)) return;
    this.declared.add(def.name);
    const submetrics = Object.keys(this.thresholdsByMetric)
      .filter((k) => k.startsWith(`${def.name}{`))
      .map((k) => ({ name: k, suffix: k.slice(def.name.length + 1, -1), thresholds: this.thresholdsByMetric[k] }));
    this.line({
      type: 'Metric',
      data: {
        name: def.name,
        type: def.type,
        contains: def.contains,
        tainted: null,
        thresholds: this.thresholdsByMetric[def.name] ?? [],
        submetrics: submetrics.length ? submetrics : null,
      },
      metric: def.name,
    });
  }

  point(def: MetricDefinition, value: number, tags: Tags | null, epochMs: number): void {
    if (!this.declared.has(def.name)) this.declare(def);
    this.raw(
      `{"type":"Point","data":{"time":"${new Date(epochMs).toISOString()}","value":${value},"tags":${tags ? JSON.stringify(tags) : 'null'}},"metric":"${def.name}"}\n`,
    );
  }

  private line(obj: unknown): void {
    this.raw(`${JSON.stringify(obj)}\n`);
  }

  private raw(s: string): void {
    this.buf.push(s);
    this.size += s.length;
    if (this.size > 1_000_000) this.flush();
  }

  flush(): void {
    if (this.buf.length === 0) return;
    writeSync(this.fd, this.buf.join(''));
    this.buf = [];
    this.size = 0;
  }

  close(): void {
    this.flush();
    closeSync(this.fd);
  }
}
