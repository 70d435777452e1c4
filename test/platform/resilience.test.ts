import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { exposeGuardMetrics, Guard, GuardRejectedError } from '../../platform/lib/resilience.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const boom = async () => {
  throw new Error('down');
};

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
    await g.run(async () => 1);
    await g.run(async () => 1);
    expect(await reason(g.run(boom))).toBe('down');
    expect(await reason(g.run(boom))).toBe('down');
    // 2 of 4 failed = 50 %: not above the threshold.
    expect(g.state).toBe('closed');
    expect(await reason(g.run(boom))).toBe('down'); // 3 of 5 = 60 %
    expect(g.state).toBe('open');
    let ran = false;
    expect(await reason(g.run(async () => (ran = true)))).toBe('circuit_open');
    expect(ran).toBe(false);
    await sleep(170);
    expect(await g.run(async () => 7)).toBe(7);
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

  it('bounds each lane: queue then refuse; a full critical lane does not block the background lane', async () => {
    const g = new Guard('b', { concurrency: 1, queue: 1, backgroundConcurrency: 1, backgroundQueue: 0, retries: 0 });
    let release!: () => void;
    const first = g.run(() => new Promise<string>((r) => (release = () => r('first'))));
    const second = g.run(async () => 'second');
    expect(await reason(g.run(async () => 'third'))).toBe('bulkhead_full');
    expect(await g.run(async () => 'bg', { lane: 'background' })).toBe('bg');
    release();
    expect([await first, await second]).toEqual(['first', 'second']);
  });

  it('retries idempotent calls only', async () => {
    const g = new Guard('r', { retries: 2, retryInitialDelayMs: 1 });
    const flaky = () => {
      let n = 0;
      return {
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
