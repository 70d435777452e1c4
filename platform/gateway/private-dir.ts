import { chmodSync, mkdirSync } from 'node:fs';

/**
 * Creates (or tightens) a directory only its owner may enter: the data dir holds the database, media files, the
 * token secret and the seed manifest with passwords. Existing directories are chmod-ed too.
 */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
}
