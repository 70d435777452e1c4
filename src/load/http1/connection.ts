import { connect as netConnect, isIP, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { ResponseParser, type ResponseEvents } from './response-parser.js';

/** Receives the response of one request sent on a connection. */
export interface ExchangeHandler {
  head(status: number, location: string | undefined): void;
  body(chunk: Buffer, start: number, end: number): void;
  done(): void;
  failed(error: Error): void;
}

/** Where a connection goes: a parsed `http:` or `https:` origin. */
export interface Origin {
  readonly host: string;
  readonly port: number;
  readonly tls: boolean;
}

/** Error codes of requests that got no complete response for a reason of the connection. */
export const CONNECTION_CLOSED = 'connection closed';

export function codedError(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}

/**
 * One keep-alive HTTP/1.1 connection carrying one request at a time (no pipelining), as each k6 VU has its own: the
 * socket opens on the first request and after the previous one was closed (by either side, or by a response that
 * does not allow another). A request whose connection breaks before its response is complete fails with the
 * socket's error code, or `connection closed`; the connection then opens anew for the next request.
 */
export class Http1Connection implements ResponseEvents {
  private socket: Socket | null = null;
  private readonly parser = new ResponseParser(this);
  private current: ExchangeHandler | null = null;
  /** Ends the request in flight with `error` and drops the socket (the timeout watchdog's handle). */
  readonly abort = (error: Error): void => this.drop(error);

  constructor(
    private readonly origin: Origin,
    private readonly opened: (socket: Socket) => void,
  ) {}

  /** Writes a request (`head`: its request line and headers, latin1) and reads its response into `handler`. */
  send(head: string, body: string | undefined, isHead: boolean, handler: ExchangeHandler): void {
    if (this.current) throw codedError('connection busy', 'a request is already in flight on this connection');
    let s = this.socket;
    if (!s || s.destroyed || s.readableEnded) s = this.open();
    this.current = handler;
    this.parser.expect(isHead);
    if (body === undefined) s.write(head, 'latin1');
    else {
      s.cork();
      s.write(head, 'latin1');
      s.write(body, 'utf8');
      s.uncork();
    }
  }

  /** Drops the socket; a request in flight fails with `error`. */
  drop(error: Error): void {
    const s = this.socket;
    this.socket = null;
    this.parser.reset();
    s?.destroy();
    const h = this.current;
    this.current = null;
    h?.failed(error);
  }

  onResponseHead(status: number, location: string | undefined): void {
    this.current?.head(status, location);
  }

  onResponseBody(chunk: Buffer, start: number, end: number): void {
    this.current?.body(chunk, start, end);
  }

  onResponseEnd(keepAlive: boolean): void {
    const h = this.current;
    this.current = null;
    if (!keepAlive) {
      const s = this.socket;
      this.socket = null;
      s?.destroy();
    }
    h?.done();
  }

  onResponseError(code: string): void {
    this.drop(codedError(code));
  }

  private open(): Socket {
    const { host, port, tls } = this.origin;
    const s = tls
      ? tlsConnect({ host, port, servername: isIP(host) ? undefined : host, ALPNProtocols: ['http/1.1'] })
      : netConnect({ host, port });
    s.setNoDelay(true);
    this.socket = s;
    this.parser.reset();
    s.on('data', (chunk: Buffer) => {
      if (this.socket === s) this.parser.execute(chunk);
    });
    s.on('end', () => {
      if (this.socket !== s) return;
      // a response framed by the close completes here (and lets the socket go); one cut short fails
      this.parser.finish();
      if (this.socket === s) this.drop(codedError(CONNECTION_CLOSED));
    });
    s.on('error', (e: NodeJS.ErrnoException) => {
      if (this.socket === s) this.drop(e.code ? e : codedError(CONNECTION_CLOSED, e.message));
    });
    s.on('close', () => {
      if (this.socket === s) this.drop(codedError(CONNECTION_CLOSED));
    });
    this.opened(s);
    return s;
  }
}
