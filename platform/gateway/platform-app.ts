import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { TokenSigner } from '../lib/auth-token.js';
import { openDb, type Db } from '../lib/db.js';
import { EventBus } from '../lib/event-bus.js';
import { eventStoreMigrations } from '../lib/event-store.js';
import { FEATURE_FLAG_SCHEMA, FeatureFlags, featureFlagMigrations } from '../lib/feature-flags.js';
import { createHttpApp } from '../lib/http-app.js';
import { renderMetrics } from '../lib/http-metrics.js';
import { migrate } from '../lib/migrations.js';
import { DEFAULT_RATE_LIMIT, type RateLimitConfig } from '../lib/rate-limit.js';
import { RedisRateLimitStore } from '../lib/redis-rate-limit.js';
import type { SagaFaults } from '../lib/saga-runner.js';
import { exposeGuardMetrics } from '../lib/resilience.js';
import { registerHttpCaching } from '../lib/http-cache.js';
import { exposeReplicaMetrics, registerCallerContext } from '../lib/read-router.js';
import { RedisCacheStore } from '../lib/layered-cache.js';
import { HttpTransport, ServiceClient, type ServiceTransport } from '../lib/service-client.js';
import { registerServiceAuth, ServiceTokens } from '../lib/service-auth.js';
import { flushTracing, initTracing, registerTracing } from '../lib/tracing.js';
import type { PlatformService, ServiceContext, ServiceName } from '../lib/service-context.js';
import { createMediaService } from '../services/media/service.js';
import { createNdaService } from '../services/nda/service.js';
import { createNotificationService } from '../services/notification/service.js';
import { createPitchService } from '../services/pitch/service.js';
import { createUserService } from '../services/user/service.js';
import { Registry } from 'prom-client';
import { LocalInvalidationBus, type CacheInvalidationBus } from '../lib/cache-invalidation.js';
import { PLATFORM_FLAGS, registerFeatureFlagRoutes } from './feature-flag-routes.js';
import { registerViewerResolution, SessionRevocations, type AuthState } from '../lib/request-auth.js';
import { InjectTransport } from './inject-transport.js';
import { loadOrCreateSecret } from './platform-secret.js';
import { ensurePrivateDir } from './private-dir.js';
import { assertMayScrape, METRICS_TOKEN_ENV } from './metrics-access.js';
import { randomBytes } from 'node:crypto';

import { userMigrations } from '../services/user/schema.js';
import { pitchMigrations } from '../services/pitch/schema.js';
import { ndaMigrations } from '../services/nda/schema.js';
import { notificationMigrations } from '../services/notification/schema.js';
import { mediaMigrations } from '../services/media/schema.js';
import type { Migration } from '../lib/migrations.js';

const MIGRATIONS: Array<[string, Migration[]]> = [
  ['eventstore', eventStoreMigrations],
  [FEATURE_FLAG_SCHEMA, featureFlagMigrations],
  ['user_svc', userMigrations],
  ['pitch_svc', pitchMigrations],
  ['nda_svc', ndaMigrations],
  ['notification_svc', notificationMigrations],
  ['media_svc', mediaMigrations],
];

/** Applies every schema's migrations (the event store's and each service's own). */
export async function migratePlatform(db: Db): Promise<void> {
  for (const [schema, ms] of MIGRATIONS) await migrate(db, schema, ms);
}

export const SERVICE_NAMES: readonly ServiceName[] = ['user', 'pitch', 'nda', 'notification', 'media'];

const FACTORIES: Record<ServiceName, (ctx: ServiceContext) => PlatformService> = {
  user: createUserService,
  pitch: createPitchService,
  nda: createNdaService,
  notification: createNotificationService,
  media: createMediaService,
};

