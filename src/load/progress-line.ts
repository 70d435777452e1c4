import type { SegmentProgress } from './native/segment-io.js';
import type { SampleSink, Tags } from './sample-sink.js';

/** Live counts of a run for the progress line: a SampleSink fed with the measured samples. */
export class ProgressCounter implements SampleSink {
  private requests = 0;
  private failures = 0;
  private iterations = 0;
  private dropped = 0;

  sample(metric: string, value: number, _tags: Tags | null, _atMs: number): void {
    if (metric === 'http_reqs') this.requests += value;
    else if (metric === 'http_req_failed') this.failures += value;
    else if (metric === 'iterations') this.iterations += value;
    else if (metric === 'dropped_iterations') this.dropped += value;
  }

  counts(): Omit<SegmentProgress, 'p99Ms'> {
    return { requests: this.requests, failures: this.failures, iterations: this.iterations, dropped: this.dropped };
  }
}

/** One self-overwriting stderr line: elapsed, req/s over the last tick, errors, running p99. TTY only. */
export class ProgressLine {
  private lastRequests = 0;
  private lastMs = 0;

  constructor(
    private readonly scenario: string,
    private readonly stream: NodeJS.WriteStream,
  ) {}

  update(p: SegmentProgress, elapsedMs: number): void {
    const dt = (elapsedMs - this.lastMs) / 1000;
    const rps = dt > 0 ? (p.requests - this.lastRequests) / dt : 0;
    this.lastRequests = p.requests;
    this.lastMs = elapsedMs;
    const text =
      `${this.scenario}  ${(elapsedMs / 1000).toFixed(0)}s  ${rps.toFixed(0)} req/s  ${p.requests} reqs` +
      `  ${p.failures} errors${p.dropped ? `  ${p.dropped} dropped` : ''}` +
      `  p99 ${p.p99Ms === null ? '-' : `${p.p99Ms.toFixed(1)}ms`}`;
    this.stream.write(`\r\x1b[2K${text}`);
  }

  done(): void {
    if (this.lastMs > 0) this.stream.write('\r\x1b[2K');
  }
}
