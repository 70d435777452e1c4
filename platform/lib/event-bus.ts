import type { EventEnvelope, EventType } from '../contracts/events.js';
import type { Db, Queryable } from './db.js';
import { EVENTS_CHANNEL, positionBefore } from './event-store.js';
import { contextFromTraceparent, SpanKind, tracer, tracingEnabled } from './tracing.js';

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
  /** Poll interval without LISTEN/NOTIFY. */
  pollMs?: number;
  /** Poll interval while listening: only a safety net then, since every append notifies. */
  listeningPollMs?: number;
  /** Notifications arriving within this window are delivered in one pass (batches under write load). */
  notifyCoalesceMs?: number;
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
  private unlisten: (() => Promise<void>) | null = null;
  private listening = false;
  private notified = new Set<string>();
  private notifyTimer: NodeJS.Timeout | null = null;
  private readonly followers: Array<{ types: Set<string>; fn: (e: EventEnvelope) => void }> = [];
  private followFrom: number | null = null;
  private following: Promise<void> | null = null;
  private tailAgain = false;
  /** Checkpoint each subscriber had when this process last wrote or read it: lets a pass skip idle subscribers. */
  private readonly known = new Map<string, number>();

  constructor(
    private readonly db: Db,
    private readonly opts: EventBusOptions = {},
  ) {
    this.pollMs = opts.pollMs ?? 100;
    this.batchSize = opts.batchSize ?? 1000;
  }

  subscribe(s: Subscriber): void {
    if (this.subscribers.some((x) => x.name === s.name)) throw new Error(`duplicate subscriber ${s.name}`);
    this.subscribers.push(s);
  }

  /**
   * Delivers in the background: on every NOTIFY of an append (from any process on this database) to the subscribers
   * of the appended types, and by polling as a safety net (a notification lost while the listening connection was
   * down is caught up on reconnect and by the next poll). Delivery stays at-least-once either way.
   */
  start(): void {
    this.stopped = false;
    const tick = () => {
      if (this.stopped) return;
      this.tail(null);
      this.kick()
        .catch(() => {})
        .finally(() => {
          if (!this.stopped)
            this.timer = setTimeout(tick, this.listening ? (this.opts.listeningPollMs ?? 1000) : this.pollMs);
        });
    };
    this.timer = setTimeout(tick, 0);
    this.db
      .listen?.(
        EVENTS_CHANNEL,
        (payload) => this.onNotify(payload),
        () => void this.kick().catch(() => {}),
      )
      .then(
        (unlisten) => {
          if (this.stopped) return void unlisten().catch(() => {});
          this.unlisten = unlisten;
          this.listening = true;
        },
        (e: unknown) => this.opts.onError?.('listen', e),
      );
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.listening = false;
    if (this.timer) clearTimeout(this.timer);
    if (this.notifyTimer) clearTimeout(this.notifyTimer);
    await this.unlisten?.().catch(() => {});
    this.unlisten = null;
    await this.running?.catch(() => {});
  }

  /**
   * Calls `fn` for every event of `types` committed from now on, in this process — by any process or instance on this
   * database. Not checkpointed (every process hears every event; one missed while down is not replayed), which is
   * what cache invalidation wants: entries also expire, so a miss costs staleness bounded by the TTL.
   */
  follow(types: readonly string[], fn: (e: EventEnvelope) => void): void {
    this.followers.push({ types: new Set(types), fn });
  }

  private tail(types: ReadonlySet<string> | null): void {
    if (this.followers.length === 0) return;
    if (types && !this.followers.some((f) => [...types].some((t) => f.types.has(t)))) return;
    if (this.following) {
      this.tailAgain = true;
      return;
    }
    const wanted = [...new Set(this.followers.flatMap((f) => [...f.types]))];
    this.following = (async () => {
      if (this.followFrom === null) {
        this.followFrom = (
          await this.db.query<{ h: number }>('SELECT COALESCE(MAX(seq), 0) AS h FROM eventstore.events')
        )[0].h;
        return;
      }
      const rows = await this.db.query<{ seq: number; stream: string; type: string; data: unknown }>(
        'SELECT seq, stream, type, data FROM eventstore.events WHERE seq > $1 AND type = ANY($2::text[]) ORDER BY seq LIMIT 5000',
        [this.followFrom, wanted],
      );
      for (const r of rows) {
        this.followFrom = Math.max(this.followFrom, r.seq);
        const e = { seq: r.seq, stream: r.stream, type: r.type, data: r.data } as EventEnvelope;
        for (const f of this.followers) if (f.types.has(r.type)) f.fn(e);
      }
    })()
      .catch((e: unknown) => this.opts.onError?.('follow', e))
      .finally(() => {
        this.following = null;
        if (this.tailAgain && !this.stopped) {
          this.tailAgain = false;
          this.tail(null);
        }
      });
  }

  /** Whether deliveries are driven by NOTIFY (else only by polling). */
  get isListening(): boolean {
    return this.listening;
  }

  private onNotify(payload: string): void {
    for (const t of payload.split(',')) this.notified.add(t);
    if (this.notifyTimer || this.stopped) return;
    this.notifyTimer = setTimeout(() => {
      this.notifyTimer = null;
      const types = this.notified;
      this.notified = new Set();
      this.tail(types);
      this.kick(types).catch(() => {});
    }, this.opts.notifyCoalesceMs ?? 5);
  }

  /**
   * Delivers everything pending to every subscriber (or to those of `types` only); concurrent calls coalesce into one
   * more pass over every subscriber.
   */
  kick(types?: ReadonlySet<string>): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    // Cleared in a `.finally` callback, which always runs after this assignment (a pass may finish synchronously);
    // a kick that arrived after the last pass but before that callback gets a pass of its own.
    this.running = this.deliverPasses(types).finally(() => {
      this.running = null;
      if (this.again && !this.stopped) void this.kick().catch(() => {});
    });
    return this.running;
  }

  private async deliverPasses(types: ReadonlySet<string> | undefined): Promise<void> {
    let only = types;
    do {
      this.again = false;
      const targets = only ? this.subscribersOf(only) : this.subscribers;
      only = undefined;
      if (targets.length === 0) continue; // e.g. a notification of views only, which no subscriber takes
      const head = await this.head();
      for (const s of targets) {
        try {
          if (await this.idle(s, head)) continue;
          while ((await this.deliverBatch(s)) === this.batchSize && !this.stopped);
        } catch (e) {
          this.opts.onError?.(s.name, e);
        }
        // Embedded PGlite answers without I/O, so a whole pass would otherwise run as one task: let requests in.
        await new Promise((resolve) => setImmediate(resolve));
      }
    } while (this.again && !this.stopped);
  }

  private async head(): Promise<number> {
    return (await this.db.query<{ h: number }>('SELECT COALESCE(MAX(seq), 0) AS h FROM eventstore.events'))[0].h;
  }

  /**
   * True when `s` has no event of its types up to `head` past its last known checkpoint; the checkpoint then moves
   * to `head` in one statement instead of a delivery transaction. Most passes are of this kind: views, likes and
   * saves append events no subscriber takes, and every explicit kick visits every subscriber.
   */
  private async idle(s: Subscriber, head: number): Promise<boolean> {
    const from = this.known.get(s.name);
    if (from === undefined) return false;
    if (from >= head) return true;
    const pending = await this.db.query<{ e: boolean }>(
      `SELECT EXISTS (SELECT 1 FROM eventstore.events WHERE seq > $1 AND seq <= $2 AND type = ANY($3::text[])) AS e`,
      [from, head, s.types],
    );
    if (pending[0].e) return false;
    // Monotone: another process may have moved it further meanwhile (it found nothing of these types either).
    await this.db.query(
      'UPDATE eventstore.checkpoints SET position = $2, updated_at = now() WHERE subscriber = $1 AND position < $2',
      [s.name, head],
    );
    this.known.set(s.name, head);
    return true;
  }

  /** Subscribers of these types plus those they wait for (`after`), in registration order. */
  private subscribersOf(types: ReadonlySet<string>): Subscriber[] {
    const wanted = new Set(this.subscribers.filter((s) => s.types.some((t) => types.has(t))).map((s) => s.name));
    for (let grew = true; grew;) {
      grew = false;
      for (const s of this.subscribers) {
        if (!wanted.has(s.name)) continue;
        for (const dep of s.after ?? []) if (!wanted.has(dep)) grew = wanted.add(dep).size > 0;
      }
    }
    return this.subscribers.filter((s) => wanted.has(s.name));
  }

  /** Resolves once every subscriber has processed every event committed before the call. */
  async drain(): Promise<void> {
    for (let i = 0; i < 1000; i++) {
      // Checkpoints may have been moved by hand (tests) or by a replay: read them again.
      this.known.clear();
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
    return r[0].lag;
  }

  private async pendingCount(): Promise<number> {
    let total = 0;
    for (const s of this.subscribers) {
      const r = await this.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM eventstore.events
          WHERE seq > COALESCE((SELECT position FROM eventstore.checkpoints WHERE subscriber = $1), 0) AND type = ANY($2::text[])`,
        [s.name, s.types],
      );
      total += r[0].n;
    }
    return total;
  }

  private async deliverBatch(s: Subscriber): Promise<number> {
    const { n, position } = await this.deliverBatchTx(s);
    this.known.set(s.name, position);
    return n;
  }

  private async deliverBatchTx(s: Subscriber): Promise<{ n: number; position: number }> {
    return this.db.transaction(async (tx) => {
      await tx.query('INSERT INTO eventstore.checkpoints (subscriber) VALUES ($1) ON CONFLICT DO NOTHING', [s.name]);
      // The row lock makes concurrent workers take turns per subscriber instead of racing on the same batch.
      const cp = await tx.query<{ position: number }>(
        'SELECT position FROM eventstore.checkpoints WHERE subscriber = $1 FOR UPDATE',
        [s.name],
      );
      const from = cp[0].position;
      let upTo = Number.MAX_SAFE_INTEGER;
      if (s.after?.length) {
        const deps = await tx.query<{ p: number }>(
          'SELECT COALESCE(MIN(position), 0) AS p FROM eventstore.checkpoints WHERE subscriber = ANY($1::text[])',
          [s.after],
        );
        const known = await tx.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM eventstore.checkpoints WHERE subscriber = ANY($1::text[])',
          [s.after],
        );
        upTo = known[0].n === s.after.length ? deps[0].p : 0;
      }
      // Commit order equals sequence order (appends hold a lock until commit), so every event up to the head read
      // here is visible; the checkpoint may then skip over events of types this subscriber ignores.
      const head = (await tx.query<{ h: number }>('SELECT COALESCE(MAX(seq), 0) AS h FROM eventstore.events'))[0].h;
      const limitSeq = Math.min(head, upTo);
      if (limitSeq <= from) return { n: 0, position: from };
      const rows = await tx.query<{
        seq: number;
        event_id: string;
        stream: string;
        version: number;
        type: string;
        data: unknown;
        recorded_at: Date;
        traceparent: string | null;
      }>(
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
      // Each delivery continues the trace of the request that appended the event (when tracing is on).
      const spans = tracingEnabled()
        ? rows
            .filter((r) => fresh.has(r.event_id))
            .map((r) =>
              tracer().startSpan(
                `deliver ${r.type} to ${s.name}`,
                {
                  kind: SpanKind.CONSUMER,
                  attributes: { 'messaging.message.id': r.event_id, 'pitchey.event.seq': r.seq },
                },
                contextFromTraceparent(r.traceparent),
              ),
            )
        : [];
      try {
        if (s.handleBatch) {
          if (envelopes.length > 0) await s.handleBatch(tx, envelopes);
        } else {
          for (const e of envelopes) await s.handle(tx, e);
        }
      } finally {
        for (const span of spans) span.end();
      }
      const full = rows.length === this.batchSize;
      const position = full ? rows[rows.length - 1].seq : limitSeq;
      await tx.query('UPDATE eventstore.checkpoints SET position = $2, updated_at = now() WHERE subscriber = $1', [
        s.name,
        position,
      ]);
      return { n: full ? rows.length : 0, position };
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
    this.known.clear();
    for (const s of this.subscribers.filter((x) => x.reset !== undefined)) {
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