export interface PlatformAppOptions {
  /** null: in-memory PGlite and a throwaway secret (tests). */
  dataDir: string | null;
  /** 'pglite' (embedded, under dataDir) or a postgres:// URL. */
  db: string;
  replicaUrl?: string;
  /** Replay lag beyond which the replica leaves read rotation (default 1000 ms). */
  replicaMaxLagMs?: number;
  /** An already opened database (multi-worker mode hands in its proxy). */
  openedDb?: Db;
  rateLimit?: Partial<RateLimitConfig>;
  /** Per-service overrides of the rate limits. */
  serviceRateLimits?: Partial<Record<ServiceName, Partial<RateLimitConfig>>>;
  /** Keep the rate-limit buckets in this Redis (shared by every process); failing open to in-process buckets. */
  redisUrl?: string;
  sagaFaults?: SagaFaults;
  now?: () => Date;
  busPollMs?: number;
  /** Services hosted by this process (default all); the others are reached over HTTP at `remote`. */
  services?: readonly ServiceName[];
  remote?: Partial<Record<ServiceName, string>>;
  /** Whether this process delivers events to its services' subscribers (one process per service should). */
  runSubscribers?: boolean;
  /** Skip migrations (a worker whose primary has already applied them). */
  skipMigrations?: boolean;
  mediaDir?: string;
  /** Cross-process cache invalidation (workers); a local one by default. */
  caches?: CacheInvalidationBus;
  /** Where feature-flag changes are announced, if not `caches` (a service process hears them from its gateway). */
  flagCaches?: CacheInvalidationBus;
  /** Bearer token for /metrics (default: $PITCHEY_METRICS_TOKEN); without one /metrics serves loopback peers only. */
  metricsToken?: string;
  /** A service on its own port (`--mode services`): refuse every request without a valid service token. */
  requireServiceToken?: boolean;
  /** Whether this process runs the background jobs (saga recovery, NDA expiry sweeper): exactly one should. */
  backgroundJobs?: boolean;
}

export interface PlatformApp {
  app: FastifyInstance;
  db: Db;
  bus: EventBus;
  services: PlatformService[];
  signer: TokenSigner;
  flags: FeatureFlags;
  close(): Promise<void>;
}

