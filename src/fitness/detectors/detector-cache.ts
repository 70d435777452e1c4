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
    this.records.keep(rel, [hash, facts]);
    return facts;
  }

  /** Writes exactly this run's files (nothing when nothing changed). */
  save(): void {
    this.records?.save();
  }
}
