import type { ScenarioConfig } from '../../config/types.js';
import type { DataRow } from '../data-feeder.js';
import type { EndpointSnapshot } from '../endpoint-trends.js';
import type { ExecutionSegment } from '../execution-segment.js';
import type { MetricStoreSnapshot } from '../metric-store.js';
import type { MetricReference } from '../threshold-expression.js';
import type { ThreadPauses } from './thread-pauses.js';

/** Everything one execution segment of one scenario needs; plain data so it can be posted to a worker thread. */
export interface SegmentRunInput {
  scenarioName: string;
  scenario: ScenarioConfig;
  baseUrl: string;
  segment: ExecutionSegment;
  keepSamples: boolean;
  submetrics: MetricReference[];
  dataRows?: DataRow[];
  /** Write k6 `--out json` points here (only when samples are kept). */
  ndjsonFile?: string;
  thresholdsByMetric?: Record<string, string[]>;
  /** Seed of Poisson arrivals and weighted request choices; identical in every segment of a run. */
  seed: number;
  /** Request timeout (ms). */
  timeoutMs?: number;
}

export interface SegmentRunOutput extends ThreadPauses {
  snapshot: MetricStoreSnapshot;
  /** Per-endpoint trends of this segment, merged exactly by the engine. */
  endpoints: EndpointSnapshot[];
  startedAtEpochMs: number;
  durationMs: number;
  partial: boolean;
  /** Open model: iterations this segment was scheduled to start up to the point it stopped. */
  scheduledIterations: number;
  /** Open model: ms from start to the last iteration dispatched (late when the generator fell behind). */
  lastDispatchMs: number;
  startedIterations: number;
  droppedIterations: number;
  /** Requests whose status line and headers arrived (complete or not). */
  responses: number;
  /** Failed requests without a complete response, by error code (ECONNREFUSED, ECONNRESET, interrupted, …). */
  networkErrors: Record<string, number>;
  /** Template values missing at run time (e.g. a capture that never happened), by expression. */
  templateErrors: Record<string, number>;
  /** Share of wall time this thread's event loop was busy (0..1). */
  eventLoopUtilization: number;
  maxSendLagMs: number;
  sendLagP99Ms: number | null;
  vusAllocated: number;
}

export interface SegmentProgress {
  requests: number;
  failures: number;
  iterations: number;
  dropped: number;
  p99Ms: number | null;
}

/**
 * How to stop: `graceful` (the duration ended, a threshold aborted: no new iterations, in-flight ones get
 * gracefulStop) or `interrupt` (Ctrl-C: in-flight requests are cut at once and counted as failed).
 */
export type StopMode = 'graceful' | 'interrupt';
