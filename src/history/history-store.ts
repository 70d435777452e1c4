import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { InputError } from '../core/errors.js';
import type { Result, TrendPoint, Verdict } from '../core/result.js';

/** Version of the history database layout, kept in SQLite's `user_version`. */
export const HISTORY_SCHEMA_VERSION = 2;

const MIGRATIONS: Record<number, string> = {
  1: `
    CREATE TABLE IF NOT EXISTS runs (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      run_id TEXT NOT NULL UNIQUE,
      subject TEXT NOT NULL,
      command TEXT NOT NULL,
      started_at TEXT NOT NULL,
      verdict TEXT NOT NULL CHECK (verdict IN ('pass', 'fail', 'inconclusive', 'error')),
      result_schema TEXT NOT NULL,
      result_json TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS runs_by_subject ON runs (subject, started_at);
    CREATE TABLE IF NOT EXISTS function_values (
      run INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
      function_id TEXT NOT NULL,
      value REAL,
      value_kind TEXT NOT NULL CHECK (value_kind IN ('number', 'boolean', 'null')),
      verdict TEXT NOT NULL,
      PRIMARY KEY (run, function_id)
    );
  `,
  // The Result as gzip (result_json is '' for these rows): a static run on a 10k-file repo is megabytes of JSON per
  // run, which grew the history by hundreds of MB within weeks of CI; rows stored before keep their JSON.
  2: `ALTER TABLE runs ADD COLUMN result_gzip BLOB;`,
};

export interface HistoryStore {
  /** Stores a run; appending the same runId twice keeps the first. */
  append(result: Result): void;
  /** The most recent run (by start time), optionally only passing ones and only of one subject. */
  last(opts?: { passing?: boolean; subject?: string }): Result | undefined;
  /** Per function id, its values in the last `limit` runs of the subject (oldest first). Default limit 30. */
  trends(subject: string, limit?: number): Record<string, TrendPoint[]>;
  /** Number of stored runs (of one subject when given). */
  count(subject?: string): number;
  close(): void;
}

function decodeValue(value: number | null, kind: string): number | boolean | null {
  if (kind === 'null' || value === null) return null;
  return kind === 'boolean' ? value !== 0 : value;
}

/**
 * Runs `step` again while SQLite answers SQLITE_BUSY, up to `ms`: switching a new file to WAL needs the exclusive lock
 * and SQLite answers BUSY at once, without its busy handler, when another process is doing the same (several CI jobs
 * creating one history at the same instant).
 */
function whileBusy<T>(step: () => T, ms: number): T {
  const deadline = Date.now() + ms;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      return step();
    } catch (e) {
      if ((e as { code?: string }).code !== 'SQLITE_BUSY' || Date.now() >= deadline) throw e;
      Atomics.wait(pause, 0, 0, 10 + Math.random() * 20);
    }
  }
}

/**
 * Opens (creating if needed) the SQLite history database at `file`. Throws InputError when the file is not a
 * pitchey-fit history database or was written by a newer version.
 */
