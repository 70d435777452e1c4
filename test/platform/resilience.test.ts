import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type RunningPlatform } from '../../platform/index.js';
import { exposeGuardMetrics, Guard, GuardRejectedError } from '../../platform/lib/resilience.js';
import { ApiError } from '../../platform/lib/api-error.js';
import { isDatabaseFault } from '../../platform/lib/db.js';
import { apiClient, waitFor } from './api-client.js';
import { PG_AVAILABLE, startPgCluster, type PgCluster } from './backends.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const boom = () => Promise.reject(new Error('down'));

async function reason(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'resolved';
  } catch (e) {
    return e instanceof GuardRejectedError ? e.reason : (e as Error).message;
  }
}

describe('Guard (cockatiel breaker, bulkhead lanes, timeout, retry)', () => {
  it('opens on a failure rate above the threshold, not on a count; half-opens after the wait', async () => {
    const g = new Guard('x', { failureRate: 0.5, minimumCalls: 4, windowMs: 5000, halfOpenAfterMs: 150, retries: 0 });
    await g.run(() => Promise.resolve(1));
    await g.run(() => Promise.resolve(1));
    expect(await reason(g.run(boom))).toBe('down');
    expect(await reason(g.run(boom))).toBe('down');
    // 2 of 4 failed = 50 %: not above the threshold.
    expect(g.state).toBe('closed');
    expect(await reason(g.run(boom))).toBe('down'); // 3 of 5 = 60 %
    expect(g.state).toBe('open');
    let ran = false;
    expect(await reason(g.run(() => Promise.resolve((ran = true))))).toBe('circuit_open');
    expect(ran).toBe(false);
    await sleep(170);
    expect(await g.run(() => Promise.resolve(7))).toBe(7);
    expect(g.state).toBe('closed');
  });

  it('counts slow successes as failures but still returns their value', async () => {
    const g = new Guard('slow', { slowCallMs: 20, failureRate: 0.5, minimumCalls: 3, windowMs: 5000, retries: 0 });
    const values = [];
    for (let i = 0; i < 3; i++) values.push(await g.run(() => sleep(35).then(() => i)));
    expect(values).toEqual([0, 1, 2]);
    expect(g.state).toBe('open');
    expect(g.counts.slow).toBe(3);
  });

  it('abandons a call at its timeout and aborts its signal', async () => {
    const g = new Guard('t', { timeoutMs: 40, retries: 0 });
    let aborted = false;
    const t0 = performance.now();
    const r = await reason(
      g.run(
        (signal) =>
          new Promise((res) => {
            signal.addEventListener('abort', () => (aborted = true));
            setTimeout(res, 500);
          }),
      ),
    );
    expect(r).toBe('timeout');
    expect(aborted).toBe(true);
    expect(performance.now() - t0).toBeLessThan(300);
  });

  it('many concurrent calls with a timeout add no listeners to a shared signal (no MaxListeners warning)', async () => {
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    try {
      const g = new Guard('many', { timeoutMs: 1000, retries: 0 });
      await Promise.all(Array.from({ length: 50 }, (_, i) => g.run(() => sleep(20).then(() => i))));
      await sleep(10);
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });

  it('bounds each lane: queue then refuse; a full critical lane does not block the background lane', async () => {
    const g = new Guard('b', { concurrency: 1, queue: 1, backgroundConcurrency: 1, backgroundQueue: 0, retries: 0 });
    let release!: () => void;
    const first = g.run(() => new Promise<string>((r) => (release = () => r('first'))));
    const second = g.run(() => Promise.resolve('second'));
    expect(await reason(g.run(() => Promise.resolve('third')))).toBe('bulkhead_full');
    expect(await g.run(() => Promise.resolve('bg'), { lane: 'background' })).toBe('bg');
    release();
    expect([await first, await second]).toEqual(['first', 'second']);
  });

  it('retries idempotent calls only', async () => {
    const g = new Guard('r', { retries: 2, retryInitialDelayMs: 1 });
    const flaky = () => {
      let n = 0;
      return {
        // eslint-disable-next-line @typescript-eslint/require-await -- async so the first call's throw is a rejection
        fn: async () => {
          n += 1;
          if (n < 2) throw new Error('blip');
          return n;
        },
        calls: () => n,
      };
    };
    const read = flaky();
    expect(await g.run(read.fn, { idempotent: true })).toBe(2);
    const write = flaky();
    expect(await reason(g.run(write.fn))).toBe('blip');
    expect(write.calls()).toBe(1);
  });

  it('exposes breaker and bulkhead state as Prometheus metrics', async () => {
    const registry = new Registry();
    const g = new Guard('nda', { minimumCalls: 1, failureRate: 0.1, retries: 0 });
    exposeGuardMetrics(registry, g);
    let release!: () => void;
    const held = g.run(() => new Promise<void>((r) => (release = r)), { lane: 'background' });
    let text = await registry.metrics();
    expect(text).toContain('pitchey_breaker_state{target="nda"} 0');
    expect(text).toContain('pitchey_bulkhead_active{target="nda",lane="background"} 1');
    expect(text).toContain('pitchey_bulkhead_active{target="nda",lane="critical"} 0');
    release();
    await held;
    await reason(g.run(boom));
    text = await registry.metrics();
    expect(text).toContain('pitchey_breaker_state{target="nda"} 1');
    expect(text).toContain('pitchey_breaker_opened_total{target="nda"} 1');
  });
});

describe('what counts against the database breaker', () => {
  it('faults of the database, not answers from a healthy one', () => {
    const withCode = (message: string, code: string, extra: object = {}) =>
      Object.assign(new Error(message), { code, ...extra });
    expect(isDatabaseFault(withCode('terminating connection due to administrator command', '57P01'))).toBe(true);
    expect(isDatabaseFault(withCode('canceling statement due to statement timeout', '57014'))).toBe(true);
    expect(
      isDatabaseFault(withCode('connect ECONNREFUSED 127.0.0.1:5432', 'ECONNREFUSED', { syscall: 'connect' })),
    ).toBe(true);
    expect(isDatabaseFault(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseFault(withCode('duplicate key value violates unique constraint', '23505'))).toBe(false);
    expect(isDatabaseFault(withCode('could not serialize access', '40001'))).toBe(false);
    expect(isDatabaseFault(new ApiError(409, 'conflict', 'already exists'))).toBe(false);
    expect(isDatabaseFault(new Error('stream s: expected version 1, found 2'))).toBe(false);
  });
});

describe.runIf(PG_AVAILABLE)('the database breaker on a real PostgreSQL going down and coming back', () => {
  let cluster: PgCluster;
  let p: RunningPlatform;
  beforeAll(async () => {
    cluster = startPgCluster();
    p = await startPlatform({ db: await cluster.newDatabase(), busPollMs: 50 });
  });
  afterAll(async () => {
    await p?.close();
    cluster?.stop();
  });

  const metric = async (name: string) => {
    const text = await (await fetch(`${p.url}/metrics`)).text();
    const m = new RegExp(`^${name}\\{target="db"\\} (\\d+)`, 'm').exec(text);
    return m ? Number(m[1]) : null;
  };

  it('opens on failures, fails fast with 503 (never 500) while open, closes once the database is back', async () => {
    const api = apiClient(p.url);
    expect((await api('GET', '/readyz')).status).toBe(200);
    expect(await metric('pitchey_breaker_state')).toBe(0);
    cluster.stopNode('primary');
    for (let i = 0; i < 15; i++) expect((await api('GET', '/readyz')).status).toBe(503);
    // Requests keep failing (the event bus alone polls only once a second and skips idle subscribers).
    await waitFor(async () => {
      expect((await api('GET', '/readyz')).status).toBe(503);
      return (await metric('pitchey_breaker_state')) === 1;
    }, 5000);
    expect(await metric('pitchey_breaker_opened_total')).toBeGreaterThanOrEqual(1);
    // Open: refused without touching the network.
    const t0 = performance.now();
    const refused = await p.db.query('SELECT 1').then(
      () => 'answered',
      (e: unknown) => (e instanceof GuardRejectedError ? e.reason : String(e)),
    );
    expect(refused).toBe('circuit_open');
    expect(performance.now() - t0).toBeLessThan(20);
    const search = await api('GET', '/api/search?q=breaker');
    expect([search.status, search.body.error?.code]).toEqual([503, 'unavailable']);
    cluster.startNode('primary');
    // Half-open after 2 s: a trial call succeeds and the circuit closes.
    await waitFor(async () => (await api('GET', '/readyz')).status === 200, 15_000);
    expect(await metric('pitchey_breaker_state')).toBe(0);
  });
});
