import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectOneLineError, ROOT, runCli, runCliAsync, type CliRun } from './run-cli.js';
import { validateResult } from '../../src/report/index.js';
import type { Result } from '../../src/core/result.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-main-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('npx pitchey-fit check with no config: the bundled platform on embedded PGlite', () => {
  // The README's main job, as a user runs it from a folder without a config file.
  let run: CliRun;
  let result: Result | undefined;
  beforeAll(async () => {
    run = await runCliAsync(['check', '--reporter', 'console,json,junit,html,prometheus'], {
      cwd: tmp,
      // check's budget is ≤ 4 min on an idle 2-core machine; this bound leaves room for a busy CI runner.
      timeoutMs: 420_000,
    });
    const file = path.join(tmp, 'pitchey-fit-report', 'result.json');
    result = fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, 'utf8')) as Result) : undefined;
  }, 440_000);

  it('exits 0, or 1 when only the scale model or capacity measured a FAIL, without a stack trace', () => {
    expect(run.stderr).not.toMatch(/\n\s+at /);
    const failed = result?.functions.filter((f) => f.verdict === 'fail').map((f) => f.id) ?? [];
    expect(failed.filter((id) => !['scalingEfficiency', 'capacity'].includes(id))).toEqual([]);
    expect(run.code, run.stderr).toBe(failed.length ? 1 : 0);
  });

  it('prints one verdict table with static, load and scaling functions', () => {
    for (const id of [
      'serviceAutonomy',
      'serviceCoupling',
      'noCycles',
      'p99Latency',
      'errorRate',
      'loadThresholds',
      'scalingEfficiency',
    ]) {
      expect(run.stdout).toMatch(new RegExp(`^(PASS|INCONCL|FAIL)\\s+${id}\\b`, 'm'));
    }
    expect(run.stdout).toMatch(/^(PASS|INCONCL|FAIL)\s+capacity\b/m);
    expect(run.stdout).toMatch(/^Verdict: (PASS|INCONCLUSIVE|FAIL)/m);
  });

  it('measures real values: autonomy 100, coupling < 3, a p99 traced to its samples, a sweep of N = 1..4 under CPU quotas', () => {
    expect(result).toBeDefined();
    expect(validateResult(result)).toEqual({ ok: true });
    const fn = (id: string) => result!.functions.find((f) => f.id === id)!;
    expect(fn('serviceAutonomy').value).toBe(100);
    expect(fn('serviceCoupling').value as number).toBeLessThan(3);
    const scenarios = result!.load!.scenarios;
    expect(scenarios.map((s) => s.name)).toEqual(['browse-88', 'browse-95']);
    const p99s = scenarios.map((s) => s.metrics.http_req_duration.values['p(99)']);
    expect(fn('p99Latency').value).toBeCloseTo(Math.max(...p99s), 6);
    for (const s of scenarios) {
      expect(s.sampleCount).toBeGreaterThan(100);
      expect(s.metrics.http_reqs.values.count).toBeGreaterThanOrEqual(s.sampleCount);
    }
    // The scale model: N = 1..4 workers (a sweep stopped by a failing step keeps the steps before it).
    const ns = result!.scale!.points.map((p) => p.n);
    expect([1, 2, 3, 4].slice(0, ns.length)).toEqual(ns);
    expect(result!.scale!.points[0].throughput).toBeGreaterThan(0);
    expect(result!.scale!.targetN).toBe(4);
    if (process.getuid?.() === 0) {
      expect(result!.scale!.cpuQuota).toMatchObject({ unitCpus: 0.1, sharedCpus: 0.6, periodUs: 100_000 });
    }
    expect(result!.capacity!.slo).toEqual({ p99Ms: 200, maxErrorRate: 0.01 });
  });

  it('writes the reports into ./pitchey-fit-report of the current folder, never into the package', () => {
    for (const f of ['result.json', 'junit.xml', 'report.html', 'metrics.prom']) {
      expect(fs.existsSync(path.join(tmp, 'pitchey-fit-report', f))).toBe(true);
    }
    expect(fs.existsSync(path.join(tmp, '.pitchey-fit', 'history.sqlite'))).toBe(true);
  });
});

