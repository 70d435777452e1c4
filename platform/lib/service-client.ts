import { Pool } from 'undici';
import { ApiError, unavailable } from './api-error.js';
import { Bulkhead } from './bulkhead.js';
import { CircuitBreaker } from './circuit-breaker.js';

export interface TransportResponse {
  status: number;
  body: unknown;
}

/** How a request reaches another service: real HTTP in multi-process mode, in-process injection in gateway mode. */
export interface ServiceTransport {
  request(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<TransportResponse>;
  close?(): Promise<void>;
}

export const INTERNAL_HEADER = 'x-pitchey-internal';

export class HttpTransport implements ServiceTransport {
  private readonly pool: Pool;

  constructor(baseUrl: string) {
    this.pool = new Pool(baseUrl, { connections: 32, headersTimeout: 5000, bodyTimeout: 5000 });
  }

  async request(method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<TransportResponse> {
    const res = await this.pool.request({
      method: method as 'GET',
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

/**
 * A client for one downstream service. Every call goes through a bulkhead and a circuit breaker; 5xx answers and
 * transport failures count against the breaker, 4xx answers are passed back to the caller as ApiErrors.
 */
export class ServiceClient {
  readonly breaker: CircuitBreaker;
  private readonly bulkhead: Bulkhead;

  constructor(readonly target: string, private readonly transport: ServiceTransport, private readonly credential: string) {
    this.breaker = new CircuitBreaker(target);
    this.bulkhead = new Bulkhead(target);
  }

  async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    let res: TransportResponse;
    try {
      res = await this.bulkhead.run(() =>
        this.breaker.call(async () => {
          const r = await this.transport.request(method, path, { [INTERNAL_HEADER]: this.credential }, body);
          if (r.status >= 500) throw new Error(`${this.target} answered ${r.status}`);
          return r;
        }),
      );
    } catch (e) {
      throw unavailable(`${this.target} service unavailable: ${(e as Error).message}`);
    }
    const env = res.body as { success?: boolean; data?: T; error?: { code?: string; message?: string } } | null;
    if (res.status >= 400 || !env || env.success !== true) {
      throw new ApiError(res.status >= 400 ? res.status : 502, env?.error?.code ?? 'upstream_error', env?.error?.message ?? `${this.target} failed`);
    }
    return env.data as T;
  }
}
