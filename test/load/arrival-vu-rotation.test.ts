import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runNativeScenario } from '../../src/load/engines/native.js';

let server: Server;
let url: string;
const portsSeen = new Map<number, number>();

beforeAll(async () => {
  server = createServer((req, res) => {
    const port = req.socket.remotePort!;
    portsSeen.set(port, (portsSeen.get(port) ?? 0) + 1);
    res.end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe('open model: idle VUs are handed out first in, first out (as k6 does)', () => {
  it('at a rate one VU could carry, every pre-allocated VU takes its turn on its own connection', async () => {
    portsSeen.clear();
    const { summary } = await runNativeScenario({
      name: 'rotation',
      // 50 iterations, 20 ms apart: each finishes long before the next is due
      scenario: {
        executor: 'constant-arrival-rate',
        rate: 50,
        duration: '1s',
        preAllocatedVUs: 5,
        maxVUs: 5,
        requests: [{ path: '/' }],
      },
      baseUrl: url,
      thresholds: [],
      keepSamples: false,
      outDir: mkdtempSync(path.join(tmpdir(), 'pf-rotation-')),
      workers: 0,
      seed: 1,
    });
    expect(summary.metrics.http_reqs.values.count).toBe(50);
    expect(summary.metrics.dropped_iterations?.values.count ?? 0).toBe(0);
    // a stack would have reused one VU (one connection) for all 50; a queue rotates the 5, 10 requests each
    expect([...portsSeen.values()].sort()).toEqual([10, 10, 10, 10, 10]);
  });
});
