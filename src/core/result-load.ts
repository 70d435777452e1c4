/** Load-test data carried in the Result. Owned by src/load. Metric names and meanings follow k6. */
import * as z from 'zod';
import { CountSchema, NonNegativeSchema, TimestampSchema } from './result-common.js';

export const MetricTypeSchema = z.enum(['trend', 'rate', 'counter', 'gauge']);
export type MetricType = z.infer<typeof MetricTypeSchema>;

export const MetricSummarySchema = z
  .strictObject({
    type: MetricTypeSchema,
    unit: z.string().optional().describe("Unit of trend values: 'ms' for durations, 'B' for data."),
    values: z
      .record(z.string(), z.number())
      .describe(
        'k6 summary keys: trend avg/min/med/max/p(90)/p(95)/p(99)…; counter count/rate; rate rate/passes/fails; ' +
          'gauge value/min/max.',
      ),
  })
  .meta({ id: 'metricSummary' });
export type MetricSummary = z.infer<typeof MetricSummarySchema>;

export const ThresholdOutcomeSchema = z.strictObject({
  metric: z.string().describe('Metric with optional sub-metric tags, as written: `http_req_duration{group:::browse}`.'),
  expression: z.string(),
  ok: z.boolean(),
  observed: z.number().nullable().describe('The observed aggregate the expression compared, when there was data.'),
  abortOnFail: z.boolean(),
});
export type ThresholdOutcome = z.infer<typeof ThresholdOutcomeSchema>;

/** Latency and errors of one endpoint (request name) of a scenario, in ms. */
export const EndpointTrendSchema = z
  .strictObject({
    name: z.string(),
    group: z.string().optional(),
    method: z.string().optional(),
    count: CountSchema,
    failed: CountSchema,
    errorRate: z.number().min(0).max(1),
    p50: NonNegativeSchema,
    p95: NonNegativeSchema,
    p99: NonNegativeSchema,
    max: NonNegativeSchema,
  })
  .meta({ id: 'endpointTrend' });
export type EndpointTrend = z.infer<typeof EndpointTrendSchema>;

export const ScenarioSummarySchema = z
  .strictObject({
    name: z.string(),
    executor: z.string(),
    engine: z.enum(['native', 'autocannon', 'k6']),
    startedAt: TimestampSchema,
    durationMs: NonNegativeSchema,
    partial: z.boolean().describe('Stopped before its configured end (Ctrl-C, abortOnFail, target unreachable).'),
    generatorSaturated: z
      .boolean()
      .describe('The generator could not keep up: p99 verdicts on this run are inconclusive.'),
    saturationReasons: z.array(z.string()),
    latencyResolutionMs: z
      .number()
      .positive()
      .describe('Smallest latency step the engine can report, in ms (autocannon: 1; native: 0.001).'),
    percentileMethod: z
      .enum(['exact-r7', 'hdr', 'k6-summary'])
      .describe(
        'How percentiles were computed: exact from raw samples (k6 rule, R-7), from an HDR histogram, or read from a k6 ' +
          'summary file (as k6 computed them).',
      ),
    sampleCount: CountSchema,
    metrics: z.record(z.string(), MetricSummarySchema).describe('k6 metric name (optionally with tags) -> summary.'),
    thresholds: z.array(ThresholdOutcomeSchema),
    percentileCurve: z
      .array(z.strictObject({ p: z.number().min(0).max(100), ms: NonNegativeSchema }))
      .describe('Latency percentile curve of http_req_duration (ms), for plots: p in 0..100.'),
    endpoints: z
      .array(EndpointTrendSchema)
      .optional()
      .describe('Per-endpoint breakdown of latency and errors, sorted by p99 descending.'),
    artifacts: z
      .record(z.string(), z.string())
      .optional()
      .describe('Where raw samples / NDJSON were written, relative to the out dir, if kept.'),
    segments: z
      .int()
      .min(0)
      .optional()
      .describe('Execution segments (worker threads) or k6 runners whose results were merged into this summary.'),
    notes: z
      .array(z.string())
      .optional()
      .describe('Non-fatal notes on how the figures were obtained (e.g. network errors by code, ingest caveats).'),
  })
  .meta({ id: 'scenario' });
export type ScenarioSummary = z.infer<typeof ScenarioSummarySchema>;

export const LoadSectionSchema = z
  .strictObject({
    targetUrl: z.string(),
    scenarios: z.array(ScenarioSummarySchema),
    allowDroppedIterations: z
      .boolean()
      .optional()
      .describe('The config allowed dropped iterations: a p99 verdict may pass although iterations were dropped.'),
  })
  .meta({ id: 'loadSection' });
export type LoadSection = z.infer<typeof LoadSectionSchema>;
