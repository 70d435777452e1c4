import crypto from 'node:crypto';
import { FileRecordStore } from '../file-record-store.js';
import type { TableAccess, TableUse } from './sql-tables.js';

/** The SQL facts of one file: its statements' tables, and how many SQL-looking literals were not SQL. */
export interface FileSql {
  uses: Array<{ table: string; access: TableAccess; line: number }>;
  statements: number;
  unparsed: number;
}

/** Each text given to the SQL parser and what it read (null: not SQL). */
export type ParsedStatements = Array<[text: string, uses: TableUse[] | null]>;

const RECORD_FORMAT = 2;

type TableRecord = [hash: string, sql: FileSql, parsed: ParsedStatements];

/** SQL facts per file keyed by content hash (a record store next to the extraction cache), like the graph's cache. */
export class TableCache {
  private readonly records: FileRecordStore<TableRecord> | undefined;
  hits = 0;
  misses = 0;
  private sqlChanged = false;
  /**
   * After `save`: names this run's set of SQL facts; it stays the same while every changed file's facts equal its
   * previous ones, so results computed from them can be cached under it. Undefined without a cache folder.
   */
  sqlVersion: string | undefined;

  constructor(cacheDir: string | undefined, parser: string) {
    this.records = cacheDir
      ? new FileRecordStore(cacheDir, 'static-tables', `${RECORD_FORMAT}/${parser}`, 'static-table-cache.json')
      : undefined;
  }

  /** The cached facts of `rel` when its content hash is unchanged. */
  cached(rel: string, hash: string): FileSql | undefined {
    const hit = this.records?.get(rel);
    if (!hit || hit[0] !== hash) return undefined;
    this.hits++;
    this.records!.keep(rel, hit);
    return hit[1];
  }

  /**
   * What the parser said of the statements of the previous version of `rel` (any content): an edit that left a
   * file's SQL alone needs no parser (loading it costs more than the rest of a warm run's table analysis).
   */
  previousStatements(rel: string): Map<string, TableUse[] | null> {
    return new Map(this.records?.get(rel)?.[2] ?? []);
  }

  store(rel: string, hash: string, sql: FileSql, parsed: ParsedStatements): void {
    this.misses++;
    const previous = this.records?.get(rel);
    if (!previous || JSON.stringify(previous[1]) !== JSON.stringify(sql)) this.sqlChanged = true;
    this.records?.keep(rel, [hash, sql, parsed]);
  }

  save(): void {
    if (!this.records) return;
    const same = !this.sqlChanged && !this.records.hasRemovals() && this.records.loadedMeta !== '';
    this.sqlVersion = same ? this.records.loadedMeta : crypto.randomBytes(12).toString('base64url');
    this.records.save(this.sqlVersion);
  }
}
