import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { checkChannel, PgListener, type Listen } from './pg-listener.js';
import { PgliteStatements } from './pglite-statements.js';
import { ReadRouter, type ReadRouterOptions } from './read-router.js';
import { Guard, type GuardOptions } from './resilience.js';

/** Anything that runs parameterised SQL: the database itself or an open transaction. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** True inside a transaction no other can run beside (embedded PGlite runs one at a time): no advisory locks. */
  readonly exclusive?: boolean;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'pg';
  /** Runs `fn` in one transaction; it commits when `fn` resolves and rolls back when it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Multi-statement SQL without parameters (migrations). */
  exec(sql: string): Promise<void>;
  /** Where read-model queries go: the replica when one is configured, else this database. */
  readonly reader: Queryable;
  /** With a replica: waits until it has replayed everything the primary has written so far (e.g. migrations). */
  syncReplica?(timeoutMs?: number): Promise<void>;
  /** With a replica: the read router (rotation, lag, read-your-writes). */
  readonly router?: ReadRouter;
  /** LISTEN on a channel: NOTIFYs committed by any process reach `onPayload` (event delivery across processes). */
  readonly listen?: Listen;
  /** Breaker and bulkhead around every call to the database (exposed as metrics by the composition root). */
  readonly guard?: Guard;
  close(): Promise<void>;
}

export type DbSpec =
  | { kind: 'pglite'; dataDir: string | null }
  | { kind: 'pg'; url: string; replicaUrl?: string; poolSize?: number; replica?: ReadRouterOptions };

const INT8_OID = 20;

/** Error raised by the database with its SQLSTATE code (23505 unique violation, 40001 serialization, ...). */
export function sqlState(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export async function openDb(spec: DbSpec): Promise<Db> {
  return spec.kind === 'pglite'
    ? openPglite(spec.dataDir)
    : guardDb(await openPg(spec.url, spec.replicaUrl, spec.poolSize, spec.replica), new Guard('db', DB_GUARD));
}

/**
 * Errors that say the database itself is unwell (connection lost or refused, server shutting down, out of resources,
 * statement timeout): only these count against the breaker. Constraint violations, serialization conflicts and errors
 * the application throws inside a transaction are answers from a healthy database.
 */
export function isDatabaseFault(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return /^(08|53|57|58|XX)/.test(code);
  if (typeof (e as { syscall?: unknown }).syscall === 'string') return true; // ECONNREFUSED, ECONNRESET, ...
  return /connection terminated|timeout exceeded when trying to connect|connection error|channel closed/i.test(
    e.message,
  );
}

// No client-side timeout: abandoning a statement would not stop it committing. The server cancels statements at
// statement_timeout (a real cancellation, counted as a fault via SQLSTATE 57014).
export const DB_GUARD: GuardOptions = {
  timeoutMs: 0,
  slowCallMs: 1000,
  concurrency: 512,
  queue: 8192,
  retries: 0,
  isFailure: isDatabaseFault,
};

export const STATEMENT_TIMEOUT_MS = 5000;

/** Every query and transaction through `guard` (a breaker that fails fast while the database is down). */
export function guardDb(db: Db, guard: Guard): Db {
  const guardedQuery = <T>(q: Queryable, sql: string, params?: unknown[]) => guard.run(() => q.query<T>(sql, params));
  const reader: Queryable = { query: (sql, params) => guardedQuery(db.reader, sql, params) };
  return {
    kind: db.kind,
    guard,
    reader,
    query: (sql, params) => guardedQuery(db, sql, params),
    transaction: (fn) => guard.run(() => db.transaction(fn)),
    exec: (sql) => guard.run(() => db.exec(sql)),
    syncReplica: db.syncReplica?.bind(db),
    listen: db.listen,
    router: db.router,
    close: () => db.close(),
  };
}

const DDL = /^\s*(?:--[^\n]*\n\s*)*(CREATE|ALTER|DROP|TRUNCATE|COMMENT|GRANT|REVOKE|DEALLOCATE)\b/i;

async function openPglite(dataDir: string | null): Promise<Db> {
  // int8 as JS number so PGlite and pg return the same shapes (our counters stay far below 2^53).
  const lite = await PGlite.create(dataDir ?? undefined, { parsers: { [INT8_OID]: (v: string) => Number(v) } });
  const statements = new PgliteStatements(lite);
  // Schema changes go unprepared and drop the prepared statements (a cached plan must not outlive its table's shape).
  const prepared = (sql: string, params?: unknown[]) => statements.accepts(params) && !DDL.test(sql);
  const q: Queryable = {
    async query<T>(sql: string, params?: unknown[]) {
      if (prepared(sql, params)) return statements.query<T>(sql, params, false);
      const r = await lite.query<T>(sql, params);
      if (DDL.test(sql)) await statements.reset();
      return r.rows;
    },
  };
  return {
    kind: 'pglite',
    query: q.query.bind(q),
    reader: q,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return lite.transaction(async (tx) =>
        fn({
          exclusive: true,
          async query<R>(sql: string, params?: unknown[]) {
            if (prepared(sql, params)) return statements.query<R>(sql, params, true);
            const rows = (await tx.query<R>(sql, params)).rows;
            if (DDL.test(sql)) await tx.exec('DEALLOCATE ALL').then(() => statements.forget());
            return rows;
          },
        }),
      );
    },
    async exec(sql: string) {
      await lite.exec(sql);
      await statements.reset();
    },
    async listen(channel, onPayload) {
      const unlisten = await lite.listen(checkChannel(channel), onPayload);
      return async () => {
        if (!lite.closed) await unlisten();
      };
    },
    async close() {
      if (!lite.closed) await lite.close();
    },
  };
}

