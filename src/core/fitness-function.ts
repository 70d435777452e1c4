import type { Evidence, FitnessKind, Finding, Severity } from './result.js';
import type { DependencyGraph, StaticSection } from './result-static.js';
import type { LoadSection } from './result-load.js';
import type { ScaleSection } from './result-scale.js';
import type { CapacitySection } from './result-capacity.js';
import type { TargetInput } from './target.js';

/** What a fitness function's `test` sees: everything the collectors gathered for this run. */
export interface FitnessContext {
  /** Absolute root of the analysed repository. */
  root: string;
  /** Static analysis, when any enabled function needs it. */
  static?: StaticSection;
  /** The full dependency graph (in memory only). */
  graph?: DependencyGraph;
  load?: LoadSection;
  scale?: ScaleSection;
  capacity?: CapacitySection;
  /** Findings of detectors and rules, for functions that count them. */
  findings: Finding[];
}

/** A value with its evidence; `verdict: 'inconclusive'` says the value cannot be judged (e.g. generator saturated). */
export interface FitnessValue {
  value: number | boolean | null;
  evidence?: Evidence[];
  verdict?: 'inconclusive';
  reason?: string;
  /** With verdict 'inconclusive': the true value is at least `value`, so one missing a `<` target is a fail. */
  valueIsLowerBound?: boolean;
  /** With verdict 'inconclusive': the true value is at most this, so one that meets a `<` target is a pass. */
  valueUpperBound?: number;
}

export type FitnessTestReturn = number | boolean | FitnessValue;

/**
 * One fitness function, in the shape of the architecture review's `architecturalFitnessFunctions` entries.
 * Built-in functions (autonomy, coupling, p99, scaling) are declared the same way.
 */
export interface FitnessFunction {
  metric: string;
  target: TargetInput;
  /** Last known value, shown as the baseline column. */
  current?: number | boolean;
  description?: string;
  unit?: string;
  adr?: string;
  severity?: Severity;
  /** Collectors this function reads; `check` runs only the collectors some enabled function needs. */
  needs?: FitnessKind[];
  test(ctx: FitnessContext): FitnessTestReturn | Promise<FitnessTestReturn>;
}

/** A user's override of a built-in function: any field, or `false` to disable it. */
export type FitnessOverride = Partial<FitnessFunction> | false;

export type FitnessFunctions = Record<string, FitnessFunction>;