export function openHistory(file: string): HistoryStore {
  let db: Database.Database;
  try {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    db = new Database(file);
    db.pragma('busy_timeout = 5000');
    const opened = db;
    whileBusy(() => opened.pragma('journal_mode = WAL'), 5000);
    // In WAL mode NORMAL never corrupts the database; a power cut may lose the last run. FULL fsyncs every run's
    // megabytes of Result (seconds on a busy disk, for a record the reports already hold).
    db.pragma('synchronous = NORMAL');
    db.pragma('foreign_keys = ON');
  } catch (e) {
    throw new InputError(`history ${file}: cannot open as a SQLite database: ${(e as Error).message}`);
  }
  try {
    migrate(db, file);
  } catch (e) {
    db.close();
    throw e;
  }

  const insertRun =
    db.prepare(`INSERT INTO runs (run_id, subject, command, started_at, verdict, result_schema, result_json, result_gzip)
    VALUES (@runId, @subject, @command, @startedAt, @verdict, @schema, '', @gzip) ON CONFLICT (run_id) DO NOTHING`);
  const insertValue = db.prepare(
    'INSERT INTO function_values (run, function_id, value, value_kind, verdict) VALUES (?, ?, ?, ?, ?)',
  );
  const append = db.transaction((result: Result) => {
    const info = insertRun.run({
      runId: result.runId,
      subject: result.subject.name,
      command: result.command,
      startedAt: result.startedAt,
      verdict: result.verdict,
      schema: result.schemaVersion,
      // level 1: most of the size gone for a few ms per MB; this runs at the end of every CLI run
      gzip: gzipSync(JSON.stringify(result), { level: 1 }),
    });
    if (info.changes === 0) return;
    for (const f of result.functions) {
      const kind = f.value === null ? 'null' : typeof f.value === 'boolean' ? 'boolean' : 'number';
      const v = f.value === null ? null : typeof f.value === 'boolean' ? Number(f.value) : f.value;
      insertValue.run(
        info.lastInsertRowid,
        f.id,
        v !== null && Number.isFinite(v) ? v : null,
        Number.isFinite(v) ? kind : 'null',
        f.verdict,
      );
    }
  });

  return {
    append(result) {
      append(result);
    },
    last(opts = {}) {
      const where: string[] = [];
      const params: string[] = [];
      if (opts.passing) where.push(`verdict = 'pass'`);
      if (opts.subject !== undefined) {
        where.push('subject = ?');
        params.push(opts.subject);
      }
      const row = db
        .prepare(
          `SELECT run_id, result_json, result_gzip FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY started_at DESC, id DESC LIMIT 1`,
        )
        .get(...params) as { run_id: string; result_json: string; result_gzip: Buffer | null } | undefined;
      if (!row) return undefined;
      try {
        return JSON.parse(row.result_gzip ? gunzipSync(row.result_gzip).toString('utf8') : row.result_json) as Result;
      } catch {
        throw new InputError(`history ${file}: run ${row.run_id} is not a readable Result (JSON or gzip)`);
      }
    },
    trends(subject, limit = 30) {
      const rows = db
        .prepare(
          `
        SELECT r.run_id, r.started_at, v.function_id, v.value, v.value_kind, v.verdict
        FROM (SELECT id, run_id, started_at FROM runs WHERE subject = ? ORDER BY started_at DESC, id DESC LIMIT ?) r
        JOIN function_values v ON v.run = r.id
        ORDER BY r.started_at ASC, r.id ASC`,
        )
        .all(subject, limit) as Array<{
        run_id: string;
        started_at: string;
        function_id: string;
        value: number | null;
        value_kind: string;
        verdict: Verdict;
      }>;
      const out: Record<string, TrendPoint[]> = {};
      for (const r of rows) {
        (out[r.function_id] ??= []).push({
          runId: r.run_id,
          startedAt: r.started_at,
          value: decodeValue(r.value, r.value_kind),
          verdict: r.verdict,
        });
      }
      return out;
    },
    count(subject) {
      const row = (
        subject === undefined
          ? db.prepare('SELECT COUNT(*) AS n FROM runs').get()
          : db.prepare('SELECT COUNT(*) AS n FROM runs WHERE subject = ?').get(subject)
      ) as { n: number };
      return row.n;
    },
    close() {
      db.close();
    },
  };
}

/**
 * Brings the database to HISTORY_SCHEMA_VERSION. Several runs may create the same file at once: the version is read
 * and the migrations applied inside one IMMEDIATE transaction (the writer lock, waited for up to busy_timeout), so the
 * second run sees the first one's tables instead of creating them again.
 */
function migrate(db: Database.Database, file: string): void {
  try {
    db.transaction(() => migrateLocked(db, file)).immediate();
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`history ${file}: cannot prepare the history database: ${(e as Error).message}`);
  }
}

function migrateLocked(db: Database.Database, file: string): void {
  let version: number;
  try {
    version = db.pragma('user_version', { simple: true }) as number;
  } catch (e) {
    throw new InputError(`history ${file}: not a SQLite database (${(e as Error).message})`);
  }
  if (version > HISTORY_SCHEMA_VERSION) {
    throw new InputError(
      `history ${file}: written by a newer pitchey-fit (history schema ${version}, this version reads up to ${HISTORY_SCHEMA_VERSION})`,
    );
  }
  if (version === 0) {
    const tables = db
      .prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`)
      .all() as Array<{ name: string }>;
    if (tables.length > 0)
      throw new InputError(
        `history ${file}: an SQLite database but not a pitchey-fit history (tables: ${tables.map((t) => t.name).join(', ')})`,
      );
  }
  for (let v = version + 1; v <= HISTORY_SCHEMA_VERSION; v++) {
    db.exec(MIGRATIONS[v]);
    db.pragma(`user_version = ${v}`);
  }
}
