// One HTTP worker of `platform start --workers N` (forked by worker-cluster.ts).
import { WorkerInvalidationBus } from '../lib/cache-invalidation.js';
import { ipcDb } from '../lib/ipc-db.js';
import type { StartOptions } from './cli-options.js';
import { serveGateway } from './start-gateway.js';

const o = JSON.parse(process.env.PITCHEY_WORKER_OPTIONS ?? '{}') as StartOptions;

async function main(): Promise<void> {
  const served = await serveGateway(
    { ...o, seed: false },
    { caches: new WorkerInvalidationBus(), openedDb: o.db === 'pglite' ? ipcDb() : undefined, skipMigrations: true, runSubscribers: false, backgroundJobs: false },
  );
  const addr = served.platform.app.server.address();
  process.send!({ t: 'listening', port: typeof addr === 'object' && addr ? addr.port : o.port });
  let closing = false;
  const stop = () => {
    if (closing) return;
    closing = true;
    served.platform.close().finally(() => process.exit(0));
  };
  process.on('message', (m: { t?: string }) => {
    if (m?.t === 'shutdown') stop();
  });
  // Signals go to the primary, which shuts workers down in order.
  process.on('SIGINT', () => {});
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.send?.({ t: 'failed', error: (e as Error).message });
  process.exit(1);
});
