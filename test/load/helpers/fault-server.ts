import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface FaultServer {
  url: string;
  /** Requests received, by path. */
  hits: Map<string, number>;
  close(): Promise<void>;
}

/**
 * A misbehaving HTTP server on 127.0.0.1, for the fault cases of the load engines:
 *  /hang            accepts the request and never answers
 *  /endless         200 with a chunked body that never ends (a chunk every 50 ms)
 *  /reset-mid-body  200, content-length 1000, 10 bytes of body, then a TCP reset
 *  /close-after-headers  200 headers (content-length 100), then the connection is closed
 *  /reset-after/<ms>     resets the connection after <ms> without answering
 *  /loop            301 to itself;  /a → 302 /b → 302 /a (a redirect cycle)
 *  /redirect/<n>    n redirects (302) then 200 {"ok":true}
 *  /ok              200 {"ok":true}
 */
export async function startFaultServer(): Promise<FaultServer> {
  const hits = new Map<string, number>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const p = new URL(req.url ?? '/', 'http://x').pathname;
    hits.set(p, (hits.get(p) ?? 0) + 1);
    req.resume();
    let m: RegExpExecArray | null;
    if (p === '/hang') return;
    if (p === '/endless') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      const t = setInterval(() => res.write('x'), 50);
      timers.add(t);
      res.on('close', () => clearInterval(t));
      return;
    }
    if (p === '/reset-mid-body') {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('0123456789', () => setTimeout(() => req.socket.resetAndDestroy(), 5));
      return;
    }
    if (p === '/close-after-headers') {
      res.writeHead(200, { 'content-length': '100' });
      res.flushHeaders();
      setTimeout(() => req.socket.destroy(), 5);
      return;
    }
    if ((m = /^\/reset-after\/(\d+)$/.exec(p))) {
      setTimeout(() => req.socket.resetAndDestroy(), Number(m[1]));
      return;
    }
    const redirect = (to: string, status = 302) => {
      res.writeHead(status, { location: to, 'content-length': '0' });
      res.end();
    };
    if (p === '/loop') return redirect('/loop', 301);
    if (p === '/a') return redirect('/b');
    if (p === '/b') return redirect('/a');
    if ((m = /^\/redirect\/(\d+)$/.exec(p))) {
      const n = Number(m[1]);
      if (n > 0) return redirect(`/redirect/${n - 1}`);
    }
    const body = '{"ok":true}';
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length });
    res.end(body);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    close: () =>
      new Promise((r) => {
        for (const t of timers) clearInterval(t);
        for (const s of sockets) s.destroy();
        server.close(() => r());
      }),
  };
}
