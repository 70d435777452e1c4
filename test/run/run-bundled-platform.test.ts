import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/index.js';

const platformDataDirs = () =>
  fs
    .readdirSync(os.tmpdir())
    .filter((n) => n.startsWith('pitchey-fit-platform-'))
    .sort();

describe('run() on the bundled platform, in-process', () => {
  it('starts the seeded platform for the load collector, measures a tiny scenario, then stops it', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-run-bundled-'));
    const before = platformDataDirs();
    const log: string[] = [];
    const result = await run(
      {
        name: 'bundled platform, tiny load',
        history: { enabled: false },
        load: {
          thresholds: { http_req_failed: ['rate<0.01'] },
          scenarios: {
            health: {
              executor: 'shared-iterations',
              vus: 2,
              iterations: 20,
              maxDuration: '20s',
              requests: [
                {
                  name: 'healthz',
                  path: '/healthz',
                  checks: [
                    { name: 'ok', status: 200 },
                    { name: 'envelope', jsonPath: 'success', equals: true },
                  ],
                },
              ],
            },
          },
        },
      },
      { cwd: dir, kinds: ['load'], flags: { seedUsers: 5, seedPitches: 5 }, log: (l) => log.push(l) },
    );
    expect(log.some((l) => l.startsWith('starting the bundled Pitchey platform (1 worker'))).toBe(true);
    expect(result.errors).toEqual([]);
    expect(result.partial).toBe(false);
    expect(result.load?.targetUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+/);
    const sc = result.load!.scenarios[0];
    // shared-iterations: exactly 20 iterations of one request, all answered 200 with { success: true }.
    expect(sc.metrics.http_reqs.values.count).toBe(20);
    expect(sc.metrics.http_req_failed.values.rate).toBe(0);
    expect(sc.metrics.checks.values.rate).toBe(1);
    const byId = Object.fromEntries(result.functions.map((f) => [f.id, f]));
    expect(byId.errorRate).toMatchObject({ verdict: 'pass', value: 0 });
    expect(byId.loadThresholds.verdict).toBe('pass');
    // The platform's temporary data folder is gone: it was stopped.
    expect(platformDataDirs()).toEqual(before);
  }, 120_000);
});
