/**
 * README's exit-code table is exactly what the CLI does: the table is read from README.md, and every row (and each
 * claim inside a row) is a case run through the built CLI. A row added to the README without a case fails here.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCliAsync, BIN, type CliRun } from '../cli/run-cli.js';
import { closedPort, listen, oneLine, project, readResult, scratch } from './harness.js';

afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** The rows of the "## Exit codes" table: code → meaning. */
function readmeExitCodes(): Map<number, string> {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.split(/^## Exit codes$/m)[1].split(/^## /m)[0];
  const rows = new Map<number, string>();
  for (const m of section.matchAll(/^\| (\d+) \| (.+) \|$/gm)) rows.set(Number(m[1]), m[2]);
  return rows;
}

const cli = (args: string[], cwd: string, env?: Record<string, string>) => runCliAsync(args, { cwd, env });

const INCONCLUSIVE = `unknown: { metric: 'm', target: '> 1',
  test: () => ({ value: null, verdict: 'inconclusive', reason: 'not measured' }) },`;

const staticProject = (fitness = '') =>
  project({
    'src/a.ts': 'export const a = 1;\n',
    'pitchey-fit.config.mjs': `export default {
  name: 'codes', history: { enabled: false }, services: { a: ['src/**'] },
  fitness: { ${fitness} },
};
`,
  });

/** Each README row's claims, as runs of the CLI with the code they must end with. */
const claims: Record<number, { claim: string; run: () => Promise<CliRun> }[]> = {
  0: [
    { claim: 'every enabled function passed', run: () => cli(['static'], staticProject()) },
    {
      claim: 'inconclusive does not fail the gate',
      run: () => cli(['static'], staticProject(INCONCLUSIVE)),
    },
  ],
  1: [
    {
      claim: 'a function failed its target',
      run: () => cli(['static'], staticProject(`low: { metric: 'm', target: '> 1', test: () => 0 },`)),
    },
    {
      claim: 'an errored function fails the gate',
      run: () =>
        cli(['static'], staticProject(`bad: { metric: 'm', target: '> 1', test: () => { throw new Error('x'); } },`)),
    },
    {
      claim: 'inconclusive fails with --fail-on inconclusive',
      run: () => cli(['static', '--fail-on', 'inconclusive'], staticProject(INCONCLUSIVE)),
    },
  ],
  2: [
    { claim: 'usage error', run: () => cli(['static', '--reporter', 'nope'], staticProject()) },
    {
      claim: 'config error naming the key path',
      run: () => cli(['static'], staticProject(`serviceCoupling: { target: 'small' },`)),
    },
    {
      claim: 'input error naming the file and line',
      run: () => {
        const dir = project({ 'p.csv': 'N,X\n1,100\n-2,50\n' });
        return cli(['scale', '--from-points', 'p.csv', '--no-history'], dir);
      },
    },
  ],
  3: [
    {
      claim: 'load target unreachable',
      run: async () => {
        const url = `http://127.0.0.1:${await closedPort()}`;
        const scenarios = { s: { executor: 'constant-vus', vus: 1, duration: '1s', requests: [{ path: '/' }] } };
        const config = { name: 'c', history: { enabled: false }, load: { baseUrl: url, scenarios } };
        return cli(['load'], project({ 'pitchey-fit.config.json': JSON.stringify(config) }));
      },
    },
    {
      claim: 'scaling target unreachable',
      run: async () => {
        const config = {
          name: 'c',
          history: { enabled: false },
          scale: { warmup: '0s', duration: '1s', steps: [1, 2] },
        };
        const dir = project({ 'pitchey-fit.config.json': JSON.stringify(config) });
        return cli(['scale', '--base-url', `http://127.0.0.1:${await closedPort()}`], dir);
      },
    },
  ],
  70: [
    {
      // No user input reaches an internal error by design: inject a fault into the process (the JSON rendering of
      // the Result throws), as a bug would.
      claim: 'internal error, one line without --debug',
      run: () =>
        cli(['static', '-r', 'json'], staticProject(), {
          NODE_OPTIONS: `--import=${pathToDataUrl(FAULT)}`,
        }),
    },
  ],
  130: [
    {
      claim: 'interrupted, whatever the verdicts so far, with the partial result',
      run: async () => {
        const target = await listen((_req, res) => setTimeout(() => res.end('ok'), 20));
        const dir = project({
          'pitchey-fit.config.mjs': `export default {
  name: 'i', history: { enabled: false },
  fitness: { low: { metric: 'm', target: '> 1', test: () => 0 } },
  load: { baseUrl: '${target.url}',
    scenarios: { s: { executor: 'constant-vus', vus: 1, duration: '30s', requests: [{ path: '/' }] } } },
};
`,
        });
        const child = spawn(process.execPath, [BIN, 'check', '--skip', 'static,scale', '-r', 'json'], { cwd: dir });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.stdout.resume();
        target.server.once('request', () => setTimeout(() => child.kill('SIGINT'), 200));
        const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
        await target.close();
        expect(readResult(dir).partial).toBe(true);
        return { code, stdout: '', stderr };
      },
    },
  ],
};

const FAULT =
  'const stringify = JSON.stringify;' +
  'JSON.stringify = function (v, ...rest) {' +
  "  if (v && typeof v === 'object' && 'verdict' in v && 'functions' in v) throw new Error('injected fault');" +
  '  return stringify.call(this, v, ...rest);' +
  '};';
const pathToDataUrl = (js: string) => `data:text/javascript,${encodeURIComponent(js)}`;

describe("README's exit-code table", () => {
  const rows = readmeExitCodes();

  it('has exactly the codes the CLI uses, each with its cases here', () => {
    expect([...rows.keys()].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 70, 130]);
    expect(Object.keys(claims).map(Number)).toEqual([...rows.keys()].sort((a, b) => a - b));
  });

  it.each([...readmeExitCodes().keys()])('exit %i: every claim of the row', async (code) => {
    const runs = await Promise.all(claims[code].map((c) => c.run()));
    runs.forEach((r, i) => {
      expect(r.code, `${code}: ${claims[code][i].claim}\n${r.stderr}`).toBe(code);
      expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
      // Rows 2, 3 and 70 promise one line on stderr.
      if (code === 2 || code === 3) expect(oneLine(r)).toMatch(/^pitchey-fit: /);
      if (code === 70)
        expect(oneLine(r)).toBe('pitchey-fit: internal error: injected fault (run with --debug for details)');
    });
  });

  it('exit 70 with --debug prints the stack', async () => {
    const r = await cli(['static', '-r', 'json', '--debug'], staticProject(), {
      NODE_OPTIONS: `--import=${pathToDataUrl(FAULT)}`,
    });
    expect(r.code).toBe(70);
    expect(r.stderr).toMatch(/injected fault\n\s+at /);
  });

  it('pitchey-fit --help lists the same codes', async () => {
    const r = await cli(['--help'], scratch);
    const listed = [...(r.stdout + r.stderr).matchAll(/^ {2}(\d+) {2,}/gm)].map((m) => Number(m[1]));
    expect(listed).toEqual([...rows.keys()].sort((a, b) => a - b));
  });
});
