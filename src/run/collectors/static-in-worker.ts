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

/** A worker started before the config was loaded, waiting for its options; unref'd so that it never holds the exit. */
let prestarted: { worker: Worker; failed: boolean; onFailure: () => void } | undefined;

/**
 * Starts the analysis worker now, so that it loads its modules while this thread loads the CLI and the config (the
 * CLI calls it when the command line names a command that runs the static analysis). Unused, it is ended by
 * releaseStaticWorker or at exit.
 */
export function prestartStaticWorker(): void {
  if (prestarted || !canRunInWorker()) return;
  const worker = new Worker(workerEntry);
  const entry = { worker, failed: false, onFailure: () => void (entry.failed = true) };
  worker.once('error', entry.onFailure).once('exit', entry.onFailure).unref();
  prestarted = entry;
}

/** Ends a prestarted worker the run did not use. */
export function releaseStaticWorker(): void {
  if (prestarted) void prestarted.worker.terminate();
  prestarted = undefined;
}

/** The prestarted worker, ref'd again and given its options, else a new worker. */
function takeWorker(opts: StaticCollectOptions): Worker {
  const entry = prestarted;
  prestarted = undefined;
  // A prestarted worker that failed to start is replaced: the new one reports the failure through the usual path.
  if (!entry || entry.failed) return new Worker(workerEntry, { workerData: opts });
  entry.worker.off('error', entry.onFailure).off('exit', entry.onFailure).ref();
  try {
    entry.worker.postMessage(opts);
  } catch (e) {
    void entry.worker.terminate();
    throw e; // DataCloneError: the caller analyses in its own thread
  }
  return entry.worker;
}

/**
 * Runs the static analysis in a worker thread. An abort terminates the worker and rejects at once; a user error in
 * the worker (a bad glob, an unreadable root) comes back as a UserError with the same message and exit code.
 */
export function collectStaticInWorker(opts: StaticCollectOptions, signal: AbortSignal): Promise<WorkerCollection> {
  return new Promise((resolve, reject) => {
    const worker = takeWorker(opts);
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
