import { Redis } from 'ioredis';
import { Guard, type GuardOptions } from './resilience.js';
import type { RouteClass, SharedRateLimitStore } from './rate-limit.js';

/**
 * The same token bucket as `RateLimiter.take`, run atomically inside Redis so every process draws from one bucket per
 * key. The clock is Redis's own (TIME), so processes with skewed clocks agree. A bucket left alone expires once it
 * would be full again, which is the same as a bucket that was never created.
 * KEYS[1] bucket; ARGV[1] capacity; ARGV[2] window in ms. Returns the milliseconds to wait (0 = token taken).
 */
const TAKE_SCRIPT = `
-- Redis < 5 needs this before a write may follow TIME; later versions always replicate effects.
if redis.replicate_commands then redis.replicate_commands() end
local capacity = tonumber(ARGV[1])
local perMs = capacity / tonumber(ARGV[2])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local b = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(b[1])
local at = tonumber(b[2])
if tokens == nil or at == nil then
  tokens = capacity
  at = now
end
tokens = math.min(capacity, tokens + math.max(0, now - at) * perMs)
local wait = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait = math.ceil((1 - tokens) / perMs)
end
redis.call('HSET', KEYS[1], 'tokens', string.format('%.17g', tokens), 'at', string.format('%d', now))
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - tokens) / perMs) + 1000)
return wait
`;

const WINDOW_MS = 60_000;

interface RedisWithTake extends Redis {
  rateLimitTake(key: string, capacity: number, windowMs: number): Promise<number>;
}

export interface RedisRateLimitOptions {
  /** Prefix of every bucket key (default `pitchey:rl:`). */
  keyPrefix?: string;
  /** A command slower than this counts as a failure (default 500 ms). */
  commandTimeoutMs?: number;
  /** Breaker and bulkhead around Redis calls (failure rate, slow calls). */
  guard?: GuardOptions;
  /** Where the one line per outage (and per recovery) goes; stderr by default. */
  log?: (line: string) => void;
}

/**
 * Rate-limit buckets in Redis (`platform start --redis-url`), shared by every worker and service process. Calls go
 * through a circuit breaker; when Redis fails or the breaker is open, `take` resolves to null and the caller uses its
 * in-process buckets (fail open), logging once per outage.
 */
export class RedisRateLimitStore {
  private readonly redis: RedisWithTake;
  readonly guard: Guard;
  private readonly prefix: string;
  private readonly log: (line: string) => void;
  private degraded = false;
  private closed = false;

  /** Connects (waiting up to connectWaitMs; an unreachable Redis is logged and retried, never thrown). */
  static async open(url: string, opts: RedisRateLimitOptions = {}, connectWaitMs = 2000): Promise<RedisRateLimitStore> {
    const store = new RedisRateLimitStore(url, opts);
    await store.ready(connectWaitMs);
    return store;
  }

  private constructor(
    readonly url: string,
    opts: RedisRateLimitOptions = {},
  ) {
    this.prefix = opts.keyPrefix ?? 'pitchey:rl:';
    this.log = opts.log ?? ((line) => process.stderr.write(`${line}\n`));
    // ioredis enforces the command timeout itself; a take is not idempotent, so it is never retried.
    this.guard = new Guard('redis', { timeoutMs: 0, slowCallMs: 250, minimumCalls: 3, retries: 0, ...opts.guard });
    this.redis = new Redis(url, {
      // A request never waits for a reconnect: without a connection a command fails at once and we fail open.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: opts.commandTimeoutMs ?? 500,
      connectTimeout: 1000,
      retryStrategy: (times) => Math.min(times * 100, 2000),
    }) as RedisWithTake;
    // Connection errors surface through take() (and its one log line per outage); ioredis would print each one.
    this.redis.on('error', () => {});
    this.redis.defineCommand('rateLimitTake', { numberOfKeys: 1, lua: TAKE_SCRIPT });
  }

  /** Waits until connected (true) or until timeoutMs passes / the first connection fails (false, logged). */
  private async ready(timeoutMs = 2000): Promise<boolean> {
    if (this.redis.status === 'ready') return true;
    const failure = await new Promise<Error | null>((resolve) => {
      const done = (v: Error | null) => {
        clearTimeout(timer);
        this.redis.off('ready', onReady);
        this.redis.off('error', onError);
        resolve(v);
      };
      const onReady = () => done(null);
      const onError = (e: Error) => done(e);
      const timer = setTimeout(() => done(new Error(`no connection within ${timeoutMs} ms`)), timeoutMs);
      this.redis.once('ready', onReady);
      this.redis.once('error', onError);
    });
    if (failure) this.markDegraded(failure);
    return !failure;
  }

  /** Takes one token from the shared bucket `scope|routeClass|client`; null when Redis cannot answer. */
  async take(scope: string, routeClass: RouteClass, client: string, capacityPerMinute: number): Promise<number | null> {
    if (this.closed) return null;
    const key = `${this.prefix}${scope}|${routeClass}|${client}`;
    try {
      const wait = await this.guard.run(() => this.redis.rateLimitTake(key, capacityPerMinute, WINDOW_MS));
      if (this.degraded) {
        this.degraded = false;
        this.log(`[platform] rate limit: Redis at ${this.url} answers again; shared buckets resumed`);
      }
      return Number(wait);
    } catch (e) {
      this.markDegraded(e as Error);
      return null;
    }
  }

  /** The store as one service sees it: its buckets are apart from other services' (as in-process). */
  forScope(scope: string): SharedRateLimitStore {
    return { take: (routeClass, client, capacity) => this.take(scope, routeClass, client, capacity) };
  }

  /** Whether the last call failed (requests are being limited per process). */
  get failingOpen(): boolean {
    return this.degraded;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
  }

  private markDegraded(e: Error): void {
    if (this.degraded) return;
    this.degraded = true;
    this.log(
      `[platform] rate limit: Redis at ${this.url} unavailable (${e.message}); failing open to in-process buckets`,
    );
  }
}
