import http from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { startPlatformCli as start, stopPlatformClis } from './platform-cli-process.js';
import {
  apiClient,
  registerAndSignIn,
  waitFor,
  type Created,
  type Items,
  type PitchView,
  type WithStatus,
} from './api-client.js';

afterAll(stopPlatformClis);

/** The core flow through HTTP only; notifications are awaited since another process delivers events. */
async function coreFlow(url: string): Promise<void> {
  const api = apiClient(url);
  const tag = Math.random().toString(36).slice(2);
  const su = (role: string) =>
    registerAndSignIn(api, {
      email: `${role}-${tag}@example.com`,
      password: 'correct horse 1',
      displayName: role,
      role,
    });
  const creator = await su('creator');
  const investor = await su('investor');
  const created = await api<Created>('POST', '/api/pitches', {
    token: creator.token,
    body: { title: 'Relay', logline: 'Across processes', genre: 'drama', protected: { revenueModel: `RM-${tag}` } },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.data.id;
  expect((await api('POST', `/api/pitches/${id}/publish`, { token: creator.token })).status).toBe(200);
  // Many requests, so they land on different workers: every one must see the committed pitch.
  for (let i = 0; i < 10; i++)
    expect(
      (await api<PitchView>('GET', `/api/pitches/${id}`, { token: investor.token })).body.data.protected,
    ).toBeNull();
  const nda = await api<Created>('POST', '/api/ndas/request', { token: investor.token, body: { pitchId: id } });
  expect(nda.status, JSON.stringify(nda.body)).toBe(201);
  expect(
    (await api<WithStatus>('POST', `/api/ndas/${nda.body.data.id}/approve`, { token: creator.token })).body.data.status,
  ).toBe('approved');
  expect(
    (
      await api<WithStatus>('POST', `/api/ndas/${nda.body.data.id}/sign`, {
        token: investor.token,
        body: { fullName: 'I', signature: 'i' },
      })
    ).body.data.status,
  ).toBe('signed');
  for (let i = 0; i < 6; i++)
    expect(
      (await api<PitchView>('GET', `/api/pitches/${id}`, { token: investor.token })).body.data.protected?.revenueModel,
    ).toBe(`RM-${tag}`);
  await waitFor(async () => {
    const n = await api<Items<{ type: string }>>('GET', '/api/notifications', { token: creator.token });
    const types = n.body.data.items.map((x) => x.type);
    return types.includes('nda_requested') && types.includes('nda_signed');
  }, 10_000);
  await api('POST', `/api/ndas/${nda.body.data.id}/revoke`, { token: creator.token });
  for (let i = 0; i < 6; i++)
    expect(
      (await api<PitchView>('GET', `/api/pitches/${id}`, { token: investor.token })).body.data.protected,
    ).toBeNull();
  // Concurrent writes from many connections exercise transactions across processes.
  const likes = await Promise.all(
    Array.from({ length: 20 }, () => api('POST', `/api/pitches/${id}/view`, { token: investor.token })),
  );
  expect(likes.every((r) => r.status === 200)).toBe(true);
  // View counts on cached public rows may lag by the cache TTL (2 s); they must arrive.
  await waitFor(
    async () =>
      (await api<{ viewCount: number }>('GET', `/api/pitches/${id}`, { token: creator.token })).body.data.viewCount ===
      20,
    5000,
  );
  // Sign-out reaches the session cache of every process before it answers (each request on a fresh connection, so
  // the workers / services all see the token, warm, before and after).
  const statuses = () =>
    Promise.all(Array.from({ length: 8 }, () => freshStatus(`${url}/api/notifications`, investor.token)));
  expect(await statuses()).toEqual(Array(8).fill(200));
  expect((await api('POST', '/api/auth/sign-out', { token: investor.token })).status).toBe(200);
  expect(await statuses()).toEqual(Array(8).fill(401));
}

function freshStatus(url: string, token: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { headers: { authorization: `Bearer ${token}` }, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('multi-process modes (PGlite owned by the primary, queries over IPC)', () => {
  it('--workers 2 serves the full flow', async () => {
    const { url, ready } = await start(['--workers', '2']);
    expect(ready.workers).toBe(2);
    await coreFlow(url);
  });

  it('--mode services runs each service as its own process behind the gateway', async () => {
    const { url } = await start(['--mode', 'services']);
    await coreFlow(url);
    const api = apiClient(url);
    expect((await api<{ status: string }>('GET', '/readyz')).body.data.status).toBe('ready');
    expect((await api('GET', '/internal/pitches/00000000-0000-4000-8000-000000000000/summary')).status).toBe(404);
    const m = await fetch(`${url}/metrics/pitch`);
    expect(await m.text()).toMatch(/http_requests_total\{service="pitch"/);
  });
});
