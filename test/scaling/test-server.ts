/** A small node:http server in a child process on 127.0.0.1, for sweep and autocannon tests. */
import { spawn, type ChildProcess } from 'node:child_process';

const SCRIPT = `
const http = require('node:http');
let count = 0;
let last = null;
const server = http.createServer((req, res) => {
  const url = new URL(req.url, 'http://x');
  if (url.pathname === '/count') { res.end(String(count)); return; }
  if (url.pathname === '/last') { res.end(JSON.stringify(last)); return; }
  count++;
  if (url.pathname === '/hang') return; // never answers
  if (url.pathname === '/echo') {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => { last = { method: req.method, path: req.url, contentType: req.headers['content-type'] ?? null, auth: req.headers.authorization ?? null, body }; res.end('ok'); });
    return;
  }
  if (url.pathname === '/fail' || process.env.FAIL_ALL === '1') { res.statusCode = 500; res.end('fail'); return; }
  if (url.pathname === '/work') {
    // about 1 ms of CPU per request, so throughput depends on the CPU the server gets
    const until = process.hrtime.bigint() + 1000000n;
    while (process.hrtime.bigint() < until) {}
  }
  res.setHeader('content-type', 'text/plain');
  res.end('ok');
});
server.listen(0, '127.0.0.1', () => process.stdout.write(String(server.address().port) + '\\n'));
`;

export interface TestServer {
  url: string;
  /** Requests the server saw (an independent count). */
  count(): Promise<number>;
  /** The last request to /echo: method, path, content-type, authorization, body. */
  last(): Promise<Record<string, string | null> | null>;
  pid: number;
  stop: () => Promise<void>;
}

/** `failAll`: every request gets a 500. */
export async function startTestServer(opts: { failAll?: boolean } = {}): Promise<TestServer> {
  const child: ChildProcess = spawn(process.execPath, ['-e', SCRIPT], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, FAIL_ALL: opts.failAll ? '1' : '0' },
  });
  const port = await new Promise<number>((resolve, reject) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      if (buf.includes('\n')) resolve(Number(buf.trim()));
    });
    child.once('exit', (code) => reject(new Error(`test server exited with ${code}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    count: async () => Number(await (await fetch(`http://127.0.0.1:${port}/count`)).text()),
    last: async () =>
      (await (await fetch(`http://127.0.0.1:${port}/last`)).json()) as Record<string, string | null> | null,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** A port nothing listens on: bind one, then close it. */
export async function closedPort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}
