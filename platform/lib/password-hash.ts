import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto';
import { BulkheadRejectedError, bulkhead } from 'cockatiel';
import { ApiError } from './api-error.js';

const KEYLEN = 32;
export const DEFAULT_SCRYPT = { N: 16384, r: 8, p: 1 } as const;

// scrypt runs on libuv's thread pool (4 threads by default), which file reads share. At most two hashes run at once
// so a flood of sign-ins cannot take every thread; the rest wait in a bounded queue and beyond it are refused (503).
export const HASH_CONCURRENCY = 2;
export const HASH_QUEUE = 256;
const hashing = bulkhead(HASH_CONCURRENCY, HASH_QUEUE);

function scrypt(password: string, salt: Buffer, opts: ScryptOptions): Promise<Buffer> {
  return hashing
    .execute(
      () =>
        new Promise<Buffer>((resolve, reject) =>
          scryptCb(password, salt, KEYLEN, { ...opts, maxmem: 64 * 1024 * 1024 }, (err, key) =>
            err ? reject(err) : resolve(key),
          ),
        ),
    )
    .catch((e: unknown) => {
      if (e instanceof BulkheadRejectedError)
        throw new ApiError(503, 'busy', 'too many sign-ins in progress, retry shortly', 1);
      throw e;
    });
}

/** `scrypt$N$r$p$salt$hash` (base64url parts) so parameters can change without invalidating old hashes. */
export async function hashPassword(
  password: string,
  salt: Buffer = randomBytes(16),
  params: { N: number; r: number; p: number } = DEFAULT_SCRYPT,
): Promise<string> {
  const key = await scrypt(password, salt, params);
  return ['scrypt', params.N, params.r, params.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, salt, hash] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(hash, 'base64url');
  const key = await scrypt(password, Buffer.from(salt, 'base64url'), { N: Number(n), r: Number(r), p: Number(p) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}

let dummy: Promise<string> | null = null;

/**
 * Spends the same work as checking a real password, for sign-ins of unknown or deactivated accounts, so the answer
 * time does not tell whether an email is registered.
 */
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummy ??= hashPassword(randomBytes(12).toString('base64url'));
  await verifyPassword(password, await dummy);
  return false;
}