export async function buildPlatformApp(opts: PlatformAppOptions): Promise<PlatformApp> {
  const hosted = opts.services ?? SERVICE_NAMES;
  const secret = opts.dataDir ? loadOrCreateSecret(opts.dataDir) : randomBytes(32);
  const signer = new TokenSigner(secret);
  // Calls from this process name it: the one service it hosts on its own port, or the whole in-process platform.
  const tokens = new ServiceTokens(secret, opts.requireServiceToken ? hosted[0] : 'platform');
  const db =
    opts.openedDb ??
    (await openDb(
      opts.db === 'pglite'
        ? { kind: 'pglite', dataDir: opts.dataDir ? path.join(opts.dataDir, 'pgdata') : null }
        : { kind: 'pg', url: opts.db, replicaUrl: opts.replicaUrl, replica: { maxLagMs: opts.replicaMaxLagMs } },
    ));
  // Without a data dir (in-memory tests) media files go to a temporary directory removed on close.
  const tempMedia = opts.mediaDir || opts.dataDir ? null : mkdtempSync(path.join(os.tmpdir(), 'pitchey-media-'));
  const mediaRoot = opts.mediaDir ?? opts.dataDir ?? tempMedia!;
  ensurePrivateDir(mediaRoot);
  const bus = new EventBus(db, {
    pollMs: opts.busPollMs ?? 100,
    onError: (s, e) => process.stderr.write(`[platform] subscriber ${s}: ${(e as Error).message}\n`),
  });

  let app: FastifyInstance | null = null;
  const transports = new Map<ServiceName, ServiceTransport>();
  const clients = new Map<ServiceName, ServiceClient>();
  const transportFor = (name: ServiceName): ServiceTransport => {
    let t = transports.get(name);
    if (!t) {
      const url = opts.remote?.[name];
      if (hosted.includes(name)) t = new InjectTransport(() => app!);
      else if (url) t = new HttpTransport(url);
      else throw new Error(`no route to service ${name}`);
      transports.set(name, t);
    }
    return t;
  };

  const metrics = new Registry();
  const caches = opts.caches ?? new LocalInvalidationBus();
  const flags = new FeatureFlags(db, opts.flagCaches ?? caches, { defaults: PLATFORM_FLAGS });
  const rateLimitStore =
    opts.redisUrl && opts.rateLimit?.enabled !== false ? await RedisRateLimitStore.open(opts.redisUrl) : null;
  if (db.guard) exposeGuardMetrics(metrics, db.guard);
  if (db.router) exposeReplicaMetrics(metrics, db.router);
  if (rateLimitStore) exposeGuardMetrics(metrics, rateLimitStore.guard);
  // The regional cache layer, shared by every process and instance using this Redis.
  const sharedCache = opts.redisUrl ? new RedisCacheStore(opts.redisUrl) : null;
  if (sharedCache) {
    await sharedCache.ready();
    exposeGuardMetrics(metrics, sharedCache.guard);
  }
  const clientFor = (target: ServiceName): ServiceClient => {
    let c = clients.get(target);
    if (!c) {
      c = new ServiceClient(target, transportFor(target), () => tokens.tokenFor(target), { metrics });
      clients.set(target, c);
    }
    return c;
  };
  // Every token is checked against its user's live sessions (sign-out, deactivation) on every route.
  const sessions = new SessionRevocations(
    (userId) => clientFor('user').call<AuthState>('GET', `/internal/users/${userId}/auth-state`),
    opts.flagCaches ?? caches,
  );
  const services = hosted.map((name) => {
    const ctx: ServiceContext = {
      db,
      bus,
      signer,
      client: clientFor,
      rateLimit: {
        ...DEFAULT_RATE_LIMIT,
        ...opts.rateLimit,
        ...opts.serviceRateLimits?.[name],
        ...(rateLimitStore ? { shared: rateLimitStore.forScope(name) } : {}),
      },
      dataDir: mediaRoot,
      sagaFaults: opts.sagaFaults,
      metrics,
      caches,
      flags,
      now: opts.now ?? (() => new Date()),
      sharedCache,
    };
    return FACTORIES[name](ctx);
  });

  if (!opts.skipMigrations) {
    await migrate(db, 'eventstore', eventStoreMigrations);
    await migrate(db, FEATURE_FLAG_SCHEMA, featureFlagMigrations);
    for (const s of services) await migrate(db, s.schema, s.migrations);
  }
  // Read-model queries may go to a replica: it must at least know the schema before we serve.
  await db.syncReplica?.();
  if (opts.runSubscribers !== false) for (const s of services) for (const sub of s.subscribers) bus.subscribe(sub);

  app = createHttpApp();
  registerHttpCaching(app);
  initTracing(hosted.length === 1 ? `pitchey-${hosted[0]}` : 'pitchey-platform');
  registerTracing(app);
  registerCallerContext(app);
  registerViewerResolution(app, signer, sessions);
  if (opts.requireServiceToken) registerServiceAuth(app, hosted[0], tokens, true);
  for (const s of services) {
    await app.register(async (scope) => {
      if (!opts.requireServiceToken) registerServiceAuth(scope, s.name, tokens, false);
      await s.register(scope);
    });
  }
  registerFeatureFlagRoutes(app, flags, signer);
  app.get('/healthz', () => ({ success: true, data: { status: 'ok' } }));
  app.get('/readyz', async (_req, reply) => {
    try {
      const eventLag = await bus.lag();
      return { success: true, data: { status: 'ready', services: hosted, eventLag } };
    } catch {
      return reply.code(503).send({ success: false, error: { code: 'not_ready', message: 'database unavailable' } });
    }
  });
  app.get('/metrics', async (req, reply) => {
    assertMayScrape(req, opts.metricsToken ?? process.env[METRICS_TOKEN_ENV]);
    const m = await renderMetrics(services.map((s) => s.metrics()));
    return reply.header('content-type', m.contentType).send(m.body);
  });
  await app.ready();
  if (opts.backgroundJobs !== false) for (const s of services) await s.start?.();
  if (opts.runSubscribers !== false) bus.start();

  let closed = false;
  return {
    app,
    db,
    bus,
    services,
    signer,
    flags,
    async close() {
      if (closed) return;
      closed = true;
      await app.close();
      await bus.stop();
      if (opts.backgroundJobs !== false) for (const s of services) await s.stop?.();
      for (const t of transports.values()) await t.close?.();
      await rateLimitStore?.close();
      await sharedCache?.close();
      await flushTracing();
      if (!opts.openedDb) await db.close();
      if (tempMedia) rmSync(tempMedia, { recursive: true, force: true });
    },
  };
}
