import {
  BrokenCircuitError,
  BulkheadRejectedError,
  CircuitState,
  ExponentialBackoff,
  IsolatedCircuitError,
  SamplingBreaker,
  TaskCancelledError,
  TimeoutStrategy,
  bulkhead,
  circuitBreaker,
  handleWhen,
  retry,
  timeout,
  type BulkheadPolicy,
  type CircuitBreakerPolicy,
  type RetryPolicy,
  type TimeoutPolicy,
} from 'cockatiel';
import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * Resilience for every call that leaves a service (another service, the database, Redis), built on cockatiel:
 * a timeout, a circuit breaker that opens on a failure *rate* in a sliding window where slow calls count as failures,
 * bulkheads with bounded queues in two priority lanes, and jittered retries for idempotent calls only.
 */
export interface GuardOptions {
  /** A call running longer than this is abandoned (aggressive) and counts as a failure. 0 disables. */
  timeoutMs?: number;
  /** Fraction of failed (or slow) calls in the window that opens the circuit, in (0, 1). */
  failureRate?: number;
  /** A call that succeeds but takes longer than this counts as a failure for the breaker. */
  slowCallMs?: number;
  /** Sliding window of the failure rate. */
  windowMs?: number;
  /** Calls needed in the window before the rate may open the circuit (no tripping on two unlucky calls). */
  minimumCalls?: number;
  /** How long the circuit stays open before one trial call is let through. */
  halfOpenAfterMs?: number;
  /** Concurrent calls per lane; excess waits in a queue of `queue`, beyond that the call is refused at once. */
  concurrency?: number;
  queue?: number;
  /** Capacity of the background lane (a share apart from the critical lane, so it never starves it). */
  backgroundConcurrency?: number;
  backgroundQueue?: number;
  /** Extra attempts for idempotent calls (with decorrelated jitter backoff). */
  retries?: number;
  retryInitialDelayMs?: number;
  /** Which errors count against the breaker (default: all). Business errors of a healthy dependency should not. */
  isFailure?: (e: Error) => boolean;
}

/** Critical work (publishing, saga steps, reads a user waits for) vs background fan-out (notifications). */
export type Lane = 'critical' | 'background';

export interface CallOptions {
  /** Only idempotent calls are retried. */
  idempotent?: boolean;
  lane?: Lane;
}

/** Refused without running: circuit open or bulkhead full. Callers map it to 503. */
export class GuardRejectedError extends Error {
  constructor(
    readonly target: string,
    readonly reason: 'circuit_open' | 'bulkhead_full' | 'timeout',
    cause?: unknown,
  ) {
    super(
      reason === 'circuit_open'
        ? `circuit to ${target} is open`
        : reason === 'bulkhead_full'
          ? `bulkhead for ${target} is full`
          : `call to ${target} timed out`,
      { cause },
    );
    this.name = 'GuardRejectedError';
  }
}

const DEFAULTS: Required<Omit<GuardOptions, 'isFailure'>> = {
  timeoutMs: 5000,
  failureRate: 0.5,
  slowCallMs: 2000,
  windowMs: 10_000,
  minimumCalls: 10,
  halfOpenAfterMs: 2000,
  concurrency: 64,
  queue: 1024,
  backgroundConcurrency: 16,
  backgroundQueue: 256,
  retries: 2,
  retryInitialDelayMs: 20,
};

interface Timed<T> {
  value: T;
  ms: number;
}

const STATE_NAMES: Record<CircuitState, string> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

/** One downstream dependency as seen from this process. */
export class Guard {
  readonly breaker: CircuitBreakerPolicy;
  readonly lanes: Record<Lane, BulkheadPolicy>;
  readonly capacity: Record<Lane, { slots: number; queue: number }>;
  private readonly timeoutPolicy: TimeoutPolicy | null;
  private readonly retryPolicy: RetryPolicy | null;
  private readonly o: Required<Omit<GuardOptions, 'isFailure'>>;
  readonly counts = { opened: 0, rejected: 0, slow: 0, timeouts: 0, retries: 0 };

  constructor(
    readonly target: string,
    opts: GuardOptions = {},
  ) {
    this.o = { ...DEFAULTS, ...opts };
    const slowMs = this.o.slowCallMs;
    // A slow success is recorded as a failure by the breaker, and its value is still returned to the caller.
    const isFailure = opts.isFailure ?? (() => true);
    const failures = handleWhen(
      (e) => !(e instanceof BrokenCircuitError || e instanceof IsolatedCircuitError) && isFailure(e),
    ).orWhenResult((r) => (r as Timed<unknown>).ms > slowMs);
    this.breaker = circuitBreaker(failures, {
      halfOpenAfter: this.o.halfOpenAfterMs,
      breaker: new SamplingBreaker({
        threshold: this.o.failureRate,
        duration: this.o.windowMs,
        minimumRps: (this.o.minimumCalls * 1000) / this.o.windowMs,
      }),
    });
    this.breaker.onBreak(() => (this.counts.opened += 1));
    this.lanes = {
      critical: bulkhead(this.o.concurrency, this.o.queue),
      background: bulkhead(this.o.backgroundConcurrency, this.o.backgroundQueue),
    };
    this.capacity = {
      critical: { slots: this.o.concurrency, queue: this.o.queue },
      background: { slots: this.o.backgroundConcurrency, queue: this.o.backgroundQueue },
    };
    for (const lane of Object.values(this.lanes)) lane.onReject(() => (this.counts.rejected += 1));
    // No abort when a call returns: nothing reads the signal after that, and each abort builds a DOMException
    // (a stack capture: about half of what the policy costs per call).
    this.timeoutPolicy =
      this.o.timeoutMs > 0
        ? timeout(this.o.timeoutMs, { strategy: TimeoutStrategy.Aggressive, abortOnReturn: false })
        : null;
    this.retryPolicy =
      this.o.retries > 0
        ? retry(
            handleWhen((e) => !(e instanceof GuardRejectedError && e.reason !== 'timeout')),
            {
              maxAttempts: this.o.retries,
              backoff: new ExponentialBackoff({ initialDelay: this.o.retryInitialDelayMs, maxDelay: 500 }),
            },
          )
        : null;
    this.retryPolicy?.onRetry(() => (this.counts.retries += 1));
  }

