// Rate limits shared through a real redis-server: the Lua token bucket, its atomicity, failing open when Redis is
// down, and `platform start --workers 2 --redis-url` enforcing ONE limit per client across both workers.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpApp } from '../../platform/lib/http-app.js';
import { registerRateLimit, DEFAULT_RATE_LIMIT } from '../../platform/lib/rate-limit.js';
import { RedisRateLimitStore } from '../../platform/lib/redis-rate-limit.js';
import { parseEnvelope } from './api-client.js';
import { startPlatformCli, stopPlatformClis } from './platform-cli-process.js';

const REDIS_SERVER = '/usr/bin/redis-server';
const haveRedis = existsSync(REDIS_SERVER);
if (!haveRedis)
  console.warn(`[redis-rate-limit.test] SKIPPED: ${REDIS_SERVER} is not installed (apt-get install redis-server)`);

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const cli = path.join(root, 'dist', 'platform', 'cli.js');
const tmp = mkdtempSync(path.join(os.tmpdir(), 'pitchey-redis-rl-'));
const children: ChildProcess[] = [];
const stores: RedisRateLimitStore[] = [];
const clients: Redis[] = [];

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

async function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const done = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await done;
}

/** A throwaway redis-server on a loopback port, nothing persisted. */
async function startRedis(port?: number): Promise<{ port: number; url: string; child: ChildProcess }> {
  const p = port ?? (await freePort());
  const dir = mkdtempSync(path.join(tmp, 'redis-'));
  const child = spawn(
    REDIS_SERVER,
    ['--port', String(p), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.push(child);
  let out = '';
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`redis-server not ready: ${out}`)), 10_000);
    child.stdout.on('data', (d) => {
      out += d;
      if (out.includes('Ready to accept connections')) {
        clearTimeout(t);
        resolve();
      }
    });
    child.once('exit', (c) => reject(new Error(`redis-server exited ${c}: ${out}`)));
  });
  return { port: p, url: `redis://127.0.0.1:${p}`, child };
}

async function newStore(
  url: string,
  opts: Parameters<typeof RedisRateLimitStore.open>[1] = {},
): Promise<RedisRateLimitStore> {
  const s = await RedisRateLimitStore.open(url, opts);
  stores.push(s);
  return s;
}

/** One request on its own TCP connection, so node:cluster hands it to the next worker. */
function freshGet(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { agent: false, headers: { connection: 'close', ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
  });
}

/** Sends n sequential requests, each on a fresh connection and with a different (ignored) X-Forwarded-For. */
async function burst(url: string, n: number) {
  const t0 = Date.now();
  const answers = [];
  for (let i = 0; i < n; i++)
    answers.push(await freshGet(`${url}/api/pitches/public`, { 'x-forwarded-for': `10.9.${i >> 8}.${i & 255}` }));
  return { answers, elapsedMs: Date.now() - t0 };
}

/** The pitch-public request counts of the worker that answers this /metrics request. */
async function workerCounts(url: string): Promise<{ ok: number; limited: number }> {
  const m = (await freshGet(`${url}/metrics`)).body;
  const count = (status: string) => {
    const r = new RegExp(
      `^http_requests_total\\{[^}]*route="/api/pitches/public"[^}]*status="${status}"[^}]*\\} (\\d+)$`,
      'm',
    ).exec(m);
    return r ? Number(r[1]) : 0;
  };
  return { ok: count('200'), limited: count('429') };
}

/** A plain client for inspecting keys; quiet when its server is stopped on purpose. */
function rawClient(url: string): Redis {
  const c = new Redis(url, { maxRetriesPerRequest: 1 });
  c.on('error', () => {});
  clients.push(c);
  return c;
}

afterAll(async () => {
  for (const s of stores) await s.close();
  for (const c of clients) c.disconnect();
  // Platforms first (they hold Redis connections), then the redis-servers.
  await stopPlatformClis();
  for (const c of [...children].reverse()) await exited(c);
  rmSync(tmp, { recursive: true, force: true });
});

