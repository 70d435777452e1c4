/** Load-test data carried in the Result. Owned by src/load. Metric names and meanings follow k6. */

export type MetricType = 'trend' | 'rate' | 'counter' | 'gauge';

export interface MetricSummary {
  type: MetricType;
  /** Unit of trend values: 'ms' for durations, 'B' for data. */
  unit?: string;
  /** k6 summary keys: trend avg/min/med/max/p(90)/p(95)/p(99)…; counter count/rate; rate rate/passes/fails; gauge value/min/max. */
  values: Record<string, number>;
}

export interface ThresholdOutcome {
  /** Metric with optional sub-metric tags, as written: `http_req_duration{group:::browse}`. */
  metric: string;
  expression: string;
  ok: boolean;
  /** The observed aggregate the expression compared, when there was data. */
  observed: number | null;
  abortOnFail: boolean;
}

export interface ScenarioSummary {
  name: string;
  executor: string;
  engine: 'native' | 'autocannon' | 'k6';
  startedAt: string;
  durationMs: number;
  /** Stopped before its configured end (Ctrl-C, abortOnFail, target unreachable). */
  partial: boolean;
  /** The generator could not keep up: p99 verdicts on this run are inconclusive. */
  generatorSaturated: boolean;
  saturationReasons: string[];
  /** Smallest latency step the engine can report, in ms (autocannon: 1; native: 0.001). */
  latencyResolutionMs: number;
  /** How percentiles were computed: exact from raw samples (k6 rule, R-7) or from an HDR histogram. */
  percentileMethod: 'exact-r7' | 'hdr';
  sampleCount: number;
  /** k6 metric name (optionally with tags) -> summary. */
  metrics: Record<string, MetricSummary>;
  thresholds: ThresholdOutcome[];
  /** Latency percentile curve of http_req_duration (ms), for plots: p in 0..100. */
  percentileCurve: Array<{ p: number; ms: number }>;
  /** Where raw samples / NDJSON were written, relative to the out dir, if kept. */
  artifacts?: Record<string, string>;
  /** Execution segments (worker threads) or k6 runners whose results were merged into this summary. */
  segments?: number;
  /** Non-fatal notes on how the figures were obtained (e.g. network errors by code, ingest caveats). */
  notes?: string[];
}

export interface LoadSection {
  targetUrl: string;
  scenarios: ScenarioSummary[];
  /** The config allowed dropped iterations: a p99 verdict may pass although iterations were dropped. */
  allowDroppedIterations?: boolean;
}
