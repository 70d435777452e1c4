/** Public API of the load area (wired into the CLI by src/cli). */
export { runLoad, validateScenario, scenarioThresholds } from './run-load.js';
export type { LoadRunOptions, PreparedScenario, LoadEngineName } from './scenario-model.js';
export type { LoadOverrides } from './overrides.js';
export type { LoadEngine } from './engine.js';
export type { SampleSink } from './sample-sink.js';
export { loadEngine, LOAD_ENGINE_NAMES } from './engines/registry.js';
export {
  parseThresholdExpression,
  parseMetricReference,
  parseThresholds,
  type ThresholdExpression,
  type MetricReference,
  type ParsedThreshold,
} from './threshold-expression.js';
export { evaluateThresholds, validateThresholds } from './threshold-evaluator.js';
export { loadFitnessFunctions, latencyInconclusiveReason } from './builtin-functions.js';
export { generateK6Script, type K6ScriptOptions } from './k6/script-generator.js';
export { ingestK6 } from './k6/ingest.js';
export { generateK6OperatorManifest, segmentCommands, type K6OperatorOptions } from './k6/operator-manifest.js';
export { findK6Binary } from './engines/k6.js';
export { parseExecutionSegment, equalSegments } from './execution-segment.js';
export { percentileR7 } from './percentiles.js';
export { parseDuration } from './duration.js';
export { formatLoadSummary } from './summary-text.js';
