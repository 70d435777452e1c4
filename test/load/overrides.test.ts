import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/core/errors.js';
import { applyOverrides, checkOverrides } from '../../src/load/overrides.js';
import { runLoad } from '../../src/load/run-load.js';
import { startDelayServer, type DelayServer } from './helpers/delay-server.js';

let server: DelayServer;
beforeAll(async () => {
  server = await startDelayServer();
});
afterAll(async () => {
  await server.close();
});
const out = () => mkdtempSync(path.join(tmpdir(), 'pf-overrides-'));
const req = [{ path: '/items/1' }];

describe('k6-style overrides (issue 15 item 6)', () => {
  it('change what each executor means by vus, duration, iterations and rate', () => {
    const cvus = applyOverrides(
      'a',
      { executor: 'constant-vus', vus: 10, duration: '1m', requests: req },
      { vus: 3, duration: '5s' },
    );
    expect(cvus.scenario).toMatchObject({ executor: 'constant-vus', vus: 3, duration: '5s' });
    expect(cvus.applied).toEqual(['vus=3', 'duration=5s']);
    // --iterations turns a duration-bounded closed scenario into shared-iterations, as k6 does
    const iter = applyOverrides(
      'a',
      { executor: 'constant-vus', vus: 4, duration: '1m', requests: req },
      { iterations: 50 },
    );
    expect(iter.scenario).toMatchObject({ executor: 'shared-iterations', vus: 4, iterations: 50, maxDuration: '1m' });
    expect(iter.scenario.duration).toBeUndefined();
    // ramps keep their shape: stages rescaled to the new total, targets to the new peak
    const ramp = applyOverrides(
      'r',
      {
        executor: 'ramping-arrival-rate',
        startRate: 10,
        preAllocatedVUs: 5,
        stages: [
          { duration: '10s', target: 100 },
          { duration: '30s', target: 50 },
        ],
        requests: req,
      },
      { duration: '20s', rate: 200 },
    );
    expect(ramp.scenario.stages).toEqual([
      { duration: '5s', target: 200 },
      { duration: '15s', target: 100 },
    ]);
    expect(ramp.scenario.startRate).toBe(20);
    // rate is per second whatever the scenario's timeUnit
    const perMinute = applyOverrides(
      'm',
      {
        executor: 'constant-arrival-rate',
        rate: 60,
        timeUnit: '1m',
        duration: '10s',
        preAllocatedVUs: 2,
        requests: req,
      },
      { rate: 2, vus: 7 },
    );
    expect(perMinute.scenario).toMatchObject({ rate: 120, preAllocatedVUs: 7, maxVUs: 7 });
  });

  it('an override that means nothing for the executor, or a bad value, is a usage error naming the flag', () => {
    expect(() =>
      applyOverrides('c', { executor: 'constant-vus', vus: 1, duration: '1s', requests: req }, { rate: 5 }),
    ).toThrow(/--rate does not apply to scenario c \(constant-vus\)/);
    expect(() =>
      applyOverrides(
        'o',
        {
          executor: 'constant-arrival-rate',
          rate: 1,
          duration: '1s',
          preAllocatedVUs: 1,
          requests: req,
        },
        { iterations: 5 },
      ),
    ).toThrow(UsageError);
    expect(() => checkOverrides({ vus: 0 })).toThrow('--vus must be a positive integer, got 0');
    expect(() => checkOverrides({ vus: 1.5 })).toThrow(UsageError);
    expect(() => checkOverrides({ duration: 'soon' })).toThrow(
      '--duration must be a k6 duration like 30s or 1m30s, got soon',
    );
    expect(() => checkOverrides({ rate: -1 })).toThrow('--rate must be a number above 0, got -1');
  });

  it('runLoad applies them to the selected scenarios and says so in each summary', async () => {
    const before = server.hits.get('/items/1') ?? 0;
    const load = await runLoad({
      baseUrl: server.url,
      outDir: out(),
      workers: 0,
      scenarios: {
        closed: { executor: 'constant-vus', vus: 50, duration: '1h', requests: req },
        open: { executor: 'constant-arrival-rate', rate: 1, duration: '1h', preAllocatedVUs: 1, requests: req },
      },
      overrides: { iterations: 7, vus: 2 },
    }).catch((e: unknown) => e);
    // --iterations cannot apply to the open scenario: nothing ran
    expect(load).toBeInstanceOf(UsageError);
    expect((server.hits.get('/items/1') ?? 0) - before).toBe(0);
    const ok = await runLoad({
      baseUrl: server.url,
      outDir: out(),
      workers: 0,
      scenarios: {
        open: { executor: 'constant-arrival-rate', rate: 1, duration: '1h', preAllocatedVUs: 1, requests: req },
      },
      overrides: { rate: 40, duration: '500ms', vus: 10 },
    });
    const s = ok.scenarios[0];
    // 40/s for 0.5 s with constant pacing: iterations at 0, 25, …, 475 ms → exactly 20
    const dropped = s.metrics.dropped_iterations?.values.count ?? 0;
    expect(s.metrics.iterations.values.count + dropped).toBe(20);
    expect(s.metrics.vus_max.values.value).toBeGreaterThanOrEqual(10);
    expect(s.notes).toContain('overridden from the command line: vus=10 (preAllocatedVUs), duration=500ms, rate=40/s');
    const closed = await runLoad({
      baseUrl: server.url,
      outDir: out(),
      workers: 0,
      scenarios: { closed: { executor: 'constant-vus', vus: 50, duration: '1h', requests: req } },
      overrides: { iterations: 7, vus: 2 },
    });
    expect(closed.scenarios[0].executor).toBe('shared-iterations');
    expect(closed.scenarios[0].metrics.iterations.values.count).toBe(7);
    expect(closed.scenarios[0].metrics.vus_max.values.value).toBe(2);
  });
});
