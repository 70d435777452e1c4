import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

const STORE_FORMAT = 1;

interface BaseFile {
  format: number;
  /** What the records are valid for (record format, tool versions, options): another key starts empty. */
  key: string;
  /** Store-wide state the records were made with (e.g. the resolution environment). */
  meta: string;
  /** Names this base; a journal written for another base is ignored. */
  generation: string;
  paths: string[];
  records: unknown[];
}

/**
 * One record per source file, persisted as a base file plus an append-only journal, so a warm run that changed a few
 * files appends a few lines instead of rewriting the whole cache (and a run that changed nothing writes nothing).
 * The journal is folded into a new base once it holds more than a tenth of the records.
 *
 * Records must carry what makes them valid for a file (its content hash, or size and mtime): a journal line lost to a
 * crash then only leaves an older record that no longer matches the file, never a wrong answer.
 */
export class FileRecordStore<R> {
  private readonly base: string;
  private readonly journal: string;
  private loaded = new Map<string, R>();
  private readonly current = new Map<string, R>();
  private readonly changed = new Set<string>();
  private generation = '';
  private journalLines = 0;
  /** Whether the journal on disk continues this base (else it is replaced, not appended to). */
  private journalIsOurs = false;
  /** The meta the loaded records were written with ('' when there were none). */
  readonly loadedMeta: string = '';
  /** The paths of the loaded base in its order (records may refer to paths by their index here). */
  basePaths: readonly string[] = [];

  constructor(
    cacheDir: string,
    name: string,
    private readonly key: string,
    /** A cache file of an older layout, removed when this store first writes its base. */
    private readonly legacyFile?: string,
    /** Re-encodes a record that refers to paths by index in `from` for a new base whose path order is `to`. */
    private readonly rebase?: (record: R, from: readonly string[], to: Map<string, number>) => R,
  ) {
    this.base = path.join(cacheDir, `${name}.json`);
    this.journal = path.join(cacheDir, `${name}.journal`);
    let data: BaseFile | undefined;
    try {
      data = JSON.parse(fs.readFileSync(this.base, 'utf8')) as BaseFile;
    } catch {
      // No cache yet, or an unreadable one: start empty.
    }
    if (!data || data.format !== STORE_FORMAT || data.key !== key || data.paths.length !== data.records.length) return;
    for (let i = 0; i < data.paths.length; i++) this.loaded.set(data.paths[i], data.records[i] as R);
    this.basePaths = data.paths;
    this.loadedMeta = data.meta;
    this.generation = data.generation;
    this.readJournal();
  }

  private readJournal(): void {
    let text: string;
    try {
      text = fs.readFileSync(this.journal, 'utf8');
    } catch {
      return;
    }
    const lines = text.split('\n');
    if (lines[0] !== this.generation) return;
    this.journalIsOurs = true;
    for (let i = 1; i < lines.length; i++) {
      if (lines[i] === '') continue;
      this.journalLines++;
      try {
        const [rel, record] = JSON.parse(lines[i]) as [string, R | undefined];
        if (record === undefined || record === null) this.loaded.delete(rel);
        else this.loaded.set(rel, record);
      } catch {
        // A torn line (a crash mid-append): its file is simply not cached.
      }
    }
  }

  /** The record stored for `rel`, if any (the caller checks that it still matches the file). */
  get(rel: string): R | undefined {
    return this.loaded.get(rel);
  }

  /** This run's record of `rel`; pass the very object `get` returned when it is still valid (nothing to write). */
  keep(rel: string, record: R): void {
    this.current.set(rel, record);
    if (this.loaded.get(rel) !== record) this.changed.add(rel);
  }

  /** Whether a file that had a record is not kept in this run (call before `save`). */
  hasRemovals(): boolean {
    for (const rel of this.loaded.keys()) if (!this.current.has(rel)) return true;
    return false;
  }

  /** Persists exactly the files kept in this run; writes nothing when nothing changed. Best effort. */
  save(meta = ''): void {
    const removed = [...this.loaded.keys()].filter((rel) => !this.current.has(rel));
    const changes = this.changed.size + removed.length;
    const metaChanged = meta !== this.loadedMeta || this.generation === '';
    if (changes === 0 && !metaChanged) return;
    try {
      fs.mkdirSync(path.dirname(this.base), { recursive: true });
      if (!metaChanged && this.journalLines + changes <= Math.max(64, this.current.size / 10)) {
        const lines = [...this.changed].map((rel) => JSON.stringify([rel, this.current.get(rel)]));
        for (const rel of removed) lines.push(JSON.stringify([rel, null]));
        if (this.journalIsOurs) fs.appendFileSync(this.journal, lines.join('\n') + '\n');
        else fs.writeFileSync(this.journal, [this.generation, ...lines].join('\n') + '\n');
        this.journalIsOurs = true;
        this.journalLines += changes;
      } else {
        this.writeBase(meta);
      }
      this.loaded = new Map(this.current);
      this.changed.clear();
    } catch {
      // A cache that cannot be written only costs the next run time.
    }
  }

  private writeBase(meta: string): void {
    const generation = crypto.randomBytes(9).toString('base64url');
    const paths = [...this.current.keys()];
    const to = this.rebase ? new Map(paths.map((p, i) => [p, i])) : undefined;
    const records = paths.map((p) => {
      const r = this.current.get(p)!;
      return to ? this.rebase!(r, this.basePaths, to) : r;
    });
    const data: BaseFile = { format: STORE_FORMAT, key: this.key, meta, generation, paths, records };
    const tmp = `${this.base}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify(data));
    fs.renameSync(tmp, this.base);
    paths.forEach((p, i) => this.current.set(p, records[i]));
    this.basePaths = paths;
    fs.rmSync(this.journal, { force: true });
    if (this.legacyFile) fs.rmSync(path.join(path.dirname(this.base), this.legacyFile), { force: true });
    this.generation = generation;
    this.journalLines = 0;
    this.journalIsOurs = false;
  }
}
