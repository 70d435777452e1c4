import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../../src/load/run-load.js';
import { percentileR7 } from '../../src/load/percentiles.js';
import { startDelayServer, type DelayServer } from './helpers/delay-server.js';

let server: DelayServer;
beforeAll(async () => {
  server = await startDelayServer();
});
afterAll(async () => {
  await server.close();
});

interface Point {
  type: string;
  metric: string;
  data: { value: number; tags: Record<string, string> };
}

describe('per-endpoint breakdown (issue 15 item 5)', () => {
  it('one trend per request name, group and method: R-7 over its own samples, merged over 2 segments', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'pf-endpoints-'));
    const load = await runLoad({
      baseUrl: server.url,
      outDir: dir,
      keepSamples: true,
      workers: 2,
      scenarios: {
        mix: {
          executor: 'shared-iterations',
          vus: 4,
          iterations: 60,
          flow: 'sequence',
          requests: [
            { name: 'slow', group: 'browse', path: '/delay/30' },
            { name: 'fast', path: '/items/1' },
            { name: 'broken', method: 'POST', path: '/status/503' },
          ],
        },
      },
    });
    const s = load.scenarios[0];
    const endpoints = s.endpoints!;
    expect(endpoints[0].name).toBe('slow');
    expect(new Set(endpoints.map((e) => e.name))).toEqual(new Set(['slow', 'fast', 'broken']));
    // sorted by p99, worst first
    for (let i = 1; i < endpoints.length; i++) expect(endpoints[i - 1].p99).toBeGreaterThanOrEqual(endpoints[i].p99);
    const byName = Object.fromEntries(endpoints.map((e) => [e.name, e]));
    expect(byName.slow).toMatchObject({ group: 'browse', method: 'GET', count: 60, failed: 0, errorRate: 0 });
    expect(byName.broken).toMatchObject({ method: 'POST', count: 60, failed: 60, errorRate: 1 });
    expect(byName.fast.group).toBeUndefined();
    // each endpoint's percentiles are R-7 over that endpoint's own samples in the NDJSON (an independent reading)
    const points = readFileSync(path.join(dir, s.artifacts!.ndjson), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Point)
      .filter((p) => p.type === 'Point' && p.metric === 'http_req_duration');
    for (const e of endpoints) {
      const values = points
        .filter((p) => p.data.tags.name === e.name)
        .map((p) => p.data.value)
        .sort((a, b) => a - b);
      expect(values.length).toBe(e.count);
      expect(e.p50).toBe(percentileR7(values, 0.5));
      expect(e.p99).toBe(percentileR7(values, 0.99));
      expect(e.max).toBe(values[values.length - 1]);
    }
    expect(byName.slow.p50).toBeGreaterThanOrEqual(29);
  });
});
