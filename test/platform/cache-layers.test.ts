// The three cache layers on a running platform with a real redis-server: edge (ETag / 304 / Cache-Control), regional
// (Redis, --redis-url) and app (in-process LRU). None may ever hand NDA-protected content to a caller without access.
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type RunningPlatform } from '../../platform/index.js';
import { apiClient, parseEnvelope, registerAndSignIn, type Created, type PitchView } from './api-client.js';
import { HAVE_REDIS, startRedisServer, type RedisServer } from './redis-server.js';

async function get(url: string, token?: string, etag?: string) {
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (etag) headers['if-none-match'] = etag;
  const res = await fetch(url, { headers });
  const text = await res.text();
  return {
    status: res.status,
    etag: res.headers.get('etag'),
    cc: res.headers.get('cache-control'),
    vary: res.headers.get('vary'),
    text,
  };
}

describe.runIf(HAVE_REDIS)('multi-layer cache (edge, Redis, in-process)', () => {
  let redis: RedisServer;
  let p: RunningPlatform;
  let raw: Redis;
  const secret = `SECRET-${Math.random().toString(36).slice(2)}`;
  beforeAll(async () => {
    redis = await startRedisServer();
    raw = new Redis(redis.url);
    p = await startPlatform({ redisUrl: redis.url, busPollMs: 20 });
  });
  afterAll(async () => {
    await p?.close();
    raw?.disconnect();
    await redis?.stop();
  });

  async function redisText(): Promise<string> {
    const keys = await raw.keys('pitchey:cache:*');
    const values = keys.length ? await raw.mget(...keys) : [];
    return keys.join('\n') + '\n' + values.join('\n');
  }

  it('304 only for the bytes the caller may see; protected content in no shared layer; revoke is immediate', async () => {
    const api = apiClient(p.url);
    const creator = await registerAndSignIn(api, {
      email: 'c@cache.test',
      password: 'correct horse 1',
      displayName: 'C',
      role: 'creator',
    });
    const inv = await registerAndSignIn(api, {
      email: 'i@cache.test',
      password: 'correct horse 1',
      displayName: 'I',
      role: 'investor',
    });
    const other = await registerAndSignIn(api, {
      email: 'o@cache.test',
      password: 'correct horse 1',
      displayName: 'O',
      role: 'investor',
    });
    const created = await api<Created>('POST', '/api/pitches', {
      token: creator.token,
      body: {
        title: 'Cached',
        logline: 'Layers',
        genre: 'drama',
        requiresNda: true,
        protected: { revenueModel: secret },
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.data.id;
    expect((await api('POST', `/api/pitches/${id}/publish`, { token: creator.token })).status).toBe(200);
    const nda = await api<Created>('POST', '/api/ndas/request', { token: inv.token, body: { pitchId: id } });
    await api('POST', `/api/ndas/${nda.body.data.id}/approve`, { token: creator.token });
    await api('POST', `/api/ndas/${nda.body.data.id}/sign`, {
      token: inv.token,
      body: { fullName: 'I', signature: 'i' },
    });
    const url = `${p.url}/api/pitches/${id}`;

    const full = await get(url, inv.token);
    expect(full.status).toBe(200);
    expect(full.text).toContain(secret);
    expect(full.cc).toBe('private, no-cache');
    expect(full.vary).toMatch(/authorization/i);
    expect(full.etag).toMatch(/^"[A-Za-z0-9_-]{27}"$/);
    const again = await get(url, inv.token, full.etag!);
    expect([again.status, again.text]).toEqual([304, '']);

    // A caller without access presenting the tag of the protected body gets its own, redacted body.
    const stranger = await get(url, other.token, full.etag!);
    expect(stranger.status).toBe(200);
    expect(stranger.text).not.toContain(secret);
    expect(parseEnvelope<PitchView>(stranger.text).data.protected).toBeNull();
    const anon = await get(url, undefined, full.etag!);
    expect(anon.status).toBe(200);
    expect(anon.text).not.toContain(secret);
    expect(anon.cc).toBe('public, max-age=5');

    // The row is in the shared layer; protected content never is.
    const shared = await redisText();
    expect(shared).toContain(`pitch-row:${id}`);
    expect(shared).not.toContain(secret);

    await api('POST', `/api/ndas/${nda.body.data.id}/revoke`, { token: creator.token, body: { reason: 'done' } });
    const revoked = await get(url, inv.token, full.etag!);
    expect(revoked.status).toBe(200);
    expect(revoked.text).not.toContain(secret);
  });

  it('a write bumps the shared version: the next read (any process) sees it, the stale entry is gone', async () => {
    const api = apiClient(p.url);
    const creator = await registerAndSignIn(api, {
      email: 'w@cache.test',
      password: 'correct horse 1',
      displayName: 'W',
      role: 'creator',
    });
    const created = await api<Created>('POST', '/api/pitches', {
      token: creator.token,
      body: { title: 'Before', logline: 'L', genre: 'drama' },
    });
    const id = created.body.data.id;
    await api('POST', `/api/pitches/${id}/publish`, { token: creator.token });
    expect(parseEnvelope<{ title: string }>((await get(`${p.url}/api/pitches/${id}`)).text).data.title).toBe('Before');
    const versionBefore = Number((await raw.get(`pitchey:cache:v:pitch-row:${id}`)) ?? 0);
    expect((await api('PUT', `/api/pitches/${id}`, { token: creator.token, body: { title: 'After' } })).status).toBe(
      200,
    );
    expect(Number(await raw.get(`pitchey:cache:v:pitch-row:${id}`))).toBeGreaterThan(versionBefore);
    expect(parseEnvelope<{ title: string }>((await get(`${p.url}/api/pitches/${id}`)).text).data.title).toBe('After');
    expect((JSON.parse((await raw.get(`pitchey:cache:d:pitch-row:${id}`))!) as { title: string }).title).toBe('After');
  });
});
