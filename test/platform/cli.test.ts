import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { SeedManifest } from '../../platform/gateway/seed.js';
import type { ApiEnvelope, Items } from './api-client.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(root, 'dist', 'platform', 'cli.js');
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(path.join(os.tmpdir(), 'pitchey-cli-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** The one JSON line `platform start` prints when it serves. */
interface ReadyLine {
  event: string;
  url: string;
  pid: number;
  workers: number;
  db: string;
}

const run = (args: string[]) => spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8', timeout: 60_000 });

function startCli(
  args: string[],
): Promise<{ child: ReturnType<typeof spawn>; ready: ReadyLine; stdoutLines: string[] }> {
  const child = spawn(process.execPath, [cli, 'start', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stdoutLines: string[] = [];
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ready line; stderr: ${stderr}`)), 60_000);
    readline.createInterface({ input: child.stdout }).on('line', (line) => {
      stdoutLines.push(line);
      if (stdoutLines.length === 1) {
        clearTimeout(t);
        resolve({ child, ready: JSON.parse(line) as ReadyLine, stdoutLines });
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
}

describe('platform CLI', () => {
  it('rejects bad flags with one line on stderr and exit 2', () => {
    for (const args of [
      ['start', '--port', 'abc'],
      ['start', '--bogus'],
      ['start', '--db', 'mysql://x'],
      ['start', '--mode', 'mesh'],
      ['seed', '--users', '-5'],
      ['frobnicate'],
      ['start', '--users', '5'],
    ]) {
      const r = run(args);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(r.stdout).toBe('');
    }
    const none = run(['stop', '--data-dir', tmp()]);
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/^platform: no platform running for /);
  });

  it('seeds deterministically: same arguments, same data', () => {
    const a = tmp();
    const b = tmp();
    const ra = run(['seed', '--data-dir', a, '--users', '60', '--pitches', '120']);
    const rb = run(['seed', '--data-dir', b, '--users', '60', '--pitches', '120']);
    expect(ra.status, ra.stderr).toBe(0);
    expect(rb.status, rb.stderr).toBe(0);
    const ma = JSON.parse(readFileSync(path.join(a, 'seed-manifest.json'), 'utf8')) as SeedManifest;
    const mb = JSON.parse(readFileSync(path.join(b, 'seed-manifest.json'), 'utf8')) as SeedManifest;
    expect(ma).toEqual(mb);
    expect(ma.counts.users).toBe(60);
    expect(ma.counts.pitches).toBe(120);
    expect(ma.users.filter((u) => u.role === 'creator').length).toBeGreaterThan(0);
    expect(ma.publishedPitchIds.length).toBe(ma.counts.publishedPitches);
    const again = run(['seed', '--data-dir', a]);
    expect(again.status).toBe(2);
    expect(again.stderr).toMatch(/already has users/);
  });

  it('start --seed prints one ready line, serves seeded data, writes the pid file, and stop ends it', async () => {
    const dir = tmp();
    const { child, ready, stdoutLines } = await startCli([
      '--port',
      '0',
      '--data-dir',
      dir,
      '--seed',
      '--users',
      '40',
      '--pitches',
      '80',
    ]);
    try {
      expect(Object.keys(ready).sort()).toEqual(['db', 'event', 'pid', 'url', 'workers']);
      expect(ready).toMatchObject({ event: 'ready', pid: child.pid, workers: 1, db: 'pglite' });
      expect(ready.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(JSON.parse(readFileSync(path.join(dir, 'platform.pid'), 'utf8'))).toEqual({
        pid: child.pid,
        url: ready.url,
      });
      const manifest = JSON.parse(readFileSync(path.join(dir, 'seed-manifest.json'), 'utf8')) as SeedManifest;
      const list = (await (await fetch(`${ready.url}/api/pitches/public?tab=new&limit=100`)).json()) as ApiEnvelope<
        Items<unknown>
      >;
      expect(list.data.items.length).toBe(manifest.counts.publishedPitches);
      const inv = manifest.users.find((u) => u.role === 'investor')!;
      const signIn = await fetch(`${ready.url}/api/auth/sign-in`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ email: inv.email, password: inv.password }),
      });
      expect(signIn.status).toBe(200);
      const second = run(['start', '--port', '0', '--data-dir', dir]);
      expect(second.status).toBe(2);
      expect(second.stderr).toMatch(/already running/);
    } finally {
      const stop = run(['stop', '--data-dir', dir]);
      expect(stop.status, stop.stderr).toBe(0);
      expect(stop.stdout).toMatch(new RegExp(`^stopped platform pid ${child.pid}`));
    }
    expect(child.exitCode ?? (await new Promise((r) => child.on('exit', r)))).toBe(0);
    expect(existsSync(path.join(dir, 'platform.pid'))).toBe(false);
    expect(stdoutLines).toHaveLength(1);
  });

  it('exits 0 on SIGTERM', async () => {
    const dir = tmp();
    const { child } = await startCli(['--port', '0', '--data-dir', dir]);
    const exited = new Promise((r) => child.on('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(path.join(dir, 'platform.pid'))).toBe(false);
  });
});
