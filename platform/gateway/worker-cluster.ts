import cluster, { type Worker } from 'node:cluster';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidationRelay, RelayingInvalidationBus } from '../lib/cache-invalidation.js';
import { serveDbOverIpc } from '../lib/ipc-db.js';
import type { StartOptions } from './cli-options.js';
import { serveGateway } from './start-gateway.js';

/**
 * `--workers N`: N HTTP worker processes share one port (node:cluster). The primary owns the database side:
 * migrations, seeding, event delivery to subscribers, saga recovery, the NDA sweeper. With PGlite (one process
 * only) the primary also serves every worker's queries and transactions over IPC; with PostgreSQL each worker
 * has its own connection pool.
 */
export async function runWorkerCluster(o: StartOptions): Promise<{ url: string; close(): Promise<void> }> {
  const relay = new InvalidationRelay();
  // The primary serves no HTTP, so it needs no connection to the rate-limit store.
  const primary = await serveGateway(
    { ...o, redisUrl: undefined },
    { listen: false, caches: new RelayingInvalidationBus(relay) },
  );
  if (primary.seeded)
    process.stderr.write(
      `platform: seeded ${primary.seeded.users} users / ${primary.seeded.pitches} pitches in ${primary.seeded.ms} ms\n`,
    );
  cluster.setupPrimary({
    exec: path.join(path.dirname(fileURLToPath(import.meta.url)), 'worker-main.js'),
    serialization: 'advanced',
    silent: false,
  });
  const workers: Worker[] = [];
  let stopping = false;
  const ports = await Promise.all(
    Array.from({ length: o.workers }, (_, i) => {
      const w = cluster.fork({ PITCHEY_WORKER_OPTIONS: JSON.stringify({ ...o, workerIndex: i }) });
      workers.push(w);
      relay.add(w);
      const abort = o.db === 'pglite' ? serveDbOverIpc(primary.platform.db, w) : () => {};
      w.on('exit', (code) => {
        abort();
        relay.remove(w);
        if (!stopping) process.stderr.write(`platform: worker ${w.process.pid} exited with ${code}\n`);
      });
      return new Promise<number>((resolve, reject) => {
        w.on('message', (m: { t?: string; port?: number; error?: string }) => {
          if (m?.t === 'listening') resolve(m.port!);
          if (m?.t === 'failed') reject(new Error(m.error));
        });
        w.on('exit', (code) => reject(new Error(`worker exited with ${code} before listening`)));
      });
    }),
  );
  return {
    url: `http://${o.host}:${ports[0]}`,
    async close() {
      stopping = true;
      await Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((resolve) => {
              if (w.isDead()) return resolve();
              w.once('exit', () => resolve());
              w.send({ t: 'shutdown' });
              setTimeout(() => w.kill('SIGKILL'), 10_000).unref();
            }),
        ),
      );
      await primary.platform.close();
    },
  };
}
