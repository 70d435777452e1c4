import { fork, type ChildProcess } from 'node:child_process';
import { ensurePrivateDir } from './private-dir.js';
import { assertMayScrape, METRICS_TOKEN_ENV } from './metrics-access.js';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { TokenSigner } from '../lib/auth-token.js';
import { InvalidationRelay, RelayingInvalidationBus } from '../lib/cache-invalidation.js';
import { openDb } from '../lib/db.js';
import { FeatureFlags } from '../lib/feature-flags.js';
import { createHttpApp } from '../lib/http-app.js';
import { serveDbOverIpc } from '../lib/ipc-db.js';
import {
  CLIENT_IP_HEADER,
  GATEWAY_HEADER,
  registerViewerResolution,
  SessionRevocations,
  type AuthState,
} from '../lib/request-auth.js';
import { HttpTransport, INTERNAL_HEADER, ServiceClient } from '../lib/service-client.js';
import { GATEWAY_TOKEN_HEADER, ServiceTokens } from '../lib/service-auth.js';
import { flushTracing, initTracing, injectTraceHeaders, registerTracing } from '../lib/tracing.js';
import type { ServiceName } from '../lib/service-context.js';
import { hasUsers } from '../services/user/seed-writer.js';
import type { StartOptions } from './cli-options.js';
import { PLATFORM_FLAGS, registerFeatureFlagRoutes } from './feature-flag-routes.js';
import { migratePlatform, SERVICE_NAMES } from './platform-app.js';
import { loadOrCreateSecret } from './platform-secret.js';
import { serviceForPath } from './route-table.js';
import { seedPlatform } from './seed.js';

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address() as net.AddressInfo;
      s.close(() => resolve(a.port));
    });
  });
}

const HOP_BY_HOP = new Set([
  'host',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'content-length',
  INTERNAL_HEADER,
  GATEWAY_HEADER,
  CLIENT_IP_HEADER,
]);

/**
 * `--mode services`: each service runs as its own process on its own loopback port; this process is the gateway
 * that proxies public paths to the owning service. With PGlite this process owns the database and serves the
 * service processes over IPC; with PostgreSQL every service connects itself.
 */
