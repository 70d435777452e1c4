import { parentPort, workerData } from 'node:worker_threads';
import type { MetricStoreSnapshot } from '../metric-store.js';
import type { SegmentProgress, SegmentRunInput, SegmentRunOutput, StopMode } from './segment-io.js';
import { SegmentRunner } from './segment-runner.js';
import { currentThreadId } from './thread-priority.js';

/** Worker-thread entry: runs one execution segment and posts progress, snapshots and the final output. */
export type WorkerMessage =
  | { type: 'thread'; tid: number | null }
  | { type: 'progress'; progress: SegmentProgress }
  | { type: 'snapshot'; snapshot: MetricStoreSnapshot }
  | { type: 'done'; output: SegmentRunOutput }
  | { type: 'error'; message: string; name: string };

export type ParentMessage = { type: 'stop'; mode: StopMode } | { type: 'snapshot' };

if (parentPort) {
  const port = parentPort;
  // first: the parent gives this thread precedence over the process's helper threads once every segment's is known
  port.postMessage({ type: 'thread', tid: currentThreadId() } satisfies WorkerMessage);
  try {
    const runner = new SegmentRunner(workerData as SegmentRunInput);
    port.on('message', (m: ParentMessage) => {
      if (m.type === 'stop') runner.stop(m.mode);
      else if (m.type === 'snapshot')
        port.postMessage({ type: 'snapshot', snapshot: runner.snapshot() } satisfies WorkerMessage);
    });
    const tick = setInterval(
      () => port.postMessage({ type: 'progress', progress: runner.progress() } satisfies WorkerMessage),
      1000,
    );
    runner.run().then(
      (output) => {
        clearInterval(tick);
        port.postMessage({ type: 'done', output } satisfies WorkerMessage);
        port.close();
      },
      (e: Error) => {
        clearInterval(tick);
        port.postMessage({ type: 'error', message: e.message, name: e.name } satisfies WorkerMessage);
        port.close();
      },
    );
  } catch (e) {
    port.postMessage({ type: 'error', message: (e as Error).message, name: (e as Error).name } satisfies WorkerMessage);
    port.close();
  }
}
