/**
 * `scale.mode: 'command'`: a real system whose replica count a user command sets — `kubectl scale deploy/api
 * --replicas={n}`, `docker compose up -d --scale api={n}` — then a readiness URL or command is awaited (bounded) and
 * the step is measured against the system's base URL.
 */
import { spawn } from 'node:child_process';
import { ConfigError, TargetUnreachableError } from '../../core/errors.js';
import type { ScaleTarget } from './sweep.js';

export interface ReplicaCommandOptions {
  /** Shell command with `{n}`, run once per step. */
  command: string;
  baseUrl: string;
  readyUrl?: string;
  /** Shell command with optional `{n}`, retried until it exits 0. */
  readyCommand?: string;
  readyTimeoutMs: number;
  /** Pause between readiness attempts. Default 250 ms. */
  pollMs?: number;
  signal?: AbortSignal;
  log?(line: string): void;
}

export function validateReplicaOptions(o: Partial<ReplicaCommandOptions>): void {
  if (!o.command?.includes('{n}')) {
    throw new ConfigError(
      `must contain {n}, the replica count, got ${JSON.stringify(o.command ?? '')}`,
      'scale.replicas.command',
    );
  }
  if (!o.readyUrl && !o.readyCommand) {
    throw new ConfigError(
      'set readyUrl or readyCommand: a step is measured only once the replicas are ready',
      'scale.replicas',
    );
  }
}

const fill = (template: string, n: number) => template.replaceAll('{n}', String(n));

interface ShellResult {
  code: number | null;
  output: string;
}

/** Runs a shell command; its last output line explains a failure. Killed when `timeoutMs` passes or on abort. */
function runShell(command: string, timeoutMs: number, signal?: AbortSignal): Promise<ShellResult> {
  return new Promise((resolve) => {
    const child = spawn('/bin/sh', ['-c', command], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    const keep = (d: Buffer) => {
      output = (output + d.toString()).slice(-2000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    // The whole process group: a shell's children (docker, kubectl) stop with it.
    const kill = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* already gone */
      }
    };
    const timer = setTimeout(kill, timeoutMs);
    signal?.addEventListener('abort', kill, { once: true });
    child.on('close', (code) => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', kill);
      resolve({ code, output });
    });
    child.on('error', (e) => resolve({ code: null, output: e.message }));
  });
}

const lastLine = (s: string) => s.trim().split('\n').filter(Boolean).pop()?.trim() ?? '';
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((r) => {
    const t = setTimeout(r, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        r();
      },
      { once: true },
    );
  });

async function urlReady(url: string, timeoutMs: number): Promise<string | null> {
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(Math.max(100, timeoutMs)) });
    await res.arrayBuffer();
    return res.ok ? null : `HTTP ${res.status}`;
  } catch (e) {
    const cause = (e as { cause?: { code?: string } }).cause?.code;
    return cause ?? (e instanceof Error ? e.message : String(e));
  }
}

/** Polls the readiness URL or command until it succeeds; TargetUnreachableError with the last cause on timeout. */
async function awaitReady(o: ReplicaCommandOptions, n: number): Promise<number> {
  const started = Date.now();
  const deadline = started + o.readyTimeoutMs;
  let last = 'never tried';
  while (!o.signal?.aborted) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    if (o.readyUrl) {
      const why = await urlReady(o.readyUrl, Math.min(left, 5000));
      if (why === null) return Date.now() - started;
      last = `${o.readyUrl}: ${why}`;
    } else {
      const r = await runShell(fill(o.readyCommand!, n), Math.min(left, 30_000), o.signal);
      if (r.code === 0) return Date.now() - started;
      last = `readyCommand exited ${r.code ?? 'by a signal'}${lastLine(r.output) ? `: ${lastLine(r.output)}` : ''}`;
    }
    await sleep(Math.min(o.pollMs ?? 250, Math.max(0, deadline - Date.now())), o.signal);
  }
  throw new TargetUnreachableError(
    `N=${n} replicas not ready within ${Math.round(o.readyTimeoutMs / 1000)} s (last: ${last})`,
  );
}

/** A `startTarget` for runSweep: sets N replicas with the user's command, awaits readiness, returns the base URL. */
export function replicaCommandTarget(o: ReplicaCommandOptions): (n: number) => Promise<ScaleTarget> {
  validateReplicaOptions(o);
  return async (n) => {
    const command = fill(o.command, n);
    o.log?.(`  scale N=${n}: ${command}`);
    const r = await runShell(command, o.readyTimeoutMs, o.signal);
    if (r.code !== 0) {
      throw new ConfigError(
        `'${command}' exited ${r.code ?? 'by a signal (timeout)'}${lastLine(r.output) ? `: ${lastLine(r.output)}` : ''}`,
        'scale.replicas.command',
      );
    }
    const waited = await awaitReady(o, n);
    o.log?.(`  scale N=${n}: ready after ${(waited / 1000).toFixed(1)} s`);
    // The replicas keep running between steps; the next step's command changes their count.
    return { url: o.baseUrl, pids: [], stop: async () => {} };
  };
}
