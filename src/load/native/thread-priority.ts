import { readdirSync, readlinkSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';

/** Linux id of the calling thread (its /proc/thread-self), null where the kernel does not tell. */
export function currentThreadId(): number | null {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    return Number.isInteger(tid) && tid > 0 ? tid : null;
  } catch {
    return null;
  }
}

/** Lowest priority (highest nice value) a thread can take. */
const LOWEST = 19;

/**
 * Gives the threads that send load precedence over the process's other threads (V8's background GC and compiler
 * helpers, libuv's pool) on the cores they share: those get nice 19 for the run, and get their priority back after it.
 * Pinned to one core (as a Kubernetes CPU limit or `taskset` does), a helper thread's time slice otherwise stops the
 * dispatch loop for milliseconds at a time; at nice 19 it runs in the loop's idle time instead (open model at 57.8k
 * req/s on one core: send-lag p99 median of 6 runs 2.2 ms -> 1.4 ms). Raising a thread's nice value needs no
 * privilege. Linux only (a thread id is a pid to setpriority there); elsewhere nothing changes.
 */
export class LoadThreadPriority {
  private readonly keep = new Set<number>([process.pid]);
  private readonly lowered = new Map<number, number>();
  private pending: number;

  /** `loadThreads`: how many other threads will report (`add`) before the helpers are lowered. */
  constructor(loadThreads: number) {
    const own = currentThreadId();
    if (own !== null) this.keep.add(own);
    this.pending = loadThreads;
    if (this.pending === 0) this.lowerHelpers();
  }

  /** A thread that sends load, by its thread id (null: unknown, it is then not waited for). */
  add(tid: number | null): void {
    if (tid !== null) this.keep.add(tid);
    if (--this.pending === 0) this.lowerHelpers();
  }

  /** Threads lowered so far (for tests and reports). */
  get loweredCount(): number {
    return this.lowered.size;
  }

  private lowerHelpers(): void {
    let tids: string[];
    try {
      tids = readdirSync('/proc/self/task');
    } catch {
      return;
    }
    for (const t of tids) {
      const tid = Number(t);
      if (this.keep.has(tid) || this.lowered.has(tid)) continue;
      try {
        const before = getPriority(tid);
        setPriority(tid, LOWEST);
        this.lowered.set(tid, before);
      } catch {
        // the thread ended meanwhile, or the kernel refuses: it keeps its priority
      }
    }
  }

  /** Gives every lowered thread its priority back (a thread's nice value can only go back down with privilege; where
   * that is refused, the thread stays lowered). */
  restore(): void {
    for (const [tid, before] of this.lowered) {
      try {
        setPriority(tid, before);
      } catch {
        // ended, or not permitted without CAP_SYS_NICE
      }
    }
    this.lowered.clear();
  }
}
