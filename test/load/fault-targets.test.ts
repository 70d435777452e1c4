import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, InputError, TargetUnreachableError } from '../../src/core/errors.js';
import { runLoad } from '../../src/load/run-load.js';
import type { ScenarioConfig } from '../../src/config/types.js';
import { startFaultServer, type FaultServer } from './helpers/fault-server.js';

let server: FaultServer;
const out = () => mkdtempSync(path.join(tmpdir(), 'pf-fault-'));
const hits = (...paths: string[]) => paths.reduce((s, p) => s + (server.hits.get(p) ?? 0), 0);

beforeAll(async () => {
  server = await startFaultServer();
});
afterAll(async () => {
  await server.close();
  console.log(`load fault corpus: ${runs} runs against misbehaving targets`);
});
let runs = 0;

function run(
  scenario: Partial<ScenarioConfig> & Pick<ScenarioConfig, 'requests'>,
  extra: { signal?: AbortSignal; workers?: number } = {},
) {
  runs++;
  return runLoad({
    baseUrl: server.url,
    outDir: out(),
    workers: extra.workers ?? 0,
    signal: extra.signal,
    scenarios: { s: { executor: 'shared-iterations', vus: 1, iterations: 2, ...scenario } },
    thresholds: { http_req_failed: ['rate<0.01'] },
  });
}

describe('issue 14 A1: a target that accepts and never answers', () => {
  it('unanswered in-flight requests are failures; no answer at all is TargetUnreachableError (exit 3)', async () => {
    const before = hits('/hang');
    const t0 = performance.now();
    const p = run({
      executor: 'constant-vus',
      vus: 2,
      duration: '300ms',
      gracefulStop: '200ms',
      requests: [{ path: '/hang' }],
    });
    await expect(p).rejects.toThrow(TargetUnreachableError);
    await expect(p).rejects.toThrow(/answered no request of scenario s: interrupted/);
    // 300 ms of duration + 200 ms of gracefulStop, then interrupted
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(hits('/hang') - before).toBe(2);
  });

  it('an endless chunked body: the requests in flight at the end count as failed (k6 does the same)', async () => {
    const before = hits('/endless');
    const load = await run({
      executor: 'constant-vus',
      vus: 2,
      duration: '300ms',
      gracefulStop: '200ms',
      requests: [{ path: '/endless' }],
    });
    const s = load.scenarios[0];
    expect(hits('/endless') - before).toBe(2);
    expect(s.metrics.http_reqs.values.count).toBe(2);
    expect(s.metrics.http_req_failed.values).toMatchObject({ passes: 2, fails: 0, rate: 1 });
    // each ran from its start to the interrupt: 300 ms duration + 200 ms gracefulStop
    expect(s.metrics.http_req_duration.values.min).toBeGreaterThanOrEqual(450);
    expect(s.partial).toBe(true);
    expect(s.notes!.join('\n')).toMatch(/interrupted ×2/);
    expect(s.thresholds[0]).toMatchObject({ metric: 'http_req_failed', ok: false, observed: 1 });
  });
});

describe('issue 14 D19: a target that breaks the response after the headers', () => {
  for (const route of ['/reset-mid-body', '/close-after-headers']) {
    it(`${route}: every request is a failed request, counted and reported (not "unreachable")`, async () => {
      const before = hits(route);
      const load = await run({ iterations: 5, requests: [{ path: route }] });
      const s = load.scenarios[0];
      expect(hits(route) - before).toBe(5);
      expect(s.metrics.http_reqs.values.count).toBe(5);
      expect(s.metrics.http_req_failed.values).toMatchObject({ passes: 5, fails: 0 });
      expect(s.notes!.join('\n')).toMatch(/requests without a complete response: (connection closed|ECONNRESET) ×5/);
    });
  }
});

