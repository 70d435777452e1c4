import { randomUUID } from 'node:crypto';
import type { DomainEvent, EventEnvelope } from '../contracts/events.js';
import type { Db, Queryable } from './db.js';
import { sqlState } from './db.js';
import type { Migration } from './migrations.js';
import { currentTraceparent } from './tracing.js';

export const eventStoreMigrations: Migration[] = [
  {
    id: '001_events',
    sql: `
CREATE SCHEMA IF NOT EXISTS eventstore;
CREATE TABLE eventstore.events (
  seq bigserial PRIMARY KEY,
  event_id uuid NOT NULL UNIQUE,
  stream text NOT NULL,
  version integer NOT NULL,
  type text NOT NULL,
  data jsonb NOT NULL,
  recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
  UNIQUE (stream, version)
);
CREATE INDEX events_recorded_at ON eventstore.events (recorded_at);
CREATE TABLE eventstore.checkpoints (
  subscriber text PRIMARY KEY,
  position bigint NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE eventstore.processed (
  subscriber text NOT NULL,
  event_id uuid NOT NULL,
  PRIMARY KEY (subscriber, event_id)
)`,
  },
  // W3C trace context of the append, so delivery continues the writer's trace in whichever process consumes it.
  { id: '002_traceparent', sql: 'ALTER TABLE eventstore.events ADD COLUMN traceparent text' },
];

/** An append whose expected stream version no longer matches: someone else wrote first. Nothing was written. */
export class ConcurrencyError extends Error {
  constructor(
    readonly stream: string,
    readonly expected: number,
    readonly actual: number,
  ) {
    super(`stream ${stream}: expected version ${expected}, found ${actual}`);
    this.name = 'ConcurrencyError';
  }
}

export interface NewEvent<E extends DomainEvent = DomainEvent> {
  /** Supply one to make a retried append idempotent; generated otherwise. */
  eventId?: string;
  type: E['type'];
  data: E['data'];
}

/** NOTIFY channel of appends; the payload lists the appended event types (comma-separated). */
export const EVENTS_CHANNEL = 'pitchey_events';

// Inserts and notifies in one statement (no extra round trip); the NOTIFY is delivered when the transaction commits.
function insertAndNotify(columns: string, values: string[]): string {
  return `WITH ins AS (INSERT INTO eventstore.events (${columns}) VALUES ${values.join(', ')} RETURNING type)
    SELECT pg_notify('${EVENTS_CHANNEL}', string_agg(DISTINCT type, ',')) FROM ins`;
}

// Appends take this lock for the rest of their transaction so that sequence order equals commit order:
// a subscriber that has read up to seq N never later sees a commit with a smaller seq.
const APPEND_LOCK = 74_1101;

// The whole append in one statement: idempotency check, current stream version, optimistic check, insert and NOTIFY
// (sent at commit, only when something was inserted). Nothing is inserted when any event id is known or the expected
// version ($3, NULL for 'any') does not match; the caller tells those apart from the counts. The ids come again as an
// array ($5) so the idempotency check is an index lookup (a join with the batch plans as a scan of every event).
const APPEND_SQL = `WITH batch AS (
    SELECT (x.e->>'id')::uuid AS event_id, x.e->>'type' AS type, x.e->'data' AS data, x.ord::int AS ord
      FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS x(e, ord)),
  known AS (SELECT count(*)::int AS n FROM eventstore.events WHERE event_id = ANY($5::uuid[])),
  cur AS (SELECT COALESCE(MAX(version), 0)::int AS v FROM eventstore.events WHERE stream = $2),
  ins AS (
    INSERT INTO eventstore.events (event_id, stream, version, type, data, traceparent)
    SELECT b.event_id, $2, cur.v + b.ord, b.type, b.data, $4 FROM batch b, cur, known
     WHERE known.n = 0 AND ($3::int IS NULL OR cur.v = $3::int) ORDER BY b.ord
    RETURNING type)
  SELECT cur.v AS current, known.n AS known, (SELECT count(*)::int FROM ins) AS inserted,
    (SELECT pg_notify('${EVENTS_CHANNEL}', string_agg(DISTINCT type, ',')) FROM ins HAVING count(*) > 0) AS notified
  FROM cur, known`;

