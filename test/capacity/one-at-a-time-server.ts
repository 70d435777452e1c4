/**
 * A server with a fixed service-time limit: one request at a time (a single-threaded handler that holds the event
 * loop), each taking `serviceMs` of busy CPU. Its capacity is 1000 / serviceMs requests per second — 500 for 2 ms —
 * minus a little for HTTP parsing; past it the queue, and the latency, grow without bound.
 */
import { spawn, type ChildProcess } from 'node:child_process';

const SCRIPT = `
const http = require('node:http');
const serviceNs = BigInt(Math.round(Number(process.env.SERVICE_MS) * 1e6));
let served = 0;
http.createServer((req, res) => {
  if (req.url === '/served') return res.end(String(served));
  const until = process.hrtime.bigint() + serviceNs;
  while (process.hrtime.bigint() < until) {}
  served++;
  res.end('ok');
}).listen(0, '127.0.0.1', function () { process.stdout.write(this.address().port + '\\n'); });
`;

export async function startOneAtATimeServer(
  serviceMs: number,
): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ['-e', SCRIPT], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, SERVICE_MS: String(serviceMs) },
  });
  const port = await new Promise<number>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      if (buf.includes('\n')) resolve(Number(buf.trim()));
    });
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
