/**
 * Issue 14 fault corpus: every item's case(s) run through the built CLI as a careless user or a hostile environment
 * would, against misbehaving servers in this process on 127.0.0.1. Prints "faults corpus: N cases (A items)".
 * Deeper tests per area: test/load/fault-targets.test.ts (engines), test/scaling/scale-faults.test.ts (sweep, points),
 * test/output/*.test.ts (output targets), test/history/concurrency.test.ts, test/config/validate.property.test.ts
 * (544 config mutations), test/cli/faults.test.ts (custom functions, history, interrupts). Signals and stop times:
 * test/faults/stop.test.ts; README exit-code table: test/faults/exit-codes.test.ts.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScenarioSummary } from '../../src/core/result-load.js';
import { runCliAsync, type CliRun } from '../cli/run-cli.js';
import { startFaultServer, type FaultServer } from '../load/helpers/fault-server.js';
import { makeReadOnly } from '../output/read-only-dir.js';
import { closedPort, hasStack, listen, oneLine, pool, project, readResult, scratch, Tally } from './harness.js';

const tally = new Tally();
let faults: FaultServer;

beforeAll(async () => {
  faults = await startFaultServer();
});
afterAll(async () => {
  await faults.close();
  console.log(`faults corpus: ${tally.cases} cases (${tally.items.length} items: ${tally.items.join(', ')})`);
  fs.rmSync(scratch, { recursive: true, force: true });
});

const cli = (args: string[], cwd: string, timeoutMs = 60_000) => runCliAsync(args, { cwd, timeoutMs });

function loadProject(url: string, requests: object[], scenario: object = {}, top: object = {}): string {
  const config = {
    name: 'faults',
    history: { enabled: false },
    load: {
      baseUrl: url,
      thresholds: { http_req_failed: ['rate<0.01'] },
      scenarios: {
        s: { executor: 'constant-vus', vus: 2, duration: '1s', gracefulStop: '300ms', requests, ...scenario },
      },
    },
    ...top,
  };
  return project({ 'pitchey-fit.config.json': JSON.stringify(config) });
}

const scenarioOf = (dir: string): ScenarioSummary => readResult(dir).load!.scenarios[0];
const requests = (s: ScenarioSummary) => s.metrics.http_reqs.values.count;
/** k6's http_req_failed is a rate metric: its "passes" are the requests that failed. */
const failed = (s: ScenarioSummary) => s.metrics.http_req_failed.values.passes;
const verdictOf = (dir: string, id: string) => readResult(dir).functions.find((f) => f.id === id);
/** The gate never shows PASS for this run. */
const notPass = (r: CliRun) => {
  expect(r.stdout).not.toMatch(/Verdict: PASS/);
  expect(hasStack(r)).toBe(false);
};

