/**
 * Issue 14, "every run stops within 2 s of the first Ctrl-C / SIGTERM with its partial result written": SIGINT and
 * SIGTERM to a real child process during load (a target that never answers, gracefulStop 30 s), during a scale sweep
 * and during a static analysis of a large generated monorepo; and `check` interrupted with a failed function is 130
 * (item 4). Prints each measured stop time.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateMonorepo } from '../../scripts/gen-monorepo.js';
import { BIN } from '../cli/run-cli.js';
import { listen, project, readResult, resultPath, scratch, type Listening } from './harness.js';

const STOP_BOUND_MS = 2000;
const measured: string[] = [];
afterAll(() => {
  console.log(`faults corpus (stop): ${measured.length} cases (items 4, 11, 13); stop times after the first signal:`);
  console.log(`  ${measured.join('\n  ')}`);
  fs.rmSync(scratch, { recursive: true, force: true });
});

type Signal = 'SIGINT' | 'SIGTERM';

/**
 * Runs the CLI in `cwd`; `arm(fire)` decides when to send the signal. Resolves with the exit code, the time from the
 * signal to the process's end, and stderr.
 */
function interrupt(
  args: string[],
  cwd: string,
  signal: Signal,
  arm: (fire: () => void, stderrSoFar: () => string) => void,
) {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, NO_COLOR: '1' } });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  child.stdout.resume();
  let firedAt = 0;
  arm(
    () => {
      if (firedAt) return;
      firedAt = performance.now();
      child.kill(signal);
    },
    () => stderr,
  );
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise<{ code: number | null; stopMs: number; stderr: string }>((resolve) => {
    child.on('close', (code) => {
      clearTimeout(killer);
      resolve({ code, stopMs: firedAt ? performance.now() - firedAt : Number.NaN, stderr });
    });
  });
}

/** Fires on the server's first request, after `delayMs`. */
const onFirstRequest = (target: Listening, delayMs: number) => (fire: () => void) =>
  target.server.once('request', () => setTimeout(fire, delayMs));

function expectStoppedWithPartial(
  what: string,
  r: { code: number | null; stopMs: number; stderr: string },
  dir: string,
) {
  measured.push(`${what}: ${r.stopMs.toFixed(0)} ms (exit ${r.code})`);
  expect(r.code, r.stderr).toBe(130);
  expect(r.stopMs).toBeLessThan(STOP_BOUND_MS);
  expect(r.stderr).not.toMatch(/\n\s+at .+:\d+:\d+/);
  expect(fs.existsSync(resultPath(dir)), `${what}: result.json`).toBe(true);
  const result = readResult(dir);
  expect(result.partial).toBe(true);
  return result;
}

let hanging: Listening;
let slow: Listening;
beforeAll(async () => {
  hanging = await listen(() => {
    /* accepts, never answers */
  });
  slow = await listen((_req, res) => setTimeout(() => res.end('ok'), 20));
});
afterAll(async () => {
  await Promise.all([hanging.close(), slow.close()]);
});

const loadConfig = (url: string, fitness = '') => `export default {
  name: 'stop', history: { enabled: false }, checks: ['load'],
  fitness: { ${fitness} },
  load: {
    baseUrl: '${url}',
    scenarios: { s: { executor: 'constant-vus', vus: 2, duration: '30s', requests: [{ name: 'r', path: '/' }] } },
  },
};
`;

describe('the first signal stops the run within 2 s and writes the partial result', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('%s during load against a target that never answers', async (signal) => {
    const dir = project({ 'pitchey-fit.config.mjs': loadConfig(hanging.url) });
    const r = await interrupt(['load', '-r', 'json'], dir, signal, onFirstRequest(hanging, 200));
    const result = expectStoppedWithPartial(`load, hanging target, ${signal}`, r, dir);
    // The requests cut by the interrupt are failed requests, not "no data".
    const s = result.load?.scenarios[0];
    if (s) expect(s.metrics.http_req_failed.values.passes).toBe(s.metrics.http_reqs.values.count);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('%s during a scale sweep', async (signal) => {
    const dir = project({
      'pitchey-fit.config.json': JSON.stringify({
        name: 'stop',
        history: { enabled: false },
        scale: { warmup: '0s', duration: '20s', steps: [1, 2, 4] },
      }),
    });
    const r = await interrupt(['scale', '--base-url', slow.url, '-r', 'json'], dir, signal, onFirstRequest(slow, 500));
    expectStoppedWithPartial(`scale sweep, ${signal}`, r, dir);
  });

  describe('static analysis of a large generated monorepo', () => {
    const mono = path.join(scratch, 'mono');
    beforeAll(() => {
      generateMonorepo(mono, 4000, 20);
      fs.writeFileSync(
        path.join(mono, 'pitchey-fit.config.json'),
        JSON.stringify({ name: 'mono', history: { enabled: false } }),
      );
    });

    it.each(['SIGINT', 'SIGTERM'] as const)('%s while it parses', async (signal) => {
      const out = `out-${signal}`;
      const r = await interrupt(['static', '-r', 'json', '-o', out], mono, signal, (fire) => setTimeout(fire, 800));
      measured.push(`static, 4000 files, ${signal}: ${r.stopMs.toFixed(0)} ms (exit ${r.code})`);
      expect(r.code).toBe(130);
      expect(r.stopMs).toBeLessThan(STOP_BOUND_MS);
      const result = readResult(mono, out);
      expect(result.partial).toBe(true);
      expect(result.static).toBeUndefined();
    });
  });

  it('SIGTERM while the config still loads (a top-level await on a pending timer): 130 within 2 s', async () => {
    const dir = project({
      'pitchey-fit.config.mjs': `process.stderr.write('loading\\n');
await new Promise(() => { setInterval(() => {}, 1000); });
export default {};
`,
    });
    const r = await interrupt(['check'], dir, 'SIGTERM', (fire, stderr) => {
      const watch = setInterval(() => {
        if (stderr().includes('loading')) {
          clearInterval(watch);
          fire();
        }
      }, 20);
    });
    measured.push(`config still loading, SIGTERM: ${r.stopMs.toFixed(0)} ms (exit ${r.code})`);
    expect(r.code).toBe(130);
    expect(r.stopMs).toBeLessThan(STOP_BOUND_MS);
    expect(r.stderr).toMatch(/^pitchey-fit: interrupted: config: pitchey-fit\.config\.mjs was still loading$/m);
  });

  it('item 4: check interrupted is exit 130 even when a function already failed', async () => {
    const dir = project({
      'pitchey-fit.config.mjs': loadConfig(slow.url, `alwaysFails: { metric: 'm', target: '> 1', test: () => 0 },`),
    });
    const r = await interrupt(['check', '-r', 'json'], dir, 'SIGINT', onFirstRequest(slow, 300));
    const result = expectStoppedWithPartial('check with a failed function, SIGINT', r, dir);
    expect(result.functions.find((f) => f.id === 'alwaysFails')?.verdict).toBe('fail');
  });
});
