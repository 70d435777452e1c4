import crypto from 'node:crypto';
import { contentHash } from '../extraction-cache.js';
import { FileRecordStore } from '../file-record-store.js';
import { typescriptVersion } from '../typescript-api.js';
import type { FileFacts } from './file-facts.js';

const RECORD_FORMAT = 4;

/** Detector facts per file keyed by content hash, in a record store next to the extraction cache. */
export class DetectorCache {
  private readonly records: FileRecordStore<[hash: string, facts: FileFacts]> | undefined;
  hits = 0;
  misses = 0;
  /** Set when a file's facts differ from its previous record's (or it had none): the fact set changed. */
  private factsChanged = false;
  /**
   * After `save`: names this run's set of facts. It stays the same while every file's facts do (an edit that changed
   * no fact), so results computed from the facts alone can be cached under it. Undefined without a cache folder.
   */
  factsVersion: string | undefined;

  /** `options`: the detector names in use (other client / wrapper / middleware names give other facts). */
  constructor(cacheDir: string | undefined, options: unknown) {
    const optionsHash = crypto.createHash('sha1').update(JSON.stringify(options)).digest('base64url');
    this.records = cacheDir
      ? new FileRecordStore(
          cacheDir,
          'static-detectors',
          `${RECORD_FORMAT}/${typescriptVersion}/${optionsHash}`,
          'static-detector-cache.json',
        )
      : undefined;
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
    if (!this.records) {
      this.misses++;
      return compute(text(rel));
    }
    let t: string | undefined;
    const hash = knownHash ?? contentHash((t = text(rel)));
    const hit = this.records.get(rel);
    if (hit && hit[0] === hash) {
      this.hits++;
      this.records.keep(rel, hit);
      return hit[1];
    }
    this.misses++;
    const facts = compute(t ?? text(rel));
    if (!hit || JSON.stringify(hit[1]) !== JSON.stringify(facts)) this.factsChanged = true;
    this.records.keep(rel, [hash, facts]);
    return facts;
  }

  /** Writes exactly this run's files (nothing when nothing changed), with the version of its fact set. */
  save(): void {
    if (!this.records) return;
    const same = !this.factsChanged && !this.records.hasRemovals() && this.records.loadedMeta !== '';
    this.factsVersion = same ? this.records.loadedMeta : crypto.randomBytes(12).toString('base64url');
    this.records.save(this.factsVersion);
  }
}
