/** What the parser tells its connection about the response in progress. */
export interface ResponseEvents {
  /** The status line and headers of the final (non-1xx) response; `location` only for a 3xx. */
  onResponseHead(status: number, location: string | undefined): void;
  /** Body bytes `start`..`end` of `chunk` (chunked framing removed). */
  onResponseBody(chunk: Buffer, start: number, end: number): void;
  /** The response is complete; `keepAlive` false when the connection cannot carry another request. */
  onResponseEnd(keepAlive: boolean): void;
  /** The bytes are not an HTTP/1.x response (or break its framing): the connection must be dropped. */
  onResponseError(code: string): void;
}

/** Error codes of responses the parser cannot read. */
export const BAD_RESPONSE = 'bad response';
export const HEADERS_TOO_LARGE = 'response headers too large';

/** Limit of a response's status line and headers together (Node's http allows 16 KiB; some servers send more). */
const MAX_HEAD_BYTES = 64 * 1024;

const enum State {
  /** No request outstanding: any byte is unsolicited. */
  Idle,
  Head,
  Length,
  ChunkSize,
  ChunkData,
  ChunkDataEnd,
  Trailers,
  UntilClose,
  /** After a framing error: everything is ignored until the connection is dropped. */
  Broken,
}

const LF = 10;
const CR = 13;

/** Lower-cases an ASCII letter byte (other bytes unchanged). */
function lower(b: number): number {
  return b >= 65 && b <= 90 ? b | 0x20 : b;
}

/** Whether bytes `start`..`start+name.length` of `buf` equal `name` (lower case ASCII), ignoring case. */
function nameIs(buf: Buffer, start: number, end: number, name: string): boolean {
  if (end - start !== name.length) return false;
  for (let i = 0; i < name.length; i++) if (lower(buf[start + i]) !== name.charCodeAt(i)) return false;
  return true;
}

/** Whether the comma-separated list in bytes `start`..`end` of `buf` has `token` (lower case), ignoring case. */
function hasToken(buf: Buffer, start: number, end: number, token: string): boolean {
  let from = start;
  while (from <= end) {
    let to = buf.indexOf(44, from); // ','
    if (to === -1 || to > end) to = end;
    let a = from;
    let b = to;
    while (a < b && (buf[a] === 32 || buf[a] === 9)) a++;
    while (b > a && (buf[b - 1] === 32 || buf[b - 1] === 9)) b--;
    if (nameIs(buf, a, b, token)) return true;
    from = to + 1;
  }
  return false;
}

/**
 * Incremental parser of the HTTP/1.1 responses on one connection, one request at a time (RFC 9112): status line and
 * headers, then the body framed by Transfer-Encoding: chunked, Content-Length, or the connection's close; no body for
 * HEAD, 1xx, 204 and 304; interim 1xx responses skipped. Reads the header block as bytes and turns into strings only
 * the values it needs (Content-Length, Transfer-Encoding, Connection, and Location of a 3xx): a load generator parses
 * tens of thousands of responses a second, and these few checks are what decide framing and keep-alive.
 */
export class ResponseParser {
  private state = State.Idle;
  private headRequest = false;
  /** Bytes of a header block, chunk-size line or trailer section split over reads. */
  private pending: Buffer | null = null;
  private remaining = 0;
  private keepAlive = true;
  /** Set when a response completes: bytes after it in the same read were not asked for. */
  private ended = false;

  constructor(private readonly events: ResponseEvents) {}

  /** A request was written: parse its response (`head`: a HEAD request, whose response has no body). */
  expect(head: boolean): void {
    this.state = State.Head;
    this.headRequest = head;
    this.pending = null;
  }

  /** Feeds bytes read from the socket. */
  execute(buf: Buffer): void {
    let pos = 0;
    const end = buf.length;
    this.ended = false;
    while (pos < end) {
      if (this.ended) {
        // a new request may already be out (sent from the completion callback): it is not answered by these bytes
        this.fail(BAD_RESPONSE);
        return;
      }
      switch (this.state) {
        case State.Idle:
          this.fail(BAD_RESPONSE);
          return;
        case State.Broken:
          return;
        case State.Head:
          pos = this.readHead(buf, pos);
          break;
        case State.Length:
          pos = this.readCounted(buf, pos);
          if (this.remaining === 0) this.complete();
          break;
        case State.UntilClose:
          this.events.onResponseBody(buf, pos, end);
          pos = end;
          break;
        case State.ChunkSize:
          pos = this.readChunkSize(buf, pos);
          break;
        case State.ChunkData:
          pos = this.readCounted(buf, pos);
          if (this.remaining === 0) this.state = State.ChunkDataEnd;
          break;
        case State.ChunkDataEnd:
          pos = this.readChunkEnd(buf, pos);
          break;
        case State.Trailers:
          pos = this.readTrailers(buf, pos);
          break;
      }
    }
  }