describe.skipIf(!haveRedis)('RedisRateLimitStore against a real redis-server', () => {
  let redis: { url: string; port: number };
  let raw: Redis;
  beforeAll(async () => {
    redis = await startRedis();
    raw = rawClient(redis.url);
  });

  it('keeps the in-process token bucket semantics: capacity, wait until the next token, expiry of a full bucket', async () => {
    const store = await newStore(redis.url, { keyPrefix: 'semantics:' });
    const t0 = Date.now();
    // 60/min = one token per 1000 ms; a new bucket holds 60.
    const waits = [];
    for (let i = 0; i < 60; i++) waits.push(await store.take('pitch', 'general', '127.0.0.1', 60));
    expect(waits.every((w) => w === 0)).toBe(true);
    const w = await store.take('pitch', 'general', '127.0.0.1', 60);
    const elapsed = Date.now() - t0;
    // tokens ≈ elapsed / 1000 after the 60 takes, so the wait is ceil((1 − tokens) / 0.001 per ms) ≈ 1000 − elapsed.
    expect(w).toBeGreaterThan(0);
    expect(w).toBeLessThanOrEqual(1000);
    expect(w).toBeGreaterThanOrEqual(1000 - elapsed - 5);
    const [tokens, at] = await raw.hmget('semantics:pitch|general|127.0.0.1', 'tokens', 'at');
    expect(Number(tokens)).toBeGreaterThanOrEqual(0);
    expect(Number(tokens)).toBeLessThan(1);
    expect(Math.abs(Number(at) - Date.now())).toBeLessThan(5000);
    // The key lives until the bucket would be full again: (60 − tokens) s + 1 s.
    const ttl = await raw.pttl('semantics:pitch|general|127.0.0.1');
    expect(ttl).toBeGreaterThan(59_000);
    expect(ttl).toBeLessThanOrEqual(61_000);
  });

  it('keeps buckets apart by service, route class and client address', async () => {
    const store = await newStore(redis.url, { keyPrefix: 'apart:' });
    expect(await store.take('pitch', 'general', '127.0.0.1', 1)).toBe(0);
    expect(await store.take('pitch', 'general', '127.0.0.1', 1)).toBeGreaterThan(0);
    expect(await store.take('user', 'general', '127.0.0.1', 1)).toBe(0);
    expect(await store.take('pitch', 'auth', '127.0.0.1', 1)).toBe(0);
    expect(await store.take('pitch', 'general', '::1', 1)).toBe(0);
    expect((await raw.keys('apart:*')).sort()).toEqual([
      'apart:pitch|auth|127.0.0.1',
      'apart:pitch|general|127.0.0.1',
      'apart:pitch|general|::1',
      'apart:user|general|127.0.0.1',
    ]);
  });

  it('is atomic: 400 concurrent takes from two connections (two "processes") grant exactly the capacity', async () => {
    const [a, b] = await Promise.all([
      newStore(redis.url, { keyPrefix: 'race:' }),
      newStore(redis.url, { keyPrefix: 'race:' }),
    ]);
    const t0 = Date.now();
    const waits = await Promise.all(
      Array.from({ length: 400 }, (_, i) => (i % 2 ? a : b).take('pitch', 'general', '127.0.0.1', 50)),
    );
    const elapsed = Date.now() - t0;
    const granted = waits.filter((w) => w === 0).length;
    // 50/min refills one token per 1200 ms: with no refill in the window exactly 50 pass.
    expect(waits.every((w) => w !== null)).toBe(true);
    expect(granted).toBeGreaterThanOrEqual(50);
    expect(granted).toBeLessThanOrEqual(50 + Math.floor(elapsed / 1200));
    if (elapsed < 1200) expect(granted).toBe(50);
    expect(waits.filter((w) => w! > 0).every((w) => w! <= 1200)).toBe(true);
  });

  it('fails open when Redis goes away (null, one log line per outage) and resumes when it is back', async () => {
    const own = await startRedis();
    const lines: string[] = [];
    const store = await newStore(own.url, {
      keyPrefix: 'outage:',
      log: (l) => lines.push(l),
      guard: { minimumCalls: 2, halfOpenAfterMs: 300 },
    });
    expect(await store.take('pitch', 'general', '127.0.0.1', 10)).toBe(0);
    await exited(own.child);
    const during = [];
    for (let i = 0; i < 6; i++) during.push(await store.take('pitch', 'general', '127.0.0.1', 10));
    expect(during).toEqual([null, null, null, null, null, null]);
    expect(store.failingOpen).toBe(true);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/Redis at redis:\/\/127\.0\.0\.1:\d+ unavailable .*failing open/);
    await startRedis(own.port);
    const end = Date.now() + 8000;
    let back: number | null = null;
    while (back === null && Date.now() < end) {
      await new Promise((r) => setTimeout(r, 100));
      back = await store.take('pitch', 'general', '127.0.0.1', 10);
    }
    // A fresh server has no bucket: the first take is granted.
    expect(back).toBe(0);
    expect(store.failingOpen).toBe(false);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatch(/answers again/);
  });

  it('registerRateLimit falls back to the in-process buckets (same limits, 429 + Retry-After) while the store is down', async () => {
    const deadPort = await freePort();
    const lines: string[] = [];
    const store = await newStore(`redis://127.0.0.1:${deadPort}`, { log: (l) => lines.push(l) });
    const app = createHttpApp();
    registerRateLimit(app, { ...DEFAULT_RATE_LIMIT, perMinute: 3, shared: store.forScope('pitch') }, () => false);
    app.get('/api/pitches/public', () => Promise.resolve({ success: true }));
    await app.ready();
    const statuses = [];
    let last: Awaited<ReturnType<typeof app.inject>> | undefined;
    for (let i = 0; i < 5; i++) {
      last = await app.inject({ method: 'GET', url: '/api/pitches/public', remoteAddress: '127.0.0.1' });
      statuses.push(last.statusCode);
    }
    await app.close();
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(last!.headers['retry-after']).toBe('20');
    expect(JSON.parse(last!.body)).toEqual({
      success: false,
      error: { code: 'rate_limited', message: 'too many requests' },
    });
    expect(lines).toHaveLength(1);
  });
});

