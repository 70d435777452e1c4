import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';

export type RouteClass = 'auth' | 'nda' | 'general';

/**
 * A bucket store shared by every process (e.g. Redis), already scoped to one service. `take` resolves like
 * `RateLimiter.take` (milliseconds to wait, 0 = allowed), or to null when the store cannot answer: the caller then
 * falls back to its in-process buckets.
 */
export interface SharedRateLimitStore {
  take(routeClass: RouteClass, client: string, capacityPerMinute: number): Promise<number | null>;
}

export interface RateLimitConfig {
  enabled: boolean;
  /** Requests per minute per client address, by route class. */
  perMinute: number;
  authPerMinute: number;
  ndaPerMinute: number;
  /** Failed sign-ins per account (by email, registered or not) before its sign-ins answer 429 for the window. */
  signInFailuresPerAccount?: number;
  signInFailureWindowMs?: number;
  /** When set, buckets live in this shared store instead of this process (`platform start --redis-url`). */
  shared?: SharedRateLimitStore;
}

// High enough that a local load test from one address is not throttled by accident.
export const DEFAULT_RATE_LIMIT: RateLimitConfig = {
  enabled: true,
  perMinute: 1_200_000,
  authPerMinute: 120_000,
  ndaPerMinute: 120_000,
  signInFailuresPerAccount: 10,
  signInFailureWindowMs: 15 * 60_000,
};

/**
 * Brute-force protection per account: after `limit` failed sign-ins for one email within the window, further
 * attempts answer 429 without checking the password, whatever the client address. Unknown emails count the same
 * way, so the 429 does not reveal whether an account exists. A success clears the count.
 */
export class SignInThrottle {
  private readonly failures: LRUCache<string, { count: number; since: number }>;

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
    private readonly now: () => number = Date.now,
  ) {
    this.failures = new LRUCache({ max: 100_000, ttl: windowMs });
  }

  /** Milliseconds until this account may try again (0: it may try now). */
  retryAfterMs(email: string): number {
    const f = this.failures.get(email);
    if (!f || f.count < this.limit) return 0;
    return Math.max(1, f.since + this.windowMs - this.now());
  }

  failed(email: string): void {
    const f = this.failures.get(email);
    if (f && this.now() - f.since < this.windowMs) f.count++;
    else this.failures.set(email, { count: 1, since: this.now() });
  }

  succeeded(email: string): void {
    this.failures.delete(email);
  }
}

interface Bucket {
  tokens: number;
  at: number;
}

/** Token buckets keyed by route class and client address. */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly config: RateLimitConfig,
    private readonly now: () => number = Date.now,
  ) {}

  limitFor(routeClass: RouteClass): number {
    return routeClass === 'auth'
      ? this.config.authPerMinute
      : routeClass === 'nda'
        ? this.config.ndaPerMinute
        : this.config.perMinute;
  }

  /** Takes one token; returns the milliseconds to wait when none is left, else 0. */
  take(routeClass: RouteClass, client: string): number {
    const capacity = this.limitFor(routeClass);
    const perMs = capacity / 60_000;
    const key = `${routeClass}|${client}`;
    const t = this.now();
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size > 100_000) this.buckets.clear();
      b = { tokens: capacity, at: t };
      this.buckets.set(key, b);
    }
    b.tokens = Math.min(capacity, b.tokens + (t - b.at) * perMs);
    b.at = t;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.ceil((1 - b.tokens) / perMs);
  }
}

function routeClassOf(url: string): RouteClass {
  if (url.startsWith('/api/auth/')) return 'auth';
  if (url.startsWith('/api/ndas')) return 'nda';
  return 'general';
}

/**
 * Registers rate limiting on a service's HTTP entry. The client key is the socket's peer address (or the address
 * our own gateway vouches for); a client-supplied X-Forwarded-For is never trusted. Internal calls are exempt. With
 * `config.shared` the buckets are the shared store's; while it cannot answer, this process's own buckets apply.
 */
export function registerRateLimit(
  app: FastifyInstance,
  config: RateLimitConfig,
  isInternal: (req: FastifyRequest) => boolean,
  clientAddress: (req: FastifyRequest) => string = (req) => req.socket?.remoteAddress ?? 'unknown',
): RateLimiter {
  const limiter = new RateLimiter(config);
  if (!config.enabled) return limiter;
  app.addHook('onRequest', async (req, reply) => {
    if (isInternal(req)) return;
    const routeClass = routeClassOf(req.url);
    const client = clientAddress(req);
    const shared = config.shared ? await config.shared.take(routeClass, client, limiter.limitFor(routeClass)) : null;
    const wait = shared ?? limiter.take(routeClass, client);
    if (wait > 0) {
      reply.header('retry-after', String(Math.ceil(wait / 1000)));
      return reply.code(429).send({ success: false, error: { code: 'rate_limited', message: 'too many requests' } });
    }
  });
  return limiter;
}
