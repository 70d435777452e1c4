import fs from 'node:fs';
import path from 'node:path';
import type { TableAccess } from './sql-tables.js';

/** The SQL facts of one file: its statements' tables, and how many SQL-looking literals were not SQL. */
export interface FileSql {
  uses: Array<{ table: string; access: TableAccess; line: number }>;
  statements: number;
  unparsed: number;
}

const CACHE_FORMAT = 1;

interface CacheFile {
  format: number;
  parser: string;
  entries: Record<string, { hash: string; sql: FileSql }>;
}

/** SQL facts per file keyed by content hash (one JSON file next to the extraction cache), like the graph's cache. */
export class TableCache {
  private entries: CacheFile['entries'] = {};
  private readonly current: CacheFile['entries'] = {};
  private readonly file: string | undefined;
  hits = 0;
  misses = 0;

  constructor(
    cacheDir: string | undefined,
    private readonly parser: string,
  ) {
    this.file = cacheDir ? path.join(cacheDir, 'static-table-cache.json') : undefined;
    if (!this.file) return;
    try {
      const data = JSON.parse(fs.readFileSync(this.file, 'utf8')) as CacheFile;
      if (data.format === CACHE_FORMAT && data.parser === parser) this.entries = data.entries;
    } catch {
      // No cache yet, or an unreadable one: start empty.
    }
  }

  /** The cached facts of `rel` when its content hash is unchanged. */
  cached(rel: string, hash: string): FileSql | undefined {
    const hit = this.entries[rel];
    if (!this.file || !hit || hit.hash !== hash) return undefined;
    this.hits++;
    this.current[rel] = hit;
    return hit.sql;
  }

  store(rel: string, hash: string, sql: FileSql): void {
    this.misses++;
    if (this.file) this.current[rel] = { hash, sql };
  }

  save(): void {
    if (!this.file) return;
    if (this.misses === 0 && Object.keys(this.current).length === Object.keys(this.entries).length) return;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    const data: CacheFile = { format: CACHE_FORMAT, parser: this.parser, entries: this.current };
    fs.writeFileSync(tmp, JSON.stringify(data));
    fs.renameSync(tmp, this.file);
  }
}