describe.skipIf(!haveRedis)(
  'platform start --workers 2: one limit across workers with --redis-url, one per worker without',
  () => {
    const LIMIT = 30;
    let shared: Awaited<ReturnType<typeof startPlatformCli>>;
    let local: Awaited<ReturnType<typeof startPlatformCli>>;
    let redis: Awaited<ReturnType<typeof startRedis>>;
    let raw: Redis;
    beforeAll(async () => {
      redis = await startRedis();
      raw = rawClient(redis.url);
      const common = ['--workers', '2', '--rate-limit-per-min', String(LIMIT)];
      [shared, local] = await Promise.all([
        startPlatformCli([...common, '--redis-url', redis.url], { parentDir: tmp }),
        startPlatformCli(common, { parentDir: tmp }),
      ]);
    });

    it('with Redis, one client address gets the single global limit, not 2×, and X-Forwarded-For changes nothing', async () => {
      const { answers, elapsedMs } = await burst(shared.url, 45);
      const statuses = answers.map((a) => a.status);
      const firstLimited = statuses.indexOf(429);
      // 30/min refills one token per 2000 ms of the burst.
      const refill = Math.floor(elapsedMs / 2000);
      expect(firstLimited, statuses.join(',')).toBeGreaterThanOrEqual(LIMIT);
      expect(firstLimited).toBeLessThanOrEqual(LIMIT + refill);
      const ok = statuses.filter((s) => s === 200).length;
      expect(ok).toBeGreaterThanOrEqual(LIMIT);
      expect(ok).toBeLessThanOrEqual(LIMIT + refill);
      expect(statuses.every((s) => s === 200 || s === 429)).toBe(true);
      const limited = answers[firstLimited];
      expect(parseEnvelope(limited.body).error.code).toBe('rate_limited');
      expect(['1', '2']).toContain(limited.headers['retry-after']);
      // One bucket, keyed by the socket address: the forwarded addresses made none.
      expect(await raw.keys('pitchey:rl:*')).toEqual(['pitchey:rl:pitch|general|127.0.0.1']);
      // Both workers answered (45 is odd, so their counts differ), and their 200s add up to the one limit.
      const seen = new Map<string, { ok: number; limited: number }>();
      for (let i = 0; i < 20 && seen.size < 2; i++) {
        const c = await workerCounts(shared.url);
        seen.set(`${c.ok}/${c.limited}`, c);
      }
      const perWorker = [...seen.values()];
      expect(perWorker).toHaveLength(2);
      expect(perWorker.every((c) => c.ok > 0)).toBe(true);
      expect(perWorker.reduce((s, c) => s + c.ok, 0)).toBe(ok);
      expect(perWorker.reduce((s, c) => s + c.ok + c.limited, 0)).toBe(45);
    });

    it('without Redis each worker has its own bucket, so the same client gets up to 2× the limit', async () => {
      const { answers, elapsedMs } = await burst(local.url, 90);
      const ok = answers.filter((a) => a.status === 200).length;
      // Connections alternate between the two workers (node:cluster round-robin), each holding 30 tokens.
      expect(ok).toBeGreaterThan(LIMIT);
      expect(ok).toBeLessThanOrEqual(2 * (LIMIT + Math.floor(elapsedMs / 2000)));
    });

    it('keeps serving when Redis dies: each worker logs once and falls back to its own buckets', async () => {
      await exited(redis.child);
      const { answers } = await burst(shared.url, 8);
      // Fresh in-process buckets (30 each) take over: nothing fails, nothing is a 5xx.
      expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
      const logged = shared.stderr().match(/rate limit: Redis at .* unavailable/g) ?? [];
      expect(logged).toHaveLength(2);
    });
  },
);

describe('platform start --redis-url validation', () => {
  it('rejects a URL that is not redis:// or rediss:// with one line and exit 2', async () => {
    const child = spawn(
      process.execPath,
      [cli, 'start', '--port', '0', '--data-dir', path.join(tmp, 'bad-url'), '--redis-url', 'http://127.0.0.1:6379'],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(2);
    expect(stderr).toBe('platform: --redis-url must be a redis:// or rediss:// URL, got http://127.0.0.1:6379\n');
  });
});
