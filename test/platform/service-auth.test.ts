import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPlatformApp, type PlatformApp } from '../../platform/gateway/platform-app.js';
import { loadOrCreateSecret } from '../../platform/gateway/platform-secret.js';
import { ServiceTokens } from '../../platform/lib/service-auth.js';
import type { ApiEnvelope } from './api-client.js';
import { startPlatformCli, stopPlatformClis } from './platform-cli-process.js';

describe('service tokens (jose, caller → callee)', () => {
  const secret = randomBytes(32);
  let now = 1_800_000_000;
  const clock = () => now;
  const pitch = new ServiceTokens(secret, 'pitch', clock);
  const nda = new ServiceTokens(secret, 'nda', clock);

  it('admits a token only at its callee and only from an admitted caller', async () => {
    const t = await pitch.tokenFor('nda');
    expect(await nda.verify(t, 'nda')).toBe('pitch');
    expect(await nda.verify(t, 'user')).toBeNull(); // wrong audience
    const fromNotification = await new ServiceTokens(secret, 'notification', clock).tokenFor('pitch');
    expect(await nda.verify(fromNotification, 'pitch')).toBeNull(); // notification never calls pitch
  });

  it('rejects forged, tampered, alg:none, foreign-key and expired tokens', async () => {
    const t = await pitch.tokenFor('media');
    const [h, p, s] = t.split('.');
    const flipped = `${h}.${p}.${s.slice(0, -2)}${s.endsWith('AA') ? 'BB' : 'AA'}`;
    expect(await nda.verify(flipped, 'media')).toBeNull();
    const none = `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${p}.`;
    expect(await nda.verify(none, 'media')).toBeNull();
    const foreign = await new ServiceTokens(randomBytes(32), 'pitch', clock).tokenFor('media');
    expect(await nda.verify(foreign, 'media')).toBeNull();
    // Signed with the user-token secret itself (not the derived service key): refused.
    const rawKey = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer('pitch')
      .setAudience('media')
      .setExpirationTime(now + 60)
      .sign(new Uint8Array(secret));
    expect(await nda.verify(rawKey, 'media')).toBeNull();
    expect(await nda.verify(t, 'media')).toBe('pitch');
    now += 121; // tokens live 120 s
    expect(await nda.verify(t, 'media')).toBeNull();
    const fresh = await pitch.tokenFor('media');
    expect(fresh).not.toBe(t);
    expect(await nda.verify(fresh, 'media')).toBe('pitch');
  });
});

// A service on its own port, exactly as `--mode services` starts one (service-main.ts): requireServiceToken.
describe('a service process port admits only the gateway and admitted services', () => {
  let p: PlatformApp;
  let base: string;
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pitchey-svc-auth-'));
  beforeAll(async () => {
    p = await buildPlatformApp({
      dataDir,
      db: 'pglite',
      services: ['nda'],
      remote: { pitch: 'http://127.0.0.1:9', user: 'http://127.0.0.1:9' },
      requireServiceToken: true,
    });
    await p.app.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(p.app.server.address() as { port: number }).port}`;
  });
  afterAll(async () => {
    await p?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('refuses direct calls without a token (public, internal and health routes alike)', async () => {
    for (const path of ['/api/ndas/incoming', '/healthz', '/metrics']) {
      const r = await fetch(base + path);
      expect(r.status, path).toBe(401);
      expect(((await r.json()) as ApiEnvelope<never>).error.code).toBe('service_token_required');
    }
    const internal = await fetch(`${base}/internal/ndas/counts?userId=00000000-0000-4000-8000-000000000000`);
    expect(internal.status).toBe(401);
  });

  it('lets the gateway forward and a calling service in; the audience and the caller matter', async () => {
    const secret = loadOrCreateSecret(dataDir);
    const gateway = new ServiceTokens(secret, 'gateway');
    const health = await fetch(`${base}/healthz`, { headers: { 'x-pitchey-gateway': await gateway.tokenFor('nda') } });
    expect(health.status).toBe(200);
    const wrongAud = await fetch(`${base}/healthz`, {
      headers: { 'x-pitchey-gateway': await gateway.tokenFor('pitch') },
    });
    expect(wrongAud.status).toBe(401);
    const counts = '/internal/ndas/counts?userId=00000000-0000-4000-8000-000000000000';
    // Forwarded by the gateway is not an internal call.
    expect(
      (await fetch(base + counts, { headers: { 'x-pitchey-gateway': await gateway.tokenFor('nda') } })).status,
    ).toBe(403);
    const fromPitch = await fetch(base + counts, {
      headers: { 'x-pitchey-internal': await new ServiceTokens(secret, 'pitch').tokenFor('nda') },
    });
    expect(fromPitch.status).toBe(200);
    const fromNotification = await fetch(base + counts, {
      headers: { 'x-pitchey-internal': await new ServiceTokens(secret, 'notification').tokenFor('nda') },
    });
    expect(fromNotification.status).toBe(401);
  });
});

// The real thing: `platform start --mode services` (built CLI), each service its own process and port.
describe('--mode services: service ports refuse direct calls', () => {
  afterAll(stopPlatformClis);

  it('every service port answers 401 without a token while the gateway serves the same paths', async () => {
    const cli = await startPlatformCli(['--mode', 'services']);
    const children = readFileSync(`/proc/${cli.child.pid}/task/${cli.child.pid}/children`, 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    expect(children).toHaveLength(5);
    const listening = execFileSync('ss', ['-ltnpH'], { encoding: 'utf8' });
    const ports = listening
      .split('\n')
      .filter((l) => children.some((pid) => l.includes(`pid=${pid},`)))
      .map((l) => Number(/127\.0\.0\.1:(\d+)/.exec(l)?.[1]));
    expect(ports.filter((x) => x > 0)).toHaveLength(5);
    for (const port of ports) {
      for (const p of ['/healthz', '/api/pitches/public', '/api/notifications']) {
        const r = await fetch(`http://127.0.0.1:${port}${p}`);
        expect(r.status, `${port}${p}`).toBe(401);
      }
      // A client cannot pass off its own header as the gateway's.
      const forged = await fetch(`http://127.0.0.1:${port}/healthz`, { headers: { 'x-pitchey-gateway': 'x.y.z' } });
      expect(forged.status).toBe(401);
    }
    expect((await fetch(`${cli.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${cli.url}/api/pitches/public`)).status).toBe(200);
  });
});
