/**
 * Worker-thread entry of the static collector: the analysis parses synchronously for seconds on a large tree, and in
 * a worker it cannot hold up the main thread (an interrupt terminates the worker at once).
 */
import v8 from 'node:v8';
import { parentPort, workerData } from 'node:worker_threads';
import { isUserError } from '../../core/errors.js';
import type { StaticCollectOptions } from '../../fitness/index.js';

// Started ahead of the run (prestartStaticWorker), the options come as the first message once the config is loaded.
const options: Promise<StaticCollectOptions> =
  workerData === undefined
    ? new Promise((resolve) => parentPort!.once('message', resolve))
    : Promise.resolve(workerData as StaticCollectOptions);
const { collectStatic } = await import('../../fitness/index.js');
try {
  const { section, findings, graph } = await collectStatic(await options);
  try {
    // The graph goes as bytes: the host decodes it only if a fitness function reads ctx.graph (~100 ms of cloning
    // and garbage collection on a 10k-file tree otherwise); the section and findings are needed by every run.
    parentPort!.postMessage({ ok: true, section, findings, graph: v8.serialize(graph) });
  } catch (e) {
    // Something in the collection cannot cross threads (a function): the host analyses in its own thread instead.
    parentPort!.postMessage({ ok: false, error: { name: 'DataCloneError', message: (e as Error).message } });
  }
} catch (e) {
  const error = e instanceof Error ? e : new Error(String(e));
  parentPort!.postMessage({
    ok: false,
    error: { message: error.message, stack: error.stack, exitCode: isUserError(e) ? e.exitCode : undefined },
  });
}