  get state(): string {
    return STATE_NAMES[this.breaker.state];
  }

  /** Runs `fn` through lane bulkhead → breaker → timeout; idempotent calls are retried on failure. */
  run<T>(fn: (signal: AbortSignal) => Promise<T>, call: CallOptions = {}): Promise<T> {
    const once = () => this.once(fn, call.lane ?? 'critical');
    return call.idempotent && this.retryPolicy ? this.retryPolicy.execute(once) : once();
  }

  private async once<T>(fn: (signal: AbortSignal) => Promise<T>, lane: Lane): Promise<T> {
    try {
      const timed = await this.lanes[lane].execute(() =>
        this.breaker.execute(async ({ signal }) => {
          const t0 = performance.now();
          // No parent signal for the timeout: the breaker's is one shared never-aborted signal, and deriving from it
          // would add (and later remove) an abort listener on it per concurrent call.
          const value = this.timeoutPolicy ? await this.timeoutPolicy.execute((c) => fn(c.signal)) : await fn(signal);
          return { value, ms: performance.now() - t0 } satisfies Timed<T>;
        }),
      );
      if (timed.ms > this.o.slowCallMs) this.counts.slow += 1;
      return timed.value;
    } catch (e) {
      if (e instanceof BrokenCircuitError || e instanceof IsolatedCircuitError)
        throw new GuardRejectedError(this.target, 'circuit_open', e);
      if (e instanceof BulkheadRejectedError) throw new GuardRejectedError(this.target, 'bulkhead_full', e);
      if (e instanceof TaskCancelledError) {
        this.counts.timeouts += 1;
        throw new GuardRejectedError(this.target, 'timeout', e);
      }
      throw e;
    }
  }
}

const registered = new WeakMap<Registry, Set<Guard>>();

/**
 * Exposes breaker and bulkhead state of `guard` on `registry` (the service's /metrics). Gauges are read at scrape
 * time, so a call pays nothing for them.
 */
export function exposeGuardMetrics(registry: Registry, guard: Guard): void {
  let guards = registered.get(registry);
  if (!guards) {
    const set = new Set<Guard>();
    guards = set;
    registered.set(registry, set);
    new Gauge({
      name: 'pitchey_breaker_state',
      help: 'Circuit breaker state per downstream target (0 closed, 1 open, 2 half-open, 3 isolated)',
      labelNames: ['target'],
      registers: [registry],
      collect() {
        for (const g of set) this.set({ target: g.target }, g.breaker.state);
      },
    });
    new Gauge({
      name: 'pitchey_bulkhead_active',
      help: 'Calls running inside the bulkhead per target and lane',
      labelNames: ['target', 'lane'],
      registers: [registry],
      collect() {
        for (const g of set)
          for (const [lane, b] of Object.entries(g.lanes))
            this.set({ target: g.target, lane }, g.capacity[lane as Lane].slots - b.executionSlots);
      },
    });
    new Gauge({
      name: 'pitchey_bulkhead_queued',
      help: 'Calls waiting for a bulkhead slot per target and lane',
      labelNames: ['target', 'lane'],
      registers: [registry],
      collect() {
        for (const g of set)
          for (const [lane, b] of Object.entries(g.lanes))
            this.set({ target: g.target, lane }, g.capacity[lane as Lane].queue - b.queueSlots);
      },
    });
    for (const [name, key, help] of [
      ['pitchey_breaker_opened_total', 'opened', 'Times the circuit opened'],
      ['pitchey_guard_rejected_total', 'rejected', 'Calls refused by a full bulkhead'],
      ['pitchey_guard_slow_calls_total', 'slow', 'Calls slower than the slow-call threshold'],
      ['pitchey_guard_timeouts_total', 'timeouts', 'Calls abandoned at their timeout'],
      ['pitchey_guard_retries_total', 'retries', 'Retries of idempotent calls'],
    ] as const) {
      new Counter({
        name,
        help,
        labelNames: ['target'],
        registers: [registry],
        collect() {
          this.reset();
          for (const g of set) this.inc({ target: g.target }, g.counts[key]);
        },
      });
    }
  }
  guards.add(guard);
}
