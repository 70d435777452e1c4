import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { ExitCode } from '../../src/core/exit-codes.js';
import { replicaCommandTarget } from '../../src/load/scaling/replica-command.js';
import { runSweep, ScaleSweepError } from '../../src/load/scaling/sweep.js';
import { closedPort } from './test-server.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-replicas-'));

/**
 * `node scale.cjs N`: stops the previous replicas (pid file) and starts N node:cluster workers on PORT, detached, as
 * `docker compose up --scale` would. The primary creates ready-N only 300 ms after every worker listens.
 */
const SCALE = `
const { spawn } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');
const dir = __dirname;
const n = Number(process.argv[2]);
const pidFile = path.join(dir, 'replicas.pid');
if (fs.existsSync(pidFile)) {
  try { process.kill(Number(fs.readFileSync(pidFile, 'utf8')), 'SIGTERM'); } catch {}
  const t = Date.now(); while (Date.now() - t < 300) {}
}
for (const f of fs.readdirSync(dir)) if (f.startsWith('ready-')) fs.rmSync(path.join(dir, f));
const child = spawn(process.execPath, [path.join(dir, 'replicas.cjs'), String(n)], { detached: true, stdio: 'ignore' });
fs.writeFileSync(pidFile, String(child.pid));
fs.appendFileSync(path.join(dir, 'log'), 'scale ' + n + '\\n');
child.unref();
`;
const REPLICAS = `
const cluster = require('node:cluster');
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const n = Number(process.argv[2]);
if (cluster.isPrimary) {
  let listening = 0;
  for (let i = 0; i < n; i++) cluster.fork().on('listening', () => {
    if (++listening === n) setTimeout(() => fs.writeFileSync(path.join(__dirname, 'ready-' + n), ''), 300);
  });
  process.on('SIGTERM', () => { for (const w of Object.values(cluster.workers)) w.kill(); process.exit(0); });
} else {
  http.createServer((req, res) => res.end(String(process.pid))).listen(Number(process.env.PORT), '127.0.0.1');
}
`;
fs.writeFileSync(path.join(dir, 'scale.cjs'), SCALE);
fs.writeFileSync(path.join(dir, 'replicas.cjs'), REPLICAS);

afterAll(() => {
  const pidFile = path.join(dir, 'replicas.pid');
  if (fs.existsSync(pidFile)) {
    try {
      process.kill(Number(fs.readFileSync(pidFile, 'utf8')), 'SIGTERM');
    } catch {
      // already stopped
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("scale.mode 'command': a user command sets the replica count, readiness is awaited, then measured", () => {
  it('runs the command per step with {n}, waits for ready-{n}, and measures N replicas', async () => {
    const port = await closedPort();
    process.env.PORT = String(port);
    const section = await runSweep({
      mode: 'command',
      steps: [1, 2],
      repeats: 1,
      warmupSec: 0,
      durationSec: 0.5,
      connections: 2,
      path: '/',
      fit: { bootstrap: 0 },
      startTarget: replicaCommandTarget({
        command: `node ${path.join(dir, 'scale.cjs')} {n}`,
        readyCommand: `test -f ${path.join(dir, 'ready-{n}')}`,
        readyTimeoutMs: 20_000,
        baseUrl: `http://127.0.0.1:${port}`,
      }),
    });
    expect(fs.readFileSync(path.join(dir, 'log'), 'utf8')).toBe('scale 1\nscale 2\n');
    expect(section.mode).toBe('command');
    expect(section.points.map((p) => p.n)).toEqual([1, 2]);
    // Measured only after readiness: a request before the workers listened would have been refused (exit 3).
    for (const p of section.points) {
      expect(p.throughput).toBeGreaterThan(0);
      expect(p.errors).toBe(0);
    }
    expect(section.notes.join('\n')).toContain('2 connections per replica');
    // Two replicas answer from two worker pids.
    const pids = new Set<string>();
    for (let i = 0; i < 40 && pids.size < 2; i++)
      pids.add(await (await fetch(`http://127.0.0.1:${port}/`, { headers: { connection: 'close' } })).text());
    expect(pids.size).toBe(2);
  });

  it('a readiness that never comes ends the step within its timeout: exit 3 naming the last check', async () => {
    const started = Date.now();
    const err = await runSweep({
      mode: 'command',
      steps: [1],
      repeats: 1,
      warmupSec: 0,
      durationSec: 0.5,
      path: '/',
      startTarget: replicaCommandTarget({
        command: 'true {n}',
        readyCommand: 'echo "0/{n} pods ready" >&2; exit 1',
        readyTimeoutMs: 1000,
        baseUrl: 'http://127.0.0.1:1',
      }),
    }).catch((e: unknown) => e);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(err).toBeInstanceOf(ScaleSweepError);
    expect((err as ScaleSweepError).exitCode).toBe(ExitCode.TargetUnreachable);
    expect((err as Error).message).toBe(
      'scale step N=1: the target did not start: N=1 replicas not ready within 1 s (last: readyCommand exited 1: 0/1 pods ready)',
    );
  });

  it('a failing replica command is a config error (exit 2) with its last output line', async () => {
    const err = await runSweep({
      mode: 'command',
      steps: [3],
      repeats: 1,
      warmupSec: 0,
      durationSec: 0.5,
      path: '/',
      startTarget: replicaCommandTarget({
        command: 'echo "error: deployment api not found (replicas {n})" >&2; exit 4',
        readyUrl: 'http://127.0.0.1:1/',
        readyTimeoutMs: 5000,
        baseUrl: 'http://127.0.0.1:1',
      }),
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toBe(
      `config scale.replicas.command: 'echo "error: deployment api not found (replicas 3)" >&2; exit 4' exited 4: ` +
        'error: deployment api not found (replicas 3)',
    );
  });

  it('a command without {n}, or no readiness check, is refused', () => {
    const base = { baseUrl: 'http://127.0.0.1:1', readyTimeoutMs: 1000 };
    expect(() =>
      replicaCommandTarget({ ...base, command: 'kubectl scale deploy/api --replicas=3', readyUrl: 'http://x/' }),
    ).toThrow(
      'config scale.replicas.command: must contain {n}, the replica count, got "kubectl scale deploy/api --replicas=3"',
    );
    expect(() => replicaCommandTarget({ ...base, command: 'kubectl scale deploy/api --replicas={n}' })).toThrow(
      'config scale.replicas: set readyUrl or readyCommand: a step is measured only once the replicas are ready',
    );
  });
});
