export class BulkheadFullError extends Error {
  constructor(readonly target: string) {
    super(`bulkhead for ${target} is full`);
    this.name = 'BulkheadFullError';
  }
}

/** Caps concurrent calls to one dependency; excess callers queue up to `maxQueue`, beyond that they are refused. */
export class Bulkhead {
  private active = 0;
  private readonly queue: Array<() => void> = [];

  constructor(readonly target: string, private readonly maxConcurrent = 64, private readonly maxQueue = 1024) {}

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.active >= this.maxConcurrent) {
      if (this.queue.length >= this.maxQueue) throw new BulkheadFullError(this.target);
      await new Promise<void>((resolve) => this.queue.push(resolve));
    }
    this.active += 1;
    try {
      return await fn();
    } finally {
      this.active -= 1;
      this.queue.shift()?.();
    }
  }
}
