import { Redis } from 'ioredis';
import { LRUCache } from 'lru-cache';
import { Guard, type GuardOptions } from './resilience.js';

/**
 * Versioned compare-and-set refill: stores the value only if the key's version is still the one the reader saw before
 * it went to the database. An invalidation bumps the version, so a refill that started earlier never lands.
 * KEYS[1] data key, KEYS[2] version key; ARGV[1] expected version, ARGV[2] value, ARGV[3] ttl ms. Returns 1 if stored.
 */
const REFILL_SCRIPT = `
local v = redis.call('GET', KEYS[2]) or '0'
if v ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', tonumber(ARGV[3]))
return 1
`;

/** KEYS[1] data key, KEYS[2] version key; ARGV[1] version key ttl ms. Returns the new version. */
const INVALIDATE_SCRIPT = `
local v = redis.call('INCR', KEYS[2])
redis.call('PEXPIRE', KEYS[2], tonumber(ARGV[1]))
redis.call('DEL', KEYS[1])
return v
`;

interface RedisWithScripts extends Redis {
  cacheRefill(dataKey: string, versionKey: string, expected: string, value: string, ttlMs: number): Promise<number>;
  cacheInvalidate(dataKey: string, versionKey: string, versionTtlMs: number): Promise<number>;
}

// A version must outlive every refill that could still be in flight; a day is far beyond any request.
const VERSION_TTL_MS = 24 * 3600_000;

/**
 * The regional layer: one Redis shared by every process and instance of the platform (`--redis-url`). Reads fail open
 * (a Redis outage means the database answers); the breaker keeps a dead Redis from costing a timeout per request.
 */
export class RedisCacheStore {
  readonly guard: Guard;
  private readonly redis: RedisWithScripts;

  constructor(
    readonly url: string,
    opts: { keyPrefix?: string; guard?: GuardOptions } = {},
  ) {
    this.guard = new Guard('redis-cache', {
      timeoutMs: 0,
      slowCallMs: 100,
      minimumCalls: 5,
      retries: 0,
      ...opts.guard,
    });
    this.redis = new Redis(url, {
      keyPrefix: opts.keyPrefix ?? 'pitchey:cache:',
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: 200,
      connectTimeout: 1000,
      retryStrategy: (times) => Math.min(times * 100, 2000),
    }) as RedisWithScripts;
    this.redis.on('error', () => {});
    this.redis.defineCommand('cacheRefill', { numberOfKeys: 2, lua: REFILL_SCRIPT });
    this.redis.defineCommand('cacheInvalidate', { numberOfKeys: 2, lua: INVALIDATE_SCRIPT });
  }

  /** Resolves when connected (or after `timeoutMs`; the store then fails open until Redis appears). */
  async ready(timeoutMs = 2000): Promise<boolean> {
    if (this.redis.status === 'ready') return true;
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(false), timeoutMs);
      this.redis.once('ready', () => {
        clearTimeout(t);
        resolve(true);
      });
    });
  }

  /** The cached value (or undefined) and the version a refill must present. Null when Redis cannot answer. */
  async read(key: string): Promise<{ value: string | null; version: string } | null> {
    try {
      const [value, version] = await this.guard.run(() => this.redis.mget(`d:${key}`, `v:${key}`), {
        idempotent: true,
      });
      return { value: value ?? null, version: version ?? '0' };
    } catch {
      return null;
    }
  }

  async refill(key: string, version: string, value: string, ttlMs: number): Promise<boolean> {
    try {
      return (await this.guard.run(() => this.redis.cacheRefill(`d:${key}`, `v:${key}`, version, value, ttlMs))) === 1;
    } catch {
      return false;
    }
  }

  /** Bumps the version and drops the value; throws when Redis cannot be told (the caller decides). */
  async invalidate(key: string): Promise<void> {
    await this.guard.run(() => this.redis.cacheInvalidate(`d:${key}`, `v:${key}`, VERSION_TTL_MS));
  }

  async close(): Promise<void> {
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
  }
}

export interface LayeredCacheOptions {
  /** Namespace of the keys in the shared store. */
  name: string;
  /** In-process LRU: entries and time to live (the staleness bound for other instances). */
  max: number;
  ttlMs: number;
  /** The shared layer; null for in-process only. */
  shared?: RedisCacheStore | null;
  sharedTtlMs?: number;
}

interface Flight<V> {
  promise: Promise<V | undefined>;
  stale: boolean;
}

/**
 * App layer (in-process LRU) over the regional layer (Redis) over the source (the database). Refills are versioned:
 * an invalidation during a refill marks it stale in this process and bumps the Redis version, so neither layer keeps
 * what a slow reader fetched before a write. Concurrent misses of one key share one load.
 * Values must be JSON-serialisable; `undefined` (not found) is never cached.
 */
export class LayeredCache<V> {
  private readonly local: LRUCache<string, { v: V }>;
  private readonly flights = new Map<string, Flight<V>>();

  constructor(private readonly o: LayeredCacheOptions) {
    this.local = new LRUCache({ max: o.max, ttl: o.ttlMs });
  }

  async get(key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    const hit = this.local.get(key);
    if (hit) return hit.v;
    const running = this.flights.get(key);
    if (running) return running.promise;
    const flight: Flight<V> = { promise: Promise.resolve(undefined), stale: false };
    flight.promise = this.fill(key, load, flight).finally(() => {
      if (this.flights.get(key) === flight) this.flights.delete(key);
    });
    this.flights.set(key, flight);
    return flight.promise;
  }

  /** This process only (every process hears of a write through the invalidation bus or the event stream). */
  invalidateLocal(key: string): void {
    this.local.delete(key);
    const f = this.flights.get(key);
    if (f) {
      f.stale = true;
      this.flights.delete(key);
    }
  }

  /** The writer's part, once per write: the shared layer (versioned) and this process. */
  async invalidate(key: string): Promise<void> {
    this.invalidateLocal(key);
    await this.o.shared?.invalidate(`${this.o.name}:${key}`).catch(() => {
      // Redis unreachable: its entry expires after sharedTtlMs; the breaker logs nothing per call by design.
    });
  }

  clearLocal(): void {
    this.local.clear();
    for (const f of this.flights.values()) f.stale = true;
    this.flights.clear();
  }

  private async fill(key: string, load: () => Promise<V | undefined>, flight: Flight<V>): Promise<V | undefined> {
    const sharedKey = `${this.o.name}:${key}`;
    const seen = this.o.shared ? await this.o.shared.read(sharedKey) : null;
    if (seen?.value) {
      const v = JSON.parse(seen.value) as V;
      if (!flight.stale) this.local.set(key, { v });
      return v;
    }
    const v = await load();
    if (v === undefined || flight.stale) return v;
    // A refused compare-and-set means a write happened since we looked: keep the value in neither layer.
    const current = seen
      ? await this.o.shared!.refill(sharedKey, seen.version, JSON.stringify(v), this.o.sharedTtlMs ?? 30_000)
      : true;
    if (current && !flight.stale) this.local.set(key, { v });
    return v;
  }
}
