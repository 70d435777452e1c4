import type { SegmentProgress } from './segment-runner.js';

/** One self-overwriting stderr line: elapsed, req/s over the last tick, errors, running p99. TTY only. */
export class ProgressLine {
  private lastRequests = 0;
  private lastMs = 0;

  constructor(private readonly scenario: string, private readonly stream: NodeJS.WriteStream) {}

  update(p: SegmentProgress, elapsedMs: number): void {
    const dt = (elapsedMs - this.lastMs) / 1000;
    const rps = dt > 0 ? (p.requests - this.lastRequests) / dt : 0;
    this.lastRequests = p.requests;
    this.lastMs = elapsedMs;
    const text = `${this.scenario}  ${(elapsedMs / 1000).toFixed(0)}s  ${rps.toFixed(0)} req/s  ${p.requests} reqs  ${p.failures} errors`
      + `${p.dropped ? `  ${p.dropped} dropped` : ''}  p99 ${p.p99Ms === null ? '-' : `${p.p99Ms.toFixed(1)}ms`}`;
    this.stream.write(`\r\x1b[2K${text}`);
  }

  done(): void {
    if (this.lastMs > 0) this.stream.write('\r\x1b[2K');
  }
}
