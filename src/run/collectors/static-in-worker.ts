import { Worker } from 'node:worker_threads';
import { UserError } from '../../core/errors.js';
import type { ExitCode } from '../../core/exit-codes.js';
import type { StaticCollectOptions, StaticCollection } from '../../fitness/index.js';

type WorkerReply =
  | { ok: true; collection: StaticCollection }
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
export function collectStaticInWorker(opts: StaticCollectOptions, signal: AbortSignal): Promise<StaticCollection> {
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
      if (reply.ok) return resolve(reply.collection);
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
