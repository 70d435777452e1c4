import type { ScenarioConfig } from '../config/types.js';
import { ConfigError, UsageError } from '../core/errors.js';
import { formatDuration, parseDuration } from './duration.js';

/** k6-style run overrides (`--vus`, `--duration`, `--iterations`, `--rate`) applied to every selected scenario. */
export interface LoadOverrides {
  vus?: number;
  /** k6 duration text: '30s', '1m30s'. */
  duration?: string;
  iterations?: number;
  /** Iterations per second of arrival-rate scenarios (the peak of a ramping one). */
  rate?: number;
}

const CLOSED_DURATION = new Set(['constant-vus', 'ramping-vus']);
const ITERATION_BOUNDED = new Set(['per-vu-iterations', 'shared-iterations']);
const ARRIVAL = new Set(['constant-arrival-rate', 'ramping-arrival-rate']);

function positiveInteger(v: number | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isInteger(v) || v < 1) throw new UsageError(`${flag} must be a positive integer, got ${v}`);
  return v;
}

function flagDurationMs(text: string): number {
  try {
    return parseDuration(text);
  } catch (e) {
    if (e instanceof ConfigError)
      throw new UsageError(`--duration must be a k6 duration like 30s or 1m30s, got ${text}`);
    throw e;
  }
}

/** Checks the override values once (a usage error names the flag). */
export function checkOverrides(o: LoadOverrides): void {
  positiveInteger(o.vus, '--vus');
  positiveInteger(o.iterations, '--iterations');
  if (o.duration !== undefined && !(flagDurationMs(o.duration) > 0)) {
    throw new UsageError(`--duration must be longer than 0, got ${o.duration}`);
  }
  if (o.rate !== undefined && !(Number.isFinite(o.rate) && o.rate > 0)) {
    throw new UsageError(`--rate must be a number above 0, got ${o.rate}`);
  }
}

/** Stretches or shrinks ramp stages so they last `totalMs` in all, keeping their shape. */
function rescaleStages(sc: ScenarioConfig, totalMs: number): ScenarioConfig['stages'] {
  const stages = sc.stages ?? [];
  const current = stages.reduce((s, st) => s + parseDuration(st.duration), 0);
  if (current <= 0) return stages;
  return stages.map((st) => ({ ...st, duration: formatDuration((parseDuration(st.duration) * totalMs) / current) }));
}

/**
 * The scenario with the overrides applied, and a line per override saying what it changed (shown in the summary).
 * An override that means nothing for the scenario's executor is a usage error naming the flag and the scenario.
 */
export function applyOverrides(
  name: string,
  scenario: ScenarioConfig,
  o: LoadOverrides,
): { scenario: ScenarioConfig; applied: string[] } {
  let sc: ScenarioConfig = { ...scenario };
  const applied: string[] = [];
  const ex = sc.executor;
  if (o.iterations !== undefined) {
    if (ARRIVAL.has(ex)) {
      throw new UsageError(
        `--iterations does not apply to scenario ${name} (${ex}): arrival-rate scenarios run for a duration`,
      );
    }
    if (CLOSED_DURATION.has(ex)) {
      // as k6 does with --iterations: the VUs share a fixed number of iterations, bounded by the old duration
      const maxVus =
        ex === 'ramping-vus'
          ? Math.max(sc.startVUs ?? 1, ...(sc.stages ?? []).map((s) => Math.ceil(s.target)))
          : (sc.vus ?? 1);
      const duration =
        sc.duration ?? formatDuration((sc.stages ?? []).reduce((s, st) => s + parseDuration(st.duration), 0));
      sc = {
        ...sc,
        executor: 'shared-iterations',
        vus: maxVus,
        maxDuration: duration,
        duration: undefined,
        stages: undefined,
        startVUs: undefined,
      };
    }
    sc.iterations = o.iterations;
    if (sc.executor === 'shared-iterations' && (sc.vus ?? 1) > o.iterations) sc.vus = o.iterations;
    applied.push(`iterations=${o.iterations}${sc.executor !== ex ? ` (${ex} → shared-iterations)` : ''}`);
  }
  if (o.vus !== undefined) {
    if (ARRIVAL.has(sc.executor)) {
      sc.preAllocatedVUs = o.vus;
      sc.maxVUs = Math.max(sc.maxVUs ?? 0, o.vus);
      applied.push(`vus=${o.vus} (preAllocatedVUs)`);
    } else if (sc.executor === 'ramping-vus') {
      const peak = Math.max(sc.startVUs ?? 1, ...(sc.stages ?? []).map((s) => s.target));
      const k = o.vus / peak;
      sc.startVUs = Math.round((sc.startVUs ?? 1) * k);
      sc.stages = (sc.stages ?? []).map((s) => ({ ...s, target: Math.round(s.target * k) }));
      applied.push(`vus=${o.vus} (peak of the ramp)`);
    } else {
      sc.vus = o.vus;
      if (sc.executor === 'shared-iterations' && (sc.iterations ?? 1) < o.vus) sc.iterations = o.vus;
      applied.push(`vus=${o.vus}`);
    }
  }
  if (o.duration !== undefined) {
    const ms = flagDurationMs(o.duration);
    if (ITERATION_BOUNDED.has(sc.executor)) sc.maxDuration = o.duration;
    else if (sc.stages?.length && (sc.executor === 'ramping-vus' || sc.executor === 'ramping-arrival-rate')) {
      sc.stages = rescaleStages(sc, ms);
    } else sc.duration = o.duration;
    applied.push(`duration=${o.duration}${ITERATION_BOUNDED.has(sc.executor) ? ' (maxDuration)' : ''}`);
  }
  if (o.rate !== undefined) {
    if (!ARRIVAL.has(sc.executor)) {
      throw new UsageError(
        `--rate does not apply to scenario ${name} (${sc.executor}): only arrival-rate scenarios have a rate`,
      );
    }
    const unitMs = sc.timeUnit !== undefined ? parseDuration(sc.timeUnit) : 1000;
    const perUnit = (o.rate * unitMs) / 1000;
    if (sc.executor === 'constant-arrival-rate') sc.rate = perUnit;
    else {
      const peak = Math.max(sc.startRate ?? 0, ...(sc.stages ?? []).map((s) => s.target));
      const k = peak > 0 ? perUnit / peak : 0;
      sc.startRate = (sc.startRate ?? 0) * k;
      sc.stages = (sc.stages ?? []).map((s) => ({ ...s, target: s.target * k }));
    }
    applied.push(`rate=${o.rate}/s${sc.executor === 'ramping-arrival-rate' ? ' (peak of the ramp)' : ''}`);
  }
  for (const k of Object.keys(sc) as Array<keyof ScenarioConfig>) if (sc[k] === undefined) delete sc[k];
  return { scenario: sc, applied };
}

