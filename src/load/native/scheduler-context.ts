import type { SegmentStriping } from '../execution-segment.js';
import type { RequestEnv } from './request-execution.js';
import type { RunState } from './run-state.js';
import type { IterationPlan, SetupPool, Vu } from './vu-iteration.js';

/** What a scheduler drives: the iteration plan in this segment's share of the VUs and iterations. */
export interface SchedulerContext {
  env: RequestEnv;
  plan: IterationPlan;
  striping: SegmentStriping;
  /** Setup results (tokens) by identity, shared by the VUs of this run. */
  setups: SetupPool;
}

export function newVu(state: RunState, globalIndex: number): Vu {
  return { index: globalIndex, lane: state.vusAllocated++, vars: {}, setupDone: null, iterations: 0 };
}

/** Waits for in-flight iterations up to gracefulStop, then interrupts the rest (their requests count as failed). */
export async function drain(state: RunState, gracefulStopMs: number, interruptNow: () => Promise<void>): Promise<void> {
  if (state.running === 0) return;
  const graceful = new AbortController();
  const timeout = new Promise<'timeout'>((resolve) => {
    const t = setTimeout(() => resolve('timeout'), gracefulStopMs);
    t.unref();
    graceful.signal.addEventListener('abort', () => clearTimeout(t), { once: true });
    // an interrupt (Ctrl-C) while draining ends the wait at once
    state.interrupt.signal.addEventListener('abort', () => resolve('timeout'), { once: true });
  });
  const r = await Promise.race([state.settled().then(() => 'done' as const), timeout]);
  graceful.abort();
  if (r === 'timeout') {
    state.partial = true;
    await interruptNow();
    await Promise.race([state.settled(), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
  }
}