export async function runServicesMode(
  o: StartOptions,
): Promise<{ url: string; workers: number; close(): Promise<void> }> {
  ensurePrivateDir(o.dataDir);
  const secret = loadOrCreateSecret(o.dataDir);
  const signer = new TokenSigner(secret);
  const tokens = new ServiceTokens(secret, 'gateway');
  const db = await openDb(
    o.db === 'pglite'
      ? { kind: 'pglite', dataDir: path.join(o.dataDir, 'pgdata') }
      : { kind: 'pg', url: o.db, replicaUrl: o.replicaUrl, replica: { maxLagMs: o.replicaMaxLagMs } },
  );
  await migratePlatform(db);
  if (o.seed && !(await hasUsers(db))) {
    const r = await seedPlatform(db, o.dataDir, o.users, o.pitches);
    process.stderr.write(`platform: seeded ${o.users} users / ${o.pitches} pitches in ${Math.round(r.ms)} ms\n`);
  }
  const ports = Object.fromEntries(
    await Promise.all(SERVICE_NAMES.map(async (n) => [n, await freePort()] as const)),
  ) as Record<ServiceName, number>;
  const remote = Object.fromEntries(SERVICE_NAMES.map((n) => [n, `http://127.0.0.1:${ports[n]}`])) as Record<
    ServiceName,
    string
  >;
  const script = path.join(path.dirname(fileURLToPath(import.meta.url)), 'service-main.js');
  const children = new Map<ServiceName, ChildProcess>();
  // The gateway serves the feature-flag endpoints; a change reaches every service process before the PUT answers.
  const flagRelay = new InvalidationRelay();
  const flags = new FeatureFlags(db, new RelayingInvalidationBus(flagRelay), { defaults: PLATFORM_FLAGS });
  let stopping = false;
  await Promise.all(
    SERVICE_NAMES.map((service) => {
      const child = fork(script, [], {
        env: {
          ...process.env,
          PITCHEY_SERVICE_OPTIONS: JSON.stringify({ ...o, service, servicePort: ports[service], remote }),
        },
        serialization: 'advanced',
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      });
      children.set(service, child);
      flagRelay.add(child);
      const abort = o.db === 'pglite' ? serveDbOverIpc(db, child) : () => {};
      child.on('exit', (code) => {
        abort();
        flagRelay.remove(child);
        if (!stopping) process.stderr.write(`platform: ${service} service exited with ${code}\n`);
      });
      return new Promise<void>((resolve, reject) => {
        child.on('message', (m: { t?: string; error?: string }) => {
          if (m?.t === 'listening') resolve();
          if (m?.t === 'failed') reject(new Error(`${service} service failed: ${m.error}`));
        });
        child.on('exit', (code) => reject(new Error(`${service} service exited with ${code} before listening`)));
      });
    }),
  );

  const pools = Object.fromEntries(
    SERVICE_NAMES.map((n) => [
      n,
      new Pool(remote[n], { connections: 64, headersTimeout: 10_000, bodyTimeout: 10_000 }),
    ]),
  ) as Record<ServiceName, Pool>;
  const app = createHttpApp();
  initTracing('pitchey-gateway');
  registerTracing(app);
  // The gateway forwards bodies untouched; the owning service validates them.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugin: avvio awaits the returned promise
  await app.register(async (scope) => {
    // Unlike the proxied paths, these bodies are parsed here.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('application/json', { parseAs: 'string' }, scope.getDefaultJsonParser('error', 'error'));
    // Admin calls are rare: each one asks the user service whether the token's session is still live (no cache).
    const users = new ServiceClient('user', new HttpTransport(remote.user), () => tokens.tokenFor('user'));
    registerViewerResolution(
      scope,
      signer,
      new SessionRevocations((id) => users.call<AuthState>('GET', `/internal/users/${id}/auth-state`), null),
    );
    registerFeatureFlagRoutes(scope, flags, signer);
  });
  app.get('/healthz', () => ({ success: true, data: { status: 'ok' } }));
  app.get('/readyz', async (_req, reply) => {
    const states = await Promise.all(
      SERVICE_NAMES.map(async (n) => {
        try {
          const r = await pools[n].request({
            method: 'GET',
            path: '/readyz',
            headers: { [GATEWAY_TOKEN_HEADER]: await tokens.tokenFor(n) },
          });
          await r.body.dump();
          return [n, r.statusCode === 200] as const;
        } catch {
          return [n, false] as const;
        }
      }),
    );
    const ok = states.every(([, up]) => up);
    return reply.code(ok ? 200 : 503).send(
      ok
        ? { success: true, data: { status: 'ready', services: SERVICE_NAMES } }
        : {
            success: false,
            error: {
              code: 'not_ready',
              message: `down: ${states
                .filter(([, u]) => !u)
                .map(([n]) => n)
                .join(', ')}`,
            },
          },
    );
  });
  app.get<{ Params: { service: string } }>('/metrics/:service', async (req, reply) => {
    assertMayScrape(req, process.env[METRICS_TOKEN_ENV]);
    const n = req.params.service as ServiceName;
    if (!SERVICE_NAMES.includes(n))
      return reply.code(404).send({ success: false, error: { code: 'not_found', message: `no service ${n}` } });
    const auth = req.headers.authorization;
    const gw = { [GATEWAY_TOKEN_HEADER]: await tokens.tokenFor(n) };
    const r = await pools[n].request({
      method: 'GET',
      path: '/metrics',
      headers: auth ? { ...gw, authorization: auth } : gw,
    });
    return reply
      .code(r.statusCode)
      .header('content-type', String(r.headers['content-type'] ?? 'text/plain'))
      .send(await r.body.text());
  });
  app.all('/*', async (req, reply) => {
    const target = serviceForPath(req.url);
    if (!target)
      return reply.code(404).send({
        success: false,
        error: { code: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` },
      });
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (!HOP_BY_HOP.has(k) && typeof v === 'string') headers[k] = v;
    headers[GATEWAY_HEADER] = await tokens.tokenFor(target);
    injectTraceHeaders(headers);
    headers[CLIENT_IP_HEADER] = req.socket.remoteAddress ?? 'unknown';
    const res = await pools[target].request({
      method: req.method,
      path: req.url,
      headers,
      body: (req.body as Buffer | undefined) ?? undefined,
    });
    reply.code(res.statusCode);
    for (const [k, v] of Object.entries(res.headers)) if (!HOP_BY_HOP.has(k) && v !== undefined) reply.header(k, v);
    return reply.send(Buffer.from(await res.body.arrayBuffer()));
  });
  await app.listen({ host: o.host, port: o.port });
  const addr = app.server.address() as net.AddressInfo;
  return {
    url: `http://${o.host}:${addr.port}`,
    workers: 1,
    async close() {
      stopping = true;
      await app.close();
      await Promise.all(
        [...children.values()].map(
          (c) =>
            new Promise<void>((resolve) => {
              if (c.exitCode !== null) return resolve();
              c.once('exit', () => resolve());
              c.send({ t: 'shutdown' });
              setTimeout(() => c.kill('SIGKILL'), 10_000).unref();
            }),
        ),
      );
      for (const p of Object.values(pools)) await p.close();
      await db.close();
      await flushTracing();
    },
  };
}
