/**
 * A node:cluster server on 127.0.0.1: a primary (the shared part) and N forked workers that each spend about 1 ms of
 * CPU per request on /work — the shape of the bundled platform's `--workers N --cluster`, for scale-model tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const SCRIPT = `
const cluster = require('node:cluster');
const http = require('node:http');
const n = Number(process.env.WORKERS);
if (cluster.isPrimary) {
  let ready = 0;
  let port = 0;
  for (let i = 0; i < n; i++) {
    const w = cluster.fork();
    w.on('message', (m) => {
      port = m.port;
      if (++ready === n) process.stdout.write(port + '\\n');
    });
  }
  process.on('SIGTERM', () => { for (const w of Object.values(cluster.workers)) w.kill(); process.exit(0); });
} else {
  const server = http.createServer((req, res) => {
    if (req.url === '/work') {
      const until = process.hrtime.bigint() + 1000000n;
      while (process.hrtime.bigint() < until) {}
    }
    res.end('ok');
  });
  server.listen(0, '127.0.0.1', () => process.send({ port: server.address().port }));
}
`;

export interface ClusterServer {
  url: string;
  primary: number;
  stop: () => Promise<void>;
}

export async function startClusterServer(workers: number): Promise<ClusterServer> {
  // node:cluster forks the script file again for each worker, so it cannot run from `node -e`.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pf-cluster-'));
  const file = path.join(dir, 'cluster-server.cjs');
  fs.writeFileSync(file, SCRIPT);
  const child: ChildProcess = spawn(process.execPath, [file], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, WORKERS: String(workers) },
  });
  const port = await new Promise<number>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      if (buf.includes('\n')) resolve(Number(buf.trim()));
    });
    child.once('exit', (code) => reject(new Error(`cluster server exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    primary: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) {
          fs.rmSync(dir, { recursive: true, force: true });
          return resolve();
        }
        child.once('exit', () => {
          fs.rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
