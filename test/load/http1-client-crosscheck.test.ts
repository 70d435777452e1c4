import fc from 'fast-check';
import { get } from 'node:http';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/load/http-client.js';

/**
 * The load client's own HTTP/1.1 response reading, checked against Node's http module (llhttp) on the same bytes: a raw
 * TCP server answers every request with a generated response written in generated pieces, and both clients must see
 * the same status and body.
 */
interface Answer {
  pieces: Buffer[];
  /** End the connection after the response (the body is framed by the close). */
  close: boolean;
}

let answer: Answer = { pieces: [], close: true };
let server: Server;
let origin: string;

function serve(socket: Socket): void {
  let seen = '';
  socket.on('data', (d) => {
    seen += d.toString('latin1');
    if (!seen.includes('\r\n\r\n')) return;
    seen = '';
    const { pieces, close } = answer;
    let i = 0;
    // one piece per event-loop turn, so they tend to arrive as separate reads
    const next = () => {
      if (socket.destroyed) return;
      if (i < pieces.length) {
        socket.write(pieces[i++]);
        setImmediate(next);
      } else if (close) socket.end();
    };
    next();
  });
  socket.on('error', () => undefined);
}

beforeAll(async () => {
  server = createServer(serve);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function nodeGet(): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    get(`${origin}/`, { agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

const headerCase = fc.constantFrom<(s: string) => string>(
  (s) => s,
  (s) => s.toUpperCase(),
  (s) => s.replace(/(^|-)([a-z])/g, (_, d: string, c: string) => d + c.toUpperCase()),
);

const response = fc
  .record({
    status: fc.constantFrom(200, 201, 202, 204, 301, 302, 304, 400, 404, 500, 503),
    body: fc.string({ unit: 'binary', maxLength: 200 }),
    framing: fc.constantFrom('length', 'chunked', 'close'),
    chunkCuts: fc.array(fc.nat(), { maxLength: 6 }),
    pieceCuts: fc.array(fc.nat(), { maxLength: 8 }),
    extra: fc.array(
      fc.tuple(fc.constantFrom('x-request-id', 'cache-control', 'set-cookie', 'vary'), fc.string({ maxLength: 20 })),
      { maxLength: 4 },
    ),
    nameCase: headerCase,
    interim: fc.boolean(),
  })
  .map((r) => {
    const noBody = r.status === 204 || r.status === 304;
    const body = Buffer.from(noBody ? '' : r.body);
    const headers: string[] = [];
    for (const [k, v] of r.extra) headers.push(`${r.nameCase(k)}: ${v.replace(/[\r\n\0]/g, '').trim() || 'v'}`);
    if (r.status === 301 || r.status === 302) headers.push(`${r.nameCase('location')}: /elsewhere`);
    let framedBody = body;
    if (r.framing === 'length' || noBody) headers.push(`${r.nameCase('content-length')}: ${body.length}`);
    else if (r.framing === 'chunked') {
      headers.push(`${r.nameCase('transfer-encoding')}: chunked`);
      const cuts = [...new Set(r.chunkCuts.map((c) => c % (body.length + 1)))].sort((a, b) => a - b);
      const parts: Buffer[] = [];
      let at = 0;
      for (const c of [...cuts, body.length]) {
        if (c > at) {
          parts.push(Buffer.from(`${(c - at).toString(16)}\r\n`), body.subarray(at, c), Buffer.from('\r\n'));
          at = c;
        }
      }
      parts.push(Buffer.from('0\r\n\r\n'));
      framedBody = Buffer.concat(parts);
    }
    const wire = Buffer.concat([
      Buffer.from(r.interim ? 'HTTP/1.1 100 Continue\r\n\r\n' : ''),
      Buffer.from(`HTTP/1.1 ${r.status} Status\r\n${headers.map((h) => `${h}\r\n`).join('')}\r\n`),
      framedBody,
    ]);
    const cuts = [...new Set(r.pieceCuts.map((c) => c % wire.length))].filter((c) => c > 0).sort((a, b) => a - b);
    const pieces: Buffer[] = [];
    let at = 0;
    for (const c of [...cuts, wire.length]) {
      pieces.push(wire.subarray(at, c));
      at = c;
    }
    return {
      answer: { pieces, close: r.framing === 'close' && !noBody },
      expected: { status: r.status, text: body.toString('utf8') },
    };
  });

describe('HttpClient reads what Node http (llhttp) reads', () => {
  it('status and body agree for generated responses, framings and read splits (100 cases)', async () => {
    const client = new HttpClient(origin, 5000);
    let lane = 0;
    await fc.assert(
      fc.asyncProperty(response, async ({ answer: a, expected }) => {
        answer = a;
        const reference = await nodeGet();
        const ours = await client.send('GET', '/', undefined, undefined, true, lane++ % 3);
        expect(reference).toEqual(expected);
        expect({ status: ours.status, text: ours.text, error: ours.error }).toEqual({
          status: reference.status,
          text: reference.text,
          error: undefined,
        });
      }),
      { numRuns: 100, seed: 15 },
    );
    await client.close();
  });
});
