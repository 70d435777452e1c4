import type { FastifyInstance } from 'fastify';
import type { ServiceTransport, TransportResponse } from '../lib/service-client.js';

/** Gateway mode: a call to another service goes through fastify's router in-process (same routes, hooks, handlers). */
export class InjectTransport implements ServiceTransport {
  constructor(private readonly app: () => FastifyInstance) {}

  async request(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: unknown,
  ): Promise<TransportResponse> {
    const res = await this.app().inject({
      method: method as 'GET',
      url: path,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      payload: body === undefined ? undefined : JSON.stringify(body),
      remoteAddress: '127.0.0.1',
    });
    return { status: res.statusCode, body: res.body ? JSON.parse(res.body) : null };
  }
}
