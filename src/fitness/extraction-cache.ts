import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import type { FileExtraction } from './import-extraction.js';

const CACHE_FORMAT = 2;

interface CacheFile {
  format: number;
  typescript: string;
  entries: Record<string, { hash: string; extraction: FileExtraction }>;
}

export function contentHash(text: string): string {
  return crypto.createHash('sha1').update(text).digest('base64url');
}

/** Per-file extraction results keyed by content hash, persisted as one JSON file in `cacheDir`. */
export class ExtractionCache {
  private entries: CacheFile['entries'] = {};
  private readonly file: string;
  hits = 0;
  misses = 0;

  constructor(cacheDir: string) {
    this.file = path.join(cacheDir, 'static-extraction-cache.json');
    try {
      const data = JSON.parse(fs.readFileSync(this.file, 'utf8')) as CacheFile;
      if (data.format === CACHE_FORMAT && data.typescript === ts.version) this.entries = data.entries;
    } catch {
      // No cache yet, or an unreadable one: start empty.
    }
  }

  get(relPath: string, hash: string): FileExtraction | undefined {
    const e = this.entries[relPath];
    if (e && e.hash === hash) { this.hits++; return e.extraction; }
    this.misses++;
    return undefined;
  }

  /** Replaces the cache content with exactly the files of this run. */
  save(current: Map<string, { hash: string; extraction: FileExtraction }>): void {
    const entries: CacheFile['entries'] = {};
    for (const [k, v] of current) entries[k] = v;
    this.entries = entries;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ format: CACHE_FORMAT, typescript: ts.version, entries } satisfies CacheFile));
    fs.renameSync(tmp, this.file);
  }
}
