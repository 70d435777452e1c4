import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { InputError, UsageError } from '../core/errors.js';
import type { SeedManifest } from './seed-manifest.js';
import { packageRoot } from '../config/package-root.js';

/** The bundled platform's entry, compiled. `src/` never imports platform code: it runs it as a process. */
export function platformEntry(): string {
  const entry = path.join(packageRoot(), 'dist', 'platform', 'cli.js');
  if (!fs.existsSync(entry)) {
    throw new UsageError(
      `the bundled platform is not built (${path.relative(process.cwd(), entry)} missing): run 'npm install' (or 'npm run build') in the pitchey-fit folder`,
    );
  }
  return entry;
}

export interface RunningPlatform {
  url: string;
  pid: number;
  workers: number;
  dataDir: string;
  manifest: SeedManifest | null;
  /** Pids of the platform's processes (the primary and its workers), for CPU accounting. */
  pids(): number[];
  stop(): Promise<void>;
}

export interface StartPlatformOptions {
  dataDir: string;
  workers?: number;
  seed?: { users: number; pitches: number };
  /** Extra flags passed to `platform start`. */
  args?: string[];
  timeoutMs?: number;
  /** Aborting stops the platform at once, even while it is still starting (seeding takes seconds). */
  signal?: AbortSignal;
}

/** Starts the bundled platform on a free loopback port and waits for its ready line. */
export async function startPlatformProcess(opts: StartPlatformOptions): Promise<RunningPlatform> {
  const args = [
    platformEntry(),
    'start',
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--data-dir',
    opts.dataDir,
    '--workers',
    String(opts.workers ?? 1),
    '--rate-limit',
    'off',
  ];
  if (opts.seed) args.push('--seed', '--users', String(opts.seed.users), '--pitches', String(opts.seed.pitches));
  args.push(...(opts.args ?? []));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-4000);
  });
  const ready = await waitForReady(child, opts.timeoutMs ?? 120_000, () => stderr, opts.signal);
  const manifestFile = path.join(opts.dataDir, 'seed-manifest.json');
  const manifest = fs.existsSync(manifestFile)
    ? (JSON.parse(fs.readFileSync(manifestFile, 'utf8')) as SeedManifest)
    : null;
  return {
    url: ready.url,
    pid: child.pid!,
    workers: ready.workers ?? 1,
    dataDir: opts.dataDir,
    manifest,
    pids: () => [child.pid!, ...childPids(child.pid!)],
    stop: () => stopChild(child),
  };
}

function waitForReady(
  child: ChildProcess,
  timeoutMs: number,
  stderr: () => string,
  signal: AbortSignal | undefined,
): Promise<{ url: string; workers?: number }> {
  return new Promise((resolve, reject) => {
    const lines = readline.createInterface({ input: child.stdout! });
    const onAbort = () => {
      clearTimeout(timer);
      // SIGTERM lets the platform stop its own workers; SIGKILL if it does not exit soon.
      child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), 1500);
      child.once('exit', () => clearTimeout(kill));
      reject(new Error('interrupted while the bundled platform was starting'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      child.kill('SIGKILL');
      reject(
        new InputError(
          `the bundled platform did not become ready within ${Math.round(timeoutMs / 1000)} s${tail(stderr())}`,
        ),
      );
    }, timeoutMs);
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    lines.on('line', (line) => {
      if (!line.startsWith('{')) return;
      try {
        const msg = JSON.parse(line) as { event?: string; url?: string; workers?: number };
        if (msg.event === 'ready' && msg.url) {
          clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          lines.removeAllListeners('line');
          child.stdout!.resume();
          resolve({ url: msg.url, workers: msg.workers });
        }
      } catch {
        /* not our line */
      }
    });
    child.once('exit', (code, exitSignal) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      reject(
        new InputError(
          `the bundled platform exited before it was ready (${exitSignal ?? `code ${code}`})${tail(stderr())}`,
        ),
      );
    });
  });
}

function tail(stderr: string): string {
  const last = stderr.trim().split('\n').filter(Boolean).pop();
  return last ? `: ${last.trim()}` : '';
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Direct children of a pid, from /proc (Linux); empty elsewhere. */
export function childPids(pid: number): number[] {
  try {
    const tasks = fs.readdirSync(`/proc/${pid}/task`);
    const out: number[] = [];
    for (const t of tasks) {
      const children = fs.readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').trim();
      if (children) out.push(...children.split(/\s+/).map(Number));
    }
    return out;
  } catch {
    return [];
  }
}