describe('A. dead or broken targets never pass the gate', () => {
  it('item 1: a silent target is exit 3; an endless body counts its in-flight requests as failed', async () => {
    const hang = loadProject(faults.url, [{ name: 'hang', path: '/hang' }]);
    const endless = loadProject(faults.url, [{ name: 'endless', path: '/endless' }]);
    const [h, e] = await Promise.all([cli(['load', '-r', 'json'], hang), cli(['load', '-r', 'json,console'], endless)]);
    expect(h.code).toBe(3);
    expect(oneLine(h)).toMatch(/answered no request of scenario s/);
    expect(e.code).toBe(1);
    notPass(e);
    const s = scenarioOf(endless);
    // 2 VUs, each stuck in its first request until the gracefulStop ends it: 2 requests, both failed.
    expect(requests(s)).toBe(2);
    expect(failed(s)).toBe(2);
    expect(s.thresholds).toContainEqual(expect.objectContaining({ metric: 'http_req_failed', ok: false }));
    expect(e.stdout).not.toMatch(/no data/);
    tally.add(1, 2);
  });

  it('item 6: redirect loops fail after 10 hops as in k6; redirects: 0 keeps the 3xx', async () => {
    const before = (p: string) => faults.hits.get(p) ?? 0;
    const loop0 = before('/loop');
    const ab0 = before('/a') + before('/b');
    const loop = loadProject(faults.url, [{ name: 'loop', path: '/loop' }], { vus: 1, duration: '500ms' });
    const ab = loadProject(faults.url, [{ name: 'ab', path: '/a' }], { vus: 1, duration: '500ms' });
    const kept = loadProject(faults.url, [{ name: 'kept', path: '/redirect/3', redirects: 0 }], {
      executor: 'shared-iterations',
      vus: 1,
      iterations: 5,
    });
    const runs = await Promise.all([loop, ab, kept].map((dir) => cli(['load', '-r', 'json,console'], dir)));
    for (const [dir, r, hitsNow] of [
      [loop, runs[0], () => before('/loop') - loop0],
      [ab, runs[1], () => before('/a') + before('/b') - ab0],
    ] as const) {
      expect(r.code).toBe(1);
      notPass(r);
      const s = scenarioOf(dir);
      // Each iteration: the request and 10 redirects (11 requests, k6 counts each), the last one failing.
      expect(requests(s)).toBe(hitsNow());
      expect(requests(s)).toBe(11 * failed(s));
      expect(verdictOf(dir, 'errorRate')?.verdict).toBe('fail');
    }
    expect(runs[2].code).toBe(0);
    const s = scenarioOf(kept);
    expect([requests(s), failed(s)]).toEqual([5, 0]);
    tally.add(6, 3);
  });

  it('item 19: resets mid-body and closes after headers are failed requests, counted, reported (exit 1)', async () => {
    const routes = ['/reset-mid-body', '/close-after-headers'];
    const dirs = routes.map((p) => loadProject(faults.url, [{ name: 'broken', path: p }]));
    const before = routes.map((p) => faults.hits.get(p) ?? 0);
    const runs = await Promise.all(dirs.map((dir) => cli(['load', '-r', 'json,console'], dir)));
    runs.forEach((r, i) => {
      expect(r.code).toBe(1);
      notPass(r);
      const s = scenarioOf(dirs[i]);
      expect(requests(s)).toBe((faults.hits.get(routes[i]) ?? 0) - before[i]);
      expect(failed(s)).toBe(requests(s));
      expect(requests(s)).toBeGreaterThan(10);
    });
    tally.add(19, 2);
  });

  it('item 20: autocannon, resetting target: http_reqs = failed + succeeded ≤ what the server saw', async () => {
    let n = 0;
    const flaky = await listen((req, res) => {
      if (n++ % 2) return void setTimeout(() => req.socket.resetAndDestroy(), 5);
      res.end('ok');
    });
    try {
      const dir = loadProject(flaky.url, [{ name: 'r', path: '/' }], { gracefulStop: '0s' });
      const r = await cli(['load', '--engine', 'autocannon', '-r', 'json'], dir);
      expect(r.code).toBe(1);
      const s = scenarioOf(dir);
      const { passes, fails } = s.metrics.http_req_failed.values;
      expect(passes + fails).toBe(requests(s));
      expect(requests(s)).toBeLessThanOrEqual(flaky.hits());
      // Every other request is reset: about half failed (the last ones may be cut by the end of the run).
      expect(Math.abs(passes - fails)).toBeLessThanOrEqual(4);
    } finally {
      await flaky.close();
    }
    tally.add(20);
  });

  it('item 5: a 2 s server, open model, dropped iterations: FAIL (exit 1), not inconclusive', async () => {
    const slow = await listen((_req, res) => setTimeout(() => res.end('ok'), 2000));
    try {
      const dir = loadProject(slow.url, [{ name: 'slow', path: '/' }], {
        executor: 'constant-arrival-rate',
        rate: 4,
        timeUnit: '1s',
        duration: '2s',
        preAllocatedVUs: 1,
        maxVUs: 1,
        vus: undefined,
        gracefulStop: '3s',
      });
      const r = await cli(['load', '-r', 'json,console'], dir);
      const p99 = verdictOf(dir, 'p99Latency')!;
      const s = scenarioOf(dir);
      expect(s.metrics.dropped_iterations.values.count).toBeGreaterThan(0);
      expect(p99.value).toBeGreaterThanOrEqual(2000);
      if (s.generatorSaturated) {
        // A saturated generator (the machine busy with other work) bounds nothing; the verdict stays honest.
        expect(p99.verdict).toBe('inconclusive');
        notPass(r);
      } else {
        expect(p99.verdict).toBe('fail');
        expect(r.code).toBe(1);
      }
    } finally {
      await slow.close();
    }
    tally.add(5);
  });

  it('item 12: 10,000,000 VUs in any executor is exit 2 naming the key, before any traffic', async () => {
    const ok = await listen((_req, res) => res.end('ok'));
    try {
      const shapes = [
        { executor: 'constant-vus', vus: 10_000_000 },
        { executor: 'ramping-vus', vus: undefined, stages: [{ duration: '1s', target: 10_000_000 }] },
        { executor: 'constant-arrival-rate', vus: undefined, rate: 10, preAllocatedVUs: 1, maxVUs: 10_000_000 },
      ];
      const runs = await Promise.all(
        shapes.map((shape) => cli(['load', '-r', 'json'], loadProject(ok.url, [{ path: '/' }], shape), 20_000)),
      );
      for (const r of runs) {
        expect(r.code).toBe(2);
        expect(oneLine(r)).toMatch(/^pitchey-fit: config load\.scenarios\.s\.\w+.*50000/);
      }
      expect(ok.hits()).toBe(0);
    } finally {
      await ok.close();
    }
    tally.add(12, 3);
  });
});

