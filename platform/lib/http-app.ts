import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { ApiError } from './api-error.js';

export const DEFAULT_BODY_LIMIT = 8 * 1024 * 1024;

/**
 * A fastify root with the platform's error contract: client errors are 4xx JSON envelopes (malformed or oversized
 * bodies 400, unknown routes 404), only genuine faults are 500, and a database failure is never a "demo" success.
 */
export function createHttpApp(opts: { bodyLimit?: number; logErrors?: boolean } = {}): FastifyInstance {
  const app = Fastify({ logger: false, bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT, trustProxy: false, return503OnClosing: true });
  app.setErrorHandler((err: FastifyError | ApiError, _req, reply) => {
    if (err instanceof ApiError) {
      return reply.code(err.status).send({ success: false, error: { code: err.code, message: err.message } });
    }
    const fe = err as FastifyError;
    if (fe.validation) {
      return reply.code(400).send({ success: false, error: { code: 'validation_error', message: fe.message } });
    }
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
      return reply.code(400).send({ success: false, error: { code: 'body_too_large', message: 'request body too large' } });
    }
    const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
    if (status >= 400 && status < 500) {
      const code = fe.code?.startsWith('FST_ERR_CTP') || err instanceof SyntaxError ? 'malformed_body' : 'bad_request';
      return reply.code(status === 413 ? 400 : status).send({ success: false, error: { code, message: fe.message } });
    }
    if (opts.logErrors !== false) process.stderr.write(`[platform] ${err.stack ?? err.message}\n`);
    return reply.code(500).send({ success: false, error: { code: 'internal', message: 'internal error' } });
  });
  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send({ success: false, error: { code: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` } });
  });
  return app;
}
