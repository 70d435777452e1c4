import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface DelayServer {
  url: string;
  /** Requests seen, by path without query. */
  hits: Map<string, number>;
  /** Every request in arrival order: path and performance.now() when it arrived. */
  log: Array<{ path: string; at: number }>;
  close(): Promise<void>;
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/**
 * A tiny HTTP server with known behaviour, on 127.0.0.1:
 *  GET  /delay/<ms>        → 200 {success:true,data:{ms}} after <ms> milliseconds
 *  POST /sign-in           → 200 {success:true,data:{token:"tok-<email>"}} (body {email})
 *  GET  /me                → 200 when `authorization: Bearer tok-…`, else 401
 *  GET  /items/<id>        → 200 {success:true,data:{id}}
 *  GET  /demo              → 200 {success:false} (a "demo" body behind a 200, as the production system did)
 *  GET  /status/<code>     → that status
 */
export async function startDelayServer(): Promise<DelayServer> {
  const hits = new Map<string, number>();
  const log: DelayServer['log'] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    hits.set(url.pathname, (hits.get(url.pathname) ?? 0) + 1);
    log.push({ path: url.pathname, at: performance.now() });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const p = url.pathname;
      let m: RegExpExecArray | null;
      if ((m = /^\/delay\/(\d+)$/.exec(p))) {
        const ms = Number(m[1]);
        setTimeout(() => send(res, 200, { success: true, data: { ms } }), ms);
      } else if (p === '/sign-in' && req.method === 'POST') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { email?: string };
        send(res, 200, { success: true, data: { token: `tok-${body.email}` } });
      } else if (p === '/me') {
        const auth = req.headers.authorization ?? '';
        if (/^Bearer tok-.+/.test(auth)) send(res, 200, { success: true, data: { user: auth.slice(11) } });
        else send(res, 401, { success: false, error: { code: 'unauthorized', message: 'no token' } });
      } else if ((m = /^\/items\/([\w-]+)$/.exec(p))) {
        send(res, 200, { success: true, data: { id: m[1] } });
      } else if (p === '/demo') {
        send(res, 200, { success: false });
      } else if ((m = /^\/status\/(\d+)$/.exec(p))) {
        send(res, Number(m[1]), { success: false });
      } else send(res, 404, { success: false });
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    log,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