describe('A. scale sweeps against dead or dying targets (items 2, 3)', () => {
  const scaleProject = (scale: object) =>
    project({
      'pitchey-fit.config.json': JSON.stringify({
        name: 'sc',
        history: { enabled: false },
        scale: { warmup: '0s', duration: '1s', steps: [1, 2], ...scale },
      }),
    });

  it('item 2: nothing listening, hanging, 500s only: exit 3 with the cause in one line', async () => {
    const hang = await listen(() => {});
    const errors = await listen((_req, res) => {
      res.statusCode = 500;
      res.end();
    });
    try {
      const cases: [string, string, RegExp][] = [
        [`http://127.0.0.1:${await closedPort()}`, '/', /unreachable: ECONNREFUSED|refused/],
        [hang.url, '/', /no response from .* in \d/],
        [errors.url, '/', /error status/],
      ];
      const runs = await Promise.all(
        cases.map(([url, p]) => cli(['scale', '--base-url', url, '-r', 'json'], scaleProject({ path: p }))),
      );
      runs.forEach((r, i) => {
        expect(r.code).toBe(3);
        expect(oneLine(r)).toMatch(cases[i][2]);
      });
    } finally {
      await Promise.all([hang.close(), errors.close()]);
    }
    tally.add(2, 3);
  });

  it('item 3: a target failing 70% once two clients overlap: the step is recorded, the target N stays 2', async () => {
    let inflight = 0;
    let k = 0;
    const dying = await listen((_req, res) => {
      const busy = ++inflight >= 2;
      setTimeout(() => {
        inflight--;
        res.statusCode = busy && k++ % 10 < 7 ? 500 : 200;
        res.end('x');
      }, 2);
    });
    try {
      const dir = scaleProject({});
      const r = await cli(['scale', '--base-url', dying.url, '-r', 'json,console'], dir);
      const strict = await cli(['scale', '--base-url', dying.url, '--fail-on', 'inconclusive', '-r', 'json'], dir);
      notPass(r);
      expect(r.code).toBe(0); // inconclusive does not fail the gate by default (README), and says why
      expect(strict.code).toBe(1);
      const result = readResult(dir);
      expect(result.scale?.targetN).toBe(2);
      expect(result.scale?.failedStep?.n).toBe(2);
      const v = result.functions.find((f) => f.id === 'scalingEfficiency')!;
      expect(v.verdict).toBe('inconclusive');
      expect(v.reason).toMatch(
        /^the sweep stopped at N=2: .*maxErrorRate.*efficiency at the target N=2 was not measured/,
      );
    } finally {
      await dying.close();
    }
    tally.add(3, 2);
  });
});