  /** The connection's read side ended: completes a response framed by the close, else the response is cut. */
  finish(): 'complete' | 'cut' | 'idle' {
    if (this.state === State.UntilClose) {
      this.complete();
      return 'complete';
    }
    if (this.state === State.Idle || this.state === State.Broken) return 'idle';
    this.state = State.Broken;
    return 'cut';
  }

  /** Forgets the response in progress (its connection was dropped). */
  reset(): void {
    this.state = State.Idle;
    this.pending = null;
  }

  /** Passes on up to `remaining` body bytes (of a Content-Length body or of a chunk); returns where it stopped. */
  private readCounted(buf: Buffer, pos: number): number {
    const n = Math.min(this.remaining, buf.length - pos);
    this.events.onResponseBody(buf, pos, pos + n);
    this.remaining -= n;
    return pos + n;
  }

  private fail(code: string): void {
    this.state = State.Broken;
    this.pending = null;
    this.events.onResponseError(code);
  }

  private complete(): void {
    this.ended = true;
    this.state = State.Idle;
    this.pending = null;
    this.events.onResponseEnd(this.keepAlive);
  }

  /** Joins bytes kept from earlier reads with this read's; returns the buffer to scan and where the new bytes start. */
  private joined(buf: Buffer, pos: number): Buffer {
    if (!this.pending) return pos === 0 ? buf : buf.subarray(pos);
    const all = Buffer.concat([this.pending, buf.subarray(pos)]);
    this.pending = null;
    return all;
  }

  /** Index just past the blank line ending a header block that starts at `from`, or -1 when it is not all there. */
  private static blockEnd(buf: Buffer, from: number): number {
    let lf = buf.indexOf(LF, from);
    while (lf !== -1) {
      const next = lf + 1;
      if (next < buf.length && buf[next] === LF) return next + 1;
      if (next + 1 < buf.length && buf[next] === CR && buf[next + 1] === LF) return next + 2;
      if (next >= buf.length || (next + 1 >= buf.length && buf[next] === CR)) return -1;
      lf = buf.indexOf(LF, next);
    }
    return -1;
  }

  private readHead(input: Buffer, pos: number): number {
    const kept = this.pending ? this.pending.length : 0;
    const buf = this.joined(input, pos);
    const blockEnd = ResponseParser.blockEnd(buf, 0);
    if (blockEnd === -1 || blockEnd > MAX_HEAD_BYTES) {
      if (buf.length > MAX_HEAD_BYTES) this.fail(HEADERS_TOO_LARGE);
      else this.pending = Buffer.from(buf);
      return input.length;
    }
    this.parseHead(buf, blockEnd);
    // buf is the kept bytes followed by input[pos..]: the block ends in this read (the kept bytes had no blank line)
    return this.state === State.Broken ? input.length : pos + blockEnd - kept;
  }

