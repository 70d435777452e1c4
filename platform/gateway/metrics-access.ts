import { timingSafeEqual } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import { ApiError } from '../lib/api-error.js';

/** Set to require `Authorization: Bearer <token>` on /metrics; without it /metrics answers loopback peers only. */
export const METRICS_TOKEN_ENV = 'PITCHEY_METRICS_TOKEN';

const isLoopback = (ip: string | undefined) =>
  !!ip && (ip.startsWith('127.') || ip === '::1' || ip.startsWith('::ffff:127.'));

/**
 * Who may scrape /metrics: with a metrics token configured, a caller presenting it (compared in constant time);
 * otherwise only the local host (Prometheus beside the platform, or through a tunnel). Others get 403.
 */
export function assertMayScrape(req: FastifyRequest, token: string | undefined): void {
  if (token) {
    const given = Buffer.from(req.headers.authorization ?? '');
    const expected = Buffer.from(`Bearer ${token}`);
    if (given.length === expected.length && timingSafeEqual(given, expected)) return;
    throw new ApiError(403, 'forbidden', 'metrics need the metrics token');
  }
  if (!isLoopback(req.socket?.remoteAddress))
    throw new ApiError(403, 'forbidden', 'metrics are served to the local host only');
}