describe('B. finished work is kept (items 7, 8, 9, 10, 15)', () => {
  it('item 7: a corrupted history after a full load run: warning, reports written, gate verdict kept', async () => {
    const ok = await listen((_req, res) => res.end('ok'));
    try {
      const dir = loadProject(ok.url, [{ path: '/' }], { vus: 1, duration: '500ms' }, { history: { file: 'h.db' } });
      fs.writeFileSync(path.join(dir, 'h.db'), 'not a database '.repeat(400));
      const r = await cli(['load', '-r', 'console,json,junit'], dir);
      expect(r.code).toBe(0);
      expect(r.stderr).toMatch(/^pitchey-fit: warning: history .*h\.db/m);
      expect(readResult(dir).load?.scenarios[0].metrics.http_reqs.values.count).toBe(ok.hits());
      expect(fs.existsSync(path.join(dir, 'pitchey-fit-report', 'junit.xml'))).toBe(true);
    } finally {
      await ok.close();
    }
    tally.add(7);
  });

  it('item 8: three runs creating one history at once all succeed and are stored (sqlite3 counts)', async () => {
    const dir = project({
      'src/a.ts': 'export const a = 1;\n',
      'pitchey-fit.config.json': JSON.stringify({ name: 'h', services: { a: ['src/**'] }, history: { file: 'h.db' } }),
    });
    const runs = await Promise.all([1, 2, 3].map((i) => cli(['static', '-r', 'json', '-o', `out${i}`], dir)));
    for (const r of runs) {
      expect(r.code).toBe(0);
      expect(r.stderr).not.toMatch(/warning|error/);
    }
    const tables = spawnSync('sqlite3', [path.join(dir, 'h.db'), '.tables'], { encoding: 'utf8' }).stdout;
    const runsTable = tables.split(/\s+/).find((t) => /^runs?$/.test(t)) ?? 'runs';
    const stored = spawnSync('sqlite3', [path.join(dir, 'h.db'), `select count(*) from ${runsTable}`], {
      encoding: 'utf8',
    });
    expect(stored.stdout.trim()).toBe('3');
    tally.add(8);
  });

  it('item 9: unwritable outputs are exit 2 naming the path, before any traffic or analysis', async () => {
    const ok = await listen((_req, res) => res.end('ok'));
    try {
      const dir = loadProject(ok.url, [{ path: '/' }], { vus: 1, duration: '300ms' });
      fs.writeFileSync(path.join(dir, 'a-file'), 'x');
      fs.mkdirSync(path.join(dir, 'a-folder'));
      fs.writeFileSync(path.join(dir, 'r.json'), '{}');
      const cases: [string[], RegExp][] = [
        [['load', '-o', 'a-file'], /a-file/],
        [['load', '-o', 'a-file/sub'], /a-file/],
        [['load', '--prom-file', 'a-folder'], /a-folder/],
        [['load', '--prom-file', 'a-file/m.prom'], /a-file/],
        [['load', '--export-k6', 'a-folder'], /a-folder/],
        [['prometheus-rules', '--output', 'a-folder'], /a-folder/],
        [['baseline', '--file', 'a-folder'], /a-folder/],
        [['report', 'r.json', '-o', 'a-file', '-r', 'html'], /a-file/],
        [['load', '--pushgateway', 'not a url'], /pushgateway/],
      ];
      const runs = await pool(
        3,
        cases.map(
          ([args]) =>
            () =>
              cli(args, dir),
        ),
      );
      runs.forEach((r, i) => {
        expect(r.code, cases[i][0].join(' ')).toBe(2);
        expect(oneLine(r)).toMatch(cases[i][1]);
      });
      expect(ok.hits()).toBe(0);
      tally.add(9, cases.length);
    } finally {
      await ok.close();
    }
  });

  it('item 9: the out-dir turns unwritable during the run: console report printed, result kept, exit 2', async (ctx) => {
    const ok = await listen((_req, res) => res.end('ok'));
    const dir = loadProject(ok.url, [{ path: '/' }], { vus: 1, duration: '500ms' });
    const out = path.join(dir, 'out');
    fs.mkdirSync(out);
    let undo: (() => void) | undefined;
    ok.server.once('request', () => (undo = makeReadOnly(out)));
    try {
      const r = await cli(['load', '-r', 'console,json', '-o', 'out'], dir);
      if (!undo) return ctx.skip(); // this filesystem cannot make a folder unwritable for root
      expect(r.code).toBe(2);
      expect(r.stdout).toMatch(/Verdict: PASS/);
      const saved = /the result was saved to (\S+\.json)/.exec(oneLine(r))?.[1];
      expect(saved).toBeDefined();
      const kept = JSON.parse(fs.readFileSync(saved!, 'utf8')) as { load: { scenarios: ScenarioSummary[] } };
      expect(requests(kept.load.scenarios[0])).toBe(ok.hits());
      fs.rmSync(saved!);
    } finally {
      undo?.();
      await ok.close();
    }
    tally.add(9);
  });

  it('item 10: an unreachable --pushgateway is a warning; the console report and the verdict stand', async () => {
    const ok = await listen((_req, res) => res.end('ok'));
    try {
      const dir = loadProject(ok.url, [{ path: '/' }], { vus: 1, duration: '300ms' });
      const r = await cli(['load', '--pushgateway', `http://127.0.0.1:${await closedPort()}`], dir);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/Verdict: PASS/);
      expect(r.stderr).toMatch(/warning: .*pushgateway/i);
      expect(hasStack(r)).toBe(false);
    } finally {
      await ok.close();
    }
    tally.add(10);
  });

  it('item 15: -o /proc/nope is exit 2 at once', async () => {
    const dir = project({ 'pitchey-fit.config.json': JSON.stringify({ name: 'p', history: { enabled: false } }) });
    const t0 = performance.now();
    const r = await cli(['static', '-o', '/proc/nope'], dir, 15_000);
    expect(r.code).toBe(2);
    expect(oneLine(r)).toMatch(/\/proc\/nope/);
    expect(performance.now() - t0).toBeLessThan(5000);
    tally.add(15);
  });
});

