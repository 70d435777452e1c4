import type { Socket } from 'node:net';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import { ApiError } from './api-error.js';
import { GuardRejectedError } from './resilience.js';
import { traceTagOf } from './tracing.js';
import { assertSingleQueryValues, assertStorableText, jsonDepth, MAX_JSON_DEPTH } from './client-input.js';

export const DEFAULT_BODY_LIMIT = 8 * 1024 * 1024;

const envelope = (code: string, message: string) => ({ success: false, error: { code, message } });

/** Errors node's HTTP parser raises before fastify sees a request (oversized headers, malformed framing). */
function answerClientError(err: Error & { code?: string }, socket: Socket): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
  const status = tooLarge ? 431 : 400;
  const body = JSON.stringify(
    tooLarge
      ? envelope('headers_too_large', 'request headers too large')
      : envelope('malformed_request', 'malformed HTTP request'),
  );
  const reason = tooLarge ? 'Request Header Fields Too Large' : 'Bad Request';
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n${body}`,
  );
}

/**
 * A fastify root with the platform's error contract: client errors are 4xx JSON envelopes (malformed, oversized or
 * over-deep bodies, unknown body fields, text no column can hold, repeated query parameters: 400; unknown routes 404),
 * only genuine faults are 500, and a database failure is never a "demo" success. Every answer says `nosniff`.
 */
export function createHttpApp(opts: { bodyLimit?: number; logErrors?: boolean } = {}): FastifyInstance {
  const app = Fastify({
    logger: false,
    bodyLimit: opts.bodyLimit ?? DEFAULT_BODY_LIMIT,
    trustProxy: false,
    return503OnClosing: true,
    // Unknown body fields are a 400 (schemas say additionalProperties: false), never silently dropped.
    ajv: { customOptions: { removeAdditional: false } },
    clientErrorHandler: answerClientError,
  });
  const parseJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (req, body, done) => {
    const text = body as string;
    if (jsonDepth(text) > MAX_JSON_DEPTH) {
      return done(new ApiError(400, 'malformed_body', `JSON nested deeper than ${MAX_JSON_DEPTH} levels`), undefined);
    }
    // fastify's default JSON parser reports through done; its return value carries nothing.
    void parseJson(req, text, done);
  });
  app.addHook('onRequest', (_req, reply, done) => {
    reply.header('x-content-type-options', 'nosniff');
    done();
  });
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify hook: a throw must become a rejection
  app.addHook('preValidation', async (req) => {
    assertSingleQueryValues(req.query);
    assertStorableText(req.query, 'query');
    assertStorableText(req.body, 'body');
  });
  app.setErrorHandler((err: FastifyError | ApiError, req, reply) => {
    if (err instanceof ApiError) {
      if (err.retryAfterSeconds !== undefined) reply.header('retry-after', String(err.retryAfterSeconds));
      return reply.code(err.status).send(envelope(err.code, err.message));
    }
    // A dependency refused at once (breaker open, bulkhead full, timeout): unavailable, not a fault of ours.
    if (err instanceof GuardRejectedError) return reply.code(503).send(envelope('unavailable', err.message));
    const fe = err;
    if (fe.validation) return reply.code(400).send(envelope('validation_error', fe.message));
    if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
      return reply.code(400).send(envelope('body_too_large', 'request body too large'));
    const status = typeof fe.statusCode === 'number' ? fe.statusCode : 500;
    if (status >= 400 && status < 500) {
      const code = fe.code?.startsWith('FST_ERR_CTP') || err instanceof SyntaxError ? 'malformed_body' : 'bad_request';
      return reply.code(status === 413 ? 400 : status).send(envelope(code, fe.message));
    }
    if (opts.logErrors !== false) process.stderr.write(`[platform]${traceTagOf(req)} ${err.stack ?? err.message}\n`);
    return reply.code(500).send(envelope('internal', 'internal error'));
  });
  app.setNotFoundHandler((req, reply) => {
    reply.code(404).send(envelope('not_found', `no route ${req.method} ${req.url.split('?')[0]}`));
  });
  return app;
}