/** The overrides as the scaling sweep and the capacity search take them, with what was and was not applied. */
export interface StepOverrides {
  /** Each sweep step's measured run (closed-max: each repeat; capacity: each trial), or each capacity trial, s. */
  durationSec?: number;
  /** Closed-model connections per worker or replica of a sweep step. */
  connections?: number;
  /** One line each: what was applied, and (under check) which flags do not apply here and why. */
  notes: string[];
}

/**
 * Applies the overrides to a step-based measurement. A flag with no meaning there is refused with a usage error
 * naming it (`strict`, the dedicated command), or stated as not applied (check, whose load step does apply it).
 */
function stepOverrides(
  o: LoadOverrides | undefined,
  what: string,
  refusals: Partial<Record<keyof LoadOverrides, string>>,
  strict: boolean,
  vusPerUnit: boolean,
): StepOverrides {
  const out: StepOverrides = { notes: [] };
  if (!o) return out;
  const applied: string[] = [];
  const notApplied: string[] = [];
  for (const key of ['vus', 'duration', 'iterations', 'rate'] as const) {
    if (o[key] === undefined) continue;
    const refusal = refusals[key];
    if (refusal) {
      if (strict) throw new UsageError(`--${key} does not apply to ${what}: ${refusal}`);
      notApplied.push(`--${key} (${refusal})`);
    } else if (key === 'duration') {
      out.durationSec = flagDurationMs(o.duration!) / 1000;
      applied.push(`duration=${o.duration} (each ${what === 'the capacity search' ? 'trial' : "step's measured run"})`);
    } else if (key === 'vus' && vusPerUnit) {
      out.connections = o.vus;
      applied.push(`vus=${o.vus} (connections per worker or replica)`);
    }
  }
  if (applied.length) out.notes.push(`overridden from the command line: ${applied.join(', ')}`);
  if (notApplied.length) out.notes.push(`not applied to ${what}: ${notApplied.join('; ')}`);
  return out;
}

/** `--duration` sets each step's measured length; `--vus` the connections per unit of a closed-max sweep. */
export function sweepOverrides(
  o: LoadOverrides | undefined,
  sweep: { mode: string; measure: 'closed-max' | 'capacity'; strict: boolean },
): StepOverrides {
  const capacity = sweep.measure === 'capacity';
  return stepOverrides(
    o,
    'the scaling sweep',
    {
      ...(capacity
        ? { vus: "with scale.measure 'capacity' the open model sizes VUs from each rate" }
        : sweep.mode === 'concurrency'
          ? { vus: "in scale mode 'concurrency' N is the connection count" }
          : {}),
      iterations: 'its steps run for a duration',
      rate: capacity
        ? 'the capacity search chooses the rates; set scale.capacity.startRate'
        : 'closed-model steps have no rate',
    },
    sweep.strict,
    !capacity && sweep.mode !== 'concurrency',
  );
}

/** `--duration` sets each capacity trial's measured length; the others have no meaning there. */
export function capacityOverrides(o: LoadOverrides | undefined, strict: boolean): StepOverrides {
  return stepOverrides(
    o,
    'the capacity search',
    {
      vus: 'it sizes VUs from each rate',
      iterations: 'its trials run for a duration',
      rate: 'it chooses the rates; set capacity.startRate and capacity.maxRate',
    },
    strict,
    false,
  );
}
