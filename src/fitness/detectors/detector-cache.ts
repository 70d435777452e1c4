import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { typescriptVersion } from '../typescript-api.js';
import { contentHash } from '../extraction-cache.js';
import type { FileFacts } from './file-facts.js';

const CACHE_FORMAT = 3;

interface CacheFile {
  format: number;
  typescript: string;
  /** Hash of the detector options: other client / wrapper / middleware names give other facts. */
  options: string;
  entries: Record<string, { hash: string; facts: FileFacts }>;
}

/** Detector facts per file keyed by content hash, persisted as one JSON file next to the extraction cache. */
export class DetectorCache {
  private entries: CacheFile['entries'] = {};
  private readonly current: CacheFile['entries'] = {};
  private readonly file: string | undefined;
  private readonly options: string;
  hits = 0;
  misses = 0;

  constructor(cacheDir: string | undefined, options: unknown) {
    this.options = crypto.createHash('sha1').update(JSON.stringify(options)).digest('base64url');
    this.file = cacheDir ? path.join(cacheDir, 'static-detector-cache.json') : undefined;
    if (!this.file) return;
    try {
      const data = JSON.parse(fs.readFileSync(this.file, 'utf8')) as CacheFile;
      if (data.format === CACHE_FORMAT && data.typescript === typescriptVersion && data.options === this.options) {
        this.entries = data.entries;
      }
    } catch {
      // No cache yet, or an unreadable one: start empty.
    }
  }

  /**
   * The facts of `rel`: from the cache when its content hash is unchanged (`knownHash`, computed by the graph engine,
   * saves reading the file), else computed from its text.
   */
  facts(
    rel: string,
    knownHash: string | undefined,
    text: (rel: string) => string,
    compute: (t: string) => FileFacts,
  ): FileFacts {
    let t: string | undefined;
    const hash = this.file ? (knownHash ?? contentHash((t = text(rel)))) : '';
    const hit = this.entries[rel];
    let facts: FileFacts;
    if (this.file && hit && hit.hash === hash) {
      this.hits++;
      facts = hit.facts;
    } else {
      this.misses++;
      facts = compute(t ?? text(rel));
    }
    this.current[rel] = { hash, facts };
    return facts;
  }

  /** Writes exactly this run's files (skipped when nothing changed). */
  save(): void {
    if (!this.file) return;
    if (this.misses === 0 && Object.keys(this.current).length === Object.keys(this.entries).length) return;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    const data: CacheFile = {
      format: CACHE_FORMAT,
      typescript: typescriptVersion,
      options: this.options,
      entries: this.current,
    };
    fs.writeFileSync(tmp, JSON.stringify(data));
    fs.renameSync(tmp, this.file);
  }
}
