import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HttpClient } from '../../src/load/http-client.js';

const body = '{"ok":true,"n":42}';
let server: Server;
let origin: string;
let connections = 0;
const peerPorts: number[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    peerPorts.push(req.socket.remotePort!);
    req.resume();
    res.writeHead(req.url === '/missing' ? 404 : 200, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
    });
    res.end(body);
  });
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('HttpClient', () => {
  it('keeps one connection per lane: sequential requests on a lane reuse it, parallel lanes open their own', async () => {
    const client = new HttpClient(origin, 5000);
    const before = connections;
    peerPorts.length = 0;
    for (let i = 0; i < 3; i++)
      expect((await client.send('GET', '/', undefined, undefined, false, 0)).status).toBe(200);
    expect(new Set(peerPorts).size).toBe(1);
    await Promise.all([1, 2, 3].map((lane) => client.send('GET', '/', undefined, undefined, false, lane)));
    expect(connections - before).toBe(4);
    expect(new Set(peerPorts).size).toBe(4);
    await client.close();
  });

  it('reports status, timings and body bytes; the body text only when asked for; wire bytes counted on the sockets', async () => {
    const client = new HttpClient(origin, 5000);
    const t0 = performance.now();
    const withText = await client.send('GET', '/missing', undefined, undefined, true, 0);
    const without = await client.send('POST', '/', { 'content-type': 'application/json' }, '{"a":1}', false, 0);
    expect(withText).toMatchObject({ status: 404, bodyBytes: body.length, text: body });
    expect(without.status).toBe(200);
    expect(without.bodyBytes).toBe(body.length);
    expect(without.text).toBeUndefined();
    for (const r of [withText, without]) {
      expect(r.headersAt).toBeGreaterThanOrEqual(t0);
      expect(r.endAt).toBeGreaterThanOrEqual(r.headersAt);
    }
    const bytes = client.bytes();
    // request lines, headers and the 7-byte POST body went out; two responses (headers + 18-byte bodies) came back
    expect(bytes.sent).toBeGreaterThan('GET /missing HTTP/1.1\r\n\r\nPOST / HTTP/1.1\r\n\r\n{"a":1}'.length);
    expect(bytes.received).toBeGreaterThan(2 * body.length + 2 * 'HTTP/1.1 200 OK\r\n\r\n'.length);
    await client.close();
  });

  it('never rejects: a refused connection and a closed client give status 0 with the error code', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const refused = new HttpClient(`http://127.0.0.1:${port}`, 5000);
    const r = await refused.send('GET', '/', undefined, undefined, false, 0);
    expect(r.status).toBe(0);
    expect(r.error).toBe('ECONNREFUSED');
    await refused.close();

    const client = new HttpClient(origin, 5000);
    await client.close();
    const late = await client.send('GET', '/', undefined, undefined, false, 0);
    expect(late.status).toBe(0);
    expect(late.error).toBe('client closed');
  });

  it('ends a request that gets no headers, or no more body, within the timeout with a headers or body timeout', async () => {
    // one server: /silent never answers; /stall sends headers and half the body, then nothing
    const stalled = createServer((req, res) => {
      if (req.url === '/stall') {
        res.writeHead(200, { 'content-length': '10' });
        res.write('12345');
      }
    });
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
    const client = new HttpClient(`http://127.0.0.1:${(stalled.address() as AddressInfo).port}`, 300);
    const t0 = performance.now();
    const [silent, stall] = await Promise.all([
      client.send('GET', '/silent', undefined, undefined, false, 0),
      client.send('GET', '/stall', undefined, undefined, false, 1),
    ]);
    const elapsed = performance.now() - t0;
    expect(silent).toMatchObject({ status: 0, error: 'headers timeout', answered: false });
    expect(stall).toMatchObject({ status: 0, error: 'body timeout', answered: true });
    // never before the timeout; within one watchdog tick (30 ms here) plus scheduling slack after it
    expect(silent.endAt - t0).toBeGreaterThanOrEqual(300);
    expect(elapsed).toBeLessThan(1500);
    // the lane works again afterwards (a new connection)
    stalled.on('request', (req, res) => req.url === '/ok' && res.end('ok'));
    expect((await client.send('GET', '/ok', undefined, undefined, true, 0)).text).toBe('ok');
    await client.close();
    stalled.closeAllConnections();
    await new Promise<void>((resolve) => stalled.close(() => resolve()));
  });
});
