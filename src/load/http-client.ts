import type { Socket } from 'node:net';
import { Pool, buildConnector } from 'undici';
import { codedError, Http1Connection, type ExchangeHandler, type Origin } from './http1/connection.js';
import { requestHead } from './http1/request-head.js';

export interface HttpResponse {
  status: number;
  /** ms (performance.now()) when the response headers arrived. */
  headersAt: number;
  /** ms when the body was fully read. */
  endAt: number;
  bodyBytes: number;
  /** The body as text, only when asked for (checks, captures). */
  text?: string;
  /** Network error code/message when no complete response arrived (status 0). */
  error?: string;
  /** The status line and headers arrived (a failure after that is a broken response, not an unreachable target). */
  answered: boolean;
  /** `location` header of a 3xx response. */
  location?: string;
}

function headerValue(raw: Buffer[], name: string): string | undefined {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i].length === name.length && raw[i].toString('latin1').toLowerCase() === name)
      return raw[i + 1].toString('latin1');
  }
  return undefined;
}

/** Receives a finished response (or a network error as status 0): the callback form of HttpClient.send. */
export interface ResponseSink {
  onResponse(res: HttpResponse): void;
}

/** ResponseSink of the promise form. */
class Resolver implements ResponseSink {
  constructor(readonly onResponse: (res: HttpResponse) => void) {}
}

/** Error codes of requests that got no complete response within the timeout, or were sent on a closed client. */
export const HEADERS_TIMEOUT = 'headers timeout';
export const BODY_TIMEOUT = 'body timeout';
export const CLIENT_CLOSED = 'client closed';

/**
 * The response of one request as it arrives, from the target's own connection (ExchangeHandler) or, after a redirect
 * to another origin, from undici (its dispatch handler, in its original callback form). One instance per request,
 * methods on the prototype (no closures on the hot path).
 */
class ResponseReader implements HttpResponse, ExchangeHandler {
  status = 0;
  headersAt = 0;
  endAt = 0;
  bodyBytes = 0;
  text?: string;
  error?: string;
  answered = false;
  location?: string;
  private chunks: Buffer[] | null = null;
  /** Ends this request with an error (its connection's abort, or undici's); the timeout watchdog uses it. */
  abort: ((e: Error) => void) | null = null;
  /** Watchdog ticks this request has been waiting (without a new header or body byte) and the bytes last seen. */
  idleTicks = 0;
  seenBytes = -2;
  /** Links of the client's in-flight list (InFlightList). */
  prev: ResponseReader | null = null;
  next: ResponseReader | null = null;
  listed = false;

  constructor(
    private readonly needBody: boolean,
    private readonly sink: ResponseSink,
    private readonly settled: ((r: ResponseReader) => void) | null,
  ) {}

  head(status: number, location: string | undefined): void {
    this.status = status;
    this.answered = true;
    this.headersAt = performance.now();
    this.location = location;
    if (this.needBody) this.chunks = [];
  }

  body(chunk: Buffer, start: number, end: number): void {
    this.bodyBytes += end - start;
    if (this.chunks) this.chunks.push(chunk.subarray(start, end));
  }

  done(): void {
    this.endAt = performance.now();
    if (this.chunks) this.text = Buffer.concat(this.chunks).toString('utf8');
    this.settled?.(this);
    this.sink.onResponse(this);
  }

  // undici's handler callbacks (other origins)
  onConnect(abort: (e: Error) => void): void {
    this.abort = abort;
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[]): boolean {
    this.head(statusCode, statusCode >= 300 && statusCode < 400 ? headerValue(rawHeaders, 'location') : undefined);
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.body(chunk, 0, chunk.length);
    return true;
  }

  onComplete(): void {
    this.done();
  }

  onError(e: Error): void {
    this.failed(e);
  }

  failed(e: Error): void {
    const now = performance.now();
    const err = e as NodeJS.ErrnoException & { cause?: NodeJS.ErrnoException };
    this.status = 0;
    if (!this.answered) this.headersAt = now;
    this.endAt = now;
    this.bodyBytes = 0;
    this.text = undefined;
    this.error = err.code ?? err.cause?.code ?? err.name ?? String(e);
    this.settled?.(this);
    this.sink.onResponse(this);
  }
}

/**
 * The requests in flight to the target, for the timeout watchdog: a doubly linked list through the readers. A Set was
 * measured to make the closed model promote 40-60 times more to the old generation (3 MB -> 140-200 MB per 4 s run:
 * its hash table keeps being rebuilt as entries come and go), which cost mark-compacts and background GC CPU.
 */
class InFlightList {
  head: ResponseReader | null = null;

  add(r: ResponseReader): void {
    r.listed = true;
    r.next = this.head;
    if (this.head) this.head.prev = r;
    this.head = r;
  }

  remove(r: ResponseReader): void {
    if (!r.listed) return;
    r.listed = false;
    if (r.prev) r.prev.next = r.next;
    else this.head = r.next;
    if (r.next) r.next.prev = r.prev;
    r.prev = null;
    r.next = null;
  }
}

