/**
 * Issue 14, CLI side: interrupts, history faults, never-settling or misbehaving custom functions, empty flag values.
 * Each case runs the built CLI as a user would, against misbehaving servers in this process on 127.0.0.1.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src/core/result.js';
import { generateMonorepo } from '../../scripts/gen-monorepo.js';
import { BIN, expectOneLineError, runCli, runCliAsync } from './run-cli.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-faults-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function dirWith(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(tmp, 'case-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const readResult = (dir: string): Result =>
  JSON.parse(fs.readFileSync(path.join(dir, 'pitchey-fit-report', 'result.json'), 'utf8')) as Result;

/** A config module whose only functions are the given custom ones: `checks: []` runs no collector. */
function customFunctionsConfig(functions: string): string {
  return `export default {
  name: 'faults',
  history: { enabled: false },
  checks: [],
  fitness: {
${functions}
  },
};
`;
}

async function listen(
  handler: http.RequestListener,
): Promise<{ url: string; close(): Promise<void>; server: http.Server }> {
  const server = http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    server,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Starts the CLI; sends SIGINT when the server sees its first request; resolves with the code and the stop time. */
function interruptOnFirstRequest(args: string[], cwd: string, server: http.Server) {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  child.stdout.resume();
  let signalledAt = 0;
  server.once('request', () => {
    signalledAt = performance.now();
    child.kill('SIGINT');
  });
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise<{ code: number | null; stopMs: number; stderr: string }>((resolve) => {
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stopMs: performance.now() - signalledAt, stderr });
    });
  });
}

const loadConfig = (url: string, extra = '') => `export default {
  name: 'interrupt',
  history: { enabled: false },
  checks: ['load'],
  fitness: {
    alwaysFails: { metric: 'm', target: '> 1', test: () => 0 },${extra}
  },
  load: {
    baseUrl: '${url}',
    scenarios: {
      steady: { executor: 'constant-vus', vus: 2, duration: '30s', requests: [{ name: 'home', path: '/' }] },
    },
  },
};
`;

describe('interrupts (issue 14 items 4 and 11)', () => {
  it('check interrupted is exit 130 even when a function failed; the partial result is written', async () => {
    const slow = await listen((_req, res) => setTimeout(() => res.end('ok'), 50));
    try {
      const dir = dirWith({ 'pitchey-fit.config.mjs': loadConfig(slow.url) });
      const r = await interruptOnFirstRequest(['check', '--reporter', 'json'], dir, slow.server);
      expect(r.code).toBe(130);
      const result = readResult(dir);
      expect(result.partial).toBe(true);
      expect(result.functions.find((f) => f.id === 'alwaysFails')?.verdict).toBe('fail');
    } finally {
      await slow.close();
    }
  }, 90_000);

  it('the first Ctrl-C against a silent target stops within 2 s and writes the partial result', async () => {
    const hanging = await listen(() => {
      /* never answers */
    });
    try {
      const dir = dirWith({ 'pitchey-fit.config.mjs': loadConfig(hanging.url) });
      const r = await interruptOnFirstRequest(['load', '--reporter', 'json'], dir, hanging.server);
      expect(r.code).toBe(130);
      expect(r.stopMs).toBeLessThan(2000);
      expect(readResult(dir).partial).toBe(true);
    } finally {
      await hanging.close();
    }
  }, 90_000);
});

describe('interrupt during a long static analysis (issue 14 item 11)', () => {
  it('the run stops within 2 s of SIGINT, writing a partial result', async () => {
    const dir = fs.mkdtempSync(path.join(tmp, 'mono-'));
    generateMonorepo(dir, 6000, 20);
    const config = { name: 'mono', history: { enabled: false } };
    fs.writeFileSync(path.join(dir, 'pitchey-fit.config.json'), JSON.stringify(config));
    const child = spawn(process.execPath, [BIN, 'static', '--reporter', 'json'], { cwd: dir });
    child.stdout.resume();
    child.stderr.resume();
    let signalledAt = 0;
    setTimeout(() => {
      signalledAt = performance.now();
      child.kill('SIGINT');
    }, 800);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(signalledAt).toBeGreaterThan(0);
    expect(code).toBe(130);
    expect(performance.now() - signalledAt).toBeLessThan(2000);
    const result = readResult(dir);
    expect(result.partial).toBe(true);
    expect(result.static).toBeUndefined();
    expect(result.errors).toContainEqual({
      phase: 'collect.static',
      message: 'interrupted: the static analysis was stopped; its section is missing',
    });
  }, 90_000);
});