describe('load / scale against a target', () => {
  it('an unreachable --base-url is exit 3 with one line', () => {
    const cfg = path.join(tmp, 'unreachable.config.json');
    fs.writeFileSync(
      cfg,
      JSON.stringify({
        load: { scenarios: { s: { executor: 'shared-iterations', iterations: 5, vus: 1, requests: [{ path: '/' }] } } },
      }),
    );
    const r = runCli(['load', '--config', cfg, '--base-url', 'http://127.0.0.1:9', '--no-history'], { cwd: tmp });
    expect(r.code).toBe(3);
    expect(expectOneLineError(r)).toMatch(/127\.0\.0\.1:9/);
  });

  it('a collector failing after another completed keeps the completed data (partial result.json), exit 3', () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'partial-'));
    fs.cpSync(path.join(ROOT, 'fixtures/pitchey-decomposed'), dir, { recursive: true });
    const cfg = JSON.parse(fs.readFileSync(path.join(dir, 'pitchey-fit.config.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    fs.writeFileSync(
      path.join(dir, 'pitchey-fit.config.json'),
      JSON.stringify({
        ...cfg,
        load: {
          baseUrl: 'http://127.0.0.1:9',
          scenarios: { s: { executor: 'shared-iterations', iterations: 5, vus: 1, requests: [{ path: '/' }] } },
        },
      }),
    );
    const r = runCli(['check', '--no-history'], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(
      /partial results \(completed collectors only\) written to pitchey-fit-report\/result\.json/,
    );
    const saved = JSON.parse(fs.readFileSync(path.join(dir, 'pitchey-fit-report', 'result.json'), 'utf8')) as Result;
    expect(saved.partial).toBe(true);
    expect(saved.functions.find((f) => f.id === 'serviceAutonomy')).toMatchObject({ value: 100, verdict: 'pass' });
    expect(saved.functions.find((f) => f.id === 'p99Latency')!.verdict).toBe('skipped');
    expect(saved.errors[0].message).toMatch(/127\.0\.0\.1:9/);
    expect(validateResult(saved)).toEqual({ ok: true });
  });

  it('--export-k6 writes a k6 script of a configured scenario', () => {
    const cfg = path.join(tmp, 'k6.config.json');
    fs.writeFileSync(
      cfg,
      JSON.stringify({
        load: {
          baseUrl: 'http://127.0.0.1:4600',
          thresholds: { http_req_duration: ['p(99)<200'] },
          scenarios: {
            steady: {
              executor: 'constant-arrival-rate',
              rate: 20,
              duration: '10s',
              preAllocatedVUs: 5,
              requests: [{ path: '/api/pitches/public' }],
            },
          },
        },
      }),
    );
    const out = path.join(tmp, 'steady.js');
    const r = runCli(['load', '--config', cfg, '--export-k6', out, '--k6-operator', '4'], { cwd: tmp });
    expect(r.code, r.stderr).toBe(0);
    const script = fs.readFileSync(out, 'utf8');
    expect(script).toMatch(/from 'k6\/http'/);
    expect(script).toMatch(/constant-arrival-rate/);
    expect(script).toMatch(/p\(99\)<200/);
    expect(script).toMatch(/export function handleSummary/);
    expect(fs.readFileSync(path.join(tmp, 'steady.testrun.yaml'), 'utf8')).toMatch(
      /kind: TestRun[\s\S]*parallelism: 4/,
    );
  });

  it("load --from-k6 merges two runners' NDJSON into one verdict and prints the k6-style summary", () => {
    const r = runCli(
      [
        'load',
        '--from-k6',
        path.join(ROOT, 'fixtures/k6/runner1.ndjson'),
        path.join(ROOT, 'fixtures/k6/runner2.ndjson'),
        '--no-history',
      ],
      { cwd: tmp },
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/http_req_duration\.+: avg=146\.88ms .*p\(99\)=932\.80ms/); // fixtures/k6/ANSWERS.md
    expect(r.stdout).toMatch(/FAIL\s+p99Latency\s+p99 latency\s+< 200ms\s+932\.8ms/);
    const truncated = runCli(['load', '--from-k6', path.join(ROOT, 'fixtures/k6/truncated.ndjson')], { cwd: tmp });
    expect(truncated.code).toBe(2);
    expect(expectOneLineError(truncated)).toMatch(/truncated\.ndjson:7: /);
  });

  it('scale --from-points fits the published SPEC SDM91 data (USL σ 0.0277, κ 0.000104)', () => {
    const r = runCli(
      ['scale', '--from-points', path.join(ROOT, 'fixtures/usl/specsdm91.csv'), '--json', '--no-history'],
      { cwd: tmp },
    );
    expect(r.code).toBe(1); // E(216) = 0.12 < 0.8
    const result = JSON.parse(r.stdout) as Result;
    expect(result.scale!.fit!.sigma).toBeCloseTo(0.0277285, 6);
    expect(result.scale!.fit!.kappa).toBeCloseTo(0.0001044, 7);
  });

  it('a malformed points file names file and line (exit 2)', () => {
    const bad = path.join(tmp, 'bad.csv');
    fs.writeFileSync(bad, 'N,X\n1,100\n2,abc\n');
    const r = runCli(['scale', '--from-points', bad], { cwd: tmp });
    expect(r.code).toBe(2);
    expect(expectOneLineError(r)).toMatch(/bad\.csv:3/);
  });
});
