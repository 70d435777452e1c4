/**
 * A server with N service slots (N instances' worth of capacity in one process): each request holds a slot for
 * `serviceMs` of wall time (a timer, not CPU, so a busy machine barely changes it); requests beyond N wait in a FIFO.
 * Its capacity is N × 1000 / serviceMs requests per second — less by whatever the timers overshoot.
 */
import { spawn, type ChildProcess } from 'node:child_process';

/** The server as a CommonJS script: SLOTS and SERVICE_MS from the environment, PORT too (default: any free one). */
export const SLOT_SERVER_SCRIPT = `
const http = require('node:http');
const slots = Number(process.env.SLOTS);
const serviceMs = Number(process.env.SERVICE_MS);
let busy = 0;
const waiting = [];
const start = (res) => {
  busy++;
  setTimeout(() => {
    res.end('ok');
    busy--;
    const next = waiting.shift();
    if (next) start(next);
  }, serviceMs);
};
http.createServer((req, res) => {
  req.resume();
  if (busy < slots) start(res);
  else waiting.push(res);
}).listen(Number(process.env.PORT || 0), '127.0.0.1', function () { process.stdout.write(this.address().port + '\\n'); });
`;

export async function startSlotServer(
  slots: number,
  serviceMs: number,
): Promise<{ url: string; pid: number; stop(): Promise<void> }> {
  const child: ChildProcess = spawn(process.execPath, ['-e', SLOT_SERVER_SCRIPT], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, PORT: '0', SLOTS: String(slots), SERVICE_MS: String(serviceMs) },
  });
  const port = await new Promise<number>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      if (buf.includes('\n')) resolve(Number(buf.trim()));
    });
    child.once('exit', (code) => reject(new Error(`slot server exited with ${code}`)));
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