/** A config module whose only functions are the given custom ones. */
const customFunctions = (functions: string) => `export default {
  name: 'custom', history: { enabled: false },
  fitness: {
    serviceAutonomy: false, serviceCoupling: false, noCycles: false, dependencyRules: false,
    p99Latency: false, errorRate: false, loadThresholds: false, scalingEfficiency: false,
${functions}
  },
};
`;

describe('C/D. custom functions (items 13, 16)', () => {
  it('items 13 and 16: never settling, bad evidence, BigInt, circular, async throws: verdict error each', async () => {
    const dir = project({
      'src/a.ts': 'export const a = 1;\n',
      'pitchey-fit.config.mjs': customFunctions(`
    never: { metric: 'm', target: '> 0', test: () => new Promise(() => { setInterval(() => {}, 1000); }) },
    notArray: { metric: 'm', target: '> 0', test: () => ({ value: 1, evidence: 'oops' }) },
    bigint: { metric: 'm', target: '> 0', test: () => ({ value: 10n }) },
    circular: { metric: 'm', target: '> 0',
      test: () => { const d = {}; d.d = d; return { value: 1, evidence: [{ message: 'x', data: d }] }; } },
    later: { metric: 'm', target: '> 0',
      test: () => new Promise(() => { setTimeout(() => { throw new Error('boom'); }, 10); }) },
    fine: { metric: 'm', target: '> 0', test: () => 1 },`),
    });
    const r = await cli(['check', '-r', 'json', '--function-timeout', '0.5'], dir);
    expect(r.code).toBe(1);
    expect(hasStack(r)).toBe(false);
    const mine = ['never', 'notArray', 'bigint', 'circular', 'later', 'fine'];
    const byId = Object.fromEntries(
      readResult(dir)
        .functions.filter((f) => mine.includes(f.id))
        .map((f) => [f.id, f.verdict]),
    );
    expect(byId).toEqual({
      never: 'error',
      notArray: 'error',
      bigint: 'error',
      circular: 'error',
      later: 'error',
      fine: 'pass',
    });
    tally.add(13);
    tally.add(16, 4);
  });
});

