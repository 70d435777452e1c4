/**
 * Shared parts of the issue 14 fault corpus: a tally of cases per item, throwaway projects, result.json reading and
 * small misbehaving HTTP servers in this process on 127.0.0.1 (the load-engine ones live in
 * test/load/helpers/fault-server.ts and are reused).
 */
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Result } from '../../src/core/result.js';
import type { CliRun } from '../cli/run-cli.js';

/** Cases tried, by issue 14 item number. */
export class Tally {
  private readonly byItem = new Map<number, number>();
  add(item: number, cases = 1): void {
    this.byItem.set(item, (this.byItem.get(item) ?? 0) + cases);
  }
  get cases(): number {
    return [...this.byItem.values()].reduce((a, b) => a + b, 0);
  }
  get items(): number[] {
    return [...this.byItem.keys()].sort((a, b) => a - b);
  }
}

export const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-corpus-'));

/** A fresh folder holding the given files. */
export function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(scratch, 'case-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

export const resultPath = (dir: string, out = 'pitchey-fit-report') => path.join(dir, out, 'result.json');
export const readResult = (dir: string, out?: string): Result =>
  JSON.parse(fs.readFileSync(resultPath(dir, out), 'utf8')) as Result;

/** A run that ended with a user-facing error: one stderr line, no stack frame. Returns that line. */
export function oneLine(run: CliRun): string {
  const lines = run.stderr.trim().split('\n');
  if (lines.length !== 1 || /\n\s+at /.test(run.stderr)) {
    throw new Error(`expected one stderr line (exit ${run.code}), got:\n${run.stderr}`);
  }
  return lines[0];
}

/** Never a stack frame on stderr, never "Verdict: PASS" on stdout with a non-zero or a broken measurement. */
export const hasStack = (run: CliRun) => /\n\s+at .+:\d+:\d+/.test(run.stderr);

export interface Listening {
  url: string;
  server: http.Server;
  /** Requests the server saw (an independent count). */
  hits: () => number;
  close(): Promise<void>;
}

export async function listen(handler: http.RequestListener): Promise<Listening> {
  let hits = 0;
  const server = http.createServer((req, res) => {
    hits++;
    handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    hits: () => hits,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 where nothing listens (bound, then released). */
export async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise((resolve) => s.close(resolve));
  return port;
}

/** Runs `tasks` with at most `width` at a time (the machine has 2 cores; CLI runs are mostly waiting). */
export async function pool<T>(width: number, tasks: (() => Promise<T>)[]): Promise<T[]> {
  const results: T[] = new Array<T>(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      results[i] = await tasks[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, tasks.length) }, worker));
  return results;
}
