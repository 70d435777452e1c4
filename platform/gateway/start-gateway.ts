import { ensurePrivateDir } from './private-dir.js';
import type { CacheInvalidationBus } from '../lib/cache-invalidation.js';
import type { Db } from '../lib/db.js';
import type { StartOptions } from './cli-options.js';
import { buildPlatformApp, type PlatformApp } from './platform-app.js';
import { seedPlatform } from './seed.js';
import { hasUsers } from '../services/user/seed-writer.js';

export interface Served {
  platform: PlatformApp;
  url: string;
  seeded: { users: number; pitches: number; ms: number } | null;
}

/** Single-process gateway: every service in this process behind one port. */
export async function serveGateway(
  o: StartOptions,
  extra: {
    caches?: CacheInvalidationBus;
    openedDb?: Db;
    skipMigrations?: boolean;
    runSubscribers?: boolean;
    backgroundJobs?: boolean;
    listen?: boolean;
  } = {},
): Promise<Served> {
  ensurePrivateDir(o.dataDir);
  const platform = await buildPlatformApp({
    dataDir: o.dataDir,
    db: o.db,
    replicaUrl: o.replicaUrl,
    replicaMaxLagMs: o.replicaMaxLagMs,
    rateLimit: o.rateLimit,
    serviceRateLimits: o.serviceRateLimits,
    redisUrl: o.redisUrl,
    openedDb: extra.openedDb,
    skipMigrations: extra.skipMigrations,
    runSubscribers: extra.runSubscribers,
    backgroundJobs: extra.backgroundJobs,
    caches: extra.caches,
  });
  let seeded: Served['seeded'] = null;
  try {
    if (o.seed && !(await hasUsers(platform.db))) {
      const r = await seedPlatform(platform.db, o.dataDir, o.users, o.pitches);
      seeded = { users: o.users, pitches: o.pitches, ms: Math.round(r.ms) };
      if (extra.runSubscribers !== false) await platform.bus.drain();
    }
    if (extra.listen === false) return { platform, url: '', seeded };
    await platform.app.listen({ host: o.host, port: o.port });
  } catch (e) {
    await platform.close();
    throw e;
  }
  const addr = platform.app.server.address();
  const port = typeof addr === 'object' && addr ? addr.port : o.port;
  return { platform, url: `http://${o.host}:${port}`, seeded };
}
