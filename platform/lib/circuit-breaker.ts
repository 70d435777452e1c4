export type BreakerState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold?: number;
  /** How long the circuit stays open before one trial call is let through. */
  openMs?: number;
  now?: () => number;
}

export class CircuitOpenError extends Error {
  constructor(readonly target: string) {
    super(`circuit to ${target} is open`);
    this.name = 'CircuitOpenError';
  }
}

/** Classic three-state breaker around calls to one downstream service. */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private trialInFlight = false;
  state: BreakerState = 'closed';
  private readonly threshold: number;
  private readonly openMs: number;
  private readonly now: () => number;

  constructor(readonly target: string, opts: CircuitBreakerOptions = {}) {
    this.threshold = opts.failureThreshold ?? 5;
    this.openMs = opts.openMs ?? 2000;
    this.now = opts.now ?? Date.now;
  }

  async call<T>(fn: () => Promise<T>): Promise<T> {
    if (this.state === 'open') {
      if (this.now() - this.openedAt < this.openMs) throw new CircuitOpenError(this.target);
      this.state = 'half-open';
    }
    if (this.state === 'half-open') {
      if (this.trialInFlight) throw new CircuitOpenError(this.target);
      this.trialInFlight = true;
    }
    try {
      const result = await fn();
      this.failures = 0;
      this.state = 'closed';
      return result;
    } catch (e) {
      this.failures += 1;
      if (this.state === 'half-open' || this.failures >= this.threshold) {
        this.state = 'open';
        this.openedAt = this.now();
      }
      throw e;
    } finally {
      this.trialInFlight = false;
    }
  }
}
