// One service as its own process (`platform start --mode services`), forked by services-mode.ts.
import { WorkerInvalidationBus } from '../lib/cache-invalidation.js';
import { ipcDb } from '../lib/ipc-db.js';
import type { ServiceName } from '../lib/service-context.js';
import type { StartOptions } from './cli-options.js';
import { buildPlatformApp } from './platform-app.js';
import { runForkedChild } from './forked-child.js';

interface ServiceProcessOptions extends StartOptions {
  service: ServiceName;
  servicePort: number;
  remote: Partial<Record<ServiceName, string>>;
}

const o = JSON.parse(process.env.PITCHEY_SERVICE_OPTIONS ?? '{}') as ServiceProcessOptions;

runForkedChild(async () => {
  // One bus for cache and feature-flag invalidations: the gateway relays both to every service process (a sign-out
  // in the user service must reach the session caches of the others).
  const invalidations = new WorkerInvalidationBus();
  const p = await buildPlatformApp({
    dataDir: o.dataDir,
    db: o.db,
    replicaUrl: o.replicaUrl,
    replicaMaxLagMs: o.replicaMaxLagMs,
    openedDb: o.db === 'pglite' ? ipcDb() : undefined,
    skipMigrations: true,
    services: [o.service],
    // On its own port: only the gateway and admitted services get through (service tokens).
    requireServiceToken: true,
    remote: o.remote,
    rateLimit: o.rateLimit,
    serviceRateLimits: o.serviceRateLimits,
    redisUrl: o.redisUrl,
    // Feature-flag changes are made at the gateway process, which relays them to every service process.
    caches: invalidations,
    flagCaches: invalidations,
  });
  await p.app.listen({ host: '127.0.0.1', port: o.servicePort });
  return { port: o.servicePort, close: () => p.close() };
});