describe('issue 14 A6: redirects are followed as k6 does', () => {
  it('a 301 to itself: 1 request + 10 redirects, then the request fails with "too many redirects"', async () => {
    const before = hits('/loop');
    const s = (await run({ iterations: 2, requests: [{ path: '/loop' }] })).scenarios[0];
    expect(hits('/loop') - before).toBe(22);
    expect(s.metrics.http_reqs.values.count).toBe(22);
    expect(s.metrics.http_req_failed.values).toMatchObject({ passes: 2, fails: 20 });
    expect(s.notes!.join('\n')).toMatch(/too many redirects ×2/);
  });

  it('an /a ↔ /b cycle fails the same way; a chain of 3 ends on its 200, checks see the final response', async () => {
    const before = hits('/a', '/b');
    const cycle = (await run({ iterations: 1, requests: [{ path: '/a' }] })).scenarios[0];
    expect(hits('/a', '/b') - before).toBe(11);
    expect(cycle.metrics.http_req_failed.values).toMatchObject({ passes: 1, fails: 10 });
    const chain = (
      await run({
        iterations: 2,
        requests: [{ path: '/redirect/3', checks: [{ name: 'ok', status: 200, jsonPath: 'ok', equals: true }] }],
      })
    ).scenarios[0];
    expect(chain.metrics.http_reqs.values.count).toBe(8);
    expect(chain.metrics.http_req_failed.values.passes).toBe(0);
    expect(chain.metrics.checks.values).toMatchObject({ rate: 1, passes: 2 });
  });

  it('`redirects: 0` keeps the 3xx as the response; `redirects: 2` on a request fails its 3rd hop', async () => {
    const before = hits('/loop');
    const kept = (await run({ iterations: 3, redirects: 0, requests: [{ path: '/loop' }] })).scenarios[0];
    expect(hits('/loop') - before).toBe(3);
    expect(kept.metrics.http_req_failed.values).toMatchObject({ passes: 0, fails: 3 });
    const limited = (await run({ iterations: 1, requests: [{ path: '/redirect/3', redirects: 2 }] })).scenarios[0];
    expect(limited.metrics.http_reqs.values.count).toBe(3);
    expect(limited.metrics.http_req_failed.values).toMatchObject({ passes: 1, fails: 2 });
  });

  it('a bad `redirects` value is a config error at its key path', async () => {
    await expect(run({ redirects: -1, requests: [{ path: '/ok' }] })).rejects.toThrow(ConfigError);
    await expect(run({ redirects: -1, requests: [{ path: '/ok' }] })).rejects.toThrow(/redirects must be an integer/);
  });
});

describe('requests the client cannot write are input errors (exit 2), never "unreachable" (exit 3)', () => {
  it.each([
    [{ path: '/a b' }, /config load\.scenarios\.s\.requests\[0\]\.path: a path may not contain spaces/],
    [{ path: '/ok', headers: { 'x a': '1' } }, /requests\[0\]\.headers: header name "x a" is not an HTTP token/],
    [{ path: '/ok', headers: { 'x-a': 'a\r\nx-evil: 1' } }, /headers\.x-a: a header value may not contain CR, LF/],
  ])('fixed text %j: a config error at its key path, before any traffic', async (request, message) => {
    const before = hits('/ok');
    await expect(run({ requests: [request] })).rejects.toThrow(ConfigError);
    await expect(run({ requests: [request] })).rejects.toThrow(message);
    expect(hits('/ok') - before).toBe(0);
  });

  it('values filled in at run time that cannot be sent: every request fails, then exit 2 naming the cause', async () => {
    const dir = out();
    writeFileSync(path.join(dir, 'rows.json'), JSON.stringify([{ q: 'a b' }, { q: 'c\nd' }]));
    const p = runLoad({
      baseUrl: server.url,
      outDir: out(),
      workers: 0,
      baseDir: dir,
      scenarios: {
        s: {
          executor: 'shared-iterations',
          vus: 1,
          iterations: 2,
          data: 'rows.json',
          requests: [{ path: '/ok?q=${data.q}' }],
        },
      },
    });
    await expect(p).rejects.toThrow(InputError);
    await expect(p).rejects.toThrow(
      /scenario s: no request could be sent: a path or header value filled in at run time/,
    );
  });
});

