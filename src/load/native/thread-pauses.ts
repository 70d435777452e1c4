import { readFileSync } from 'node:fs';
import { PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';

/** What stopped this thread besides its own work during a run. */
export interface ThreadPauses {
  /** Total and longest garbage-collection pause of this thread's V8 isolate (ms). */
  gcPauseMs: number;
  gcMaxPauseMs: number;
  /**
   * Time the thread was ready to run but waited for a CPU that other threads or processes held (ms; Linux
   * schedstat), null where the kernel does not say.
   */
  cpuWaitMs: number | null;
}

/** ms this thread has spent runnable but waiting on a CPU run queue, null where /proc does not tell. */
export function runQueueWaitMs(): number | null {
  try {
    // "<ns on CPU> <ns waiting on a run queue> <time slices>"
    const waited = Number(readFileSync('/proc/thread-self/schedstat', 'utf8').split(' ')[1]);
    return Number.isFinite(waited) ? waited / 1e6 : null;
  } catch {
    return null;
  }
}

/** Watches GC pauses and run-queue waits of the calling thread from construction to `stop()`. */
export class PauseWatch {
  private gcPauseMs = 0;
  private gcMaxPauseMs = 0;
  private readonly waitAtStart = runQueueWaitMs();
  private readonly observer = new PerformanceObserver((list) => this.count(list.getEntries()));

  constructor() {
    this.observer.observe({ entryTypes: ['gc'] });
  }

  private count(entries: readonly PerformanceEntry[]): void {
    for (const e of entries) {
      this.gcPauseMs += e.duration;
      if (e.duration > this.gcMaxPauseMs) this.gcMaxPauseMs = e.duration;
    }
  }

  stop(): ThreadPauses {
    this.count(this.observer.takeRecords());
    this.observer.disconnect();
    const waitNow = runQueueWaitMs();
    return {
      gcPauseMs: this.gcPauseMs,
      gcMaxPauseMs: this.gcMaxPauseMs,
      cpuWaitMs: this.waitAtStart === null || waitNow === null ? null : waitNow - this.waitAtStart,
    };
  }
}
