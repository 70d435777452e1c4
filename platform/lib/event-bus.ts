import type { EventEnvelope, EventType } from '../contracts/events.js';
import type { Db, Queryable } from './db.js';
import { positionBefore } from './event-store.js';

/**
 * A subscriber to the event store. Delivery is at-least-once: each batch runs in one transaction together with
 * the checkpoint, and every event id is recorded per subscriber, so a redelivered event is skipped.
 */
export interface Subscriber {
  name: string;
  types: readonly EventType[];
  handle(tx: Queryable, event: EventEnvelope): Promise<void>;
  /** Optional set-based form for catch-up speed; must have the same effect as `handle` on each event in order. */
  handleBatch?(tx: Queryable, events: EventEnvelope[]): Promise<void>;
  /** Subscribers whose checkpoint must be at or past an event before this one receives it. */
  after?: readonly string[];
  /** For projections: empties the read model before a full rebuild. Subscribers without it are not replayed. */
  reset?(tx: Queryable): Promise<void>;
}

export interface EventBusOptions {
  pollMs?: number;
  batchSize?: number;
  onError?: (subscriber: string, error: unknown) => void;
}

export class EventBus {
  private readonly subscribers: Subscriber[] = [];
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  private readonly pollMs: number;
  private readonly batchSize: number;

  constructor(private readonly db: Db, private readonly opts: EventBusOptions = {}) {
    this.pollMs = opts.pollMs ?? 100;
    this.batchSize = opts.batchSize ?? 1000;
  }

  subscribe(s: Subscriber): void {
    if (this.subscribers.some((x) => x.name === s.name)) throw new Error(`duplicate subscriber ${s.name}`);
    this.subscribers.push(s);
  }

