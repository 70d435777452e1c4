import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { findK6Binary } from '../../src/load/engines/k6.js';
import { ProgressLine } from '../../src/load/progress-line.js';
import { runLoad } from '../../src/load/run-load.js';
import { startDelayServer, type DelayServer } from './helpers/delay-server.js';

let server: DelayServer;
beforeAll(async () => {
  server = await startDelayServer();
});
afterAll(async () => {
  await server.close();
});
const out = () => mkdtempSync(path.join(tmpdir(), 'pf-engines-'));

describe('engine selection', () => {
  it('--engine k6 without k6 on PATH is a UsageError saying how to install it', async () => {
    const saved = process.env.PATH;
    process.env.PATH = path.dirname(process.execPath); // node only
    try {
      expect(findK6Binary()).toBeNull();
      const run = runLoad({
        baseUrl: server.url,
        outDir: out(),
        engine: 'k6',
        scenarios: { a: { executor: 'constant-vus', vus: 1, duration: '1s', requests: [{ path: '/' }] } },
      });
      await expect(run).rejects.toThrow(UsageError);
      await expect(
        runLoad({
          baseUrl: server.url,
          outDir: out(),
          engine: 'k6',
          scenarios: { a: { executor: 'constant-vus', vus: 1, duration: '1s', requests: [{ path: '/' }] } },
        }),
      ).rejects.toThrow(/needs a k6 binary on PATH: install k6 .*grafana\.com/);
    } finally {
      process.env.PATH = saved;
    }
  });

  it('engine autocannon runs closed-model scenarios and states its 1 ms resolution', async () => {
    const load = await runLoad({
      baseUrl: server.url,
      outDir: out(),
      engine: 'autocannon',
      scenarios: { ac: { executor: 'shared-iterations', vus: 2, iterations: 40, requests: [{ path: '/delay/5' }] } },
      thresholds: { http_req_duration: ['p(99)<1000', 'p(95)<1000'] },
    });
    const s = load.scenarios[0];
    expect(s.engine).toBe('autocannon');
    expect(s.latencyResolutionMs).toBe(1);
    expect(s.metrics.http_reqs.values.count).toBeGreaterThanOrEqual(40);
    expect(s.metrics.http_req_duration.values.med).toBeGreaterThanOrEqual(5);
    expect(Number.isInteger(s.metrics.http_req_duration.values['p(99)'])).toBe(true);
    expect(s.notes!.join(' ')).toMatch(/whole milliseconds/);
    // autocannon reports no p(95): that threshold cannot be judged and says so
    expect(s.thresholds.find((t) => t.expression === 'p(95)<1000')).toMatchObject({ ok: false, observed: null });
    expect(s.thresholds.find((t) => t.expression === 'p(99)<1000')).toMatchObject({ ok: true });
  });

  it('engine autocannon refuses open-model scenarios (use the native engine)', async () => {
    await expect(
      runLoad({
        baseUrl: server.url,
        outDir: out(),
        engine: 'autocannon',
        scenarios: {
          o: {
            executor: 'constant-arrival-rate',
            rate: 10,
            duration: '1s',
            preAllocatedVUs: 1,
            requests: [{ path: '/' }],
          },
        },
      }),
    ).rejects.toThrow(/closed-model scenarios only/);
  });
});

describe('progress line', () => {
  it('shows elapsed, req/s over the last tick, errors, dropped and running p99 on one overwritten line', () => {
    let written = '';
    const stream = {
      write: (s: string) => {
        written += s;
        return true;
      },
    } as unknown as NodeJS.WriteStream;
    const line = new ProgressLine('browse', stream);
    line.update({ requests: 100, failures: 2, iterations: 100, dropped: 0, p99Ms: 12.345 }, 1000);
    line.update({ requests: 300, failures: 3, iterations: 300, dropped: 5, p99Ms: 15 }, 2000);
    const last = written.split('\r\x1b[2K').pop();
    // 200 requests in the last 1 s
    expect(last).toBe('browse  2s  200 req/s  300 reqs  3 errors  5 dropped  p99 15.0ms');
    line.done();
    expect(written.endsWith('\r\x1b[2K')).toBe(true);
  });
});