describe('C/D. scaling points (items 14, 22, 23)', () => {
  it('item 14: 200,000 points (50 repeated N) fit within seconds, without a stack overflow', async () => {
    let csv = 'N,X\n';
    for (let i = 0; i < 200_000; i++) {
      const n = 1 + (i % 50);
      csv += `${n},${((100 * n) / (1 + 0.05 * (n - 1))) * (1 + (((i * 7919) % 100) - 50) / 5000)}\n`;
    }
    const dir = project({ 'p.csv': csv });
    const t0 = performance.now();
    const r = await cli(['scale', '--from-points', 'p.csv', '--no-history', '-r', 'json'], dir, 30_000);
    expect(performance.now() - t0).toBeLessThan(20_000);
    expect(r.code).toBe(1); // E(50) ≈ 1/(1 + 0.05·49) ≈ 0.29 < 0.8
    expect(readResult(dir).scale?.fit).toBeTruthy();
    tally.add(14);
  });

  it('items 22, 23: points that cannot support a verdict: exit 2 or inconclusive with why, never PASS', async () => {
    const cases: [string, string[], number, RegExp][] = [
      ['N,X\n1,100\n', [], 0, /only one measured N/],
      ['N,X\n1,100\n1,101\n1,99\n', [], 0, /only one measured N/],
      ['N,X\n1,0\n2,0\n4,0\n', [], 0, /./],
      ['N,X\n1,100\n2,190\n1.5,200\n', [], 2, /:4: N must be a positive whole number/],
      ['N,X\n1,100\n2,1e308\n', [], 2, /:3: .*X/],
      ['N,X\n1,100\n1000000000000000,190\n', [], 2, /:3: .*N/],
      ['N,X\n1,100\n2,190\n4,360\n', ['--target-n', '3'], 2, /--target-n 3 is not a measured N/],
      ['N,X\n1,100\n2,190\n4,360\n', ['--target-n', '1'], 0, /E = 1|reference|N=1/],
    ];
    const runs = await pool(
      3,
      cases.map(([csv, flags]) => () => {
        const dir = project({ 'p.csv': csv });
        return cli(['scale', '--from-points', 'p.csv', '--no-history', '-r', 'json', ...flags], dir).then((r) => ({
          r,
          dir,
        }));
      }),
    );
    runs.forEach(({ r, dir }, i) => {
      const [, , code, why] = cases[i];
      expect(r.code, cases[i][0]).toBe(code);
      notPass(r);
      if (code === 2) expect(oneLine(r)).toMatch(why);
      else {
        const v = readResult(dir).functions.find((f) => f.id === 'scalingEfficiency')!;
        expect(v.verdict).toBe('inconclusive');
        expect(v.reason).toMatch(why);
      }
    });
    tally.add(23, 6);
    tally.add(22, 2);
  });

  it('item 22: scale.targetN outside scale.steps is the same rule (exit 2)', async () => {
    const dir = project({
      'pitchey-fit.config.json': JSON.stringify({ name: 't', scale: { steps: [1, 2, 4], targetN: 3 } }),
    });
    const r = await cli(['scale', '--base-url', 'http://127.0.0.1:9'], dir);
    expect(r.code).toBe(2);
    expect(oneLine(r)).toMatch(/scale\.targetN/);
    tally.add(22);
  });
});

