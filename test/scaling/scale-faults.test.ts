/** Issue 14 items 2, 3, 14, 23: dead or failing scale targets and bad points never pass silently. */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/core/errors.js';
import { analysePoints } from '../../src/load/scaling/analyse.js';
import { judgeScalingEfficiency } from '../../src/load/scaling/builtin-functions.js';
import { readPointsFile } from '../../src/load/scaling/points-file.js';
import { runSweep, ScaleSweepError } from '../../src/load/scaling/sweep.js';
import { expectOneLineError, runCliAsync } from '../cli/run-cli.js';
import { closedPort, startTestServer } from './test-server.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-scale-faults-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
}

const judge = (section: Parameters<typeof judgeScalingEfficiency>[0]['scale']) =>
  judgeScalingEfficiency({ scale: section } as never);

describe('scale --base-url against a dead target is exit 3 with the cause (issue 14 item 2)', () => {
  const scale = (url: string) =>
    runCliAsync(['scale', '--base-url', url, '--reporter', 'json', '-o', dir], { cwd: dir, timeoutMs: 60_000 });

  it('nothing listening', async () => {
    const r = await scale(`http://127.0.0.1:${await closedPort()}`);
    expect(r.code).toBe(3);
    expect(expectOneLineError(r)).toMatch(/scale step N=1: the target stopped answering: .*(refused|ECONNREFUSED)/);
  });

  it('a target that accepts connections and never answers', async () => {
    const s = await startTestServer();
    try {
      fs.writeFileSync(
        path.join(dir, 'pitchey-fit.config.json'),
        JSON.stringify({ scale: { path: '/hang', warmup: '0s', duration: '1s', steps: [1, 2] } }),
      );
      const r = await scale(s.url);
      expect(r.code).toBe(3);
      expect(expectOneLineError(r)).toMatch(
        /scale step N=1: the target stopped answering: no response from .*\/hang in \d+\.\d s/,
      );
    } finally {
      fs.rmSync(path.join(dir, 'pitchey-fit.config.json'));
      await s.stop();
    }
  });

  it('a target that answers only 500s', async () => {
    const s = await startTestServer({ failAll: true });
    try {
      fs.writeFileSync(
        path.join(dir, 'pitchey-fit.config.json'),
        JSON.stringify({ scale: { warmup: '0s', duration: '1s', steps: [1, 2] } }),
      );
      const r = await scale(s.url);
      expect(r.code).toBe(3);
      expect(expectOneLineError(r)).toMatch(
        /scale step N=1: the target stopped answering: every one of the \d+ requests to .* failed \(an error status, not 2xx\)/,
      );
    } finally {
      fs.rmSync(path.join(dir, 'pitchey-fit.config.json'));
      await s.stop();
    }
  });
});

describe('a step over maxErrorRate stops the sweep, stated, and the target N never moves (issue 14 item 3)', () => {
  it('N=2 failing 70% of requests: partial section judged at N=2 → inconclusive naming the failed step', async () => {
    let seen = 0;
    // Fails 7 of every 10 requests: a target that is dying.
    const dying = http.createServer((_req, res) => {
      res.statusCode = ++seen % 10 < 7 ? 500 : 200;
      res.end();
    });
    await new Promise<void>((r) => dying.listen(0, '127.0.0.1', r));
    const healthy = await startTestServer();
    try {
      const err = await runSweep({
        mode: 'concurrency',
        steps: [1, 2],
        repeats: 1,
        warmupSec: 0,
        durationSec: 0.5,
        path: '/',
        fit: { bootstrap: 0 },
        startTarget: (n) =>
          Promise.resolve(
            n === 1
              ? { url: healthy.url, pids: [], stop: async () => {} }
              : { url: `http://127.0.0.1:${(dying.address() as AddressInfo).port}`, pids: [], stop: async () => {} },
          ),
      }).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ScaleSweepError);
      const partial = (err as ScaleSweepError).partial;
      expect(partial.points.map((p) => p.n)).toEqual([1]);
      expect(partial.targetN).toBe(2);
      expect(partial.failedStep!.n).toBe(2);
      expect(partial.failedStep!.reason).toMatch(
        /^\d+ of \d+ requests failed \(0 without a response, \d+ with an error status; error rate (69|70)\.\d\d% > scale\.maxErrorRate 1\.00%\)$/,
      );
      const v = judge(partial);
      expect(v.verdict).toBe('inconclusive');
      expect(v.reason).toMatch(/^the sweep stopped at N=2: .* efficiency at the target N=2 was not measured$/);
    } finally {
      dying.close();
      await healthy.stop();
    }
  });
});

