import type { ArrivalPlan } from '../executor-plan.js';
import { drain, newVu, type SchedulerContext } from './scheduler-context.js';
import { asError } from './request-execution.js';
import { ensureSetup, startIteration, type Vu } from './vu-iteration.js';

/**
 * Open model: starts each iteration of this segment at its intended time on a free VU (more are allocated up to
 * maxVUs; without one the iteration is dropped), whatever the responses do.
 */
export async function runArrival(ctx: SchedulerContext, plan: ArrivalPlan, interruptNow: () => Promise<void>) {
  const { env, striping } = ctx;
  const { state } = env;
  const stop = state.stop.signal;
  const tags = ctx.plan.scenarioTags;
  const free = new IdleVus();
  const preAllocated = striping.scale(plan.preAllocatedVUs);
  const maxVus = Math.max(1, striping.scale(plan.maxVUs));
  let nextVu = 0;
  const allocate = (): Vu => newVu(state, striping.nth(nextVu++));
  const initial = Array.from({ length: preAllocated }, allocate);
  for (const vu of initial) free.push(vu);
  // Setup (sign-in) happens before the clock starts, as k6 initialises VUs before the test: the pre-allocated VUs',
  // and the pool of identities the VUs allocated later will take, on the connections those VUs will use.
  await Promise.all(initial.map((vu) => ensureSetup(env, ctx.plan, vu, ctx.setups)));
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
  const arrivals = plan.arrivals();
  let nextAt = arrivals.next();
  const end = origin + plan.durationMs + plan.gracefulStopMs;
  let globalIndex = 0;
  let finished = false;
  let resolveSchedule!: () => void;
  const scheduleDone = new Promise<void>((resolve) => (resolveSchedule = resolve));
  const waker = new Waker(() => pump());
  const finish = () => {
    finished = true;
    waker.dispose();
    stop.removeEventListener('abort', onStop);
    resolveSchedule();
  };
  const onStop = () => {
    if (!finished) finish();
  };
  stop.addEventListener('abort', onStop);

  /**
   * Starts every iteration that is due (at most a burst of BURST, then the rest after pending I/O), and arms the timer
   * for the next one. It runs on the timer and after every finished iteration: at high rates responses wake the loop
   * far more often than a timer can (timers have a 1 ms floor), so iterations leave close to their intended time
   * without the loop ever spinning; at low rates the timer's ~1 ms precision is all that is needed.
   */
  let pumping = false;
  const pump = (): void => {
    // an iteration that ends synchronously (a request refused at once) must not start a nested dispatch loop
    if (finished || pumping) return;
    pumping = true;
    try {
      dispatchDue();
    } finally {
      pumping = false;
    }
  };
  const dispatchDue = (): void => {
    let burst = 0;
    while (nextAt >= 0) {
      if (!striping.owns(globalIndex)) {
        globalIndex++;
        nextAt = arrivals.next();
        continue;
      }
      const due = origin + nextAt;
      const now = performance.now();
      if (due > now) {
        waker.wakeAt(due - now);
        return;
      }
      if (now >= end) break;
      if (++burst > BURST) {
        // behind schedule: let responses be processed between bursts
        waker.soon();
        return;
      }
      dispatch(globalIndex, due, now);
      globalIndex++;
      nextAt = arrivals.next();
    }
    finish();
  };

  const dispatch = (index: number, due: number, now: number): void => {
    state.scheduled++;
    state.lastDispatchMs = now - origin;
    // the lateness is measured (generator_send_lag) and counted in the iteration's latency (from `due`)
    const lag = now - due;
    if (lag > state.maxLagMs) state.maxLagMs = lag;
    state.store.add('generator_send_lag', lag);
    let vu = free.shift();
    if (!vu && state.vusAllocated < maxVus) {
      vu = allocate();
      state.sink.sample('vus_max', state.vusAllocated, tags, now);
    }
    if (!vu) {
      state.dropped++;
      state.sink.sample('dropped_iterations', 1, tags, now);
      return;
    }
    state.started++;
    state.begin();
    if (hasSetup && !vu.setupDone) {
      ensureSetup(env, ctx.plan, vu, ctx.setups).then(
        () => startIteration(env, ctx.plan, vu, index, due, iterationDone),
        (e: unknown) => iterationDone(vu, asError(e)),
      );
    } else startIteration(env, ctx.plan, vu, index, due, iterationDone);
  };

  const iterationDone = (vu: Vu, error?: Error): void => {
    free.push(vu);
    state.end();
    // an engine fault surfaces as it did from an awaited iteration: an unhandled rejection (internal error)
    if (error !== undefined) void Promise.reject(error);
    // behind schedule, the backlog goes out in bursts between I/O turns, not on every response
    if (!waker.catchingUp) pump();
  };

  if (stop.aborted) finish();
  else pump();
  await scheduleDone;
  await drain(state, plan.gracefulStopMs, interruptNow);
  clearInterval(gauge);
}

/**
 * The idle VUs, first in first out, as k6 hands them out: every allocated VU takes its turn, so the pre-allocated VUs'
 * connections are all open and in use when a stall of the target needs them at once (a stack reused a few VUs and left
 * the rest to connect in the middle of the stall). A ring of power-of-two size.
 */
class IdleVus {
  private ring: Array<Vu | undefined> = new Array<Vu | undefined>(16);
  private head = 0;
  length = 0;

  push(vu: Vu): void {
    if (this.length === this.ring.length) this.grow();
    this.ring[(this.head + this.length) & (this.ring.length - 1)] = vu;
    this.length++;
  }

  shift(): Vu | undefined {
    if (this.length === 0) return undefined;
    const vu = this.ring[this.head];
    this.ring[this.head] = undefined;
    this.head = (this.head + 1) & (this.ring.length - 1);
    this.length--;
    return vu;
  }

  private grow(): void {
    const next = new Array<Vu | undefined>(this.ring.length * 2);
    for (let i = 0; i < this.length; i++) next[i] = this.ring[(this.head + i) & (this.ring.length - 1)];
    this.ring = next;
    this.head = 0;
  }
}

/** Iterations started in one go when behind schedule before pending I/O gets a turn. */
const BURST = 64;

/**
 * The dispatch loop's one timer: wakes it at the next arrival (at least 1 ms later: timers never fire early) or, when
 * behind schedule, right after pending I/O (setImmediate). Re-armed in place, no timer object per wake-up.
 */
class Waker {
  private timer: NodeJS.Timeout | null = null;
  private armedFor = Number.POSITIVE_INFINITY;
  private immediate: NodeJS.Immediate | null = null;
  private readonly fire = () => {
    this.armedFor = Number.POSITIVE_INFINITY;
    this.wake();
  };
  private readonly fireSoon = () => {
    this.immediate = null;
    this.wake();
  };

  constructor(private readonly wake: () => void) {}

  /** Wake in `ms` (or sooner if already armed sooner). */
  wakeAt(ms: number): void {
    const at = performance.now() + ms;
    if (this.armedFor <= at) return;
    this.armedFor = at;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(this.fire, Math.max(1, ms));
  }

  soon(): void {
    this.immediate ??= setImmediate(this.fireSoon);
  }

  get catchingUp(): boolean {
    return this.immediate !== null;
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    if (this.immediate) clearImmediate(this.immediate);
    this.timer = null;
    this.immediate = null;
  }
}
