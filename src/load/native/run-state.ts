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
  /**
   * `interrupt.signal.aborted` as a plain field, for the hot path: the signal's getter, optimised on the warm-up's
   * signal, was deoptimised ("wrong map") on each run's fresh one as the measured run started.
   */
  interrupted = false;
  private inFlight = 0;
  /** Resolvers of settled() calls waiting for in-flight work to end. */
  private idleWaiters: Array<() => void> = [];

  constructor(
    /** Aggregates of this run (the warm-up's is discarded). */
    readonly store: MetricStore,
    /** Every sample of this run goes here: the store and, for measured runs, NDJSON and progress. */
    readonly sink: SampleSink,
  ) {
    this.interrupt.signal.addEventListener('abort', () => (this.interrupted = true), { once: true });
  }

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
    // no event per idle moment: the open model reaches zero in flight thousands of times a second
    if (--this.inFlight === 0 && this.idleWaiters.length > 0) {
      const waiters = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of waiters) resolve();
    }
  }

  /** Resolves when nothing tracked is running. */
  async settled(): Promise<void> {
    if (this.inFlight > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  get running(): number {
    return this.inFlight;
  }
}
