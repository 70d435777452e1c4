import http from 'node:http';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalInvalidationBus } from '../../platform/lib/cache-invalidation.js';
import { evaluateFlag, FeatureFlags, rolloutBucket } from '../../platform/lib/feature-flags.js';
import { BACKENDS } from './backends.js';
import { seededAdminToken, signUp, signUpAdmin, usePlatform, type Harness } from './platform-harness.js';
import { startPlatformCli as startCli, stopPlatformClis } from './platform-cli-process.js';
import type { Items } from './api-client.js';

/** An admin's view of one flag (GET/PUT /api/admin/feature-flags). */
interface FeatureFlag {
  key: string;
  updatedAt: string | null;
}
/** What a caller sees: flag key → on for this caller. */
interface Flags {
  flags: Record<string, boolean>;
}

afterAll(stopPlatformClis);

// Tokens of users that do not exist are refused, so admins are real users (promoted, or from the seed).
const adminToken = async (h: Harness) => (await signUpAdmin(h)).token;

describe('rollout evaluation', () => {
  it('buckets users by SHA-256 of key:userId (values from `printf search:user-1 | sha256sum`)', () => {
    // sha256("search:user-1") starts 8907042d → 0x8907042d % 100 = 13; "search:user-2" 299b604a → 86.
    expect(rolloutBucket('search', 'user-1')).toBe(13);
    expect(rolloutBucket('search', 'user-2')).toBe(86);
    expect(rolloutBucket('search', '00000000-0000-4000-8000-000000000001')).toBe(8);
    const f = { key: 'search', enabled: true, rolloutPercent: 14 };
    expect(evaluateFlag(f, { userId: 'user-1' })).toBe(true);
    expect(evaluateFlag({ ...f, rolloutPercent: 13 }, { userId: 'user-1' })).toBe(false);
    expect(evaluateFlag(f, { userId: 'user-2' })).toBe(false);
    expect(evaluateFlag({ ...f, enabled: false, rolloutPercent: 100 }, { userId: 'user-1' })).toBe(false);
    expect(evaluateFlag({ ...f, rolloutPercent: 0 }, { userId: 'user-1' })).toBe(false);
    // Anonymous callers only get a flag at full rollout.
    expect(evaluateFlag(f, {})).toBe(false);
    expect(evaluateFlag({ ...f, rolloutPercent: 100 }, {})).toBe(true);
    expect(evaluateFlag(undefined, { userId: 'user-1' })).toBe(false);
  });

  it('is deterministic and roughly proportional over 1000 users', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
    for (const pct of [10, 50, 90]) {
      const f = { key: 'new-dashboard', enabled: true, rolloutPercent: pct };
      const on = ids.filter((id) => evaluateFlag(f, { userId: id }));
      // Binomial(1000, p): 4 standard deviations is at most ±6.4 points.
      expect(Math.abs(on.length / 10 - pct)).toBeLessThan(6.5);
      expect(ids.filter((id) => evaluateFlag(f, { userId: id }))).toEqual(on);
    }
    // Monotone: raising the percentage only adds users.
    const at = (p: number) =>
      new Set(ids.filter((id) => evaluateFlag({ key: 'k', enabled: true, rolloutPercent: p }, { userId: id })));
    const ten = at(10);
    const fifty = at(50);
    expect([...ten].every((id) => fifty.has(id))).toBe(true);
    // Independent per flag: another key picks a different 10 %.
    const other = new Set(
      ids.filter((id) => evaluateFlag({ key: 'other', enabled: true, rolloutPercent: 10 }, { userId: id })),
    );
    expect([...ten].filter((id) => other.has(id)).length).toBeLessThan(40);
  });
});

