import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TargetUnreachableError } from '../../src/core/errors.js';
import { runAutocannon } from '../../src/load/engines/autocannon.js';
import { closedPort, startTestServer, type TestServer } from './test-server.js';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  await server.stop();
});

describe('runAutocannon', () => {
  it('counts exactly the requested amount and summarises latency in whole ms', async () => {
    const r = await runAutocannon({ url: `${server.url}/ok`, connections: 2, amount: 200 });
    expect(r.requests).toBe(200);
    expect(r.errors).toBe(0);
    expect(r.non2xx).toBe(0);
    expect(r.latency.count).toBe(200);
    expect(r.latency.resolutionMs).toBe(1);
    for (const v of [r.latency.p50, r.latency.p90, r.latency.p99, r.latency.max])
      expect(Number.isInteger(v)).toBe(true);
    expect(r.latency.p50).toBeLessThanOrEqual(r.latency.p99);
    expect(r.latency.p99).toBeLessThanOrEqual(r.latency.max);
    expect(r.activeMs).toBeLessThanOrEqual(r.durationMs);
    expect(r.throughput).toBeCloseTo(200 / (r.activeMs / 1000), 6);
  });

  it('counts non-2xx responses', async () => {
    const r = await runAutocannon({ url: `${server.url}/fail`, connections: 1, amount: 20 });
    expect(r.requests).toBe(20);
    expect(r.non2xx).toBe(20);
    expect(r.latency.count).toBe(20);
  });

  it('runs for a duration, and its counts agree with what the server saw', async () => {
    const before = await server.count();
    const r = await runAutocannon({ url: `${server.url}/ok`, connections: 2, durationSec: 0.5 });
    const seen = (await server.count()) - before;
    expect(r.durationMs).toBeGreaterThanOrEqual(450);
    expect(r.requests).toBeGreaterThan(0);
    // requests in flight when autocannon closed its sockets reached the server but were never counted as responses
    expect(seen).toBeGreaterThanOrEqual(r.requests);
    expect(seen).toBeLessThanOrEqual(r.sent);
  });

  it('sends the method, headers and JSON body it is given', async () => {
    const r = await runAutocannon({
      url: `${server.url}/echo`,
      method: 'post',
      headers: { authorization: 'Bearer t' },
      body: { a: 1 },
      connections: 1,
      amount: 3,
    });
    expect(r.requests).toBe(3);
    expect(await server.last()).toEqual({
      method: 'POST',
      path: '/echo',
      contentType: 'application/json',
      auth: 'Bearer t',
      body: '{"a":1}',
    });
  });

  it('cycles through a list of requests', async () => {
    const r = await runAutocannon({
      url: server.url,
      connections: 1,
      amount: 2,
      requests: [{ path: '/ok' }, { method: 'PUT', path: '/echo?x=1', body: 'raw' }],
    });
    expect(r.requests).toBe(2);
    expect(await server.last()).toEqual({
      method: 'PUT',
      path: '/echo?x=1',
      contentType: null,
      auth: null,
      body: 'raw',
    });
  });

  it('counts timeouts among the errors', async () => {
    const r = await runAutocannon({
      url: server.url,
      connections: 1,
      durationSec: 1.5,
      timeoutSec: 1,
      requests: [{ path: '/ok' }, { path: '/hang' }],
    });
    expect(r.requests).toBeGreaterThanOrEqual(1);
    expect(r.timeouts).toBeGreaterThanOrEqual(1);
    expect(r.errors).toBe(r.timeouts);
  });

  it('throws TargetUnreachableError when nothing listens', async () => {
    const port = await closedPort();
    const started = Date.now();
    await expect(runAutocannon({ url: `http://127.0.0.1:${port}/`, connections: 1, durationSec: 5 })).rejects.toThrow(
      TargetUnreachableError,
    );
    expect(Date.now() - started).toBeLessThan(2500);
    await expect(runAutocannon({ url: `http://127.0.0.1:${port}/`, connections: 1, durationSec: 5 })).rejects.toThrow(
      `target http://127.0.0.1:${port} is unreachable: ECONNREFUSED`,
    );
  });
});
