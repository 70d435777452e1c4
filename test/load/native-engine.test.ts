import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TargetUnreachableError, ConfigError } from '../../src/core/errors.js';
import { runLoad } from '../../src/load/run-load.js';
import { ingestK6 } from '../../src/load/k6/ingest.js';
import { percentileR7 } from '../../src/load/percentiles.js';
import { seedOfName, unitHash } from '../../src/core/seeded-random.js';
import { startDelayServer, type DelayServer } from './helpers/delay-server.js';

let server: DelayServer;
const out = () => mkdtempSync(path.join(tmpdir(), 'pf-load-'));

beforeAll(async () => {
  server = await startDelayServer();
});
afterAll(async () => {
  await server.close();
});

function ndjsonValues(file: string, metric: string): number[] {
  return readFileSync(file, 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as { type: string; metric: string; data: { value: number } })
    .filter((l) => l.type === 'Point' && l.metric === metric)
    .map((l) => l.data.value);
}

describe('native engine, open model', () => {
  it('constant-arrival-rate in 2 worker segments: exact iteration count, latency ≥ server delay, merged p99 = R-7 over all samples', async () => {
    const dir = out();
    const load = await runLoad({
      baseUrl: server.url,
      outDir: dir,
      keepSamples: true,
      workers: 2,
      scenarios: {
        a: {
          executor: 'constant-arrival-rate',
          rate: 60,
          duration: '1s',
          preAllocatedVUs: 4,
          maxVUs: 8,
          requests: [{ path: '/delay/20' }],
        },
      },
      thresholds: { http_req_duration: ['p(99)<5', 'min>=19'] },
    });
    const s = load.scenarios[0];
    expect(s.segments).toBe(2);
    expect(s.percentileMethod).toBe('exact-r7');
    // 60/s for 1 s, constant pacing: iterations at 0, 16.7, …, 983 ms → exactly 60
    expect(s.metrics.iterations.values.count).toBe(60);
    expect(s.metrics.http_reqs.values.count).toBe(60);
    expect(s.metrics.dropped_iterations).toBeUndefined();
    expect(s.metrics.http_req_failed.values.rate).toBe(0);
    // libuv timers fire against a loop clock cached at 1 ms granularity, so a 20 ms server delay can take 19.x ms
    expect(s.metrics.http_req_duration.values.min).toBeGreaterThanOrEqual(19);
    expect(s.metrics.http_req_waiting.values.min).toBeGreaterThanOrEqual(19);
    expect(s.metrics.http_req_duration.values.med).toBeLessThan(60);
    expect(s.metrics.data_received.values.count).toBeGreaterThan(60 * 40); // bytes counted on the sockets
    const values = ndjsonValues(path.join(dir, s.artifacts!.ndjson), 'http_req_duration').sort((a, b) => a - b);
    expect(values.length).toBe(60);
    expect(s.metrics.http_req_duration.values['p(99)']).toBe(percentileR7(values, 0.99));
    expect(s.metrics.http_req_duration.values.med).toBe(percentileR7(values, 0.5));
    const th = Object.fromEntries(s.thresholds.map((t) => [t.expression, t]));
    expect(th['p(99)<5'].ok).toBe(false);
    expect(th['min>=19'].ok).toBe(true);
    // our NDJSON reads back through the k6 ingester: same samples, same percentiles, same threshold verdicts
    const again = (await ingestK6([path.join(dir, s.artifacts!.ndjson)])).scenarios[0];
    expect(again.name).toBe('a');
    expect(again.metrics.http_req_duration.values['p(99)']).toBe(s.metrics.http_req_duration.values['p(99)']);
    expect(again.thresholds.map((t) => [t.expression, t.ok])).toEqual(s.thresholds.map((t) => [t.expression, t.ok]));
    // the handleSummary-shaped file is written next to it
    const summary = JSON.parse(readFileSync(path.join(dir, s.artifacts!.summary), 'utf8')) as {
      metrics: Record<string, { values: Record<string, number>; thresholds?: Record<string, { ok: boolean }> }>;
    };
    expect(summary.metrics.http_reqs.values.count).toBe(60);
    expect(summary.metrics.http_req_duration.thresholds?.['p(99)<5']).toEqual({ ok: false });
    const fromSummary = (await ingestK6([path.join(dir, s.artifacts!.summary)])).scenarios[0];
    expect(fromSummary.metrics.http_req_duration.values['p(99)']).toBe(s.metrics.http_req_duration.values['p(99)']);
    expect(fromSummary.thresholds.map((t) => [t.expression, t.ok])).toEqual(
      s.thresholds.map((t) => [t.expression, t.ok]),
    );
  });

  it('warmup runs the load unmeasured first: the measured run still has exactly its own iterations', async () => {
    const before = server.hits.get('/delay/2') ?? 0;
    const load = await runLoad({
      baseUrl: server.url,
      outDir: out(),
      workers: 0,
      scenarios: {
        w: {
          executor: 'constant-arrival-rate',
          rate: 40,
          duration: '500ms',
          warmup: '500ms',
          preAllocatedVUs: 2,
          maxVUs: 10,
          requests: [{ path: '/delay/2' }],
        },
      },
    });
    const s = load.scenarios[0];
    expect(s.metrics.iterations.values.count).toBe(20); // 40/s × 0.5 s
    // the warm-up sent its own ~20 requests at the same rate before
    expect((server.hits.get('/delay/2') ?? 0) - before).toBe(40);
    expect(s.durationMs).toBeLessThan(1500);
  });

  it('no free VU → dropped_iterations (2 VUs × 200 ms service cannot carry 40/s)', async () => {
    const load = await runLoad({
      baseUrl: server.url,
      outDir: out(),
      workers: 0,
      scenarios: {
        d: {
          executor: 'constant-arrival-rate',
          rate: 40,
          duration: '1s',
          preAllocatedVUs: 2,
          maxVUs: 2,
          gracefulStop: '1s',
          requests: [{ path: '/delay/200' }],
        },
      },
    });
    const m = load.scenarios[0].metrics;
    // 40 scheduled; each VU finishes one every ~200 ms → about 10 started, about 30 dropped
    expect(m.dropped_iterations.values.count + m.iterations.values.count).toBe(40);
    expect(m.dropped_iterations.values.count).toBeGreaterThanOrEqual(25);
    expect(m.iterations.values.count).toBeLessThanOrEqual(15);
  });

  it('latency is measured from the intended send time: a stalled generator shows up in http_req_duration, not in http_req_waiting', async () => {
    // block this thread (the inline generator) for 300 ms, 200 ms into the run
    setTimeout(() => {
      const until = performance.now() + 300;
      while (performance.now() < until) {
        /* stall */
      }
    }, 200);
    const dir = out();
    const load = await runLoad({
      baseUrl: server.url,
      outDir: dir,
      workers: 0,
      keepSamples: true,
      scenarios: {
        co: {
          executor: 'constant-arrival-rate',
          rate: 100,
          duration: '1s',
          preAllocatedVUs: 20,
          requests: [{ path: '/delay/5' }],
        },
      },
    });
    const s = load.scenarios[0];
    // ~30 arrivals were due during the 300 ms stall and left late: their latency counts from when they were due.
    // (The test server shares the stalled thread, so the 1–2 requests in flight at the stall also wait in the server.)
    const file = path.join(dir, s.artifacts!.ndjson);
    const slowTotal = ndjsonValues(file, 'http_req_duration').filter((v) => v > 100).length;
    const slowServer = ndjsonValues(file, 'http_req_waiting').filter((v) => v > 100).length;
    expect(slowTotal).toBeGreaterThanOrEqual(15); // due at 200+10k ms, sent at ~500 ms: lag 300-10k > 100 for k < 20
    expect(slowServer).toBeLessThanOrEqual(8);
    expect(s.metrics.generator_send_lag.values.max).toBeGreaterThan(200);
    expect(s.generatorSaturated).toBe(true);
    expect(s.saturationReasons.join(' ')).toMatch(/send lag p99/);
  });
});

