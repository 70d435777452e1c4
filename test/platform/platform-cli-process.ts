import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(root, 'dist', 'platform', 'cli.js');
const running: Array<{ child: ChildProcess; dir: string }> = [];

export interface CliPlatform {
  url: string;
  /** The parsed ready line. */
  ready: { url: string; pid: number; workers: number; db: string };
  child: ChildProcess;
  dir: string;
  stderr(): string;
}

/** `node dist/platform/cli.js start --port 0 --data-dir <fresh dir> …args`, resolved on its ready line. */
export async function startPlatformCli(
  args: string[],
  opts: { parentDir?: string; timeoutMs?: number } = {},
): Promise<CliPlatform> {
  const dir = mkdtempSync(path.join(opts.parentDir ?? os.tmpdir(), 'pitchey-cli-'));
  const child = spawn(process.execPath, [cli, 'start', '--port', '0', '--data-dir', dir, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.push({ child, dir });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const ready = await new Promise<CliPlatform['ready']>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`no ready line: ${stderr}`)), opts.timeoutMs ?? 90_000);
    readline.createInterface({ input: child.stdout }).once('line', (l) => {
      clearTimeout(t);
      resolve(JSON.parse(l) as CliPlatform['ready']);
    });
    child.once('exit', (c) => reject(new Error(`platform exited ${c}: ${stderr}`)));
  });
  return { url: ready.url, ready, child, dir, stderr: () => stderr };
}

/** Stops (SIGTERM, awaited) every platform started here and removes its data dir. */
export async function stopPlatformClis(): Promise<void> {
  for (const r of running.splice(0)) {
    if (r.child.exitCode === null && r.child.signalCode === null) {
      const exited = new Promise((res) => r.child.once('exit', res));
      r.child.kill('SIGTERM');
      await exited;
    }
    rmSync(r.dir, { recursive: true, force: true });
  }
}
