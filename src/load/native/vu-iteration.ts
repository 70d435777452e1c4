import type { DataRow } from '../data-feeder.js';
import { unitHash } from '../../core/seeded-random.js';
import type { Tags } from '../sample-sink.js';
import type { TemplateScope } from '../template/interpret.js';
import type { CompiledRequest } from './compiled-request.js';
import { executeRequest, startRequest, type RequestDone, type RequestEnv } from './request-execution.js';

export interface Vu {
  /** 0-based global VU number (k6's __VU is this + 1). */
  index: number;
  /** This segment's connection for the VU (0-based, in allocation order). */
  lane: number;
  vars: Record<string, unknown>;
  setupDone: Promise<void> | null;
  /** Iterations this VU ran (per-vu-iterations). */
  iterations: number;
}

/** The scenario as the VU runs it: requests compiled, weights summed, data rows, choice seed. */
export interface IterationPlan {
  requests: CompiledRequest[];
  setup: CompiledRequest[];
  totalWeight: number;
  sequence: boolean;
  dataRows?: DataRow[];
  seed: number;
  scenarioTags: Tags;
}

function rowFor(plan: IterationPlan, index: number): DataRow | undefined {
  const rows = plan.dataRows;
  return rows && rows.length ? rows[index % rows.length] : undefined;
}

/** The weighted choice of global iteration n: seeded, the same in every segment layout. */
export function pickRequest(plan: IterationPlan, n: number): CompiledRequest {
  const { requests } = plan;
  if (requests.length === 1) return requests[0];
  let r = unitHash(plan.seed, n) * plan.totalWeight;
  for (const req of requests) {
    r -= req.weight;
    if (r < 0) return req;
  }
  return requests[requests.length - 1];
}

const NO_SETUP = Promise.resolve();

/**
 * The setup steps' results (captured tokens) by identity, k6-free: a VU whose setup would send exactly what an earlier
 * VU's sent (same data row, no `${vu.id}`) reuses its captures instead of signing in again. Schedulers sign the pool
 * in before the clock starts, so VUs added during the run take a token instead of adding a sign-in storm to it.
 */
export class SetupPool {
  private readonly done = new Map<string, Promise<Record<string, unknown>>>();
  private readonly perVu: boolean;

  constructor(private readonly plan: IterationPlan) {
    this.perVu = plan.setup.some((r) => r.usesVuId);
  }

  /** What makes a VU's setup distinct: its VU number when a setup template reads it, else its data row. */
  identity(vuIndex: number): string {
    const rows = this.plan.dataRows?.length ?? 0;
    if (this.perVu) return `vu ${vuIndex}`;
    return rows ? `row ${vuIndex % rows}` : 'shared';
  }

  /** Runs the setup of this identity once (on the VU's connection); resolves with its captures. */
  captures(env: RequestEnv, vu: Vu): Promise<Record<string, unknown>> {
    const key = this.identity(vu.index);
    let p = this.done.get(key);
    if (!p) {
      p = (async () => {
        const vars: Record<string, unknown> = {};
        const scope: TemplateScope = { data: rowFor(this.plan, vu.index), vars, vuId: vu.index + 1, iteration: 0 };
        for (const req of this.plan.setup) {
          if (env.state.interrupted) break;
          await executeRequest(env, req, scope, vu.lane, null, 'setup');
        }
        return vars;
      })();
      this.done.set(key, p);
    }
    return p;
  }
}

/** The VU's setup steps (sign-in), once; values they capture are visible to its iterations. */
export function ensureSetup(env: RequestEnv, plan: IterationPlan, vu: Vu, pool: SetupPool): Promise<void> {
  if (plan.setup.length === 0) return NO_SETUP;
  vu.setupDone ??= pool.captures(env, vu).then((vars) => {
    for (const [k, v] of Object.entries(vars)) vu.vars[k] ??= v;
  });
  return vu.setupDone;
}

/** Called once when an iteration is over (or ended by an interrupt); `error` is an unexpected failure of the engine. */
export type IterationDone = (vu: Vu, error?: Error) => void;

/**
 * One iteration of a VU: one weighted request, or every request in order (`flow: 'sequence'`). Callback-driven like
 * the requests (the open model's hot path); `runIteration` is its promise form.
 */
class IterationRun implements RequestDone {
  private readonly startedAt = performance.now();
  private readonly scope: TemplateScope;
  private next = 0;

  constructor(
    private readonly env: RequestEnv,
    private readonly plan: IterationPlan,
    private readonly vu: Vu,
    private readonly globalIteration: number,
    private readonly intendedAt: number | null,
    private readonly done: IterationDone,
  ) {
    this.scope = { data: rowFor(plan, globalIteration), vars: vu.vars, vuId: vu.index + 1, iteration: globalIteration };
  }

  requestDone(_ok: boolean, error?: Error): void {
    if (error !== undefined) this.done(this.vu, error);
    else this.step();
  }

  /** Sends the next request, or ends the iteration when there is none left. */
  step(): void {
    const { env, plan } = this;
    const { state } = env;
    const n = this.next++;
    // as k6: an interrupt ends the iteration before its next request (a lone request is sent: it fails at once)
    if (state.interrupted && (n > 0 || plan.sequence)) {
      this.done(this.vu);
      return;
    }
    const req = plan.sequence ? plan.requests[n] : n === 0 ? pickRequest(plan, this.globalIteration) : undefined;
    if (req) {
      startRequest(env, req, this.scope, this.vu.lane, n === 0 ? this.intendedAt : null, 'main', this);
      return;
    }
    const end = performance.now();
    state.iterations++;
    state.sink.sample('iterations', 1, plan.scenarioTags, end);
    state.sink.sample('iteration_duration', end - (this.intendedAt ?? this.startedAt), plan.scenarioTags, end);
    this.done(this.vu);
  }
}

/** Starts one iteration of a VU; `done` is called once, when it is over. */
export function startIteration(
  env: RequestEnv,
  plan: IterationPlan,
  vu: Vu,
  globalIteration: number,
  intendedAt: number | null,
  done: IterationDone,
): void {
  new IterationRun(env, plan, vu, globalIteration, intendedAt, done).step();
}

/** startIteration as a promise. */
export function runIteration(
  env: RequestEnv,
  plan: IterationPlan,
  vu: Vu,
  globalIteration: number,
  intendedAt: number | null,
): Promise<void> {
  return new Promise((resolve, reject) =>
    startIteration(env, plan, vu, globalIteration, intendedAt, (_vu, error) =>
      error === undefined ? resolve() : reject(error),
    ),
  );
}