function makePool(url: string, max: number): pg.Pool {
  const pool = new pg.Pool({
    connectionString: url,
    max,
    statement_timeout: STATEMENT_TIMEOUT_MS,
    idle_in_transaction_session_timeout: 2 * STATEMENT_TIMEOUT_MS,
    types: {
      getTypeParser: ((oid: number, format?: string) =>
        oid === INT8_OID
          ? (v: string) => Number(v)
          : (pg.types.getTypeParser(oid, format as 'text') as (v: string) => unknown)) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its server must not crash the process; the next query reports the failure.
  pool.on('error', () => {});
  return pool;
}

async function openPg(
  url: string,
  replicaUrl: string | undefined,
  poolSize = 10,
  routing: ReadRouterOptions = {},
): Promise<Db> {
  const pool = makePool(url, poolSize);
  await pool.query('SELECT 1');
  const replica = replicaUrl ? makePool(replicaUrl, poolSize) : null;
  if (replica) await replica.query('SELECT 1');
  const listener = new PgListener(url);
  const router = replica ? new ReadRouter(pool, replica, routing) : null;
  await router?.start();
  const q: Queryable = {
    async query<T>(sql: string, params?: unknown[]) {
      const rows = (await pool.query(sql, params)).rows as T[];
      if (router?.isWrite(sql)) await router.noteWrite();
      return rows;
    },
  };
  return {
    kind: 'pg',
    query: q.query.bind(q),
    router: router ?? undefined,
    reader: router ? { query: (sql, params) => router.read(sql, params) } : q,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      // While checked out the pool no longer listens: a server dying between two statements would otherwise be an
      // uncaught 'error' event (a crashed process). The next statement reports the failure instead.
      const onError = () => {};
      let broken = false;
      client.on('error', onError);
      try {
        await client.query('BEGIN');
        const result = await fn({
          async query<R>(sql: string, params?: unknown[]) {
            return (await client.query(sql, params)).rows as R[];
          },
        });
        await client.query('COMMIT');
        await router?.noteWrite();
        return result;
      } catch (e) {
        broken = isDatabaseFault(e);
        await client.query('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        client.off('error', onError);
        // A client whose connection failed is destroyed, not handed to the next caller.
        client.release(broken || undefined);
      }
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
    async syncReplica(timeoutMs = 30_000) {
      if (!replica) return;
      // The insert position: with asynchronous commit the last commit may not be written (pg_current_wal_lsn) yet.
      const lsn = (await pool.query<{ l: string }>('SELECT pg_current_wal_insert_lsn()::text AS l')).rows[0].l;
      const end = Date.now() + timeoutMs;
      for (;;) {
        const r = await replica.query<{ ok: boolean }>(
          'SELECT COALESCE(pg_last_wal_replay_lsn() >= $1::pg_lsn, false) AS ok',
          [lsn],
        );
        if (r.rows[0].ok) return;
        if (Date.now() > end) throw new Error(`replica did not catch up with the primary within ${timeoutMs} ms`);
        await new Promise((res) => setTimeout(res, 20));
      }
    },
    listen: listener.listen,
    async close() {
      router?.stop();
      await listener.close();
      await pool.end();
      if (replica) await replica.end();
    },
  };
}
