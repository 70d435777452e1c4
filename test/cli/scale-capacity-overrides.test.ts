import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src/core/result.js';
import { startTestServer, type TestServer } from '../scaling/test-server.js';
import { expectOneLineError, runCliAsync } from './run-cli.js';

// k6-style overrides on `scale`, `capacity` and `check` (issue 15 item 6): what they mean for steps and trials,
// refused by name where they mean nothing, and stated in the Result and the report.
let server: TestServer;
let dir: string;
beforeAll(async () => {
  server = await startTestServer();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-cli-step-overrides-'));
  fs.writeFileSync(
    path.join(dir, 'pitchey-fit.config.json'),
    JSON.stringify({
      load: {
        baseUrl: server.url,
        scenarios: { probe: { executor: 'constant-vus', vus: 1, duration: '5s', requests: [{ path: '/' }] } },
      },
      // as configured, each step and each trial measures for 5 s: --duration 1s must make them last about 1 s
      scale: { mode: 'concurrency', steps: [1, 2], repeats: 1, warmup: '0s', duration: '5s', path: '/', pin: false },
      capacity: { startRate: 20, maxRate: 40, repeats: 1, trial: '5s', warmup: '0s', slo: { p99Ms: 500 } },
      checks: ['scale', 'capacity'],
      history: { enabled: false },
    }),
  );
});
afterAll(async () => {
  await server.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

const cli = (args: string[]) => runCliAsync([...args, '--no-history'], { cwd: dir, timeoutMs: 90_000 });
const result = (): Result => JSON.parse(fs.readFileSync(path.join(dir, 'out', 'result.json'), 'utf8')) as Result;

describe('--duration and friends on scale, capacity and check', () => {
  it("scale --duration 1s: each step's measured run lasts about 1 s (not the configured 5 s), and says so", async () => {
    const r = await cli(['scale', '--duration', '1s', '--reporter', 'console,json', '--out-dir', 'out']);
    expect([0, 1], r.stderr).toContain(r.code);
    const scale = result().scale!;
    expect(scale.points.map((p) => p.n)).toEqual([1, 2]);
    for (const p of scale.points) {
      expect(p.measure).toBe('closed-max');
      expect(p.measuredSec).toHaveLength(1);
      expect(p.measuredSec![0]).toBeGreaterThanOrEqual(0.9);
      expect(p.measuredSec![0]).toBeLessThan(2.5);
    }
    expect(scale.overrides).toEqual(["overridden from the command line: duration=1s (each step's measured run)"]);
    expect(r.stdout).toContain("overridden from the command line: duration=1s (each step's measured run)");
  }, 90_000);

  it('capacity --duration 1s: each trial measures about 1 s', async () => {
    const r = await cli(['capacity', '--duration', '1s', '--reporter', 'console,json', '--out-dir', 'out']);
    expect([0, 1], r.stderr).toContain(r.code);
    const cap = result().capacity!;
    expect(cap.trialSec).toBe(1);
    // 20 req/s, then 40 (the ceiling); a rate the busy machine's generator could not judge is tried twice
    expect(cap.steps.length).toBeGreaterThanOrEqual(1);
    for (const s of cap.steps) expect([20, 40]).toContain(s.rate);
    for (const t of cap.steps.flatMap((s) => s.trials)) {
      expect(t.durationSec).toBeGreaterThanOrEqual(0.9);
      expect(t.durationSec).toBeLessThan(2.5);
    }
    expect(cap.overrides).toEqual(['overridden from the command line: duration=1s (each trial)']);
    expect(r.stdout).toContain('overridden from the command line: duration=1s (each trial)');
  }, 90_000);

  it('check applies what has a meaning to each step and states the rest as not applied', async () => {
    const r = await cli([
      'check',
      '--duration',
      '1s',
      '--iterations',
      '3',
      '--reporter',
      'console,json',
      '--out-dir',
      'out',
    ]);
    expect([0, 1], r.stderr).toContain(r.code);
    const res = result();
    expect(res.scale!.points.every((p) => p.measuredSec![0] < 2.5)).toBe(true);
    expect(res.scale!.overrides).toEqual([
      "overridden from the command line: duration=1s (each step's measured run)",
      'not applied to the scaling sweep: --iterations (its steps run for a duration)',
    ]);
    expect(res.capacity!.trialSec).toBe(1);
    expect(res.capacity!.overrides).toEqual([
      'overridden from the command line: duration=1s (each trial)',
      'not applied to the capacity search: --iterations (its trials run for a duration)',
    ]);
    expect(r.stdout).toContain('not applied to the scaling sweep: --iterations (its steps run for a duration)');
  }, 120_000);

  it('flags with no meaning for the steps, and bad values, are exit 2 naming the flag, before any request', async () => {
    const before = await server.count();
    const cases: Array<[string[], RegExp]> = [
      [['scale', '--vus', '4'], /--vus does not apply to the scaling sweep: in scale mode 'concurrency' N is the conn/],
      [
        ['scale', '--iterations', '5'],
        /--iterations does not apply to the scaling sweep: its steps run for a duration/,
      ],
      [['scale', '--rate', '5'], /--rate does not apply to the scaling sweep: closed-model steps have no rate/],
      [['capacity', '--vus', '3'], /--vus does not apply to the capacity search: it sizes VUs from each rate/],
      [['capacity', '--rate', '10'], /--rate does not apply to the capacity search: it chooses the rates/],
      [['capacity', '--iterations', '10'], /--iterations does not apply to the capacity search/],
      [['scale', '--duration', 'soon'], /--duration must be a k6 duration like 30s or 1m30s, got soon/],
      [['capacity', '--duration', '0s'], /--duration must be longer than 0, got 0s/],
      [['scale', '--vus', '0'], /--vus must be a positive whole number, got '0'/],
      [
        ['scale', '--from-points', 'p.csv', '--duration', '1s'],
        /--duration overrides a sweep; it does not apply to --from-points/,
      ],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(expectOneLineError(r)).toMatch(message);
    }
    expect(await server.count()).toBe(before); // /count is not counted
  }, 120_000);
});