  start(): void {
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      this.kick()
        .catch(() => {})
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, this.pollMs);
        });
    };
    this.timer = setTimeout(tick, 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => {});
  }

  /** Delivers everything pending to every subscriber; concurrent calls coalesce into one more pass. */
  kick(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          for (const s of this.subscribers) {
            try {
              while ((await this.deliverBatch(s)) === this.batchSize && !this.stopped);
            } catch (e) {
              this.opts.onError?.(s.name, e);
            }
          }
        } while (this.again && !this.stopped);
      } finally {
        this.running = null;
      }
    })();
    return this.running;
  }

  /** Resolves once every subscriber has processed every event committed before the call. */
  async drain(): Promise<void> {
    for (let i = 0; i < 1000; i++) {
      await this.kick();
      const pending = await this.pendingCount();
      if (pending === 0) return;
    }
    throw new Error('event bus did not drain');
  }

  /** Events appended but not yet checkpointed by the slowest subscriber (0 when caught up). */
  async lag(): Promise<number> {
    if (this.subscribers.length === 0) return 0;
    const r = await this.db.query<{ lag: number }>(
      `SELECT COALESCE((SELECT MAX(seq) FROM eventstore.events), 0)
              - COALESCE((SELECT MIN(COALESCE(c.position, 0)) FROM unnest($1::text[]) AS s(name)
                            LEFT JOIN eventstore.checkpoints c ON c.subscriber = s.name), 0) AS lag`,
      [this.subscribers.map((x) => x.name)],
    );
    return r[0]!.lag;
  }

  private async pendingCount(): Promise<number> {
    let total = 0;
    for (const s of this.subscribers) {
      const r = await this.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM eventstore.events
          WHERE seq > COALESCE((SELECT position FROM eventstore.checkpoints WHERE subscriber = $1), 0) AND type = ANY($2::text[])`,
        [s.name, s.types],
      );
      total += r[0]!.n;
    }
    return total;
  }

  private async deliverBatch(s: Subscriber): Promise<number> {
    return this.db.transaction(async (tx) => {
      await tx.query('INSERT INTO eventstore.checkpoints (subscriber) VALUES ($1) ON CONFLICT DO NOTHING', [s.name]);
      // The row lock makes concurrent workers take turns per subscriber instead of racing on the same batch.
      const cp = await tx.query<{ position: number }>('SELECT position FROM eventstore.checkpoints WHERE subscriber = $1 FOR UPDATE', [s.name]);
      const from = cp[0]!.position;
      let upTo = Number.MAX_SAFE_INTEGER;
      if (s.after?.length) {
        const deps = await tx.query<{ p: number }>(
          'SELECT COALESCE(MIN(position), 0) AS p FROM eventstore.checkpoints WHERE subscriber = ANY($1::text[])',
          [s.after],
        );
        const known = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM eventstore.checkpoints WHERE subscriber = ANY($1::text[])', [s.after]);
        upTo = known[0]!.n === s.after.length ? deps[0]!.p : 0;
      }
      // Commit order equals sequence order (appends hold a lock until commit), so every event up to the head read
      // here is visible; the checkpoint may then skip over events of types this subscriber ignores.
      const head = (await tx.query<{ h: number }>('SELECT COALESCE(MAX(seq), 0) AS h FROM eventstore.events'))[0]!.h;
      const limitSeq = Math.min(head, upTo);
      if (limitSeq <= from) return 0;
      const rows = await tx.query<{ seq: number; event_id: string; stream: string; version: number; type: string; data: unknown; recorded_at: Date }>(
        'SELECT * FROM eventstore.events WHERE seq > $1 AND seq <= $3 AND type = ANY($4::text[]) ORDER BY seq LIMIT $2',
        [from, this.batchSize, limitSeq, s.types],
      );
      // One statement records the whole batch as processed; ids already recorded (a redelivery) come back missing.
      const fresh = new Set(
        (
          await tx.query<{ event_id: string }>(
            `INSERT INTO eventstore.processed (subscriber, event_id) SELECT $1, unnest($2::uuid[])
             ON CONFLICT DO NOTHING RETURNING event_id`,
            [s.name, rows.map((r) => r.event_id)],
          )
        ).map((x) => x.event_id),
      );
      const envelopes: EventEnvelope[] = rows
        .filter((r) => fresh.has(r.event_id))
        .map((r) => ({
          seq: r.seq,
          eventId: r.event_id,
          stream: r.stream,
          version: r.version,
          type: r.type as EventEnvelope['type'],
          data: r.data as EventEnvelope['data'],
          recordedAt: new Date(r.recorded_at).toISOString(),
        }));
      if (s.handleBatch) {
        if (envelopes.length > 0) await s.handleBatch(tx, envelopes);
      } else {
        for (const e of envelopes) await s.handle(tx, e);
      }
      const full = rows.length === this.batchSize;
      const position = full ? rows[rows.length - 1]!.seq : limitSeq;
      await tx.query('UPDATE eventstore.checkpoints SET position = $2, updated_at = now() WHERE subscriber = $1', [s.name, position]);
      return full ? rows.length : 0;
    });
  }

  /**
   * Rebuilds the read models of every resettable subscriber from the events recorded at or after `from`.
   * Handlers are idempotent (delivery is at-least-once anyway), so re-applying the suffix over the current state
   * yields the state the live projection has; a `from` at or before the first event empties the models first.
   */
  async replay(from: Date): Promise<void> {
    const position = await positionBefore(this.db, from);
    await this.running?.catch(() => {});
    for (const s of this.subscribers.filter((x) => x.reset)) {
      await this.db.transaction(async (tx) => {
        if (position === 0) await s.reset!(tx);
        await tx.query(
          `DELETE FROM eventstore.processed p USING eventstore.events e
            WHERE p.subscriber = $1 AND e.event_id = p.event_id AND e.seq > $2`,
          [s.name, position],
        );
        await tx.query(
          `INSERT INTO eventstore.checkpoints (subscriber, position) VALUES ($1, $2)
           ON CONFLICT (subscriber) DO UPDATE SET position = EXCLUDED.position, updated_at = now()`,
          [s.name, position],
        );
      });
    }
    await this.drain();
  }
}