/**
 * Returns the new stream version. `expectedVersion` 'any' skips the optimistic check (append-only side streams).
 * One statement on an exclusive connection (embedded PGlite runs one transaction at a time), two elsewhere.
 */
export async function appendEvents(
  tx: Queryable,
  stream: string,
  expectedVersion: number | 'any',
  events: NewEvent[],
): Promise<{ version: number; duplicate: boolean }> {
  if (events.length === 0) throw new Error('appendEvents needs at least one event');
  if (!tx.exclusive) await tx.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK]);
  const batch = events.map((e) => ({ id: e.eventId ?? randomUUID(), type: e.type, data: e.data }));
  const expected = expectedVersion === 'any' ? null : expectedVersion;
  let r: { current: number; known: number; inserted: number };
  try {
    [r] = (await tx.query(APPEND_SQL, [
      JSON.stringify(batch),
      stream,
      expected,
      currentTraceparent(),
      batch.map((e) => e.id),
    ])) as [typeof r];
  } catch (e) {
    if (sqlState(e) === '23505') throw new ConcurrencyError(stream, expected ?? 0, (expected ?? 0) + 1);
    throw e;
  }
  if (r.known === events.length) return { version: r.current, duplicate: true };
  if (r.known > 0) throw new Error(`stream ${stream}: a batch was partially appended before (event ids reused)`);
  if (r.inserted !== events.length) throw new ConcurrencyError(stream, expected ?? 0, r.current);
  return { version: r.current + events.length, duplicate: false };
}

interface EventRow {
  seq: number;
  event_id: string;
  stream: string;
  version: number;
  type: string;
  data: unknown;
  recorded_at: Date;
}

function toEnvelope(r: EventRow): EventEnvelope {
  return {
    seq: r.seq,
    eventId: r.event_id,
    stream: r.stream,
    version: r.version,
    type: r.type as EventEnvelope['type'],
    data: r.data as EventEnvelope['data'],
    recordedAt: new Date(r.recorded_at).toISOString(),
  };
}

export async function readAll(
  db: Queryable,
  afterSeq: number,
  limit: number,
  types?: readonly string[],
): Promise<EventEnvelope[]> {
  const rows = types
    ? await db.query<EventRow>(
        'SELECT * FROM eventstore.events WHERE seq > $1 AND type = ANY($3::text[]) ORDER BY seq LIMIT $2',
        [afterSeq, limit, types],
      )
    : await db.query<EventRow>('SELECT * FROM eventstore.events WHERE seq > $1 ORDER BY seq LIMIT $2', [
        afterSeq,
        limit,
      ]);
  return rows.map(toEnvelope);
}

export async function readStream(db: Queryable, stream: string): Promise<EventEnvelope[]> {
  const rows = await db.query<EventRow>('SELECT * FROM eventstore.events WHERE stream = $1 ORDER BY version', [stream]);
  return rows.map(toEnvelope);
}

/** The last global position recorded strictly before `at` (0 when none): where a replay from `at` starts. */
export async function positionBefore(db: Db, at: Date): Promise<number> {
  const r = await db.query<{ p: number }>(
    'SELECT COALESCE(MAX(seq), 0) AS p FROM eventstore.events WHERE recorded_at < $1::timestamptz',
    [at.toISOString()],
  );
  return r[0].p;
}

/**
 * Bulk import for new streams (seeding): every entry starts or continues a stream at the version it names.
 * The unique (stream, version) and event-id constraints still reject anything that would overwrite history.
 */
export async function importEvents(
  tx: Queryable,
  entries: Array<{ eventId: string; stream: string; version: number; type: string; data: unknown; recordedAt: string }>,
): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [APPEND_LOCK]);
  for (let i = 0; i < entries.length; i += 2000) {
    const chunk = entries.slice(i, i + 2000);
    const params: unknown[] = [];
    const values = chunk.map((e) => {
      const p = params.length;
      params.push(e.eventId, e.stream, e.version, e.type, JSON.stringify(e.data), e.recordedAt);
      return `($${p + 1}::uuid, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}::jsonb, $${p + 6}::timestamptz)`;
    });
    await tx.query(insertAndNotify('event_id, stream, version, type, data, recorded_at', values), params);
  }
}