describe('interrupt while the bundled platform starts (issue 14 item 11)', () => {
  it('the first SIGTERM during the platform start stops within 2 s with exit 130', async () => {
    const dir = dirWith({
      'pitchey-fit.config.json': JSON.stringify({
        name: 'bundled',
        history: { enabled: false },
        load: {
          scenarios: {
            s: { executor: 'constant-vus', vus: 1, duration: '5s', requests: [{ name: 'health', path: '/healthz' }] },
          },
        },
      }),
    });
    const child = spawn(process.execPath, [BIN, 'load', '--reporter', 'json'], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stderr = '';
    let signalledAt = 0;
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
      if (!signalledAt && stderr.includes('starting the bundled Pitchey platform')) {
        signalledAt = performance.now();
        setTimeout(() => child.kill('SIGTERM'), 300); // the platform is seeding by then
      }
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(killer);
    expect(signalledAt).toBeGreaterThan(0);
    expect(code).toBe(130);
    expect(performance.now() - signalledAt - 300).toBeLessThan(2000);
    expect(stderr).not.toMatch(/\n\s+at /);
  }, 90_000);
});

describe('history faults (issue 14 item 7): reports first, a broken history is a warning', () => {
  const project = (historyFile: string) =>
    dirWith({
      'src/a.ts': 'export const a = 1;\n',
      'pitchey-fit.config.json': JSON.stringify({
        name: 'h',
        services: { a: ['src/**'] },
        history: { file: historyFile },
      }),
    });

  it.each([
    ['corrupted', (dir: string) => fs.writeFileSync(path.join(dir, 'h.sqlite'), 'this is not a database '.repeat(300))],
    [
      'truncated',
      (dir: string) => {
        const ok = runCli(['static', '--reporter', 'json'], { cwd: dir });
        expect(ok.code).toBe(0);
        const bytes = fs.readFileSync(path.join(dir, 'h.sqlite'));
        fs.writeFileSync(path.join(dir, 'h.sqlite'), bytes.subarray(0, 1000));
        fs.rmSync(path.join(dir, 'pitchey-fit-report'), { recursive: true });
      },
    ],
  ])('a %s history: exit 0, one warning line, result.json and reports written', (_name, damage) => {
    const dir = project('h.sqlite');
    damage(dir);
    const r = runCli(['static', '--reporter', 'console,json,junit', '--compare', 'last'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^PASS\s+serviceAutonomy/m);
    const warnings = r.stderr.split('\n').filter((l) => l.includes('warning'));
    expect(warnings.length).toBeGreaterThanOrEqual(1);
    expect(warnings[0]).toMatch(/^pitchey-fit: warning: history .*h\.sqlite/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readResult(dir).functions.find((f) => f.id === 'serviceAutonomy')?.verdict).toBe('pass');
    expect(fs.existsSync(path.join(dir, 'pitchey-fit-report', 'junit.xml'))).toBe(true);
  });

  it('an unwritable history (its folder is a file): a warning, the run is reported', () => {
    const dir = project('blocker/h.sqlite');
    fs.writeFileSync(path.join(dir, 'blocker'), 'a file where the history folder should be');
    const r = runCli(['static', '--reporter', 'json'], { cwd: dir });
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^pitchey-fit: warning: history .*blocker/m);
    expect(readResult(dir).functions.find((f) => f.id === 'serviceAutonomy')?.verdict).toBe('pass');
  });
});

describe('custom functions that never settle or misbehave (issue 14 items 13 and 16)', () => {
  it('a test() that never settles, with or without a pending timer, is an error after --function-timeout', async () => {
    const dir = dirWith({
      'pitchey-fit.config.mjs': customFunctionsConfig(`
    noTimer: { metric: 'm', target: '> 0', test: () => new Promise(() => {}) },
    withTimer: { metric: 'm', target: '> 0', test: () => new Promise(() => { setInterval(() => {}, 1000); }) },
    fine: { metric: 'm', target: '> 0', test: () => 1 },`),
    });
    const started = performance.now();
    const r = await runCliAsync(['check', '--reporter', 'json', '--function-timeout', '0.5'], {
      cwd: dir,
      timeoutMs: 30_000,
    });
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(r.code).toBe(1); // errored functions fail the gate by default
    const byId = Object.fromEntries(readResult(dir).functions.map((f) => [f.id, f]));
    expect(byId.noTimer).toMatchObject({ verdict: 'error', reason: 'test() did not settle within 500 ms' });
    expect(byId.withTimer).toMatchObject({ verdict: 'error', reason: 'test() did not settle within 500 ms' });
    expect(byId.fine.verdict).toBe('pass');
  }, 40_000);

  it('SIGTERM while a test() hangs on a pending timer: exit 130 within 2 s, the function is an error', async () => {
    const dir = dirWith({
      'pitchey-fit.config.mjs': customFunctionsConfig(`
    hangs: {
      metric: 'm', target: '> 0',
      test: () => { process.stderr.write('test started\\n'); return new Promise(() => { setInterval(() => {}, 1000); }); },
    },`),
    });
    const child = spawn(process.execPath, [BIN, 'check', '--reporter', 'json'], { cwd: dir });
    child.stdout.resume();
    let signalledAt = 0;
    child.stderr.on('data', (d: Buffer) => {
      if (!signalledAt && d.toString().includes('test started')) {
        signalledAt = performance.now();
        child.kill('SIGTERM');
      }
    });
    const killer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(killer);
    expect(signalledAt).toBeGreaterThan(0);
    expect(code).toBe(130);
    expect(performance.now() - signalledAt).toBeLessThan(2000);
    const hangs = readResult(dir).functions.find((f) => f.id === 'hangs');
    expect(hangs).toMatchObject({ verdict: 'error', reason: 'test() was interrupted' });
  }, 40_000);

  it('a config whose top-level await never settles is a one-line config error (exit 2), not a silent exit 13', () => {
    const dir = dirWith({ 'pitchey-fit.config.mjs': `await new Promise(() => {});\nexport default {};\n` });
    const r = runCli(['static'], { cwd: dir, timeoutMs: 45_000 });
    expect(r.code).toBe(2);
    // At once when nothing else keeps the process alive; the config loader's own 30 s limit is the backstop.
    expect(expectOneLineError(r)).toMatch(/pitchey-fit\.config\.mjs (never finished|did not finish) loading/);
  }, 60_000);

  it('bad evidence, BigInt, circular data, async throws and unhandled rejections: verdict error each, no stack', () => {
    const dir = dirWith({
      'pitchey-fit.config.mjs': customFunctionsConfig(`
    notArray: { metric: 'm', target: '> 0', test: () => ({ value: 1, evidence: 'oops' }) },
    bigintValue: { metric: 'm', target: '> 0', test: () => ({ value: 10n }) },
    bigintEvidence: {
      metric: 'm', target: '> 0', test: () => ({ value: 1, evidence: [{ message: 'x', data: { n: 1n } }] }),
    },
    circular: {
      metric: 'm', target: '> 0',
      test: () => { const data = {}; data.self = data; return { value: 1, evidence: [{ message: 'x', data }] }; },
    },
    asyncThrow: {
      metric: 'm', target: '> 0',
      test: () => new Promise(() => { setTimeout(() => { throw new Error('boom later'); }, 10); }),
    },
    unhandled: {
      metric: 'm', target: '> 0',
      test: () => { Promise.reject(new Error('nobody listens')); return new Promise((r) => setTimeout(() => r(1), 200)); },
    },
    fine: { metric: 'm', target: '> 0', test: () => 1 },`),
    });
    const r = runCli(['check', '--reporter', 'json'], { cwd: dir, timeoutMs: 30_000 });
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(1);
    const byId = Object.fromEntries(readResult(dir).functions.map((f) => [f.id, f]));
    expect(byId.notArray.verdict).toBe('error');
    expect(byId.notArray.reason).toMatch(/evidence of type string; it must be an array/);
    expect(byId.bigintValue.verdict).toBe('error');
    expect(byId.bigintValue.reason).toMatch(/value of type bigint/);
    expect(byId.bigintEvidence.verdict).toBe('error');
    expect(byId.bigintEvidence.reason).toMatch(/cannot be written as JSON.*BigInt/);
    expect(byId.circular.verdict).toBe('error');
    expect(byId.circular.reason).toMatch(/cannot be written as JSON.*circular/);
    expect(byId.asyncThrow).toMatchObject({ verdict: 'error', reason: 'test() failed asynchronously: boom later' });
    expect(byId.unhandled).toMatchObject({ verdict: 'error', reason: 'test() failed asynchronously: nobody listens' });
    expect(byId.fine.verdict).toBe('pass');
  });
});

describe('silently accepted input is refused (issue 14 items 22 and 26)', () => {
  const project = () =>
    dirWith({
      'src/a.ts': 'export const a = 1;\n',
      'pitchey-fit.config.json': JSON.stringify({
        name: 'u',
        services: { a: ['src/**'] },
        history: { enabled: false },
      }),
    });

  it('pitchey-fit with no command is a usage error (exit 2); asking for help is not', () => {
    const r = runCli([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Usage: pitchey-fit/);
    expect(runCli(['platform']).code).toBe(2);
    for (const args of [['help'], ['help', 'check'], ['--help']]) {
      const help = runCli(args);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(/Usage: pitchey-fit/);
    }
  });

  it.each([
    [['static', '--reporter', ''], /--reporter needs at least one of/],
    [['static', '--fail-on', ''], /--fail-on needs at least one level/],
    [['check', '--only', ''], /--only needs at least one of/],
    [['check', '--skip', ' , '], /--skip needs at least one of/],
    [['static', '--function-timeout', '0'], /--function-timeout must be a positive number of seconds/],
  ])('%j is exit 2 with one line', (args, message) => {
    const dir = project();
    const r = runCli(args, { cwd: dir });
    expect(r.code).toBe(2);
    expect(expectOneLineError(r)).toMatch(message);
    expect(fs.existsSync(path.join(dir, 'pitchey-fit-report'))).toBe(false);
  });

  it('--k6-operator -1 is rejected before the script is written', () => {
    const dir = dirWith({
      'pitchey-fit.config.json': JSON.stringify({
        name: 'k6',
        history: { enabled: false },
        load: {
          scenarios: {
            s: { executor: 'constant-vus', vus: 1, duration: '1s', requests: [{ name: 'home', path: '/' }] },
          },
        },
      }),
    });
    const r = runCli(['load', '--export-k6', 'out/test.js', '--k6-operator=-1'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(expectOneLineError(r)).toMatch(/--k6-operator must be a positive whole number, got '-1'/);
    expect(fs.existsSync(path.join(dir, 'out'))).toBe(false);
  });

  it('--target-n that is not a measured N is exit 2 (as scale.targetN outside scale.steps)', () => {
    const dir = project();
    fs.writeFileSync(path.join(dir, 'points.csv'), 'N,X\n1,100\n2,190\n4,360\n');
    const r = runCli(['scale', '--from-points', 'points.csv', '--target-n', '3'], { cwd: dir });
    expect(r.code).toBe(2);
    expect(expectOneLineError(r)).toMatch(/--target-n 3 is not a measured N in points\.csv \(1, 2, 4\)/);
    const ok = runCli(['scale', '--from-points', 'points.csv', '--target-n', '4', '--reporter', 'json'], { cwd: dir });
    expect(ok.code).toBe(0);
  });
});
