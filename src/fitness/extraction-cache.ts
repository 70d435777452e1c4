import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { typescriptVersion } from './typescript-api.js';
import type { FileExtraction } from './import-extraction.js';

const CACHE_FORMAT = 4;

/** A resolved import as cached: a file (relative path), an external package, or unresolved. */
export type CachedResolution = { f: string } | { e: string } | { u: 1 };

export interface CacheEntry {
  hash: string;
  /** Size and modification time when hashed: while both are unchanged the file is not read again. */
  size: number;
  mtimeMs: number;
  lines: number;
  extraction: FileExtraction;
  /** Resolutions of `extraction.imports`, valid while the cache's resolution environment is unchanged. */
  resolved?: CachedResolution[];
}

interface CacheFile {
  format: number;
  typescript: string;
  /** Hash of the file list and of every tsconfig / package.json / lock file: when it changes, resolution is redone. */
  environment: string;
  entries: Record<string, CacheEntry>;
}

export function contentHash(text: string): string {
  return crypto.createHash('sha1').update(text).digest('base64url');
}

/** Per-file extraction (and resolution) results keyed by content hash, persisted as one JSON file in `cacheDir`. */
export class ExtractionCache {
  private entries: CacheFile['entries'] = {};
  private readonly file: string;
  readonly environmentMatches: boolean;
  hits = 0;
  misses = 0;

  constructor(
    cacheDir: string,
    readonly environment: string,
  ) {
    this.file = path.join(cacheDir, 'static-extraction-cache.json');
    let previousEnvironment = '';
    try {
      const data = JSON.parse(fs.readFileSync(this.file, 'utf8')) as CacheFile;
      if (data.format === CACHE_FORMAT && data.typescript === typescriptVersion) {
        this.entries = data.entries;
        previousEnvironment = data.environment;
      }
    } catch {
      // No cache yet, or an unreadable one: start empty.
    }
    this.environmentMatches = previousEnvironment === environment;
  }

  /** The entry of a file whose size and modification time are unchanged since it was hashed (not counted). */
  unchanged(relPath: string, size: number, mtimeMs: number): CacheEntry | undefined {
    const e = this.entries[relPath];
    return e && e.size === size && e.mtimeMs === mtimeMs ? e : undefined;
  }

  get(relPath: string, hash: string): CacheEntry | undefined {
    const e = this.entries[relPath];
    if (e && e.hash === hash) {
      this.hits++;
      return e;
    }
    this.misses++;
    return undefined;
  }

  /** Replaces the cache content with exactly the files of this run (skipped when nothing changed). */
  save(current: Map<string, CacheEntry>): void {
    if (this.misses === 0 && this.environmentMatches && current.size === Object.keys(this.entries).length) return;
    const entries: CacheFile['entries'] = Object.fromEntries(current);
    this.entries = entries;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    const data: CacheFile = {
      format: CACHE_FORMAT,
      typescript: typescriptVersion,
      environment: this.environment,
      entries,
    };
    fs.writeFileSync(tmp, JSON.stringify(data));
    fs.renameSync(tmp, this.file);
  }
}

/** The resolution environment: file list plus the content of every file that steers resolution. */
export function resolutionEnvironment(
  root: string,
  sources: string[],
  configs: string[],
  extra: string[] = [],
): string {
  const h = crypto.createHash('sha1');
  h.update(sources.join('\n'));
  for (const f of [...configs.map((c) => path.join(root, c)), ...extra]) {
    h.update('\0' + f + '\0');
    try {
      h.update(fs.readFileSync(f));
    } catch {
      h.update('missing');
    }
  }
  return h.digest('base64url');
}
