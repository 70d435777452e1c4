import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';

/** Anything that runs parameterised SQL: the database itself or an open transaction. */
export interface Queryable {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
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
  close(): Promise<void>;
}

export type DbSpec =
  | { kind: 'pglite'; dataDir: string | null }
  | { kind: 'pg'; url: string; replicaUrl?: string; poolSize?: number };

const INT8_OID = 20;

/** Error raised by the database with its SQLSTATE code (23505 unique violation, 40001 serialization, ...). */
export function sqlState(e: unknown): string | undefined {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export async function openDb(spec: DbSpec): Promise<Db> {
  return spec.kind === 'pglite' ? openPglite(spec.dataDir) : openPg(spec.url, spec.replicaUrl, spec.poolSize);
}

async function openPglite(dataDir: string | null): Promise<Db> {
  // int8 as JS number so PGlite and pg return the same shapes (our counters stay far below 2^53).
  const lite = await PGlite.create(dataDir ?? undefined, { parsers: { [INT8_OID]: (v: string) => Number(v) } });
  const q: Queryable = {
    async query<T>(sql: string, params?: unknown[]) {
      const r = await lite.query<T>(sql, params);
      return r.rows;
    },
  };
  return {
    kind: 'pglite',
    query: q.query,
    reader: q,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      return lite.transaction(async (tx) =>
        fn({
          async query<R>(sql: string, params?: unknown[]) {
            return (await tx.query<R>(sql, params)).rows;
          },
        }),
      );
    },
    async exec(sql: string) {
      await lite.exec(sql);
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
    types: {
      getTypeParser: ((oid: number, format?: string) =>
        oid === INT8_OID ? (v: string) => Number(v) : pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its server must not crash the process; the next query reports the failure.
  pool.on('error', () => {});
  return pool;
}

async function openPg(url: string, replicaUrl: string | undefined, poolSize = 10): Promise<Db> {
  const pool = makePool(url, poolSize);
  await pool.query('SELECT 1');
  const replica = replicaUrl ? makePool(replicaUrl, poolSize) : null;
  if (replica) await replica.query('SELECT 1');
  const q: Queryable = {
    async query<T>(sql: string, params?: unknown[]) {
      return (await pool.query(sql, params)).rows as T[];
    },
  };
  return {
    kind: 'pg',
    query: q.query,
    reader: replica
      ? {
          async query<T>(sql: string, params?: unknown[]) {
            return (await replica.query(sql, params)).rows as T[];
          },
        }
      : q,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({
          async query<R>(sql: string, params?: unknown[]) {
            return (await client.query(sql, params)).rows as R[];
          },
        });
        await client.query('COMMIT');
        return result;
      } catch (e) {
        await client.query('ROLLBACK').catch(() => {});
        throw e;
      } finally {
        client.release();
      }
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
    async syncReplica(timeoutMs = 30_000) {
      if (!replica) return;
      const lsn = (await pool.query('SELECT pg_current_wal_lsn()::text AS l')).rows[0].l as string;
      const end = Date.now() + timeoutMs;
      for (;;) {
        const r = await replica.query('SELECT COALESCE(pg_last_wal_replay_lsn() >= $1::pg_lsn, false) AS ok', [lsn]);
        if (r.rows[0].ok) return;
        if (Date.now() > end) throw new Error(`replica did not catch up with the primary within ${timeoutMs} ms`);
        await new Promise((res) => setTimeout(res, 20));
      }
    },
    async close() {
      await pool.end();
      if (replica) await replica.end();
    },
  };
}
