import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectOneLineError, ROOT, runCli, runCliAsync } from '../cli/run-cli.js';
import { makeReadOnly } from './read-only-dir.js';

// Issue 14 items 9, 10, 15 through the built CLI: every output path is checked before the run (exit 2 naming it),
// and an unreachable pushgateway costs a warning, not the verdict.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-output-e2e-'));
const fixture = path.join(tmp, 'monolith');
fs.cpSync(path.join(ROOT, 'fixtures', 'pitchey-monolith'), fixture, { recursive: true });
const aFile = path.join(tmp, 'a-file');
fs.writeFileSync(aFile, 'not a folder');
const readOnly = path.join(tmp, 'read-only');
fs.mkdirSync(readOnly);
const undoReadOnly = makeReadOnly(readOnly);
const emptyDir = path.join(tmp, 'empty'); // no config: the bundled platform's defaults (export needs no server)
fs.mkdirSync(emptyDir);
const resultFile = path.join(tmp, 'result.json');
afterAll(() => {
  undoReadOnly?.();
  fs.rmSync(tmp, { recursive: true, force: true });
});

/** Exit 2, one stderr line naming the path, nothing on stdout (the run never started). */
function expectRefusedBeforeRun(run: ReturnType<typeof runCli>, message: string | RegExp): void {
  const line = expectOneLineError(run);
  expect(run.code).toBe(2);
  if (typeof message === 'string') expect(line).toBe(`pitchey-fit: ${message}`);
  else expect(line).toMatch(message);
  expect(run.stdout).toBe('');
}

describe('output paths are checked before the run (issue 14 item 9)', () => {
  it('static -o <a file> / <under a file> / <a read-only folder>', (ctx) => {
    const run = (out: string) => runCli(['static', '--no-history', '-r', 'console,json', '-o', out], { cwd: fixture });
    expectRefusedBeforeRun(run(aFile), `--out-dir ${aFile} is a file, not a folder`);
    expectRefusedBeforeRun(
      run(path.join(aFile, 'out')),
      `--out-dir ${path.join(aFile, 'out')} is under ${aFile}, which is a file`,
    );
    if (!undoReadOnly) ctx.skip();
    expectRefusedBeforeRun(
      run(readOnly),
      new RegExp(`^pitchey-fit: --out-dir ${readOnly} is not writable \\((EACCES|EPERM)\\)$`),
    );
  });

  it('static --prom-file <a folder>', () => {
    const run = runCli(['static', '--no-history', '--prom-file', tmp], { cwd: fixture });
    expectRefusedBeforeRun(run, `--prom-file ${tmp} is a folder, expected a file`);
  });

  it('static --pushgateway <not a URL>', () => {
    const run = runCli(['static', '--no-history', '--pushgateway', 'gateway:9091'], { cwd: fixture });
    expectRefusedBeforeRun(run, '--pushgateway: expected an http(s) URL, got gateway:9091');
  });

  it('load --export-k6 <a folder> / <under a file>', () => {
    expectRefusedBeforeRun(
      runCli(['load', '--export-k6', tmp], { cwd: emptyDir }),
      `--export-k6 ${tmp} is a folder, expected a file`,
    );
    const under = path.join(aFile, 'script.js');
    expectRefusedBeforeRun(
      runCli(['load', '--export-k6', under], { cwd: emptyDir }),
      `--export-k6 ${under} cannot be written: its folder ${aFile} is a file, not a folder`,
    );
  });

  it('prometheus-rules --output <a folder>', () => {
    expectRefusedBeforeRun(
      runCli(['prometheus-rules', '--output', tmp]),
      `--output ${tmp} is a folder, expected a file`,
    );
  });

  it('baseline --file <a folder> refuses before the static analysis', () => {
    expectRefusedBeforeRun(
      runCli(['baseline', '--file', tmp], { cwd: fixture }),
      `--file ${tmp} is a folder, expected a file`,
    );
  });

  it('report <result.json> -o <a file> -r html', () => {
    const made = runCli(['static', '--no-history', '-r', 'json', '-o', tmp], { cwd: fixture });
    expect(made.code).toBe(1); // the monolith fails its fitness functions; result.json is written
    expect(fs.existsSync(resultFile)).toBe(true);
    expectRefusedBeforeRun(
      runCli(['report', resultFile, '-r', 'html', '-o', aFile]),
      `--out-dir ${aFile} is a file, not a folder`,
    );
  });

  it('-o /proc/nope exits 2 at once instead of spinning (issue 14 item 15)', () => {
    const started = Date.now();
    const run = runCli(['static', '--no-history', '-o', '/proc/nope'], { cwd: fixture, timeoutMs: 20_000 });
    expectRefusedBeforeRun(
      run,
      "--out-dir /proc/nope is on the kernel's proc filesystem (/proc), where no file can be created",
    );
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

describe('an unreachable --pushgateway (issue 14 item 10)', () => {
  it('warns; the console report and the gate verdict (exit 1 here) stand', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((r) => closed.close(() => r()));
    const run = await runCliAsync(['static', '--no-history', '-r', 'console', '--pushgateway', url], { cwd: fixture });
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/Verdict: FAIL/);
    expect(run.stderr).toContain(
      `warning: pushgateway ${url} unreachable: ECONNREFUSED; the metrics were not pushed (the verdict stands)`,
    );
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
