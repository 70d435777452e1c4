import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runLoad } from '../../src/load/run-load.js';
import { startDelayServer, type DelayServer } from './helpers/delay-server.js';

let server: DelayServer;
beforeAll(async () => {
  server = await startDelayServer();
});
afterAll(async () => {
  await server.close();
});

const signIn = [
  { method: 'POST' as const, path: '/sign-in', body: { email: '${data.email}' }, capture: { token: 'data.token' } },
];
const me = [{ path: '/me', headers: { authorization: 'Bearer ${vars.token}' } }];
const rows = [{ email: 'a@x' }, { email: 'b@x' }, { email: 'c@x' }];

describe('setup sign-ins are a token pool before the measured phase (issue 15 item 9)', () => {
  it('open model: VUs allocated mid-run take a token signed in before the clock, no sign-in of their own', async () => {
    server.log.length = 0;
    const load = await runLoad({
      baseUrl: server.url,
      outDir: mkdtempSync(path.join(tmpdir(), 'pf-pool-')),
      workers: 0,
      scenarios: {
        open: {
          // 40/s of 150 ms requests need ~6 VUs at once: those beyond the first are allocated during the run
          executor: 'constant-arrival-rate',
          rate: 40,
          duration: '1s',
          preAllocatedVUs: 1,
          maxVUs: 12,
          data: rows,
          setup: signIn,
          requests: [{ path: '/delay/150' }, ...me],
          flow: 'sequence',
        },
      },
    });
    const s = load.scenarios[0];
    expect(s.metrics.vus_max.values.value).toBeGreaterThan(1);
    const signIns = server.log.filter((l) => l.path === '/sign-in');
    // one sign-in per distinct identity (3 data rows), however many VUs were allocated
    expect(signIns).toHaveLength(3);
    expect(s.metrics.setup_req_duration.values.count).toBe(3);
    const firstMeasured = Math.min(...server.log.filter((l) => l.path !== '/sign-in').map((l) => l.at));
    expect(Math.max(...signIns.map((l) => l.at))).toBeLessThan(firstMeasured);
    // every VU, early or late, sent a valid token: no 401 from /me
    expect(s.metrics.http_req_failed.values.passes).toBe(0);
    expect(s.metrics.iterations.values.count + (s.metrics.dropped_iterations?.values.count ?? 0)).toBe(40);
  });

  it('a setup that reads ${vu.id} is per VU: each VU signs in once, still before the clock', async () => {
    server.log.length = 0;
    const load = await runLoad({
      baseUrl: server.url,
      outDir: mkdtempSync(path.join(tmpdir(), 'pf-pool-')),
      workers: 0,
      scenarios: {
        perVu: {
          executor: 'constant-arrival-rate',
          rate: 20,
          duration: '500ms',
          preAllocatedVUs: 1,
          maxVUs: 4,
          setup: [{ ...signIn[0], body: { email: 'user-${vu.id}@x' } }],
          requests: me,
        },
      },
    });
    const signIns = server.log.filter((l) => l.path === '/sign-in');
    expect(signIns).toHaveLength(4);
    const firstMeasured = Math.min(...server.log.filter((l) => l.path === '/me').map((l) => l.at));
    expect(Math.max(...signIns.map((l) => l.at))).toBeLessThan(firstMeasured);
    expect(load.scenarios[0].metrics.http_req_failed.values.passes).toBe(0);
  });
});
