// One HTTP worker of `platform start --workers N` (forked by worker-cluster.ts).
import { WorkerInvalidationBus } from '../lib/cache-invalidation.js';
import { ipcDb } from '../lib/ipc-db.js';
import type { StartOptions } from './cli-options.js';
import { serveGateway } from './start-gateway.js';
import { runForkedChild } from './forked-child.js';

const o = JSON.parse(process.env.PITCHEY_WORKER_OPTIONS ?? '{}') as StartOptions;

runForkedChild(async () => {
  const served = await serveGateway(
    { ...o, seed: false },
    {
      caches: new WorkerInvalidationBus(),
      openedDb: o.db === 'pglite' ? ipcDb() : undefined,
      skipMigrations: true,
      runSubscribers: false,
      backgroundJobs: false,
    },
  );
  const addr = served.platform.app.server.address();
  return { port: typeof addr === 'object' && addr ? addr.port : o.port, close: () => served.platform.close() };
});
