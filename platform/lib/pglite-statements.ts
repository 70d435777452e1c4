import { parse, protocol, type PGlite } from '@electric-sql/pglite';
import { readWireResult } from './pglite-rows.js';

// PGlite's query() parses, describes and plans every statement anew, in five protocol exchanges; for the platform's
// short statements that is most of their CPU. Here a statement is parsed once under a name (per SQL text) and each
// call is one exchange: Bind, Describe, Execute, Sync. Values are serialised and rows parsed with the same PGlite
// functions query() uses.

interface Prepared {
  name: string;
  paramTypes: number[];
}

/** SQL that may send a notification (pg_notify, NOTIFY) is read by PGlite's reader, which delivers it to LISTEN. */
const NOTIFIES = /notify/i;

/** Statements with more parameters than this (bulk inserts of varying size) go through query() unprepared. */
const MAX_PARAMS = 64;

export class PgliteStatements {
  private readonly cache = new Map<string, Prepared>();
  private next = 0;

  constructor(
    private readonly lite: PGlite,
    private readonly max = 500,
  ) {}

  /** Whether a call with these parameters is prepared (else the caller uses PGlite's query()). */
  accepts(params: unknown[] | undefined): boolean {
    return (params?.length ?? 0) <= MAX_PARAMS;
  }

  /** Runs `sql`; inside a transaction the caller already holds PGlite's transaction lock. */
  query<T>(sql: string, params: unknown[] | undefined, inTransaction: boolean): Promise<T[]> {
    const run = () => this.lite._runExclusiveQuery(() => this.execute<T>(sql, params ?? [], inTransaction));
    return inTransaction ? run() : this.lite._runExclusiveTransaction(run);
  }

  /** Deallocates every prepared statement (after DDL, whose result shapes a cached plan must not outlive). */
  async reset(): Promise<void> {
    if (this.cache.size === 0) return;
    this.cache.clear();
    await this.lite.exec('DEALLOCATE ALL');
  }

  /** After the caller deallocated them itself (inside a transaction, where it holds the lock). */
  forget(): void {
    this.cache.clear();
  }

  private async prepare(sql: string, sync: boolean): Promise<Prepared> {
    const known = this.cache.get(sql);
    if (known) {
      // Most recently used last: eviction takes the oldest.
      this.cache.delete(sql);
      this.cache.set(sql, known);
      return known;
    }
    const name = `pf_s${++this.next}`;
    const s = protocol.serialize;
    const r = await this.lite.execProtocol(
      concat([s.parse({ name, text: sql }), s.describe({ type: 'S', name }), s.sync()]),
      { syncToFs: sync },
    );
    const prepared = { name, paramTypes: parse.parseDescribeStatementResults(r.messages) };
    this.cache.set(sql, prepared);
    if (this.cache.size > this.max) {
      const [oldSql, old] = this.cache.entries().next().value as [string, Prepared];
      this.cache.delete(oldSql);
      await this.lite.execProtocol(concat([s.close({ type: 'S', name: old.name }), s.sync()]), { syncToFs: sync });
    }
    return prepared;
  }

  private async execute<T>(sql: string, params: unknown[], inTransaction: boolean): Promise<T[]> {
    const p = await this.prepare(sql, !inTransaction);
    const values = params.map((v, i) => {
      if (v === null || v === undefined) return null;
      const serialize = this.lite.serializers[p.paramTypes[i]];
      if (serialize) return serialize(v);
      return typeof v === 'object' ? JSON.stringify(v) : (v as { toString(): string }).toString();
    });
    const s = protocol.serialize;
    const message = concat([s.bind({ statement: p.name, values }), s.describe({ type: 'P' }), s.execute({}), s.sync()]);
    if (NOTIFIES.test(sql)) {
      // PGlite's reader hands NotificationResponses to its LISTEN callbacks; the lean one does not read them.
      const r = await this.lite.execProtocol(message, { syncToFs: !inTransaction });
      return (parse.parseResults(r.messages, this.lite.parsers)[0]?.rows ?? []) as T[];
    }
    const chunks: Uint8Array[] = [];
    // Each chunk is a view of the database's memory, valid only during the callback: copied.
    await this.lite.execProtocolRawStream(message, {
      syncToFs: !inTransaction,
      onRawData: (chunk) => void chunks.push(chunk.slice()),
    });
    const { rows, error } = readWireResult<T>(chunks.length === 1 ? chunks[0] : concat(chunks), this.lite.parsers);
    if (error) throw error;
    return rows;
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}
