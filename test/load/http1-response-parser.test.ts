import { describe, expect, it } from 'vitest';
import {
  BAD_RESPONSE,
  HEADERS_TOO_LARGE,
  ResponseParser,
  type ResponseEvents,
} from '../../src/load/http1/response-parser.js';

/** What the parser reported for a run of responses. */
class Recorder implements ResponseEvents {
  readonly events: string[] = [];
  private body: Buffer[] = [];

  onResponseHead(status: number, location: string | undefined): void {
    this.events.push(`head ${status}${location === undefined ? '' : ` -> ${location}`}`);
    this.body = [];
  }

  onResponseBody(chunk: Buffer, start: number, end: number): void {
    this.body.push(Buffer.from(chunk.subarray(start, end)));
  }

  onResponseEnd(keepAlive: boolean): void {
    this.events.push(`body ${JSON.stringify(Buffer.concat(this.body).toString('utf8'))}`);
    this.events.push(`end ${keepAlive ? 'keep-alive' : 'close'}`);
  }

  onResponseError(code: string): void {
    this.events.push(`error ${code}`);
  }
}

/** Parses `wire` as the response to one request, fed in the given pieces; `eof`: the connection then ends. */
function parse(wire: Buffer[], opts: { head?: boolean; eof?: boolean } = {}): string[] {
  const r = new Recorder();
  const p = new ResponseParser(r);
  p.expect(opts.head ?? false);
  for (const piece of wire) p.execute(piece);
  if (opts.eof) r.events.push(`eof ${p.finish()}`);
  return r.events;
}

/** Every way of cutting `text` in two, and byte by byte: the parser must not depend on how reads split the bytes. */
function splits(text: string | Buffer): Buffer[][] {
  const all = typeof text === 'string' ? Buffer.from(text) : text;
  const out: Buffer[][] = [[all]];
  for (let i = 1; i < all.length; i++) out.push([all.subarray(0, i), all.subarray(i)]);
  out.push([...all].map((b) => Buffer.from([b])));
  return out;
}

function expectSameForEverySplit(
  text: string | Buffer,
  expected: string[],
  opts: { head?: boolean; eof?: boolean } = {},
) {
  for (const pieces of splits(text)) expect(parse(pieces, opts)).toEqual(expected);
}

