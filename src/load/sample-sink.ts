/** Sample tags, k6 style (scenario, name, group, method, status, …). */
export type Tags = Record<string, string>;

/**
 * Where an engine emits samples (k6's Output): the metric store, the NDJSON writer, the live progress counter.
 * `atMs` is a `performance.now()` time of the emitting thread.
 */
export interface SampleSink {
  sample(metric: string, value: number, tags: Tags | null, atMs: number): void;
}

/** Several sinks as one. */
export class SampleFanout implements SampleSink {
  private readonly sinks: SampleSink[];

  constructor(sinks: Array<SampleSink | null | undefined>) {
    this.sinks = sinks.filter((s): s is SampleSink => s !== null && s !== undefined);
  }

  sample(metric: string, value: number, tags: Tags | null, atMs: number): void {
    for (const s of this.sinks) s.sample(metric, value, tags, atMs);
  }
}