describe('--from-points input that cannot support a verdict (issue 14 item 23)', () => {
  it('a single point, or only N = 1, is inconclusive with why', () => {
    const one = analysePoints(readPointsFile(file('one.csv', 'N,X\n1,100\n')));
    expect(judge(one)).toMatchObject({ value: null, verdict: 'inconclusive' });
    expect(judge(one).reason).toBe(
      'only one measured N (1): efficiency compares a larger N with a smaller one; measure at least one larger N',
    );
    const ones = analysePoints(readPointsFile(file('ones.csv', 'N,X\n1,100\n1,104\n1,98\n')));
    expect(ones.points).toHaveLength(1);
    expect(ones.points[0].throughput).toBe(100);
    expect(judge(ones).verdict).toBe('inconclusive');
  });

  it('the target N at the reference step is inconclusive (E = 1 by definition)', () => {
    const s = analysePoints(readPointsFile(file('two.csv', 'N,X\n1,100\n2,190\n')), { targetN: 1 });
    expect(judge(s).reason).toBe(
      'the target N=1 is the reference step, where E = 1 by definition; measure at least one larger N',
    );
  });

  it('N must be a positive whole number and plausible; X finite and plausible (exit 2, file and line)', () => {
    const cases: Array<[string, string]> = [
      ['N,X\n1,100\n1.5,150\n', 'frac.csv:3: N must be a positive whole number (workers, users), got 1.5'],
      [
        'N,X\n1,100\n1e15,150\n',
        'huge-n.csv:3: N = 1000000000000000 is not a plausible measured N (at most 1,000,000)',
      ],
      ['N,X\n1,100\n2,1e308\n', 'huge-x.csv:3: X = 1e+308 is not a plausible throughput (at most 1000000000000000)'],
      ['N,X\n1,100\n2,Infinity\n', 'inf-x.csv:3: X is not a number ("Infinity")'],
    ];
    const names = ['frac.csv', 'huge-n.csv', 'huge-x.csv', 'inf-x.csv'];
    cases.forEach(([text, message], i) => {
      const f = file(names[i], text);
      expect(() => readPointsFile(f)).toThrow(InputError);
      expect(() => readPointsFile(f)).toThrow(`${path.join(dir, message)}`);
    });
  });

  it('all-zero X is not fitted and not judged', () => {
    const s = analysePoints(readPointsFile(file('zero.csv', 'N,X\n1,0\n2,0\n4,0\n')));
    expect(s.fit).toBeNull();
    expect(s.fitNote).toBe('no USL fit: every X is 0: there is no throughput to fit');
    expect(judge(s).verdict).toBe('inconclusive');
  });

  it('N = 1e15 on the command line is exit 2, one line', async () => {
    const f = file('cli-huge.csv', 'N,X\n1,100\n1000000000000000,150\n');
    const r = await runCliAsync(['scale', '--from-points', f], { cwd: dir });
    expect(r.code).toBe(2);
    expect(expectOneLineError(r)).toContain('N = 1000000000000000 is not a plausible measured N');
  });
});

describe('--from-points fit time stays bounded (issue 14 item 14)', () => {
  it('200k points of 50 repeated N: aggregated by median first, no stack overflow, fitted within seconds', () => {
    // X(N) = 1000·N / (1 + 0.05(N−1) + 0.0001·N(N−1)), each N measured 4000 times at −2%, 0, +2% (median: exact).
    const usl = (n: number) => (1000 * n) / (1 + 0.05 * (n - 1) + 0.0001 * n * (n - 1));
    const rows = ['N,X'];
    for (let i = 0; i < 200_000; i++) {
      const n = (i % 50) + 1;
      rows.push(`${n},${usl(n) * [0.98, 1, 1.02, 1][Math.floor(i / 50) % 4]}`);
    }
    const f = file('big.csv', rows.join('\n'));
    const started = Date.now();
    const s = analysePoints(readPointsFile(f));
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(s.points).toHaveLength(50);
    expect(s.points[9].throughput).toBeCloseTo(usl(10), 6);
    expect(s.fit!.sigma).toBeCloseTo(0.05, 4);
    expect(s.fit!.kappa).toBeCloseTo(0.0001, 6);
  });

  it('10k distinct N: fitted on 5000 groups, without bootstrap, stated', () => {
    const usl = (n: number) => (1000 * n) / (1 + 0.05 * (n - 1) + 0.0001 * n * (n - 1));
    const points = Array.from({ length: 10_000 }, (_, i) => ({ n: i + 1, throughput: usl(i + 1) }));
    const started = Date.now();
    const s = analysePoints(points);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(s.fitNote).toContain('fitted to 5000 groups of consecutive N (mean N, median X) of the 10000 points');
    expect(s.fitNote).toContain('no bootstrap intervals above 2000 distinct N');
    expect(s.fit!.sigma).toBeCloseTo(0.05, 2);
  });
});
