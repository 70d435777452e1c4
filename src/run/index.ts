/** The pipeline: run(config) → Result, the Collector contract and registry. */
export { run, runResolved, defaultKinds, type RunOptions } from './run.js';
export type { Collector, CollectorName, CollectorOutput, CollectContext, CollectFlags, RunLog } from './collector.js';
export { collectorNames } from './collector-registry.js';
export { resolveConfig, resolveConfigObject, type ResolvedConfig } from './resolve-config.js';
export { BUILTIN_IDS } from './builtin-functions.js';
export { DEFAULT_FUNCTION_TIMEOUT_MS } from './function-guard.js';
export { checkOverrides as checkLoadOverrides, type LoadOverrides } from '../load/overrides.js';
