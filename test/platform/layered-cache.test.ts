import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LayeredCache, RedisCacheStore } from '../../platform/lib/layered-cache.js';
import { HAVE_REDIS, startRedisServer, type RedisServer } from './redis-server.js';

function deferred<T>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

const never = (): Promise<never> => Promise.reject(new Error('the source must not be asked'));

describe('layered cache: in-process layer', () => {
  it('a refill that started before an invalidation is not kept', async () => {
    const c = new LayeredCache<string>({ name: 't', max: 10, ttlMs: 60_000 });
    const slow = deferred<string>();
    const racing = c.get('k', () => slow.promise);
    c.invalidateLocal('k'); // the write lands while the old row is on its way
    slow.resolve('old');
    expect(await racing).toBe('old'); // that reader started before the write: old is a fair answer for it
    expect(await c.get('k', () => Promise.resolve('new'))).toBe('new');
    expect(await c.get('k', never)).toBe('new');
  });

  it('concurrent misses share one load', async () => {
    const c = new LayeredCache<number>({ name: 't', max: 10, ttlMs: 60_000 });
    let loads = 0;
    const gate = deferred<number>();
    const all = Promise.all(Array.from({ length: 20 }, () => c.get('k', () => (loads++, gate.promise))));
    gate.resolve(42);
    expect(await all).toEqual(Array(20).fill(42));
    expect(loads).toBe(1);
  });
});

describe.runIf(HAVE_REDIS)('layered cache: shared Redis layer (real redis-server)', () => {
  let redis: RedisServer;
  const stores: RedisCacheStore[] = [];
  let raw: Redis;
  const store = async () => {
    const s = new RedisCacheStore(redis.url);
    stores.push(s);
    expect(await s.ready()).toBe(true);
    return s;
  };
  beforeAll(async () => {
    redis = await startRedisServer();
    raw = new Redis(redis.url);
  });
  afterAll(async () => {
    for (const s of stores) await s.close();
    raw?.disconnect();
    await redis?.stop();
  });

  it('a second process is served from Redis without touching the source', async () => {
    const a = new LayeredCache<{ n: number }>({ name: 'rows', max: 10, ttlMs: 60_000, shared: await store() });
    const b = new LayeredCache<{ n: number }>({ name: 'rows', max: 10, ttlMs: 60_000, shared: await store() });
    expect(await a.get('p1', () => Promise.resolve({ n: 1 }))).toEqual({ n: 1 });
    expect(JSON.parse((await raw.get('pitchey:cache:d:rows:p1'))!)).toEqual({ n: 1 });
    expect(await b.get('p1', never)).toEqual({ n: 1 });
  });

  it('versioned refill: a slow reader that loaded before a write never overwrites the newer data (the race)', async () => {
    const reader = new LayeredCache<string>({ name: 'race', max: 10, ttlMs: 60_000, shared: await store() });
    const writer = new LayeredCache<string>({ name: 'race', max: 10, ttlMs: 60_000, shared: await store() });
    let source = 'v1';
    const slow = deferred<void>();
    // Reader misses both layers and reads the source (v1) ... slowly.
    const racing = reader.get('p', async () => {
      const seen = source;
      await slow.promise;
      return seen;
    });
    await new Promise((r) => setTimeout(r, 50)); // the reader has read the version and is inside the load
    source = 'v2';
    await writer.invalidate('p'); // the write commits, then invalidates (version 0 → 1)
    expect(await raw.get('pitchey:cache:v:race:p')).toBe('1');
    slow.resolve();
    expect(await racing).toBe('v1');
    // Its compare-and-set saw version 1, not the 0 it started with: nothing stored.
    expect(await raw.get('pitchey:cache:d:race:p')).toBeNull();
    const fresh = new LayeredCache<string>({ name: 'race', max: 10, ttlMs: 60_000, shared: await store() });
    expect(await fresh.get('p', () => Promise.resolve(source))).toBe('v2');
    expect(JSON.parse((await raw.get('pitchey:cache:d:race:p'))!)).toBe('v2');
    expect(await reader.get('p', () => Promise.resolve(source))).toBe('v2');
  });

  it('fails open to the source while Redis is down', async () => {
    const own = await startRedisServer();
    const s = new RedisCacheStore(own.url);
    stores.push(s);
    expect(await s.ready()).toBe(true);
    const c = new LayeredCache<number>({ name: 'down', max: 10, ttlMs: 60_000, shared: s });
    await own.stop();
    let loads = 0;
    expect(await c.get('k', () => Promise.resolve(++loads))).toBe(1);
    c.invalidateLocal('k');
    expect(await c.get('k', () => Promise.resolve(++loads))).toBe(2);
    await c.invalidate('k'); // must not throw
  });
});
