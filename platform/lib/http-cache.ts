import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';

/**
 * The edge layer: every successful GET under /api/ gets a strong ETag of exactly the bytes this caller receives, and
 * `If-None-Match` with that tag answers 304. Since the tag is computed from the caller's own (already access-checked)
 * body, a caller without NDA access can never revalidate into protected content. Cache-Control keeps shared caches
 * (CDN, proxies) off anything answered to a signed-in caller; anonymous answers are identical for every anonymous
 * caller and may be reused briefly.
 */
export interface HttpCacheOptions {
  /** max-age for anonymous answers (seconds). */
  publicMaxAge?: number;
}

export function etagOf(body: string | Buffer): string {
  return `"${createHash('sha1').update(body).digest('base64url')}"`;
}

function matches(ifNoneMatch: string, etag: string): boolean {
  if (ifNoneMatch.trim() === '*') return true;
  return ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

export function registerHttpCaching(app: FastifyInstance, opts: HttpCacheOptions = {}): void {
  const publicMaxAge = opts.publicMaxAge ?? 5;
  app.addHook('onSend', async (req, reply, payload) => {
    if (req.method !== 'GET' || !req.url.startsWith('/api/')) return payload;
    const signedIn = req.headers.authorization !== undefined;
    reply.header('vary', 'Authorization');
    if (reply.statusCode !== 200 || (typeof payload !== 'string' && !Buffer.isBuffer(payload))) {
      if (!reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
      return payload;
    }
    if (!reply.hasHeader('cache-control')) {
      reply.header('cache-control', signedIn ? 'private, no-cache' : `public, max-age=${publicMaxAge}`);
    }
    const etag = etagOf(payload);
    reply.header('etag', etag);
    const inm = req.headers['if-none-match'];
    if (typeof inm === 'string' && matches(inm, etag)) {
      reply.code(304);
      reply.removeHeader('content-length');
      return '';
    }
    return payload;
  });
}
