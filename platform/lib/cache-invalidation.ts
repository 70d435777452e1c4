// Invalidation of in-process read caches across the processes of one platform (`--workers N`).
// A write awaits `invalidate` before answering, so no process serves the stale entry once the write is acknowledged.

export type InvalidationHandler = (scope: string, key: string | null) => void;

export interface CacheInvalidationBus {
  invalidate(scope: string, key: string | null): Promise<void>;
  onInvalidate(fn: InvalidationHandler): void;
}

interface Channel {
  send(msg: unknown): unknown;
  on(event: 'message', fn: (msg: unknown) => void): unknown;
}

interface CacheMsg {
  t: 'cache';
  op: 'invalidate' | 'apply' | 'applied' | 'done';
  id: number;
  scope?: string;
  key?: string | null;
}

/** Single process: handlers run synchronously. */
export class LocalInvalidationBus implements CacheInvalidationBus {
  protected readonly handlers: InvalidationHandler[] = [];

  onInvalidate(fn: InvalidationHandler): void {
    this.handlers.push(fn);
  }

  invalidate(scope: string, key: string | null): Promise<void> {
    for (const h of this.handlers) h(scope, key);
    return Promise.resolve();
  }
}

/** A worker: applies locally, then asks the primary to apply everywhere else and waits for it. */
export class WorkerInvalidationBus extends LocalInvalidationBus {
  private next = 1;
  private readonly waiting = new Map<number, () => void>();

  constructor(private readonly channel: Channel = process as unknown as Channel) {
    super();
    channel.on('message', (raw) => {
      const m = raw as CacheMsg;
      if (m?.t !== 'cache') return;
      if (m.op === 'apply') {
        for (const h of this.handlers) h(m.scope!, m.key ?? null);
        channel.send({ t: 'cache', op: 'applied', id: m.id });
      } else if (m.op === 'done') {
        this.waiting.get(m.id)?.();
        this.waiting.delete(m.id);
      }
    });
  }

  override async invalidate(scope: string, key: string | null): Promise<void> {
    await super.invalidate(scope, key);
    const id = this.next++;
    await new Promise<void>((resolve) => {
      this.waiting.set(id, resolve);
      this.channel.send({ t: 'cache', op: 'invalidate', id, scope, key });
    });
  }
}

/** The primary: relays each worker's invalidation to every other live worker and reports back when all applied it. */
export class InvalidationRelay {
  private next = 1;
  private readonly peers = new Set<Channel & { isDead?(): boolean }>();
  private readonly pending = new Map<number, { left: Set<Channel>; done: () => void }>();

  add(worker: Channel & { isDead?(): boolean }): void {
    this.peers.add(worker);
    worker.on('message', (raw) => {
      const m = raw as CacheMsg;
      if (m?.t !== 'cache') return;
      if (m.op === 'invalidate') {
        const others = [...this.peers].filter((p) => p !== worker && !p.isDead?.());
        const reply = () => worker.send({ t: 'cache', op: 'done', id: m.id });
        if (others.length === 0) return reply();
        const rid = this.next++;
        this.pending.set(rid, { left: new Set(others), done: reply });
        for (const p of others) p.send({ t: 'cache', op: 'apply', id: rid, scope: m.scope, key: m.key ?? null });
      } else if (m.op === 'applied') {
        this.ack(m.id, worker);
      }
    });
  }

  /** The primary's own invalidations (e.g. from event subscribers or the expiry sweeper) reach every worker. */
  broadcast(scope: string, key: string | null): Promise<void> {
    const live = [...this.peers].filter((p) => !p.isDead?.());
    if (live.length === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const rid = this.next++;
      this.pending.set(rid, { left: new Set(live), done: resolve });
      for (const p of live) p.send({ t: 'cache', op: 'apply', id: rid, scope, key });
    });
  }

  /** A worker that exits no longer has to acknowledge anything. */
  remove(worker: Channel): void {
    this.peers.delete(worker);
    for (const id of [...this.pending.keys()]) this.ack(id, worker);
  }

  private ack(id: number, from: Channel): void {
    const p = this.pending.get(id);
    if (!p) return;
    p.left.delete(from);
    if (p.left.size === 0) {
      this.pending.delete(id);
      p.done();
    }
  }
}

/** The primary of a worker cluster: applies locally and to every worker. */
export class RelayingInvalidationBus extends LocalInvalidationBus {
  constructor(private readonly relay: InvalidationRelay) {
    super();
  }

  override async invalidate(scope: string, key: string | null): Promise<void> {
    await super.invalidate(scope, key);
    await this.relay.broadcast(scope, key);
  }
}
