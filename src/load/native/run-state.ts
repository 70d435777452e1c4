import { once } from 'node:events';
import { MetricStore } from '../metric-store.js';
import type { SampleSink } from '../sample-sink.js';

/**
 * The mutable state of one run of a segment (the warm-up is a run of its own): made fresh for each run, never reset.
 * `stop` ends scheduling; `interrupt` cuts in-flight requests (after gracefulStop, or at once on Ctrl-C).
 */
export class RunState {
  requests = 0;
  failures = 0;
  iterations = 0;
  dropped = 0;
  responses = 0;
  scheduled = 0;
  started = 0;
  readonly networkErrors: Record<string, number> = {};
  readonly templateErrors: Record<string, number> = {};
  maxLagMs = 0;
  lastDispatchMs = 0;
  vusAllocated = 0;
  partial = false;
  /** performance.now() at which the measured clock started. */
  origin = 0;
  readonly stop = new AbortController();
  readonly interrupt = new AbortController();
  private inFlight = 0;
  private readonly idle = new EventTarget();

  constructor(
    /** Aggregates of this run (the warm-up's is discarded). */
    readonly store: MetricStore,
    /** Every sample of this run goes here: the store and, for measured runs, NDJSON and progress. */
    readonly sink: SampleSink,
  ) {}

  countNetworkError(code: string): void {
    this.networkErrors[code] = (this.networkErrors[code] ?? 0) + 1;
  }

  countTemplateError(expression: string): void {
    this.templateErrors[expression] = (this.templateErrors[expression] ?? 0) + 1;
  }

  /** Tracks an iteration (or a VU loop) until it settles, for draining at the end. */
  track(p: Promise<unknown>): void {
    this.begin();
    const done = () => this.end();
    p.then(done, done);
  }

  /** begin/end: the same tracking without a promise (the open model's hot path). */
  begin(): void {
    this.inFlight++;
  }

  end(): void {
    if (--this.inFlight === 0) this.idle.dispatchEvent(new Event('idle'));
  }

  /** Resolves when nothing tracked is running. */
  async settled(): Promise<void> {
    if (this.inFlight > 0) await once(this.idle, 'idle');
  }

  get running(): number {
    return this.inFlight;
  }
}