describe('native engine, closed model', () => {
  it('per-vu-iterations and shared-iterations run exactly their iterations, also split over segments', async () => {
    const load = await runLoad({
      baseUrl: server.url,
      outDir: out(),
      workers: 2,
      scenarios: {
        pvu: { executor: 'per-vu-iterations', vus: 3, iterations: 4, requests: [{ path: '/delay/1' }] },
        shared: { executor: 'shared-iterations', vus: 3, iterations: 10, requests: [{ path: '/delay/1' }] },
      },
    });
    expect(load.scenarios[0].metrics.iterations.values.count).toBe(12);
    expect(load.scenarios[1].metrics.iterations.values.count).toBe(10);
    expect(load.scenarios[0].partial).toBe(false);
  });

  it('constant-vus: each VU waits for its response (2 VUs × 50 ms over 1 s ≈ 40 iterations)', async () => {
    const load = await runLoad({
      baseUrl: server.url,
      outDir: out(),
      workers: 0,
      scenarios: { c: { executor: 'constant-vus', vus: 2, duration: '1s', requests: [{ path: '/delay/50' }] } },
    });
    const n = load.scenarios[0].metrics.iterations.values.count;
    // at most 2 × 1000/50 = 40 (+1 in flight at the end); fewer when this machine is busy
    expect(n).toBeGreaterThanOrEqual(20);
    expect(n).toBeLessThanOrEqual(42);
  });

  it('setup sign-in captures a token; templates read data rows and vars; checks look at bodies; sub-metric thresholds per group', async () => {
    const load = await runLoad({
      baseUrl: server.url,
      outDir: out(),
      workers: 0,
      scenarios: {
        flow: {
          executor: 'per-vu-iterations',
          vus: 2,
          iterations: 3,
          flow: 'sequence',
          data: [
            { email: 'a@x', id: 'p1' },
            { email: 'b@x', id: 'p2' },
          ],
          setup: [
            { method: 'POST', path: '/sign-in', body: { email: '${data.email}' }, capture: { token: 'data.token' } },
          ],
          requests: [
            {
              name: 'me',
              group: 'account',
              path: '/me',
              headers: { authorization: 'Bearer ${vars.token}' },
              checks: [{ name: 'signed in', status: 200, jsonPath: 'data.user', equals: undefined }],
            },
            {
              name: 'item',
              group: 'browse',
              path: '/items/${data.id}',
              checks: [{ name: 'item body', jsonPath: 'success', equals: true }],
            },
            {
              name: 'demo',
              group: 'browse',
              path: '/demo',
              checks: [{ name: 'demo body', status: 200, jsonPath: 'success', equals: true }],
            },
          ],
          thresholds: { 'http_req_duration{group:::browse}': ['max<10000'], checks: ['rate>0.9'] },
        },
      },
    });
    const s = load.scenarios[0];
    expect(server.hits.get('/sign-in')).toBeGreaterThanOrEqual(2);
    expect(s.metrics.http_reqs.values.count).toBe(18); // 2 VUs × 3 iterations × 3 requests; setup kept apart
    expect(s.metrics.setup_req_duration.values.count).toBe(2);
    // every /me carried the captured token: no 401s
    expect(s.metrics.http_req_failed.values.rate).toBe(0);
    // checks: 18 evaluated, the 6 /demo ones fail on the body although the status is 200 → 12/18
    expect(s.metrics.checks.values).toEqual({ rate: 12 / 18, passes: 12, fails: 6 });
    expect(s.metrics['http_req_duration{group:::browse}'].values.count).toBe(12);
    const th = Object.fromEntries(s.thresholds.map((t) => [`${t.metric} ${t.expression}`, t]));
    expect(th['checks rate>0.9'].ok).toBe(false);
    expect(th['http_req_duration{group:::browse} max<10000'].ok).toBe(true);
    expect(server.hits.get('/items/p1')! + server.hits.get('/items/p2')!).toBe(6);
  });
});

