import v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import { UserError } from '../../core/errors.js';
import type { ExitCode } from '../../core/exit-codes.js';
import type { DependencyGraph } from '../../core/result-static.js';
import type { StaticCollectOptions, StaticCollection } from '../../fitness/index.js';

/** What the host gets back: the graph is decoded on first use. */
export type WorkerCollection = Pick<StaticCollection, 'section' | 'findings'> & { graph: () => DependencyGraph };

type WorkerReply =
  | { ok: true; section: StaticCollection['section']; findings: StaticCollection['findings']; graph: Uint8Array }
  | { ok: false; error: { name?: string; message: string; stack?: string; exitCode?: ExitCode } };

const workerEntry = new URL('./static-worker.js', import.meta.url);

/** Compiled (dist/) the collector runs in a worker thread; from TypeScript sources (tests) it runs in-process. */
export function canRunInWorker(): boolean {
  return import.meta.url.endsWith('.js');
}

/**
 * Runs the static analysis in a worker thread. An abort terminates the worker and rejects at once; a user error in
 * the worker (a bad glob, an unreadable root) comes back as a UserError with the same message and exit code.
 */
export function collectStaticInWorker(opts: StaticCollectOptions, signal: AbortSignal): Promise<WorkerCollection> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(workerEntry, { workerData: opts });
    const onAbort = () => {
      void worker.terminate();
      reject(new Error('interrupted during the static analysis'));
    };
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    const done = () => signal.removeEventListener('abort', onAbort);
    worker.once('message', (reply: WorkerReply) => {
      done();
      void worker.terminate();
      if (reply.ok) {
        const bytes = reply.graph;
        let graph: DependencyGraph | undefined;
        return resolve({
          section: reply.section,
          findings: reply.findings,
          graph: () => (graph ??= v8.deserialize(bytes) as DependencyGraph),
        });
      }
      const error =
        reply.error.exitCode !== undefined
          ? new UserError(reply.error.message, reply.error.exitCode)
          : new Error(reply.error.message);
      if (reply.error.name) error.name = reply.error.name;
      if (reply.error.stack) error.stack = reply.error.stack;
      reject(error);
    });
    worker.once('error', (e) => {
      done();
      reject(e);
    });
    worker.once('exit', (code) => {
      done();
      reject(new Error(`the static analysis worker exited (code ${code}) without a result`));
    });
  });
}
