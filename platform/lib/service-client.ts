import { Pool } from 'undici';
import { ApiError, unavailable } from './api-error.js';
import type { Registry } from 'prom-client';
import { exposeGuardMetrics, Guard, type GuardOptions, type Lane } from './resilience.js';
import { injectTraceHeaders, inSpan, SpanKind, tracingEnabled } from './tracing.js';

export interface TransportResponse {
  status: number;
  body: unknown;
}

/** How a request reaches another service: real HTTP in multi-process mode, in-process injection in gateway mode. */
export interface ServiceTransport {
  request(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<TransportResponse>;
  close?(): Promise<void>;
}

export const INTERNAL_HEADER = 'x-pitchey-internal';

export class HttpTransport implements ServiceTransport {
  private readonly pool: Pool;

  constructor(baseUrl: string) {
    this.pool = new Pool(baseUrl, { connections: 32, headersTimeout: 5000, bodyTimeout: 5000 });
  }

  async request(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: unknown,
    signal?: AbortSignal,
  ): Promise<TransportResponse> {
    const res = await this.pool.request({
      method: method,
      signal,
      path,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.body.text();
    return { status: res.statusCode, body: text ? JSON.parse(text) : null };
  }

  async close(): Promise<void> {
    await this.pool.close();
  }
}

export interface ServiceClientOptions {
  guard?: GuardOptions;
  /** Where breaker and bulkhead state is exposed (the process's /metrics registry). */
  metrics?: Registry;
}

// Notifications are fan-out a user does not wait for: they get their own, smaller lane so they never delay publishing.
const BACKGROUND_TARGETS = new Set(['notification']);

/**
 * A client for one downstream service. Every call goes through a guard (bulkhead lane, failure-rate breaker with
 * slow-call threshold, timeout); 5xx answers and transport failures count against the breaker, 4xx answers are passed
 * back to the caller as ApiErrors. Reads are retried with jitter; writes never are.
 */
export class ServiceClient {
  readonly guard: Guard;
  private readonly lane: Lane;

  constructor(
    readonly target: string,
    private readonly transport: ServiceTransport,
    /** A service token for `target` (short-lived, refreshed by the provider). */
    private readonly credential: () => Promise<string>,
    opts: ServiceClientOptions = {},
  ) {
    this.guard = new Guard(target, opts.guard);
    this.lane = BACKGROUND_TARGETS.has(target) ? 'background' : 'critical';
    if (opts.metrics) exposeGuardMetrics(opts.metrics, this.guard);
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    if (!tracingEnabled()) return this.send<T>(method, path, body);
    return inSpan(
      `${method} ${this.target}${path.split('?')[0].replace(/[0-9a-f-]{36}/g, ':id')}`,
      SpanKind.CLIENT,
      () => this.send<T>(method, path, body),
    );
  }

  private async send<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: TransportResponse;
    try {
      res = await this.guard.run(
        async (signal) => {
          const token = await this.credential();
          const r = await this.transport.request(
            method,
            path,
            injectTraceHeaders({ [INTERNAL_HEADER]: token }),
            body,
            signal,
          );
          if (r.status >= 500) throw new Error(`${this.target} answered ${r.status}`);
          return r;
        },
        // Only GET is safe to repeat here: our PUT/DELETE handlers are idempotent but POSTs are not.
        { idempotent: method === 'GET', lane: this.lane },
      );
    } catch (e) {
      throw unavailable(`${this.target} service unavailable: ${(e as Error).message}`);
    }
    const env = res.body as { success?: boolean; data?: T; error?: { code?: string; message?: string } } | null;
    if (res.status >= 400 || !env || env.success !== true) {
      throw new ApiError(
        res.status >= 400 ? res.status : 502,
        env?.error?.code ?? 'upstream_error',
        env?.error?.message ?? `${this.target} failed`,
      );
    }
    return env.data as T;
  }
}