/**
 * Keep-alive HTTP/1.1 connections to the target origin, one Http1Connection (one socket, no pipelining) per lane: the
 * runner gives every VU its own lane, as k6 gives every VU its own connection, so a request never waits for a
 * connection and no pool has to search for a free one. Bytes on the wire are counted on the sockets themselves
 * (data_sent / data_received are therefore exact totals including headers, not per-request estimates). Redirects to
 * another origin go through a small undici pool per origin.
 *
 * The target's connections are this project's own (src/load/http1) rather than undici's: on the generator's hot path
 * undici 7 spent, per request, a Request object with its validation, a queue turn, a setImmediate before writing on a
 * reused socket, a keep-alive timer re-armed on every response, and six calls out of its WebAssembly parser; at 53k
 * req/s on one core that was a fifth of the busy time of the open model's loop.
 *
 * Timeouts: one watchdog per client instead of a timer per request (timer objects at tens of thousands of requests a
 * second outlive two scavenges, fill the old generation and bring mark-compact pauses into the measured send lag).
 * The watchdog ends a request that got no header or body byte for the timeout (HEADERS_TIMEOUT, BODY_TIMEOUT) within
 * one tick (a tenth of the timeout, 10 ms to 1 s).
 */
export class HttpClient {
  private readonly connections: Http1Connection[] = [];
  /** Other origins reached through redirects: one small pool each. */
  private readonly foreign = new Map<string, Pool>();
  private readonly sockets = new Set<Socket>();
  private readonly connect: Pool.Options['connect'];
  private readonly target: Origin;
  private readonly host: string;
  private closedRead = 0;
  private closedWritten = 0;
  private closed = false;
  private readonly inFlight = new InFlightList();
  private readonly settled = (r: ResponseReader) => this.inFlight.remove(r);
  private readonly opened = (s: Socket) => this.track(s);
  private watchdog: NodeJS.Timeout | null = null;
  private readonly tickMs: number;
  private readonly timeoutTicks: number;

  constructor(
    readonly origin: string,
    private readonly timeoutMs: number,
  ) {
    this.tickMs = Math.min(1000, Math.max(10, timeoutMs / 10));
    this.timeoutTicks = Math.max(1, Math.ceil(timeoutMs / this.tickMs));
    const url = new URL(origin);
    const tls = url.protocol === 'https:';
    this.target = {
      host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
      port: Number(url.port || (tls ? 443 : 80)),
      tls,
    };
    this.host = url.host;
    const connector = buildConnector({});
    this.connect = (opts, cb) => {
      connector(opts, (err, socket) => {
        if (socket) this.track(socket);
        // undici's callback overloads do not narrow on err; forward as received
        (cb as (e: Error | null, s: unknown) => void)(err, socket);
      });
    };
  }

  private track(s: Socket): void {
    this.sockets.add(s);
    s.once('close', () => {
      this.closedRead += s.bytesRead;
      this.closedWritten += s.bytesWritten;
      this.sockets.delete(s);
    });
  }

  private lane(i: number): Http1Connection {
    return (this.connections[i] ??= new Http1Connection(this.target, this.opened));
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

  /** Sends one request on the connection of `lane`. Resolves when the body has been read; never rejects (network
   * errors give status 0). */
  send(
    method: string,
    path: string,
    headers: Record<string, string> | undefined,
    body: string | undefined,
    needBody: boolean,
    lane: number,
    origin = this.origin,
  ): Promise<HttpResponse> {
    return new Promise<HttpResponse>((resolve) =>
      this.request(method, path, headers, body, needBody, lane, origin, new Resolver(resolve)),
    );
  }

  /** `send` in callback form: `sink.onResponse` is called once, when the body has been read or the request failed. */
  request(
    method: string,
    path: string,
    headers: Record<string, string> | undefined,
    body: string | undefined,
    needBody: boolean,
    lane: number,
    origin: string,
    sink: ResponseSink,
  ): void {
    const own = origin === this.origin;
    const reader = new ResponseReader(needBody, sink, own ? this.settled : null);
    try {
      if (this.closed) throw codedError(CLIENT_CLOSED);
      if (own) {
        const head = requestHead(method, path, this.host, headers, body);
        const connection = this.lane(lane);
        reader.abort = connection.abort;
        this.inFlight.add(reader);
        this.watchdog ??= setInterval(this.tick, this.tickMs).unref();
        connection.send(head, body, method === 'HEAD', reader);
      } else this.foreignPool(origin).dispatch({ method, path, headers, body }, reader);
    } catch (e) {
      this.inFlight.remove(reader);
      reader.failed(e as Error);
    }
  }

  /** Watchdog tick: a request without a new byte for timeoutTicks ticks is ended with a timeout error. */
  private readonly tick = () => {
    for (let r = this.inFlight.head, next; r; r = next) {
      next = r.next;
      const bytes = r.answered ? r.bodyBytes : -1;
      if (bytes !== r.seenBytes) {
        r.seenBytes = bytes;
        r.idleTicks = 0;
      } else if (++r.idleTicks >= this.timeoutTicks && r.abort) {
        this.inFlight.remove(r);
        r.abort(codedError(r.answered ? BODY_TIMEOUT : HEADERS_TIMEOUT));
      }
    }
  };

  private foreignPool(origin: string): Pool {
    let p = this.foreign.get(origin);
    if (!p) {
      p = new Pool(origin, { headersTimeout: this.timeoutMs, bodyTimeout: this.timeoutMs, connect: this.connect });
      this.foreign.set(origin, p);
    }
    return p;
  }

  /** Drops every connection: requests in flight end at once with an error; later requests open new ones. */
  async abortAll(): Promise<void> {
    const error = codedError(CLIENT_CLOSED);
    for (const c of this.connections) c?.drop(error);
    const pools = [...this.foreign.values()];
    this.foreign.clear();
    await Promise.all(pools.map((p) => p.destroy()));
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.watchdog) clearInterval(this.watchdog);
    this.watchdog = null;
    await this.abortAll();
  }
}