describe('ResponseParser: framing (RFC 9112 §6.3) for every split of the bytes across reads', () => {
  it('Content-Length body; keep-alive by default in HTTP/1.1', () => {
    expectSameForEverySplit('HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello', [
      'head 200',
      'body "hello"',
      'end keep-alive',
    ]);
  });

  it('chunked body with extensions and trailers; a UTF-8 character split across two chunks', () => {
    const wire = Buffer.concat([
      Buffer.from('HTTP/1.1 201 Created\r\nTransfer-Encoding: gzip, CHUNKED\r\n\r\n3;ext=1\r\nab'),
      Buffer.from([0xc2]),
      Buffer.from('\r\n2\r\n'),
      Buffer.from([0xa9]),
      Buffer.from('d\r\n0\r\nX-Trailer: t\r\n\r\n'),
    ]);
    expectSameForEverySplit(wire, ['head 201', 'body "ab©d"', 'end keep-alive']);
  });

  it('chunked body: the bytes between the chunk framing, nothing else', () => {
    expectSameForEverySplit(
      'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n4\r\nWiki\r\nA;x\r\npedia in 1\r\n0\r\n\r\n',
      ['head 200', 'body "Wikipedia in 1"', 'end keep-alive'],
    );
  });

  it('no body for HEAD, 204 and 304 whatever Content-Length says', () => {
    expectSameForEverySplit(
      'HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n',
      ['head 200', 'body ""', 'end keep-alive'],
      {
        head: true,
      },
    );
    expectSameForEverySplit('HTTP/1.1 204 No Content\r\nContent-Length: 10\r\n\r\n', [
      'head 204',
      'body ""',
      'end keep-alive',
    ]);
    expectSameForEverySplit('HTTP/1.1 304 Not Modified\r\n\r\n', ['head 304', 'body ""', 'end keep-alive']);
  });

  it('interim 1xx responses are skipped; the final response is reported', () => {
    expectSameForEverySplit(
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok',
      ['head 200', 'body "ok"', 'end keep-alive'],
    );
  });

  it('no length and no chunking: the body runs to the close, and the connection is not reused', () => {
    expectSameForEverySplit(
      'HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end',
      ['head 200', 'body "until the end"', 'end close', 'eof complete'],
      { eof: true },
    );
    // a coding other than chunked last: read to the close too
    expectSameForEverySplit(
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\nContent-Length: 2\r\n\r\nabc',
      ['head 200', 'body "abc"', 'end close', 'eof complete'],
      { eof: true },
    );
  });

  it('Connection: close and HTTP/1.0 without keep-alive end the connection after the response', () => {
    expectSameForEverySplit('HTTP/1.1 200 OK\r\nConnection: Upgrade, CLOSE\r\nContent-Length: 1\r\n\r\nx', [
      'head 200',
      'body "x"',
      'end close',
    ]);
    expectSameForEverySplit('HTTP/1.0 200 OK\r\nContent-Length: 1\r\n\r\nx', ['head 200', 'body "x"', 'end close']);
    expectSameForEverySplit('HTTP/1.0 200 OK\r\nconnection: keep-alive\r\nContent-Length: 1\r\n\r\nx', [
      'head 200',
      'body "x"',
      'end keep-alive',
    ]);
  });

  it('Location is read for a 3xx only; header names in any case; bare LF line ends are accepted', () => {
    expectSameForEverySplit('HTTP/1.1 302 Found\r\nLOCATION:  /next?a=1 \r\ncontent-length: 0\r\n\r\n', [
      'head 302 -> /next?a=1',
      'body ""',
      'end keep-alive',
    ]);
    expectSameForEverySplit('HTTP/1.1 200 OK\nLocation: /ignored\nContent-Length: 2\n\nok', [
      'head 200',
      'body "ok"',
      'end keep-alive',
    ]);
  });

  it('a response cut before its end is reported as cut, not complete', () => {
    expect(parse([Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345')], { eof: true })).toEqual([
      'head 200',
      'eof cut',
    ]);
    expect(parse([Buffer.from('HTTP/1.1 200 OK\r\nContent-Le')], { eof: true })).toEqual(['eof cut']);
  });
});

describe('ResponseParser: bytes that are not a response it may accept', () => {
  it.each([
    ['not HTTP', 'SSH-2.0-OpenSSH_9.6\r\n\r\n'],
    ['a status that is not 3 digits', 'HTTP/1.1 20 OK\r\n\r\n'],
    ['HTTP/2 preface', 'HTTP/2 200\r\n\r\n'],
    ['a header line without a colon', 'HTTP/1.1 200 OK\r\nbroken header\r\n\r\n'],
    ['two different Content-Lengths', 'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab'],
    ['a Content-Length that is not a number', 'HTTP/1.1 200 OK\r\nContent-Length: 1x\r\n\r\nab'],
    ['a bad chunk size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
    ['chunk data longer than its size', 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n0\r\n\r\n'],
    ['a 101 nobody asked for', 'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n'],
  ])('%s: one error, no response', (_, wire) => {
    const events = parse([Buffer.from(wire)]);
    expect(events.filter((e) => e.startsWith('error'))).toEqual([`error ${BAD_RESPONSE}`]);
    expect(events.filter((e) => e.startsWith('end'))).toEqual([]);
  });

  it('bytes after the complete response, in the same read, are unsolicited: an error after the response', () => {
    expect(parse([Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nxHTTP/1.1 200 OK\r\n\r\n')])).toEqual([
      'head 200',
      'body "x"',
      'end keep-alive',
      `error ${BAD_RESPONSE}`,
    ]);
  });

  it('a header block over 64 KiB', () => {
    const big = `HTTP/1.1 200 OK\r\nX-Big: ${'a'.repeat(70 * 1024)}\r\n\r\n`;
    expect(parse([Buffer.from(big)])).toEqual([`error ${HEADERS_TOO_LARGE}`]);
    const pieces = Buffer.from(big);
    expect(parse([pieces.subarray(0, 40_000), pieces.subarray(40_000)])).toEqual([`error ${HEADERS_TOO_LARGE}`]);
  });
});
