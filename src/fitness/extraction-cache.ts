import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { EdgeKind } from '../core/result-static.js';
import { FileRecordStore } from './file-record-store.js';
import { typescriptVersion } from './typescript-api.js';
import type { FileExtraction, RawImport } from './import-extraction.js';

const RECORD_FORMAT = 6;
/** The one-JSON-file cache of format 4 and before, removed when this one first writes. */
const LEGACY_FILE = 'static-extraction-cache.json';

/**
 * A resolved import as cached: a file (its index in the base file's path list, or its relative path when it is not
 * in that list), an external package ([name]), or unresolved (null). Indexes make the cache a third smaller to read,
 * and every edge to a file shares one string.
 */
export type CachedResolution = number | string | [string] | null;

/**
 * One file's cached extraction, as a flat array (a third of the JSON objects would take to read on every warm run):
 * content hash, size and mtime when hashed, line count, exported declarations, parse error (0: none), the imports
 * flattened as specifier, kind, line, and their resolutions (0 when they must be redone).
 */
export type ExtractionRecord = [
  hash: string,
  size: number,
  mtimeMs: number,
  lines: number,
  abstract: number,
  total: number,
  parseError: string | 0,
  imports: Array<string | number>,
  resolved: CachedResolution[] | 0,
];

export function contentHash(text: string): string {
  return crypto.createHash('sha1').update(text).digest('base64url');
}

export function encodeRecord(
  hash: string,
  size: number,
  mtimeMs: number,
  lines: number,
  extraction: FileExtraction,
  resolved: CachedResolution[] | 0,
): ExtractionRecord {
  const imports: Array<string | number> = [];
  for (const imp of extraction.imports) imports.push(imp.specifier, imp.kind, imp.line);
  const { abstract, total } = extraction.exported;
  return [hash, size, mtimeMs, lines, abstract, total, extraction.parseError ?? 0, imports, resolved];
}

export function decodeExtraction(record: ExtractionRecord): FileExtraction {
  const imports: RawImport[] = [];
  const flat = record[7];
  for (let i = 0; i < flat.length; i += 3) {
    imports.push({ specifier: flat[i] as string, kind: flat[i + 1] as EdgeKind, line: flat[i + 2] as number });
  }
  return {
    imports,
    exported: { abstract: record[4], total: record[5] },
    ...(record[6] !== 0 ? { parseError: record[6] } : {}),
  };
}

/** Per-file extraction (and resolution) results keyed by content hash, in a base file plus journal in `cacheDir`. */
export class ExtractionCache {
  private readonly store: FileRecordStore<ExtractionRecord>;
  readonly environmentMatches: boolean;
  hits = 0;
  misses = 0;

  private pathIndex: Map<string, number> | undefined;

  constructor(
    cacheDir: string,
    readonly environment: string,
  ) {
    this.store = new FileRecordStore(
      cacheDir,
      'static-extraction',
      `${RECORD_FORMAT}/${typescriptVersion}`,
      LEGACY_FILE,
      rebaseRecord,
    );
    this.environmentMatches = this.store.loadedMeta === environment;
  }

  /** The paths cached resolutions refer to by index. */
  get paths(): readonly string[] {
    return this.store.basePaths;
  }

  /** A resolved file as cached: its index in `paths` when it has one. */
  encodeFile(file: string): number | string {
    this.pathIndex ??= new Map(this.store.basePaths.map((p, i) => [p, i]));
    return this.pathIndex.get(file) ?? file;
  }

  /** The record of a file whose size and modification time are unchanged since it was hashed (not counted). */
  unchanged(relPath: string, size: number, mtimeMs: number): ExtractionRecord | undefined {
    const r = this.store.get(relPath);
    return r && r[1] === size && r[2] === mtimeMs ? r : undefined;
  }

  get(relPath: string, hash: string): ExtractionRecord | undefined {
    const r = this.store.get(relPath);
    if (r && r[0] === hash) {
      this.hits++;
      return r;
    }
    this.misses++;
    return undefined;
  }

  /** This run's record of a file (the very record `get` returned when it still holds). */
  keep(relPath: string, record: ExtractionRecord): void {
    this.store.keep(relPath, record);
  }

  /** Persists exactly the files of this run (nothing is written when nothing changed). */
  save(): void {
    this.store.save(this.environment);
  }
}

/** A record whose file resolutions index `from`, re-encoded for a base whose path order is `to`. */
function rebaseRecord(record: ExtractionRecord, from: readonly string[], to: Map<string, number>): ExtractionRecord {
  const resolved = record[8];
  if (resolved === 0) return record;
  const file = (p: string) => to.get(p) ?? p;
  const rebased = resolved.map((r) => (typeof r === 'number' ? file(from[r]) : typeof r === 'string' ? file(r) : r));
  return [...record.slice(0, 8), rebased] as ExtractionRecord;
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
