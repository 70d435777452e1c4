/**
 * A small programmatic wrapper around autocannon (closed model: a fixed number of connections, each sending its
 * next request when the previous response arrived). Used by scale sweeps and by the load engine `autocannon`.
 */
import autocannon from 'autocannon';
import { TargetUnreachableError, UsageError } from '../../core/errors.js';
import { assertReachable } from '../target-preflight.js';

export interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}

export interface AutocannonOptions {
  url: string;
  method?: string;
  headers?: Record<string, string>;
  body?: string | Buffer | object;
  connections: number;
  /** Run for this many seconds… */
  durationSec?: number;
  /** …or until this many requests completed (takes precedence over durationSec). */
  amount?: number;
  /** Requests cycled through by every connection (autocannon `requests`). */
  requests?: AutocannonRequest[];
  /** Per-request timeout in seconds (autocannon default 10). */
  timeoutSec?: number;
  pipelining?: number;
  signal?: AbortSignal;
  /** Skip the TCP probe that turns an unreachable target into a TargetUnreachableError before the run. */
  skipProbe?: boolean;
}

export interface LatencySummaryMs {
  p50: number;
  p90: number;
  p99: number;
  max: number;
  mean: number;
  /** autocannon records latencies in an HDR histogram of whole milliseconds: every figure is a multiple of 1 ms. */
  resolutionMs: 1;
  /** Responses the latency figures cover (every response, any status). */
  count: number;
}

export interface AutocannonSummary {
  /** Completed responses (any status) per second, from the start of the run to the last response. */
  throughput: number;
  /** Completed responses, any status. */
  requests: number;
  /** Requests sent (including those that got no response). */
  sent: number;
  /** Requests that got no response: socket errors and timeouts (timeouts are included here). */
  errors: number;
  /** The part of `errors` that were timeouts. */
  timeouts: number;
  /** Responses with a status outside 2xx. */
  non2xx: number;
  latency: LatencySummaryMs;
  /** Wall time of the run, measured here (not autocannon's 10 ms-rounded figure). */
  durationMs: number;
  /** From the start of the run to the last response: the window `throughput` is computed over. */
  activeMs: number;
  /** Stopped by the abort signal before its end. */
  aborted: boolean;
}

function encodeBody(body: AutocannonOptions['body']): string | Buffer | undefined {
  if (body === undefined || typeof body === 'string' || Buffer.isBuffer(body)) return body;
  return JSON.stringify(body);
}

/** Runs autocannon once and summarises it. Throws TargetUnreachableError when nothing answered at all. */
export async function runAutocannon(opts: AutocannonOptions): Promise<AutocannonSummary> {
  if (!Number.isInteger(opts.connections) || opts.connections < 1) {
    throw new UsageError(`autocannon connections must be a positive integer, got ${opts.connections}`);
  }
  if (opts.amount === undefined && !(opts.durationSec !== undefined && opts.durationSec > 0)) {
    throw new UsageError('autocannon needs durationSec > 0 or amount');
  }
  if (!opts.skipProbe) await assertReachable(opts.url, 2000);
  if (opts.signal?.aborted) {
    return emptySummary(true);
  }

  const body = encodeBody(opts.body);
  const headers = { ...(opts.headers ?? {}) };
  if (body !== undefined && opts.body !== undefined && typeof opts.body === 'object' && !Buffer.isBuffer(opts.body)) {
    headers['content-type'] ??= 'application/json';
  }
  const instanceOpts: autocannon.Options = {
    url: opts.url,
    connections: opts.connections,
    pipelining: opts.pipelining ?? 1,
    timeout: opts.timeoutSec ?? 10,
    // autocannon stops on a sampling tick after the duration: a short interval keeps the overrun short.
    sampleInt: 100,
    method: (opts.method ?? 'GET').toUpperCase() as autocannon.Request['method'],
    headers,
    ...(body !== undefined ? { body } : {}),
    ...(opts.amount !== undefined ? { amount: opts.amount } : { duration: opts.durationSec }),
    ...(opts.requests
      ? {
          requests: opts.requests.map((r) => ({
            ...(r.method ? { method: r.method.toUpperCase() as autocannon.Request['method'] } : {}),
            ...(r.path ? { path: r.path } : {}),
            ...(r.headers ? { headers: r.headers } : {}),
            ...(r.body !== undefined ? { body: r.body } : {}),
          })),
        }
      : {}),
  };

  const started = performance.now();
  let lastResponseAt = started;
  let aborted = false;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(instanceOpts, (err: unknown, res: autocannon.Result) => {
      opts.signal?.removeEventListener('abort', onAbort);
      if (err) reject(err instanceof Error ? err : new Error(`autocannon failed: ${JSON.stringify(err)}`));
      else resolve(res);
    });
    instance.on('response', () => {
      lastResponseAt = performance.now();
    });
    function onAbort(): void {
      aborted = true;
      instance.stop();
    }
    opts.signal?.addEventListener('abort', onAbort, { once: true });
  });
  const durationMs = performance.now() - started;

  const completed = result.requests.total;
  if (completed === 0 && !aborted) {
    throw new TargetUnreachableError(
      `no response from ${opts.url} in ${(durationMs / 1000).toFixed(1)} s (${result.errors} errors, ${result.timeouts} timeouts)`,
    );
  }
  // autocannon ends a run on its next sampling tick; with `amount` the connections sit idle until then, so the
  // throughput window ends at the last response, not when autocannon returned.
  const activeMs = lastResponseAt - started;
  return {
    throughput: activeMs > 0 ? completed / (activeMs / 1000) : 0,
    requests: completed,
    sent: result.requests.sent,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    latency: {
      p50: result.latency.p50,
      p90: result.latency.p90,
      p99: result.latency.p99,
      max: result.latency.max,
      mean: result.latency.mean,
      resolutionMs: 1,
      count: (result.latency as autocannon.Histogram & { totalCount?: number }).totalCount ?? completed,
    },
    durationMs,
    activeMs,
    aborted,
  };
}

function emptySummary(aborted: boolean): AutocannonSummary {
  return {
    throughput: 0,
    requests: 0,
    sent: 0,
    errors: 0,
    timeouts: 0,
    non2xx: 0,
    latency: { p50: 0, p90: 0, p99: 0, max: 0, mean: 0, resolutionMs: 1, count: 0 },
    durationMs: 0,
    activeMs: 0,
    aborted,
  };
}
