import type { ScenarioConfig, ThresholdConfig } from '../config/types.js';
import type { DataRow } from './data-feeder.js';
import type { LoadOverrides } from './overrides.js';
import type { ParsedThreshold } from './threshold-expression.js';

export type LoadEngineName = 'native' | 'autocannon' | 'k6';

/** What `runLoad` is asked to do; engines read it too (they import this module, never the runner). */
export interface LoadRunOptions {
  /** Base URL of the target; tests use loopback only. */
  baseUrl: string;
  /** Scenarios to run, in order (already shape-validated by the config loader; executor keys are checked here). */
  scenarios: Record<string, ScenarioConfig>;
  /** Global thresholds, merged into each scenario's. */
  thresholds?: Record<string, Array<string | ThresholdConfig>>;
  engine?: LoadEngineName;
  /** Artifacts: `<scenario>-summary.json` (k6 handleSummary data shape) and, with keepSamples, `<scenario>.ndjson`. */
  outDir: string;
  /** Keep every sample: exact R-7 percentiles and k6 `--out json` NDJSON. Default false (HDR histograms). */
  keepSamples?: boolean;
  allowDroppedIterations?: boolean;
  /**
   * Ctrl-C: stops at once (in-flight requests are interrupted and counted as failed); the scenarios run so far are
   * returned, marked partial.
   */
  signal?: AbortSignal;
  /** Live progress line on stderr when it is a TTY. */
  progress?: boolean;
  /** Worker threads, one execution segment each (default: available cores); 0 runs in the calling thread. */
  workers?: number;
  /** Directory `data` file paths are relative to (default: cwd). */
  baseDir?: string;
  /** `--vus`, `--duration`, `--iterations`, `--rate`: applied to every scenario run, noted in its summary. */
  overrides?: LoadOverrides;
}

/** A scenario validated and ready to run: its thresholds parsed, its data rows loaded. */
export interface PreparedScenario {
  name: string;
  scenario: ScenarioConfig;
  thresholds: ParsedThreshold[];
  dataRows?: DataRow[];
}
