import { setTimeout as sleep } from 'node:timers/promises';
import type { VuPlan } from '../executor-plan.js';
import { drain, newVu, type SchedulerContext } from './scheduler-context.js';
import { ensureSetup, runIteration, type Vu } from './vu-iteration.js';

/**
 * Closed model: each active VU loops, starting its next iteration when the previous one ended. A VU's loop exists
 * only while the executor plan makes it active (ramping-vus starts and ends loops as the count moves).
 */
export async function runClosed(ctx: SchedulerContext, plan: VuPlan, interruptNow: () => Promise<void>) {
  const { env, striping } = ctx;
  const { state } = env;
  const stop = state.stop.signal;
  const tags = ctx.plan.scenarioTags;
  const count = striping.scale(plan.maxVUs);
  const vus: Vu[] = [];
  const vuAt = (k: number) => (vus[k] ??= newVu(state, striping.nth(k)));
  if (ctx.plan.setup.length) {
    // sign-ins happen before the clock starts, as k6 initialises its VUs before the test
    for (let k = 0; k < count; k++) vuAt(k);
    await Promise.all(vus.map((vu) => ensureSetup(env, ctx.plan, vu, ctx.setups)));
  }
  state.origin = performance.now();
  const origin = state.origin;
  const end = origin + plan.durationMs;
  const elapsed = () => performance.now() - origin;
  let sharedLeft = plan.sharedIterations !== undefined ? striping.scale(plan.sharedIterations) : Infinity;
  let sharedNext = 0;
  let perVuCounter = 0;
  const exhausted = new Set<number>();

  /** The next global iteration number for this VU, or null when its executor has no more work for it. */
  const nextIteration = (vu: Vu): number | null => {
    if (plan.iterationsPerVU !== undefined) {
      return vu.iterations < plan.iterationsPerVU ? vu.index * plan.iterationsPerVU + vu.iterations : null;
    }
    if (plan.sharedIterations !== undefined) {
      if (sharedLeft <= 0) return null;
      sharedLeft--;
      return striping.nth(sharedNext++);
    }
    return perVuCounter++;
  };
  const loop = async (vu: Vu): Promise<void> => {
    await ensureSetup(env, ctx.plan, vu, ctx.setups);
    while (!stop.aborted && performance.now() < end && vu.index < plan.activeVUs(elapsed())) {
      const n = nextIteration(vu);
      if (n === null) {
        exhausted.add(vu.index);
        return;
      }
      vu.iterations++;
      state.started++;
      await runIteration(env, ctx.plan, vu, n, null);
    }
  };
  const looping = new Set<number>();
  let activeShown = -1;
  /** Starts the loops of VUs that became active; records the vus gauge when it moved. */
  const reconcile = () => {
    const active = plan.activeVUs(elapsed());
    let local = 0;
    for (let k = 0; k < count && striping.nth(k) < active; k++) {
      local++;
      const vu = vuAt(k);
      if (looping.has(k) || exhausted.has(vu.index) || stop.aborted) continue;
      looping.add(k);
      state.track(loop(vu).finally(() => looping.delete(k)));
    }
    if (local !== activeShown) {
      activeShown = local;
      state.sink.sample('vus', local, tags, performance.now());
    }
  };
  reconcile();
  const ticker = setInterval(reconcile, plan.executor === 'ramping-vus' ? 50 : 200);
  ticker.unref();
  const iterationBounded = plan.iterationsPerVU !== undefined || plan.sharedIterations !== undefined;
  const allDone = iterationBounded ? state.settled() : new Promise<void>(() => undefined);
  await Promise.race([allDone, sleep(plan.durationMs, undefined, { signal: stop }).catch(() => undefined)]);
  clearInterval(ticker);
  // the duration is over (or stop was asked): no new iterations; in-flight ones get gracefulStop to finish
  state.stop.abort();
  await drain(state, plan.gracefulStopMs, interruptNow);
  if (iterationBounded) {
    // iteration-bounded executors ending on maxDuration did not finish their work
    const target =
      plan.iterationsPerVU !== undefined ? count * plan.iterationsPerVU : striping.scale(plan.sharedIterations!);
    if (state.iterations < target) state.partial = true;
  }
}
