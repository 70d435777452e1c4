import type { DataRow } from '../data-feeder.js';
import { unitHash } from '../seeded-random.js';
import type { Tags } from '../sample-sink.js';
import type { TemplateScope } from '../template/interpret.js';
import type { CompiledRequest } from './compiled-request.js';
import { executeRequest, type RequestEnv } from './request-execution.js';

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

/** The VU's setup steps (sign-in), once; values they capture are visible to its iterations. */
export function ensureSetup(env: RequestEnv, plan: IterationPlan, vu: Vu): Promise<void> {
  if (plan.setup.length === 0) return NO_SETUP;
  vu.setupDone ??= (async () => {
    const scope: TemplateScope = { data: rowFor(plan, vu.index), vars: vu.vars, vuId: vu.index + 1, iteration: 0 };
    for (const req of plan.setup) {
      if (env.state.interrupt.signal.aborted) return;
      await executeRequest(env, req, scope, vu.lane, null, 'setup');
    }
  })();
  return vu.setupDone;
}

/** One iteration of a VU: one weighted request, or every request in order (`flow: 'sequence'`). */
export async function runIteration(
  env: RequestEnv,
  plan: IterationPlan,
  vu: Vu,
  globalIteration: number,
  intendedAt: number | null,
): Promise<void> {
  const { state } = env;
  const startedAt = performance.now();
  const scope: TemplateScope = {
    data: rowFor(plan, globalIteration), vars: vu.vars, vuId: vu.index + 1, iteration: globalIteration,
  };
  if (plan.sequence) {
    let first = true;
    for (const req of plan.requests) {
      if (state.interrupt.signal.aborted) return;
      await executeRequest(env, req, scope, vu.lane, first ? intendedAt : null, 'main');
      first = false;
    }
  } else {
    await executeRequest(env, pickRequest(plan, globalIteration), scope, vu.lane, intendedAt, 'main');
  }
  if (state.interrupt.signal.aborted) return;
  const end = performance.now();
  state.iterations++;
  state.sink.sample('iterations', 1, plan.scenarioTags, end);
  state.sink.sample('iteration_duration', end - (intendedAt ?? startedAt), plan.scenarioTags, end);
}
