import type { Socket } from 'node:net';
import { Pool, buildConnector } from 'undici';

export interface HttpResponse {
  status: number;
  /** ms (performance.now()) when the response headers arrived. */
  headersAt: number;
  /** ms when the body was fully read. */
  endAt: number;
  bodyBytes: number;
  /** The body as text, only when asked for (checks, captures). */
  text?: string;
  /** Network error code/message when no response arrived (status 0). */
  error?: string;
}

export interface HttpRequestSpec {
  method: string;
  path: string;
  headers?: Record<string, string>;
  body?: string;
  needBody: boolean;
}

/**
 * One keep-alive undici Pool to the target origin. Bytes on the wire are counted on the sockets themselves (data_sent /
 * data_received are therefore exact totals including headers, not per-request estimates).
 */
export class HttpClient {
  private readonly pool: Pool;
  private readonly sockets = new Set<Socket>();
  private closedRead = 0;
  private closedWritten = 0;

  constructor(readonly origin: string, connections: number, timeoutMs: number) {
    const connector = buildConnector({});
    this.pool = new Pool(origin, {
      connections,
      pipelining: 1,
      keepAliveTimeout: 60_000,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
      connect: (opts, cb) => {
        connector(opts, (err, socket) => {
          if (socket) {
            const s = socket as Socket;
            this.sockets.add(s);
            s.once('close', () => {
              this.closedRead += s.bytesRead;
              this.closedWritten += s.bytesWritten;
              this.sockets.delete(s);
            });
          }
          // undici's callback overloads do not narrow on err; forward as received
          (cb as (e: Error | null, s: unknown) => void)(err, socket);
        });
      },
    });
  }

  /** Bytes read from / written to the target so far, over all sockets ever opened. */
  bytes(): { received: number; sent: number } {
    let received = this.closedRead;
    let sent = this.closedWritten;
    for (const s of this.sockets) {
      received += s.bytesRead;
      sent += s.bytesWritten;
    }
    return { received, sent };
  }

  /**
   * Sends one request through undici's low-level dispatch API (no per-response stream or abort listener: this is the
   * generator's hot path). Resolves when the body has been read; never rejects (network errors give status 0).
   */
  send(req: HttpRequestSpec): Promise<HttpResponse> {
    return new Promise<HttpResponse>((resolve) => {
      let status = 0;
      let headersAt = 0;
      let bodyBytes = 0;
      let chunks: Buffer[] | null = null;
      const needBody = req.needBody;
      const fail = (e: Error) => {
        const now = performance.now();
        const err = e as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
        resolve({ status: 0, headersAt: now, endAt: now, bodyBytes: 0, error: err.code ?? err.cause?.code ?? err.name ?? String(e) });
      };
      try {
        this.pool.dispatch(
          { origin: this.origin, method: req.method as 'GET', path: req.path, headers: req.headers, body: req.body },
          {
            // undici recognises the new handler API by onRequestStart
            onRequestStart() {},
            onResponseStart(_controller, statusCode) {
              status = statusCode;
              headersAt = performance.now();
              if (needBody) chunks = [];
            },
            onResponseData(_controller, chunk) {
              bodyBytes += chunk.length;
              if (chunks) chunks.push(chunk);
            },
            onResponseEnd() {
              resolve({
                status, headersAt, endAt: performance.now(), bodyBytes,
                ...(chunks ? { text: Buffer.concat(chunks).toString('utf8') } : {}),
              });
            },
            onResponseError(_controller, error) {
              fail(error);
            },
          },
        );
      } catch (e) {
        fail(e as Error);
      }
    });
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