  /** Parses a complete header block `buf[0..blockEnd)` and sets the body framing. */
  private parseHead(buf: Buffer, blockEnd: number): void {
    // status line: HTTP/1.x SSS reason
    const lineEnd = buf.indexOf(LF, 0);
    if (
      lineEnd < 12 ||
      !startsWithHttp1(buf) ||
      buf[8] !== 32 ||
      !isDigit(buf[9]) ||
      !isDigit(buf[10]) ||
      !isDigit(buf[11]) ||
      (lineEnd > 12 && buf[12] !== 32 && buf[12] !== CR)
    ) {
      this.fail(BAD_RESPONSE);
      return;
    }
    const http10 = buf[7] === 48; // '0'
    const status = (buf[9] - 48) * 100 + (buf[10] - 48) * 10 + (buf[11] - 48);
    let contentLength = -1;
    let chunked = false;
    let otherCoding = false;
    let close = false;
    let keepAliveToken = false;
    let location: string | undefined;
    let start = lineEnd + 1;
    while (start < blockEnd) {
      let stop = buf.indexOf(LF, start);
      const next = stop + 1;
      if (stop > start && buf[stop - 1] === CR) stop--;
      if (stop === start) break; // the blank line
      const colon = buf.indexOf(58, start); // ':'
      if (colon === -1 || colon > stop || colon === start) {
        this.fail(BAD_RESPONSE);
        return;
      }
      const nameLen = colon - start;
      if (nameLen === 14 && nameIs(buf, start, colon, 'content-length')) {
        const value = buf.toString('latin1', colon + 1, stop).trim();
        if (!/^\d{1,15}$/.test(value) || (contentLength !== -1 && contentLength !== Number(value))) {
          this.fail(BAD_RESPONSE);
          return;
        }
        contentLength = Number(value);
      } else if (nameLen === 17 && nameIs(buf, start, colon, 'transfer-encoding')) {
        const codings = buf.toString('latin1', colon + 1, stop).split(',');
        const last = codings[codings.length - 1].trim().toLowerCase();
        chunked = last === 'chunked';
        otherCoding = !chunked;
      } else if (nameLen === 10 && nameIs(buf, start, colon, 'connection')) {
        if (hasToken(buf, colon + 1, stop, 'close')) close = true;
        if (http10 && hasToken(buf, colon + 1, stop, 'keep-alive')) keepAliveToken = true;
      } else if (nameLen === 8 && status >= 300 && status < 400 && nameIs(buf, start, colon, 'location')) {
        location = buf.toString('latin1', colon + 1, stop).trim();
      }
      start = next;
    }
    if (status < 200) {
      // 101 answers an upgrade this client never asks for; other 1xx are interim, the real response follows
      if (status === 101) this.fail(BAD_RESPONSE);
      else this.state = State.Head;
      return;
    }
    this.keepAlive = !close && (!http10 || keepAliveToken);
    this.events.onResponseHead(status, location);
    if (this.state === State.Broken) return;
    if (this.headRequest || status === 204 || status === 304) this.complete();
    else if (chunked) this.state = State.ChunkSize;
    else if (otherCoding) this.untilClose();
    else if (contentLength >= 0) {
      this.remaining = contentLength;
      if (contentLength === 0) this.complete();
      else this.state = State.Length;
    } else this.untilClose();
  }

  private untilClose(): void {
    this.keepAlive = false;
    this.state = State.UntilClose;
  }

  /** Reads one line (kept across reads); returns [line bytes, index after the line in `input`] or null. */
  private readLine(input: Buffer, pos: number): { line: Buffer; next: number } | null {
    const lf = input.indexOf(LF, pos);
    if (lf === -1) {
      const rest = input.subarray(pos);
      this.pending = this.pending ? Buffer.concat([this.pending, rest]) : Buffer.from(rest);
      if (this.pending.length > MAX_HEAD_BYTES) this.fail(HEADERS_TOO_LARGE);
      return null;
    }
    let lineEnd = lf;
    let line = input.subarray(pos, lineEnd);
    if (this.pending) {
      line = Buffer.concat([this.pending, line]);
      this.pending = null;
    }
    if (line.length > 0 && line[line.length - 1] === CR) line = line.subarray(0, line.length - 1);
    lineEnd = lf + 1;
    return { line, next: lineEnd };
  }

  private readChunkSize(input: Buffer, pos: number): number {
    const got = this.readLine(input, pos);
    if (!got) return input.length;
    const text = got.line.toString('latin1');
    const semi = text.indexOf(';');
    const hex = (semi === -1 ? text : text.slice(0, semi)).trim();
    if (!/^[0-9a-fA-F]{1,12}$/.test(hex)) {
      this.fail(BAD_RESPONSE);
      return input.length;
    }
    const size = parseInt(hex, 16);
    if (size === 0) this.state = State.Trailers;
    else {
      this.remaining = size;
      this.state = State.ChunkData;
    }
    return got.next;
  }

  private readChunkEnd(input: Buffer, pos: number): number {
    const got = this.readLine(input, pos);
    if (!got) return input.length;
    if (got.line.length !== 0) {
      this.fail(BAD_RESPONSE);
      return input.length;
    }
    this.state = State.ChunkSize;
    return got.next;
  }

  private readTrailers(input: Buffer, pos: number): number {
    const got = this.readLine(input, pos);
    if (!got) return input.length;
    if (got.line.length === 0) this.complete();
    return got.next;
  }
}

const HTTP1 = [72, 84, 84, 80, 47, 49, 46]; // 'HTTP/1.'

function startsWithHttp1(buf: Buffer): boolean {
  for (let i = 0; i < HTTP1.length; i++) if (buf[i] !== HTTP1[i]) return false;
  return true;
}

function isDigit(b: number): boolean {
  return b >= 48 && b <= 57;
}
