import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/index.js';
import { TargetUnreachableError } from '../../src/core/errors.js';
import type { PitcheyFitConfig } from '../../src/config/types.js';
import { ROOT } from '../cli/run-cli.js';

const FIXTURE = path.join(ROOT, 'fixtures', 'pitchey-decomposed');

function copyFixture(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-run-'));
  const generated = /(^|\/)(pitchey-fit-report|\.pitchey-fit)(\/|$)/;
  fs.cpSync(FIXTURE, dir, { recursive: true, filter: (src) => !generated.test(path.relative(FIXTURE, src)) });
  return dir;
}

/** A loopback port nothing listens on: bound, then released. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const fixtureConfig = (extra: Partial<PitcheyFitConfig> = {}): PitcheyFitConfig => ({
  name: 'pitchey-decomposed',
  services: {
    user: ['services/user/**'],
    pitch: ['services/pitch/**'],
    nda: ['services/nda/**'],
    notification: ['services/notification/**'],
    media: ['services/media/**'],
  },
  shared: ['contracts/**', 'lib/**'],
  static: { tsconfig: 'tsconfig.json' },
  history: { enabled: false },
  ...extra,
});

describe('run() — the programmatic API, in-process', () => {
  it('judges a fixture from its config file: the hand-verified answers of ANSWERS.md', async () => {
    const dir = copyFixture();
    const result = await run(path.join(dir, 'pitchey-fit.config.json'), { kinds: ['static'] });
    // (Functions that need a git history are inconclusive in this copy, which is not a repository.)
    expect(result.functions.filter((f) => f.verdict === 'fail' || f.verdict === 'error')).toEqual([]);
    expect(result.partial).toBe(false);
    expect(result.command).toBe('run');
    const value = (id: string) => result.functions.find((f) => f.id === id)?.value;
    expect(value('serviceAutonomy')).toBe(100); // 5 of 5 services autonomous
    expect(value('serviceCoupling')).toBe(0);
    expect(value('noCycles')).toBe(0);
    expect(result.static?.counts).toMatchObject({ modules: 14, valueEdges: 28, typeEdges: 4 });
    expect(result.findings).toEqual([]);
    // run() reports nothing: no report folder appears.
    expect(fs.existsSync(path.join(dir, 'pitchey-fit-report'))).toBe(false);
  });

  it('takes a config object resolved from `cwd`, with custom functions judged like built-ins', async () => {
    const dir = copyFixture();
    const seen: number[] = [];
    const result = await run(
      fixtureConfig({
        fitness: {
          serviceCount: {
            metric: 'Services',
            target: '== 5',
            needs: ['static'],
            test: (ctx) => {
              seen.push(ctx.static!.services.length);
              return ctx.static!.services.length;
            },
          },
          tooFewModules: {
            metric: 'Modules',
            target: '> 100',
            needs: ['static'],
            test: (ctx) => ctx.static!.counts.modules,
          },
        },
      }),
      { cwd: dir },
    );
    expect(seen).toEqual([5]);
    const byId = Object.fromEntries(result.functions.map((f) => [f.id, f]));
    expect(byId.serviceCount.verdict).toBe('pass');
    expect(byId.tooFewModules).toMatchObject({ verdict: 'fail', value: 14 });
    expect(result.verdict).toBe('fail');
    expect(result.subject).toMatchObject({ name: 'pitchey-decomposed', root: dir, configFile: null });
  });

  it('a config object with an error rejects with the key path, before collecting', async () => {
    const dir = copyFixture();
    await expect(run({ ...fixtureConfig(), services: { user: 'nope/**' } }, { cwd: dir })).rejects.toThrow(
      /services\.user/,
    );
  });

  it('an interrupted run collects nothing more; functions missing a section are skipped, never called', async () => {
    const dir = copyFixture();
    const controller = new AbortController();
    controller.abort();
    let called = false;
    const result = await run(
      fixtureConfig({
        fitness: {
          counted: {
            metric: 'm',
            target: '> 0',
            needs: ['static'],
            test: () => {
              called = true;
              return 1;
            },
          },
        },
      }),
      { cwd: dir, signal: controller.signal },
    );
    expect(called).toBe(false);
    expect(result.partial).toBe(true);
    expect(result.static).toBeUndefined();
    expect(result.functions.map((f) => [f.id, f.verdict, f.reason])).toContainEqual([
      'counted',
      'skipped',
      'not collected: static',
    ]);
    expect(result.functions.every((f) => f.verdict === 'skipped')).toBe(true);
    expect(result.summary.skipped).toBe(result.functions.length);
  });

  it('a failing collector keeps what was measured: partial Result, one error, its functions skipped', async () => {
    const dir = copyFixture();
    const port = await closedPort();
    const failures: Array<[string, unknown]> = [];
    const result = await run(
      fixtureConfig({
        load: {
          baseUrl: `http://127.0.0.1:${port}`,
          scenarios: {
            ping: { executor: 'constant-vus', vus: 1, duration: '1s', requests: [{ name: 'home', path: '/' }] },
          },
        },
      }),
      { cwd: dir, kinds: ['static', 'load'], onCollectorError: (name, e) => failures.push([name, e]) },
    );
    expect(failures).toHaveLength(1);
    expect(failures[0][0]).toBe('load');
    expect(failures[0][1]).toBeInstanceOf(TargetUnreachableError);
    expect(result.partial).toBe(true);
    expect(result.static).toBeDefined();
    expect(result.load).toBeUndefined();
    expect(result.errors).toEqual([{ phase: 'collect', message: (failures[0][1] as Error).message }]);
    const p99 = result.functions.find((f) => f.id === 'p99Latency');
    expect(p99).toMatchObject({ verdict: 'skipped', reason: 'not collected: load' });
    expect(result.functions.find((f) => f.id === 'serviceAutonomy')?.verdict).toBe('pass');
  });

  it('provided sections are judged instead of collecting (no target is contacted)', async () => {
    const dir = copyFixture();
    const port = await closedPort();
    const points = [
      { n: 1, throughput: 100 },
      { n: 2, throughput: 190 },
      { n: 4, throughput: 360 },
    ];
    const { analysePoints } = await import('../../src/run/offline.js');
    const scale = analysePoints(points, { targetN: 4 });
    const result = await run(
      fixtureConfig({
        load: { baseUrl: `http://127.0.0.1:${port}` },
        fitness: { scalingEfficiency: { target: '> 0.8' } },
      }),
      { cwd: dir, kinds: ['scale'], provided: { scale } },
    );
    const e = result.functions.find((f) => f.id === 'scalingEfficiency');
    // E(4) = X(4) / (4 · X(1)) = 360 / 400
    expect(e?.value).toBeCloseTo(0.9, 10);
    expect(e?.verdict).toBe('pass');
    expect(result.errors).toEqual([]);
  });
});