describe('D. config files and messages (items 17, 18, 21, 24, 25, 26)', () => {
  const configCases: [string, string, RegExp][] = [
    // 17: empty modules are an error, as an empty .json is
    ['pitchey-fit.config.ts', '', /is empty/],
    ['pitchey-fit.config.mjs', '\n\n', /is empty/],
    ['pitchey-fit.config.js', '// nothing here\n', /empty|default export/],
    ['pitchey-fit.config.json', '', /empty|JSON/],
    ['pitchey-fit.config', '{}', /unsupported config file type/],
    // 18: the user's file, line and column; never Node or jiti internals
    ['pitchey-fit.config.ts', 'export default {\n  name: "x",\n  services: { a: [1,, }\n', /config\.ts:3:\d+/],
    ['pitchey-fit.config.json', '{\n  "name": "x",\n  "history": {"enabled": tru}\n}', /line 3, column \d+/],
    ['pitchey-fit.config.json', '\uFEFF{\n "name": "x",\n "oops": }', /line 3, column \d+/],
    ['pitchey-fit.config.mjs', 'const x = 1;\nthrow new Error("broken");\nexport default {};\n', /config\.mjs:2/],
    // 21: thresholds are validated whatever the command
    [
      'pitchey-fit.config.json',
      JSON.stringify({ load: { thresholds: { http_req_duration: ['p99<200'] } } }),
      /p99<200/,
    ],
    // 24: a target that is not a finite number
    ['pitchey-fit.config.json', JSON.stringify({ fitness: { noCycles: { target: '< 1e999' } } }), /must be finite/],
    // 25: messages that name the item and the key
    ['pitchey-fit.config.json', JSON.stringify({ shared: ['src/lib/**', 3] }), /shared\[1\]: .*number 3/],
    ['pitchey-fit.config.json', JSON.stringify({ services: { user: [] } }), /services\.user: .*empty/],
    [
      'pitchey-fit.config.json',
      JSON.stringify({ load: { thresholds: { http_req_failed: [{ threshold: 'rate<0.01', abortOnFail: 'yes' }] } } }),
      /load\.thresholds\.http_req_failed\[0\]\.abortOnFail/,
    ],
    // 26: silently accepted before
    [
      'pitchey-fit.config.json',
      JSON.stringify({ services: { a: ['src/**'], b: ['src/**'] } }),
      /services\.b: "src\/a\.ts" is also owned by services\.a/,
    ],
    [
      'pitchey-fit.config.json',
      JSON.stringify({ services: { a: ['src/**'] }, allowedDependencies: [{ from: 'a', to: 'ghost' }] }),
      /ghost/,
    ],
  ];
  const items = [17, 17, 17, 17, 17, 18, 18, 18, 18, 21, 24, 25, 25, 25, 26, 26];

  it('every broken config is exit 2 with one line (static; thresholds with check --only static too)', async () => {
    const cases = [...configCases.map((c) => ['static', c] as const), ['check', configCases[9]] as const];
    const runs = await pool(
      3,
      cases.map(([command, [file, text]]) => () => {
        const dir = project({ 'src/a.ts': 'export const a = 1;\n', [file]: text });
        const args = command === 'check' ? ['check', '--only', 'static'] : [command];
        return cli([...args, '-c', file, '--no-history'], dir);
      }),
    );
    runs.forEach((r, i) => {
      const [file, text, why] = cases[i][1];
      expect(r.code, `${file}: ${text}`).toBe(2);
      const line = oneLine(r);
      expect(line).toMatch(why);
      expect(line).not.toMatch(/node:internal|jiti\.cjs|character \d+/);
    });
    for (const item of [...items, 21]) tally.add(item);
  });

  it('item 24: the tool reads back its own result.json (report exits 0)', async () => {
    const dir = project({
      'src/a.ts': 'export const a = 1;\n',
      'pitchey-fit.config.json': JSON.stringify({
        name: 'r',
        services: { a: ['src/**'] },
        history: { enabled: false },
      }),
    });
    expect((await cli(['static', '-r', 'json'], dir)).code).toBe(0);
    const r = await cli(['report', 'pitchey-fit-report/result.json', '-r', 'markdown', '-o', 'again'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.existsSync(path.join(dir, 'again', 'summary.md'))).toBe(true);
    tally.add(24);
  });

  it('items 25 and 26: flags: --scenario nope, no command, empty lists, --k6-operator -1 before writing', async () => {
    const dir = loadProject('http://127.0.0.1:9', [{ path: '/' }]);
    const cases: [string[], RegExp][] = [
      [['load', '--scenario', 'nope'], /^pitchey-fit: --scenario: no scenario named 'nope'; defined: s/],
      [[], /Usage: pitchey-fit/],
      [['static', '--reporter', ''], /--reporter/],
      [['static', '--fail-on', ''], /--fail-on/],
      [['check', '--only', ''], /--only/],
      [['load', '--export-k6', 'out/t.js', '--k6-operator=-1'], /--k6-operator must be a positive whole number/],
    ];
    const runs = await pool(
      3,
      cases.map(
        ([args]) =>
          () =>
            cli(args, dir),
      ),
    );
    runs.forEach((r, i) => {
      expect(r.code, cases[i][0].join(' ')).toBe(2);
      expect(hasStack(r)).toBe(false);
      expect(r.stderr).toMatch(cases[i][1]);
      if (cases[i][0].length) expect(oneLine(r)).toMatch(cases[i][1]);
    });
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'pitchey-fit-report'))).toBe(false);
    tally.add(25);
    tally.add(26, 5);
  });
});

