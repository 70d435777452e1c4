/** Public API of pitchey-fit for config files and programmatic use. */
export { defineConfig } from './config/types.js';
export type {
  PitcheyFitConfig,
  StaticConfig,
  LoadConfig,
  ScenarioConfig,
  RequestConfig,
  ScaleConfig,
  DependencyRule,
  ThresholdConfig,
} from './config/types.js';
export type { FitnessFunction, FitnessContext, FitnessValue, FitnessFunctions } from './core/fitness-function.js';
export type { Result, FitnessOutcome, Evidence, Finding, Verdict } from './core/result.js';
export type { DependencyGraph, GraphEdge, GraphModule, StaticSection } from './core/result-static.js';
export type { LoadSection, ScenarioSummary } from './core/result-load.js';
export type { ScaleSection, ScalePoint, UslFit } from './core/result-scale.js';
export { parseTarget, meetsTarget } from './core/target.js';
export { ExitCode } from './core/exit-codes.js';
export { run, type RunOptions } from './run/index.js';
export type { Collector, CollectorName, CollectorOutput, CollectContext, CollectFlags } from './run/index.js';
