import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { BACKENDS } from './backends.js';
import { signUp, usePlatform } from './platform-harness.js';

const promtool = spawnSync('promtool', ['--version']).status === 0;

describe.each(BACKENDS)('HTTP contract on %s', (backend) => {
  const h = usePlatform(backend);

  it('answers client errors with 4xx JSON envelopes, never 500', async () => {
    const { api } = h;
    const malformed = await api('POST', '/api/auth/sign-in', { raw: '{"email":' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('malformed_body');
    const huge = await api('POST', '/api/auth/sign-in', {
      raw: JSON.stringify({ email: 'a@b.c', password: 'x'.repeat(9 * 1024 * 1024) }),
    });
    expect(huge.status).toBe(400);
    expect(huge.body.error.code).toBe('body_too_large');
    const invalid = await api('POST', '/api/auth/sign-up', {
      body: { email: 'x@y.zz', password: 'short', displayName: 'X', role: 'admin' },
    });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error.code).toBe('validation_error');
    const unknown = await api('GET', '/api/nope');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({ success: false, error: { code: 'not_found', message: 'no route GET /api/nope' } });
    expect((await api('GET', '/api/pitches/not-a-uuid')).status).toBe(400);
    expect((await api('GET', '/api/pitches/public?limit=5;DROP TABLE x')).status).toBe(400);
    expect((await api('GET', '/api/pitches/public?tab=hot')).status).toBe(400);
    expect((await api('GET', '/api/pitches/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect((await api('GET', '/api/notifications')).status).toBe(401);
    expect((await api('GET', '/api/notifications', { token: 'forged.token' })).status).toBe(401);
    const investor = await signUp(h, 'investor');
    expect(
      (
        await api('POST', '/api/media', {
          token: investor.token,
          body: { fileName: 'a.pdf', mimeType: 'application/pdf', contentBase64: 'AAAA' },
        })
      ).status,
    ).toBe(403);
    const creator = await signUp(h, 'creator');
    const big = Buffer.alloc(5 * 1024 * 1024 + 10, 1).toString('base64');
    expect(
      (
        await api('POST', '/api/media', {
          token: creator.token,
          body: { fileName: 'a.pdf', mimeType: 'application/pdf', contentBase64: big },
        })
      ).status,
    ).toBe(400);
    expect(
      (
        await api('POST', '/api/media', {
          token: creator.token,
          body: { fileName: 'a.exe', mimeType: 'application/x-msdownload', contentBase64: 'AAAA' },
        })
      ).status,
    ).toBe(400);
    // Internal endpoints refuse callers without the service credential.
    expect((await api('GET', '/internal/pitches/00000000-0000-4000-8000-000000000000/summary')).status).toBe(403);
    expect(
      (await api('POST', '/internal/nda/access', { body: { pitchId: 'x', ownerId: 'y', userId: 'y', role: 'admin' } }))
        .status,
    ).toBe(403);
  });

  it('serves health, readiness and Prometheus metrics per service', async () => {
    const { api } = h;
    expect((await api<{ status: string }>('GET', '/healthz')).body.data.status).toBe('ok');
    expect((await api<{ status: string }>('GET', '/readyz')).body.data.status).toBe('ready');
    await api('GET', '/api/pitches/public');
    await api('GET', '/api/pitches/public');
    const res = await fetch(`${h.p.url}/metrics`);
    const text = await res.text();
    expect(res.headers.get('content-type')).toContain('text/plain');
    const line = text
      .split('\n')
      .find(
        (l) =>
          l.startsWith('http_requests_total{') &&
          l.includes('route="/api/pitches/public"') &&
          l.includes('status="200"'),
      );
    expect(line).toMatch(/service="pitch"/);
    expect(Number(line!.split(' ').pop())).toBeGreaterThanOrEqual(2);
    expect(text).toMatch(/http_request_duration_seconds_bucket\{[^}]*service="pitch"/);
    expect(text).toContain('http_request_errors_total');
    for (const s of ['user', 'nda', 'notification', 'media']) expect(text).toContain(`service="${s}"`);
    if (promtool) {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'pitchey-metrics-'));
      writeFileSync(path.join(dir, 'm.prom'), text);
      const r = spawnSync('sh', ['-c', `promtool check metrics < ${path.join(dir, 'm.prom')}`], { encoding: 'utf8' });
      rmSync(dir, { recursive: true, force: true });
      expect(r.status, r.stdout + r.stderr).toBe(0);
    }
  });
});

describe('rate limiting', () => {
  const h = usePlatform('pglite', { rateLimit: { perMinute: 5 } });

  it('limits by peer address and ignores a client-supplied X-Forwarded-For', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++)
      statuses.push(
        (await h.api('GET', '/api/pitches/public', { headers: { 'x-forwarded-for': `10.0.0.${i}` } })).status,
      );
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429, 429]);
    const r = await h.api('GET', '/api/pitches/public');
    expect(r.body.error.code).toBe('rate_limited');
    // Health endpoints sit outside the services and stay reachable.
    expect((await h.api('GET', '/healthz')).status).toBe(200);
  });
});
