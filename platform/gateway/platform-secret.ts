import { randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { ensurePrivateDir } from './private-dir.js';
import path from 'node:path';

/** The token-signing secret: kept in the data dir so every process of one platform shares it. */
export function loadOrCreateSecret(dataDir: string): Buffer {
  const file = path.join(dataDir, 'secret.key');
  try {
    const s = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (s.length >= 32) return s;
  } catch {
    // first start
  }
  ensurePrivateDir(dataDir);
  const s = randomBytes(32);
  try {
    writeFileSync(file, s.toString('base64'), { flag: 'wx', mode: 0o600 });
    return s;
  } catch {
    // Another process created it between our read and write: use theirs.
    return Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
  }
}