describe.each(BACKENDS)('feature flags over HTTP on %s', (backend) => {
  const h = usePlatform(backend);

  it('enforces roles and rejects bad bodies', async () => {
    const { api } = h;
    const admin = await adminToken(h);
    const investor = await signUp(h, 'investor');
    expect((await api('GET', '/api/feature-flags')).body).toEqual({ success: true, data: { flags: { search: true } } });
    expect((await api('GET', '/api/admin/feature-flags')).status).toBe(401);
    expect((await api('GET', '/api/admin/feature-flags', { token: investor.token })).status).toBe(403);
    const list = await api<Items<FeatureFlag>>('GET', '/api/admin/feature-flags', { token: admin });
    expect(list.status).toBe(200);
    expect(list.body.data.items).toEqual([
      {
        key: 'search',
        enabled: true,
        rolloutPercent: 100,
        description: expect.stringContaining('search') as unknown,
        updatedAt: null,
        updatedBy: null,
      },
    ]);
    // Identity is settled before the body: 401/403 whatever is sent.
    expect((await api('PUT', '/api/admin/feature-flags/search', { body: { enabled: false } })).status).toBe(401);
    expect((await api('PUT', '/api/admin/feature-flags/search', { raw: '{bad' })).status).toBe(401);
    const denied = await api('PUT', '/api/admin/feature-flags/search', {
      token: investor.token,
      body: { enabled: false },
    });
    expect(denied.status).toBe(403);
    expect(denied.body.error.code).toBe('forbidden');
    for (const body of [
      {},
      { enabled: 'false' },
      { enabled: 1 },
      { enabled: true, rolloutPercent: 101 },
      { enabled: true, rolloutPercent: -1 },
      { enabled: true, rolloutPercent: 12.5 },
      { enabled: true, rollout: 5 },
      { enabled: true, description: 'x'.repeat(501) },
      [true],
    ]) {
      const r = await api('PUT', '/api/admin/feature-flags/search', { token: admin, body });
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.body.error.code, JSON.stringify(body)).toBe('validation_error');
    }
    const malformed = await api('PUT', '/api/admin/feature-flags/search', { token: admin, raw: '{"enabled":' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('malformed_body');
    expect(
      (await api('PUT', '/api/admin/feature-flags/Not%20A%20Key', { token: admin, body: { enabled: true } })).status,
    ).toBe(400);
    // None of the rejected requests changed anything.
    expect(
      (await api<Items<FeatureFlag>>('GET', '/api/admin/feature-flags', { token: admin })).body.data.items[0].updatedAt,
    ).toBeNull();
  });

  it('an admin switching search off takes effect on the next request, and back on', async () => {
    const { api } = h;
    const admin = await adminToken(h);
    const adminId = h.p.signer.verify(admin)!.sub;
    expect((await api('GET', '/api/search?q=anything')).status).toBe(200);
    const off = await api<FeatureFlag>('PUT', '/api/admin/feature-flags/search', {
      token: admin,
      body: { enabled: false },
    });
    expect(off.status).toBe(200);
    expect(off.body.data).toMatchObject({ key: 'search', enabled: false, rolloutPercent: 100, updatedBy: adminId });
    expect(Date.parse(off.body.data.updatedAt ?? '')).toBeGreaterThan(Date.now() - 60_000);
    const r = await api('GET', '/api/search?q=anything');
    expect(r.status).toBe(503);
    expect(r.body).toEqual({
      success: false,
      error: { code: 'feature_disabled', message: 'feature search is disabled' },
    });
    expect((await api<Flags>('GET', '/api/feature-flags')).body.data.flags).toEqual({ search: false });
    // Stored durably: a fresh instance with an empty cache reads the same value from the table.
    const fresh = new FeatureFlags(h.p.db, new LocalInvalidationBus(), {
      defaults: [{ key: 'search', enabled: true, description: 'd' }],
    });
    expect(await fresh.get('search')).toMatchObject({ enabled: false, updatedBy: adminId });
    expect(
      (await api('PUT', '/api/admin/feature-flags/search', { token: admin, body: { enabled: true } })).status,
    ).toBe(200);
    expect((await api('GET', '/api/search?q=anything')).status).toBe(200);
  });

  it('a percentage rollout follows each user bucket, and unknown keys can be created', async () => {
    const { api } = h;
    const admin = await adminToken(h);
    const users = await Promise.all(Array.from({ length: 8 }, () => signUp(h, 'investor')));
    const set = await api('PUT', '/api/admin/feature-flags/search', {
      token: admin,
      body: { enabled: true, rolloutPercent: 50, description: 'half' },
    });
    expect(set.body.data).toMatchObject({ enabled: true, rolloutPercent: 50, description: 'half' });
    for (const u of users) {
      const expected = rolloutBucket('search', u.user.id) < 50;
      expect((await api('GET', '/api/search?q=x', { token: u.token })).status).toBe(expected ? 200 : 503);
      expect((await api<Flags>('GET', '/api/feature-flags', { token: u.token })).body.data.flags.search).toBe(expected);
    }
    expect((await api('GET', '/api/search?q=x')).status).toBe(503);
    // Omitted fields keep their stored values.
    const kept = await api('PUT', '/api/admin/feature-flags/search', { token: admin, body: { enabled: true } });
    expect(kept.body.data).toMatchObject({ rolloutPercent: 50, description: 'half' });
    const created = await api('PUT', '/api/admin/feature-flags/beta.pitch-decks', {
      token: admin,
      body: { enabled: true, rolloutPercent: 0 },
    });
    expect(created.body.data).toMatchObject({
      key: 'beta.pitch-decks',
      enabled: true,
      rolloutPercent: 0,
      description: '',
    });
    const keys = (
      await api<Items<FeatureFlag>>('GET', '/api/admin/feature-flags', { token: admin })
    ).body.data.items.map((f) => f.key);
    expect(keys).toEqual(['beta.pitch-decks', 'search']);
    expect(
      (await api<Flags>('GET', '/api/feature-flags', { token: users[0].token })).body.data.flags['beta.pitch-decks'],
    ).toBe(false);
    await api('PUT', '/api/admin/feature-flags/search', { token: admin, body: { enabled: true, rolloutPercent: 100 } });
    expect((await api('GET', '/api/search?q=x')).status).toBe(200);
  });
});

// ---- multi-process: every request on its own connection, so node:cluster spreads them over the workers ----

function freshRequest(
  url: string,
  method: string,
  token?: string,
  body?: unknown,
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { connection: 'close' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (data) headers['content-type'] = 'application/json';
    const req = http.request(url, { method, headers, agent: false }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(text) as unknown }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

describe.each([
  ['--workers', '2'],
  ['--mode', 'services'],
])('feature flags with %s %s', (flag, value) => {
  it('a change made through one process is in effect in every process when the PUT answers', async () => {
    const { url, dir } = await startCli([flag, value, '--seed', '--users', '100', '--pitches', '10']);
    const admin = await seededAdminToken(url, dir);
    const searchStatuses = async () => {
      const out: number[] = [];
      for (let i = 0; i < 6; i++) out.push((await freshRequest(`${url}/api/search?q=x`, 'GET')).status);
      return out;
    };
    // Warm every process's flag cache first, so a missed invalidation would serve the stale value.
    expect(await searchStatuses()).toEqual([200, 200, 200, 200, 200, 200]);
    for (const [enabled, expected] of [
      [false, 503],
      [true, 200],
      [false, 503],
    ] as const) {
      expect((await freshRequest(`${url}/api/admin/feature-flags/search`, 'PUT', admin, { enabled })).status).toBe(200);
      expect(await searchStatuses()).toEqual(Array(6).fill(expected));
    }
  });
});
