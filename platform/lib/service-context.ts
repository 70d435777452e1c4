import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { TokenSigner } from './auth-token.js';
import type { CacheInvalidationBus } from './cache-invalidation.js';
import type { Db } from './db.js';
import type { EventBus, Subscriber } from './event-bus.js';
import type { FeatureFlags } from './feature-flags.js';
import type { RedisCacheStore } from './layered-cache.js';
import type { Migration } from './migrations.js';
import type { RateLimitConfig } from './rate-limit.js';
import type { SagaFaults } from './saga-runner.js';
import type { ServiceClient } from './service-client.js';

export type ServiceName = 'user' | 'pitch' | 'nda' | 'notification' | 'media';

/** What the composition root hands every service: infrastructure only, never another service. */
export interface ServiceContext {
  db: Db;
  bus: EventBus;
  signer: TokenSigner;
  /** Client for another service (HTTP or in-process transport, always through breaker and bulkhead). */
  client(name: ServiceName): ServiceClient;
  rateLimit: RateLimitConfig;
  dataDir: string;
  /** Test-only failure injection for the pitch-creation saga. */
  sagaFaults?: SagaFaults;
  /** Invalidates read caches in every process of this platform. */
  caches: CacheInvalidationBus;
  /** Feature flags, shared by every service of the platform (a change is effective in every process at once). */
  flags: FeatureFlags;
  /** Where the service's HTTP metrics go (shared by the services of one process). */
  metrics: Registry;
  /** The regional cache layer (Redis, `--redis-url`) under each service's in-process caches; none without Redis. */
  sharedCache?: RedisCacheStore | null;
  /** Clock for NDA expiry decisions (tests move it). */
  now(): Date;
}

export interface PlatformService {
  name: ServiceName;
  schema: string;
  migrations: Migration[];
  subscribers: Subscriber[];
  /** Registers the service's HTTP entry (rate limit, metrics, routes) into an encapsulated fastify context. */
  register(app: FastifyInstance): Promise<void>;
  /** Available after `register`. */
  metrics(): Registry;
  /** Background work after migrations (sweepers, saga recovery). */
  start?(): Promise<void>;
  stop?(): Promise<void>;
}
