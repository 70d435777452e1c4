import type { MetricType } from '../core/result-load.js';

export type MetricContains = 'time' | 'data' | 'default';

export interface MetricDefinition {
  name: string;
  type: MetricType;
  contains: MetricContains;
}

/** The k6 built-in metrics the native engine emits, with k6's types (https://grafana.com/docs/k6/latest/using-k6/metrics/reference/). */
export const BUILTIN_METRICS: Record<string, MetricDefinition> = Object.fromEntries(
  (
    [
      ['http_reqs', 'counter', 'default'],
      ['http_req_duration', 'trend', 'time'],
      ['http_req_waiting', 'trend', 'time'],
      ['http_req_receiving', 'trend', 'time'],
      ['http_req_sending', 'trend', 'time'],
      ['http_req_blocked', 'trend', 'time'],
      ['http_req_connecting', 'trend', 'time'],
      ['http_req_tls_handshaking', 'trend', 'time'],
      ['http_req_failed', 'rate', 'default'],
      ['iterations', 'counter', 'default'],
      ['iteration_duration', 'trend', 'time'],
      ['dropped_iterations', 'counter', 'default'],
      ['vus', 'gauge', 'default'],
      ['vus_max', 'gauge', 'default'],
      ['data_sent', 'counter', 'data'],
      ['data_received', 'counter', 'data'],
      ['checks', 'rate', 'default'],
      // Not a k6 metric: how late the generator sent each open-model iteration after its intended time.
      ['generator_send_lag', 'trend', 'time'],
      // Not k6 metrics: per-VU setup steps (sign-in), kept out of http_req_* so they do not skew the measured traffic.
      ['setup_req_duration', 'trend', 'time'],
      ['setup_req_failed', 'rate', 'default'],
    ] as const
  ).map(([name, type, contains]) => [name, { name, type, contains }]),
);

/** Aggregation methods k6 accepts in a threshold, per metric type. `p(N)` is represented as 'p'. */
export const AGGREGATIONS_BY_TYPE: Record<MetricType, readonly string[]> = {
  trend: ['avg', 'min', 'max', 'med', 'p'],
  rate: ['rate'],
  counter: ['count', 'rate'],
  gauge: ['value'],
};