describe('native engine, seeded choices', () => {
  it('the weighted mix is the same for every segment layout: iteration n picks by the seeded hash of n', async () => {
    // weights 3:1 over shared iterations 0..59: the picks follow from the scenario's seed alone
    let expectedA = 0;
    for (let n = 0; n < 60; n++) if (unitHash(seedOfName('seeded'), n) * 4 < 3) expectedA++;
    for (const workers of [0, 3]) {
      const before = { a: server.hits.get('/items/wa') ?? 0, b: server.hits.get('/items/wb') ?? 0 };
      await runLoad({
        baseUrl: server.url,
        outDir: out(),
        workers,
        scenarios: {
          seeded: {
            executor: 'shared-iterations',
            vus: 3,
            iterations: 60,
            requests: [
              { path: '/items/wa', weight: 3 },
              { path: '/items/wb', weight: 1 },
            ],
          },
        },
      });
      expect((server.hits.get('/items/wa') ?? 0) - before.a).toBe(expectedA);
      expect((server.hits.get('/items/wb') ?? 0) - before.b).toBe(60 - expectedA);
    }
  });
});

describe('native engine, errors and stopping', () => {
  it('an unreachable target is a TargetUnreachableError before any load', async () => {
    const closed = await startDelayServer();
    const url = closed.url;
    await closed.close();
    await expect(
      runLoad({
        baseUrl: url,
        outDir: out(),
        workers: 0,
        scenarios: { u: { executor: 'constant-vus', vus: 1, duration: '1s', requests: [{ path: '/' }] } },
      }),
    ).rejects.toThrow(TargetUnreachableError);
  });

  it('invalid thresholds and executor keys are ConfigErrors naming the key and text', async () => {
    const base = { baseUrl: server.url, outDir: out(), workers: 0 };
    await expect(
      runLoad({
        ...base,
        scenarios: { a: { executor: 'constant-vus', vus: 1, duration: '1s', requests: [{ path: '/' }] } },
        thresholds: { http_req_duration: ['p99<200'] },
      }),
    ).rejects.toThrow(/config load\.thresholds\.http_req_duration\[0\]: invalid threshold expression "p99<200"/);
    await expect(
      runLoad({ ...base, scenarios: { a: { executor: 'constant-vus', vus: 1, requests: [{ path: '/' }] } } }),
    ).rejects.toThrow(ConfigError);
  });

  it('AbortSignal stops gracefully and returns partial results', async () => {
    const ac = new AbortController();
    setTimeout(() => ac.abort(), 500);
    const t0 = performance.now();
    const load = await runLoad({
      baseUrl: server.url,
      outDir: out(),
      workers: 2,
      signal: ac.signal,
      scenarios: {
        long: {
          executor: 'constant-arrival-rate',
          rate: 50,
          duration: '20s',
          preAllocatedVUs: 5,
          requests: [{ path: '/delay/10' }],
        },
      },
    });
    expect(performance.now() - t0).toBeLessThan(3000);
    const s = load.scenarios[0];
    expect(s.partial).toBe(true);
    expect(s.metrics.http_reqs.values.count).toBeGreaterThan(0); // what ran before the abort is kept
    expect(s.metrics.http_reqs.values.count).toBeLessThan(100);
  });

  it('abortOnFail stops the run once the threshold fails (after delayAbortEval), evaluated on all segments merged', async () => {
    const t0 = performance.now();
    const load = await runLoad({
      baseUrl: server.url,
      outDir: out(),
      workers: 2, // snapshots cross the worker threads
      scenarios: {
        bad: {
          executor: 'constant-arrival-rate',
          rate: 20,
          duration: '20s',
          preAllocatedVUs: 2,
          requests: [{ path: '/status/500' }],
        },
      },
      thresholds: { http_req_failed: [{ threshold: 'rate<0.01', abortOnFail: true, delayAbortEval: '1s' }] },
    });
    expect(performance.now() - t0).toBeLessThan(5000);
    expect(load.scenarios[0].partial).toBe(true);
    expect(load.scenarios[0].thresholds[0]).toMatchObject({ ok: false, observed: 1, abortOnFail: true });
  });
});