describe('property-based: random bad input is always exit 2 with one line (fast-check)', () => {
  // Samples drawn with fast-check, run three at a time (CLI runs mostly wait); a failing sample is printed whole.
  const RUNS = 10;
  const sample = <T>(arb: fc.Arbitrary<T>) =>
    fc.sample(arb, { numRuns: RUNS, seed: Number(process.env.FC_SEED ?? 14) });
  const thresholdGrammar = /^\s*(avg|min|max|med|count|rate|value|p\(\d+(\.\d+)?\))\s*(<|<=|>|>=|==|===|!=)\s*-?\d/;

  it('threshold strings outside the k6 grammar, any command (items 21, 25)', async () => {
    const cases = sample(
      fc.tuple(
        fc.oneof(
          fc.string({ maxLength: 12 }),
          fc.constantFrom('p99<200', 'p(99)<', 'p(99) 200', 'avg>>1', '<200', 'rate<', 'p(-1)<5', 'med<<2'),
        ),
        fc.constantFrom('static', 'scale', 'load'),
      ),
    ).filter(([threshold]) => !thresholdGrammar.test(threshold));
    await pool(
      3,
      cases.map(([threshold, command]) => async () => {
        const config = { name: 't', load: { thresholds: { http_req_duration: [threshold] } } };
        const dir = project({ 'pitchey-fit.config.json': JSON.stringify(config) });
        const r = await cli([command, '--no-history'], dir);
        expect(r.code, JSON.stringify([threshold, command])).toBe(2);
        expect(oneLine(r)).toMatch(/^pitchey-fit: config load\.thresholds\.http_req_duration\[0\]/);
      }),
    );
    tally.add(21, cases.length);
  });

  it('points files with one broken row: exit 2 naming the file and that row (items 23, 14)', async () => {
    const good = fc.array(fc.tuple(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 100_000 })), {
      minLength: 1,
      maxLength: 20,
    });
    const bad = fc.oneof(
      fc.tuple(fc.constantFrom('0', '-3', '2.5', 'abc', '', 'NaN', 'Infinity', '1e15'), fc.constant('100')),
      fc.tuple(fc.constant('2'), fc.constantFrom('-1', 'x', 'NaN', 'Infinity', '1e308', '')),
    );
    const cases = sample(fc.tuple(good, bad, fc.nat()));
    await pool(
      3,
      cases.map(([rows, [n, x], at]) => async () => {
        const lines = rows.map(([a, b]) => `${a},${b}`);
        const where = at % (lines.length + 1);
        lines.splice(where, 0, `${n},${x}`);
        const dir = project({ 'points.csv': `N,X\n${lines.join('\n')}\n` });
        const r = await cli(['scale', '--from-points', 'points.csv', '--no-history'], dir);
        expect(r.code, lines.join(' ')).toBe(2);
        expect(oneLine(r)).toMatch(new RegExp(`points\\.csv:${where + 2}\\b`));
      }),
    );
    tally.add(23, cases.length);
  });

  it('numeric flags with values that are not positive (whole) numbers (item 26)', async () => {
    const notPositive = fc.oneof(
      fc.constantFrom('', ' ', '0', '-1', 'NaN', '-Infinity', 'abc', '1e999', '0x'),
      fc.double({ max: 0, noNaN: true }).map(String),
    );
    const flags: [string[], string, boolean][] = [
      [['static'], '--function-timeout', false],
      [['load', '--export-k6', 'out/t.js'], '--k6-operator', true],
      [['check'], '--seed-users', true],
      [['check'], '--seed-pitches', true],
    ];
    const cases = sample(fc.tuple(fc.constantFrom(...flags), fc.oneof(notPositive, fc.constantFrom('1.5', '2.25'))))
      // a fraction is a fine number of seconds
      .filter(([[, , whole], value]) => whole || !/^\d+\.\d+$/.test(value));
    await pool(
      3,
      cases.map(([[args, flag], value]) => async () => {
        const dir = loadProject('http://127.0.0.1:9', [{ path: '/' }]);
        const r = await cli([...args, `${flag}=${value}`], dir);
        expect(r.code, `${flag}=${value}`).toBe(2);
        expect(oneLine(r)).toMatch(new RegExp(`${flag} must be a positive`));
        expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
      }),
    );
    tally.add(26, cases.length);
  });
});
