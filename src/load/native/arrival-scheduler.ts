import type { ArrivalPlan } from '../executor-plan.js';
import { drain, newVu, type SchedulerContext } from './scheduler-context.js';
import { ensureSetup, runIteration, type Vu } from './vu-iteration.js';

/**
 * Open model: starts each iteration of this segment at its intended time on a free VU (more are allocated up to
 * maxVUs; without one the iteration is dropped), whatever the responses do.
 */
export async function runArrival(ctx: SchedulerContext, plan: ArrivalPlan, interruptNow: () => Promise<void>) {
  const { env, striping } = ctx;
  const { state } = env;
  const stop = state.stop.signal;
  const tags = ctx.plan.scenarioTags;
  const free: Vu[] = [];
  const preAllocated = striping.scale(plan.preAllocatedVUs);
  const maxVus = Math.max(1, striping.scale(plan.maxVUs));
  let nextVu = 0;
  const allocate = (): Vu => newVu(state, striping.nth(nextVu++));
  for (let i = 0; i < preAllocated; i++) free.push(allocate());
  // Setup (sign-in) happens before the clock starts, as k6 initialises VUs before the test: the pre-allocated VUs',
  // and the pool of identities the VUs allocated later will take, on the connections those VUs will use.
  await Promise.all(free.map((vu) => ensureSetup(env, ctx.plan, vu, ctx.setups)));
  if (ctx.plan.setup.length) {
    const later = new Map<string, Vu>();
    for (let k = preAllocated; k < maxVus; k++) {
      const index = striping.nth(k);
      const key = ctx.setups.identity(index);
      if (!later.has(key)) later.set(key, { index, lane: k, vars: {}, setupDone: null, iterations: 0 });
    }
    await Promise.all([...later.values()].map((vu) => ctx.setups.captures(env, vu)));
  }
  state.sink.sample('vus', preAllocated, tags, performance.now());
  state.origin = performance.now();
  const origin = state.origin;
  let busyShown = -1;
  const gauge = setInterval(() => {
    const busy = state.vusAllocated - free.length;
    if (busy !== busyShown) {
      busyShown = busy;
      state.sink.sample('vus', busy, tags, performance.now());
    }
  }, 200);
  gauge.unref();
  const hasSetup = ctx.plan.setup.length > 0;
  const iterate = async (vu: Vu, index: number, due: number) => {
    try {
      if (hasSetup) await ensureSetup(env, ctx.plan, vu, ctx.setups);
      await runIteration(env, ctx.plan, vu, index, due);
    } finally {
      free.push(vu);
      state.end();
    }
  };
  const waker = new Waker(stop);
  const end = origin + plan.durationMs;
  let globalIndex = -1;
  let dispatchedSinceYield = 0;
  for (const t of plan.arrivals()) {
    globalIndex++;
    if (!striping.owns(globalIndex)) continue;
    if (stop.aborted) break;
    const due = origin + t;
    let now = performance.now();
    if (due > now) {
      // Sleep on timers (never spin): an iteration leaves at its intended time or up to ~1 ms later, never early;
      // the lateness is measured (generator_send_lag) and counted in its latency.
      dispatchedSinceYield = 0;
      while (due > now && !stop.aborted) {
        await waker.sleep(due - now);
        now = performance.now();
      }
      if (stop.aborted) break;
    } else if (++dispatchedSinceYield >= 64) {
      // behind schedule: still let responses be processed between bursts
      dispatchedSinceYield = 0;
      await new Promise<void>((r) => setImmediate(r));
      now = performance.now();
      if (stop.aborted) break;
    }
    if (now >= end + plan.gracefulStopMs) break;
    state.scheduled++;
    state.lastDispatchMs = now - origin;
    const lag = now - due;
    if (lag > state.maxLagMs) state.maxLagMs = lag;
    state.store.add('generator_send_lag', lag);
    let vu = free.pop();
    if (!vu && state.vusAllocated < maxVus) {
      vu = allocate();
      state.sink.sample('vus_max', state.vusAllocated, tags, now);
    }
    if (!vu) {
      state.dropped++;
      state.sink.sample('dropped_iterations', 1, tags, now);
      continue;
    }
    state.started++;
    state.begin();
    void iterate(vu, globalIndex, due);
  }
  waker.dispose();
  await drain(state, plan.gracefulStopMs, interruptNow);
  clearInterval(gauge);
}

/** One reusable timer for the dispatch loop: sleeps at least 1 ms (timers never fire early), wakes on stop. */
class Waker {
  private resolve: (() => void) | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly fire = () => {
    this.timer = null;
    const r = this.resolve;
    this.resolve = null;
    r?.();
  };

  constructor(private readonly stop: AbortSignal) {
    stop.addEventListener('abort', this.onStop);
  }

  private readonly onStop = () => {
    if (this.timer) clearTimeout(this.timer);
    this.fire();
  };

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      this.resolve = resolve;
      this.timer = setTimeout(this.fire, Math.max(1, ms));
    });
  }

  dispose(): void {
    this.stop.removeEventListener('abort', this.onStop);
  }
}