describe('issue 14 C11: an interrupt stops promptly', () => {
  for (const workers of [0, 1]) {
    const where = workers ? 'worker thread' : 'inline';
    it(`against a hanging target (gracefulStop 30 s, ${where}): partial result within 2 s`, async () => {
      const before = hits('/hang');
      const ac = new AbortController();
      let abortedAt = 0;
      // abort once the 3 requests hang at the server (a worker thread needs a moment to start)
      const watch = setInterval(() => {
        if (hits('/hang') - before < 3) return;
        clearInterval(watch);
        abortedAt = performance.now();
        ac.abort();
      }, 20);
      const load = await run(
        { executor: 'constant-vus', vus: 3, duration: '20s', gracefulStop: '30s', requests: [{ path: '/hang' }] },
        { signal: ac.signal, workers },
      );
      expect(abortedAt).toBeGreaterThan(0);
      expect(performance.now() - abortedAt).toBeLessThan(2000);
      const s = load.scenarios[0];
      expect(s.partial).toBe(true);
      expect(hits('/hang') - before).toBe(3);
      // the 3 requests in flight were interrupted and counted as failed
      expect(s.metrics.http_reqs.values.count).toBe(3);
      expect(s.metrics.http_req_failed.values.passes).toBe(3);
    });
  }
});

describe('issue 14 C12: VUs are bounded', () => {
  it('10,000,000 VUs is a config error naming the key and the limit, before any traffic', async () => {
    const before = hits('/ok');
    const err = await run({
      executor: 'constant-vus',
      vus: 10_000_000,
      duration: '1s',
      requests: [{ path: '/ok' }],
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).message).toMatch(
      /^config load\.scenarios\.s\.vus: vus 10000000 is more than one pitchey-fit process runs \(at most 50000 VUs\)/,
    );
    await expect(
      run({
        executor: 'ramping-vus',
        stages: [{ duration: '1s', target: 60_000 }],
        requests: [{ path: '/ok' }],
      } as never),
    ).rejects.toThrow(/target 60000 is more than/);
    await expect(
      run({
        executor: 'constant-arrival-rate',
        rate: 1,
        duration: '1s',
        preAllocatedVUs: 1,
        maxVUs: 1e7,
        requests: [{ path: '/ok' }],
      }),
    ).rejects.toThrow(/maxVUs 10000000 is more than/);
    expect(hits('/ok') - before).toBe(0);
  });

  it('200 VUs without setup start on activation and every one of them sends within a 300 ms run', async () => {
    const before = hits('/ok');
    const load = await run({
      executor: 'constant-vus',
      vus: 200,
      duration: '300ms',
      gracefulStop: '5s',
      requests: [{ path: '/ok' }],
    });
    const s = load.scenarios[0];
    expect(s.metrics.vus_max.values.value).toBe(200);
    expect(hits('/ok') - before).toBeGreaterThanOrEqual(200);
    expect(s.metrics.http_reqs.values.count).toBe(hits('/ok') - before);
  });
});

describe('issue 14 D20: the autocannon engine counts every request once', () => {
  it('a target resetting every other request: http_reqs = failed + succeeded = what the server saw', async () => {
    const before = { ok: hits('/ok'), reset: hits('/reset-after/5') };
    runs++;
    const load = await runLoad({
      baseUrl: server.url,
      outDir: out(),
      engine: 'autocannon',
      scenarios: {
        ac: {
          executor: 'constant-vus',
          vus: 2,
          duration: '1s',
          requests: [{ path: '/ok' }, { path: '/reset-after/5' }],
        },
      },
    });
    const s = load.scenarios[0];
    const seen = hits('/ok') - before.ok + hits('/reset-after/5') - before.reset;
    const { passes, fails } = s.metrics.http_req_failed.values;
    expect(s.metrics.http_reqs.values.count).toBe(passes + fails);
    // requests still in flight when autocannon stopped reached the server but were never counted: at most one per VU
    expect(seen - s.metrics.http_reqs.values.count).toBeGreaterThanOrEqual(0);
    expect(seen - s.metrics.http_reqs.values.count).toBeLessThanOrEqual(2);
    expect(passes).toBeGreaterThan(0);
    expect(fails).toBeGreaterThan(0);
    // the succeeded ones are the /ok responses, the only ones the server answered
    expect(fails).toBeLessThanOrEqual(hits('/ok') - before.ok);
    expect(fails).toBeGreaterThanOrEqual(hits('/ok') - before.ok - 2);
    expect(s.notes!.join('\n')).toMatch(/requests without a response: \d+/);
  });
});
