// Regression tests for the findings of the platform's attack review (issue 13): each failed before its fix.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startPlatform } from '../../platform/index.js';
import { seedPlatform } from '../../platform/gateway/seed.js';
import {
  apiClient,
  parseEnvelope,
  registerAndSignIn,
  type Created,
  type Items,
  type PitchView,
  type Session,
} from './api-client.js';
import { signUp, signUpAdmin, usePlatform, type Harness } from './platform-harness.js';

/** A media row or NDA request as a caller sees it: the owner's id only once access is granted. */
interface Owned extends Created {
  ownerId: string | null;
}

const pdf = (text: string) => ({
  fileName: 'deck.pdf',
  mimeType: 'application/pdf',
  contentBase64: Buffer.from(text).toString('base64'),
});

/** A published, NDA-gated pitch with one public (not NDA-gated) media file attached. */
async function gatedPitch(h: Harness, creator: { token: string }) {
  const c = await h.api<Created>('POST', '/api/pitches', {
    token: creator.token,
    body: {
      title: 'Glass Harbour',
      logline: 'A port that forgets',
      genre: 'drama',
      requiresNda: true,
      protected: { budgetBreakdown: 'B-42' },
    },
  });
  expect(c.status, JSON.stringify(c.body)).toBe(201);
  const id = c.body.data.id;
  const up = await h.api<Created>('POST', '/api/media', {
    token: creator.token,
    body: { ...pdf('public teaser'), pitchId: id, requiresNda: false },
  });
  expect(up.status).toBe(201);
  expect((await h.api('POST', `/api/pitches/${id}/publish`, { token: creator.token })).status).toBe(200);
  return { pitchId: id, mediaId: up.body.data.id };
}

async function grantNda(h: Harness, pitchId: string, creator: { token: string }, investor: { token: string }) {
  const req = await h.api<Created>('POST', '/api/ndas/request', { token: investor.token, body: { pitchId } });
  expect(req.status).toBe(201);
  expect((await h.api('POST', `/api/ndas/${req.body.data.id}/approve`, { token: creator.token })).status).toBe(200);
  expect(
    (
      await h.api('POST', `/api/ndas/${req.body.data.id}/sign`, {
        token: investor.token,
        body: { fullName: 'I', signature: 'i' },
      })
    ).status,
  ).toBe(200);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

describe('High: tokens of signed-out or deactivated users stop working on every route', () => {
  const h = usePlatform('pglite');

  it('sign-out ends that session everywhere (other sessions of the user keep working)', async () => {
    const u = await signUp(h, 'creator');
    const other = await h.api<Session>('POST', '/api/auth/sign-in', {
      body: {
        email: (await h.api<{ user: { email: string } }>('GET', '/api/auth/session', { token: u.token })).body.data.user
          .email,
        password: 'correct horse 1',
      },
    });
    const routes: Array<[string, string]> = [
      ['GET', '/api/notifications'],
      ['GET', '/api/dashboard'],
      ['GET', '/api/user/preferences'],
      ['GET', '/api/creator/pitches'],
      ['GET', '/api/ndas/outgoing'],
      ['GET', '/api/auth/session'],
    ];
    // Warm every cache first, so a stale cached session state would show.
    for (const [m, p] of routes) expect((await h.api(m, p, { token: u.token })).status, p).toBe(200);
    expect((await h.api('POST', '/api/auth/sign-out', { token: u.token })).status).toBe(200);
    for (const [m, p] of routes) expect((await h.api(m, p, { token: u.token })).status, p).toBe(401);
    expect(
      (await h.api('POST', '/api/pitches', { token: u.token, body: { title: 't', logline: 'l', genre: 'drama' } }))
        .status,
    ).toBe(401);
    expect((await h.api('GET', '/api/notifications', { token: other.body.data.token })).status).toBe(200);
  });

  it('a deactivated NDA holder loses protected content, gated media and every authenticated route at once', async () => {
    const creator = await signUp(h, 'creator');
    const investor = await signUp(h, 'investor');
    const admin = await signUpAdmin(h);
    const gated = await h.api<Created>('POST', '/api/media', {
      token: creator.token,
      body: { ...pdf('gated'), requiresNda: true },
    });
    const c = await h.api<Created>('POST', '/api/pitches', {
      token: creator.token,
      body: {
        title: 'Iron Choir',
        logline: 'Singers underground',
        genre: 'drama',
        requiresNda: true,
        mediaIds: [gated.body.data.id],
        protected: { revenueModel: 'RM-7' },
      },
    });
    const pitchId = c.body.data.id;
    await h.api('POST', `/api/pitches/${pitchId}/publish`, { token: creator.token });
    await grantNda(h, pitchId, creator, investor);
    expect(
      (await h.api<PitchView>('GET', `/api/pitches/${pitchId}`, { token: investor.token })).body.data.protected
        ?.revenueModel,
    ).toBe('RM-7');
    expect((await h.api('GET', `/api/media/${gated.body.data.id}`, { token: investor.token })).status).toBe(200);

    expect(
      (await h.api('POST', `/api/admin/users/${investor.user.id}/deactivate`, { token: admin.token })).status,
    ).toBe(200);
    const after = await h.api<PitchView>('GET', `/api/pitches/${pitchId}`, { token: investor.token });
    expect(after.body.data.protected).toBeNull();
    expect(after.body.data.access).toBe('none');
    expect((await h.api('GET', `/api/media/${gated.body.data.id}`, { token: investor.token })).status).toBe(404);
    expect((await h.api('GET', '/api/notifications', { token: investor.token })).status).toBe(401);
    expect((await h.api('GET', `/api/ndas/pitch/${pitchId}/status`, { token: investor.token })).status).toBe(401);
  });

  it('admin tokens too: a signed-out admin cannot use admin endpoints', async () => {
    const admin = await signUpAdmin(h);
    expect((await h.api('GET', '/api/admin/feature-flags', { token: admin.token })).status).toBe(200);
    await h.api('POST', '/api/auth/sign-out', { token: admin.token });
    expect((await h.api('GET', '/api/admin/feature-flags', { token: admin.token })).status).toBe(401);
    const victim = await signUp(h, 'investor');
    expect((await h.api('POST', `/api/admin/users/${victim.user.id}/deactivate`, { token: admin.token })).status).toBe(
      401,
    );
  });

  it('a token of a user that does not exist is refused even when correctly signed', async () => {
    const forged = h.p.signer.sign({
      sub: '00000000-0000-4000-8000-0000000000aa',
      role: 'admin',
      sid: '00000000-0000-4000-8000-0000000000bb',
      exp: Math.floor(Date.now() / 1000) + 60,
    });
    expect((await h.api('GET', '/api/admin/feature-flags', { token: forged })).status).toBe(401);
  });
});

describe('High: a failed create never deletes media attached to another pitch', () => {
  const h = usePlatform('pglite');

  it('a retried POST /api/pitches with attached media answers 409 and the media stays with its pitch', async () => {
    const creator = await signUp(h, 'creator');
    const m1 = (await h.api<Created>('POST', '/api/media', { token: creator.token, body: pdf('m1 bytes') })).body.data
      .id;
    const body = {
      title: 'Retry Me',
      logline: 'Timeout then retry',
      genre: 'comedy',
      requiresNda: false,
      mediaIds: [m1],
    };
    const first = await h.api<Created>('POST', '/api/pitches', { token: creator.token, body });
    expect(first.status).toBe(201);
    const retry = await h.api('POST', '/api/pitches', { token: creator.token, body });
    expect(retry.status).toBe(409);
    expect(retry.body.error.code).toBe('media_attached');
    const list = await h.api<Items<Created>>('GET', `/api/pitches/${first.body.data.id}/media`, {
      token: creator.token,
    });
    expect(list.body.data.items.map((m) => m.id)).toEqual([m1]);
    const content = await fetch(`${h.p.url}/api/media/${m1}/content`, {
      headers: { authorization: `Bearer ${creator.token}` },
    });
    expect(content.status).toBe(200);
    expect(await content.text()).toBe('m1 bytes');
  });
});

describe('Medium: the creator of an NDA-gated pitch is not revealed to callers without access', () => {
  const h = usePlatform('pglite');

  it('media metadata, NDA responses before signing / after rejection and notifications never name the creator', async () => {
    const creator = await signUp(h, 'creator');
    const investor = await signUp(h, 'investor');
    const { pitchId, mediaId } = await gatedPitch(h, creator);
    const seen: string[] = [];
    const asInvestor = async <T = unknown>(method: string, p: string, body?: unknown) => {
      const r = await h.api<T>(method, p, { token: investor.token, body });
      seen.push(`${method} ${p} ${JSON.stringify(r.body)}`);
      return r;
    };
    const anonMedia = await h.api<Owned>('GET', `/api/media/${mediaId}`);
    const anon = [
      anonMedia,
      await h.api('GET', `/api/pitches/${pitchId}/media`),
      await h.api('GET', `/api/pitches/${pitchId}`),
    ];
    for (const r of anon) expect(JSON.stringify(r.body)).not.toContain(creator.user.id);
    expect(anonMedia.body.data.ownerId).toBeNull();

    await asInvestor('GET', `/api/media/${mediaId}`);
    await asInvestor('GET', `/api/pitches/${pitchId}/media`);
    await asInvestor('GET', `/api/pitches/${pitchId}`);
    const first = await asInvestor<Owned>('POST', '/api/ndas/request', { pitchId });
    expect(first.body.data.ownerId).toBeNull();
    await asInvestor('GET', `/api/ndas/pitch/${pitchId}/status`);
    await asInvestor('GET', '/api/ndas/outgoing');
    await asInvestor('GET', `/api/ndas/${first.body.data.id}`);
    expect((await h.api('POST', `/api/ndas/${first.body.data.id}/reject`, { token: creator.token })).status).toBe(200);
    await asInvestor('GET', `/api/ndas/${first.body.data.id}`);
    const second = await asInvestor<Owned>('POST', '/api/ndas/request', { pitchId });
    const approved = await h.api<Owned>('POST', `/api/ndas/${second.body.data.id}/approve`, { token: creator.token });
    expect(approved.body.data.ownerId).toBe(creator.user.id); // the owner sees their own id
    await asInvestor('GET', '/api/ndas/outgoing');
    await h.p.bus.drain();
    const notes = await asInvestor<Items<{ type: string }>>('GET', '/api/notifications');
    expect(notes.body.data.items.map((n) => n.type).sort()).toEqual(['nda_approved', 'nda_rejected']);
    for (const s of seen) expect(s).not.toContain(creator.user.id);

    // Signing grants access: from then on the creator is shown.
    const signed = await asInvestor<Owned>('POST', `/api/ndas/${second.body.data.id}/sign`, {
      fullName: 'I',
      signature: 'i',
    });
    expect(signed.body.data.ownerId).toBe(creator.user.id);
    expect((await asInvestor<PitchView>('GET', `/api/pitches/${pitchId}`)).body.data.creator?.id).toBe(creator.user.id);
  });
});

describe('Medium: sign-in abuse', () => {
  const h = usePlatform('pglite', { rateLimit: { signInFailuresPerAccount: 5 } });

  it('locks an account after 5 failed sign-ins (429 with Retry-After, even with the right password), unknown emails alike', async () => {
    const email = `victim-${Date.now()}@example.com`;
    await registerAndSignIn(h.api, { email, password: 'correct horse 1', displayName: 'V', role: 'investor' });
    for (let i = 0; i < 5; i++)
      expect((await h.api('POST', '/api/auth/sign-in', { body: { email, password: `wrong ${i}` } })).status).toBe(401);
    const locked = await fetch(`${h.p.url}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password: 'correct horse 1' }),
    });
    expect(locked.status).toBe(429);
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(((await locked.json()) as { error: { code: string } }).error.code).toBe('too_many_attempts');
    const ghost = `ghost-${Date.now()}@example.com`;
    const ghostStatuses: number[] = [];
    for (let i = 0; i < 6; i++)
      ghostStatuses.push(
        (await h.api('POST', '/api/auth/sign-in', { body: { email: ghost, password: 'whatever 1' } })).status,
      );
    expect(ghostStatuses).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('answers unknown emails and wrong passwords in the same time (both cost one hash)', async () => {
    const known: string[] = [];
    for (let i = 0; i < 4; i++) {
      const email = `timed${i}-${Date.now()}@example.com`;
      await registerAndSignIn(h.api, { email, password: 'correct horse 1', displayName: 'T', role: 'investor' });
      known.push(email);
    }
    const time = async (email: string) => {
      const t0 = performance.now();
      expect((await h.api('POST', '/api/auth/sign-in', { body: { email, password: 'not the password' } })).status).toBe(
        401,
      );
      return performance.now() - t0;
    };
    const wrong: number[] = [];
    const unknown: number[] = [];
    for (let i = 0; i < 12; i++) {
      wrong.push(await time(known[i % 4]));
      unknown.push(await time(`nobody${i}-${Date.now()}@example.com`));
    }
    const ratio = median(unknown) / median(wrong);
    expect(
      ratio,
      `unknown ${median(unknown).toFixed(1)} ms vs wrong password ${median(wrong).toFixed(1)} ms`,
    ).toBeGreaterThan(0.6);
    expect(ratio).toBeLessThan(1.6);
  });

  it('sign-up answers a registered email exactly like a new one; the owner still signs in with their password', async () => {
    const email = `taken-${Date.now()}@example.com`;
    const body = (e: string, pw: string) => ({ email: e, password: pw, displayName: 'X', role: 'creator' });
    const fresh = await h.api('POST', '/api/auth/sign-up', { body: body(email, 'correct horse 1') });
    const again = await h.api('POST', '/api/auth/sign-up', { body: body(email, 'attacker pass 2') });
    expect(fresh.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body).toEqual(fresh.body);
    expect((await h.api('POST', '/api/auth/sign-in', { body: { email, password: 'correct horse 1' } })).status).toBe(
      200,
    );
    expect((await h.api('POST', '/api/auth/sign-in', { body: { email, password: 'attacker pass 2' } })).status).toBe(
      401,
    );
  });
});

describe('Medium: a sign-in flood does not starve the thread pool', () => {
  // No lockout here, so every wrong password costs a real scrypt, as in the review's flood of one account.
  const h = usePlatform('pglite', { rateLimit: { signInFailuresPerAccount: 1_000_000 } });

  it('a flood of failing sign-ins does not starve file reads of the thread pool', async () => {
    const creator = await signUp(h, 'creator');
    const m = (await h.api<Created>('POST', '/api/media', { token: creator.token, body: pdf('x'.repeat(64 * 1024)) }))
      .body.data.id;
    const read = async () => {
      const t0 = performance.now();
      const r = await fetch(`${h.p.url}/api/media/${m}/content`, {
        headers: { authorization: `Bearer ${creator.token}` },
      });
      expect(r.status).toBe(200);
      await r.arrayBuffer();
      return performance.now() - t0;
    };
    let flooding = true;
    const victim = `flooded-${Date.now()}@example.com`;
    await registerAndSignIn(h.api, { email: victim, password: 'correct horse 1', displayName: 'F', role: 'investor' });
    const flood = Array.from({ length: 24 }, async () => {
      while (flooding)
        await h.api('POST', '/api/auth/sign-in', { body: { email: victim, password: 'wrong password' } });
    });
    await new Promise((r) => setTimeout(r, 300));
    const reads: number[] = [];
    for (let i = 0; i < 15; i++) reads.push(await read());
    flooding = false;
    await Promise.all(flood);
    // Before the fix every libuv thread ran scrypt and a 64 KiB read waited ~1 s behind them.
    expect(median(reads), `media read median ${median(reads).toFixed(1)} ms during the flood`).toBeLessThan(150);
  });
});

describe('Medium: client input never answers 500', () => {
  const h = usePlatform('pglite');

  it('NUL characters, lone surrogates, repeated query parameters and 10,000-deep JSON are 400 envelopes', async () => {
    const creator = await signUp(h, 'creator');
    const investor = await signUp(h, 'investor');
    const { pitchId } = await gatedPitch(h, creator);
    const nda = (await h.api<Created>('POST', '/api/ndas/request', { token: investor.token, body: { pitchId } })).body
      .data.id;
    const NUL = 'a\u0000b';
    const su = (over: object) => ({
      email: 'n@example.com',
      password: 'correct horse 1',
      displayName: 'N',
      role: 'creator',
      ...over,
    });
    const pitch = (over: object) => ({ title: 'T', logline: 'L', genre: 'drama', ...over });
    const cases: Array<[string, string, { token?: string; body?: unknown; raw?: string }]> = [
      ['POST', '/api/auth/sign-up', { body: su({ email: `x${NUL}@example.com` }) }],
      ['POST', '/api/auth/sign-up', { body: su({ displayName: NUL }) }],
      ['POST', '/api/auth/sign-up', { body: su({ company: NUL }) }],
      ['POST', '/api/auth/sign-up', { body: su({ password: `correct${NUL}horse` }) }],
      ['POST', '/api/auth/sign-in', { body: { email: `a${NUL}@b.c`, password: 'x' } }],
      ['POST', '/api/pitches', { token: creator.token, body: pitch({ title: NUL }) }],
      ['POST', '/api/pitches', { token: creator.token, body: pitch({ shortSynopsis: NUL }) }],
      ['POST', '/api/pitches', { token: creator.token, body: pitch({ protected: { budgetBreakdown: NUL } }) }],
      ['POST', '/api/pitches', { token: creator.token, body: pitch({ ndaTerms: NUL }) }],
      ['PUT', `/api/pitches/${pitchId}`, { token: creator.token, body: { logline: NUL } }],
      ['PUT', '/api/user/profile', { token: creator.token, body: { bio: NUL } }],
      ['PUT', '/api/user/preferences', { token: creator.token, body: { theme: NUL } }],
      ['PUT', '/api/user/preferences', { token: creator.token, raw: '{"a\\u0000":1}' }],
      ['POST', '/api/ndas/request', { token: investor.token, body: { pitchId, message: NUL } }],
      ['POST', `/api/ndas/${nda}/approve`, { token: creator.token, body: { customTerms: NUL } }],
      ['POST', `/api/ndas/${nda}/sign`, { token: investor.token, body: { fullName: 'I', signature: NUL } }],
      ['POST', '/api/pitches', { token: creator.token, raw: '{"title":"\\ud800","logline":"L","genre":"drama"}' }],
      ['GET', '/api/search?q=a&q=b', {}],
      ['GET', '/api/search?q=%00', {}],
      ['GET', '/api/pitches/public?tab=new&tab=trending', {}],
      ['POST', '/api/pitches', { token: creator.token, raw: '['.repeat(10_000) + ']'.repeat(10_000) }],
      [
        'PUT',
        '/api/user/preferences',
        { token: creator.token, raw: '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000) },
      ],
    ];
    for (const [method, p, opts] of cases) {
      const r = await h.api(method, p, opts);
      expect(r.status, `${method} ${p} ${JSON.stringify(opts.body ?? opts.raw)?.slice(0, 60)}`).toBe(400);
      expect(r.body.success).toBe(false);
      expect(typeof r.body.error.code).toBe('string');
    }
  });

  it('unknown body fields are a 400, not silently dropped', async () => {
    const creator = await signUp(h, 'creator');
    const r1 = await h.api('POST', '/api/auth/sign-in', { body: { email: 'a@b.io', password: 'x', remember: true } });
    const r2 = await h.api('POST', '/api/pitches', {
      token: creator.token,
      body: { title: 'T', logline: 'L', genre: 'drama', budget: 5 },
    });
    const r3 = await h.api('PUT', '/api/user/profile', {
      token: creator.token,
      body: { displayName: 'Z', website: 'x' },
    });
    for (const r of [r1, r2, r3]) expect([r.status, r.body.error.code]).toEqual([400, 'validation_error']);
  });

  it('oversized headers (431) and malformed framing answer inside the JSON envelope', async () => {
    const big = await fetch(`${h.p.url}/api/pitches/public`, { headers: { 'x-big': 'a'.repeat(20_000) } });
    expect(big.status).toBe(431);
    expect(await big.json()).toEqual({
      success: false,
      error: { code: 'headers_too_large', message: 'request headers too large' },
    });
    const raw = await new Promise<string>((resolve) => {
      const s = net.connect(Number(new URL(h.p.url).port), '127.0.0.1');
      let out = '';
      s.on('data', (d) => (out += String(d)));
      s.on('close', () => resolve(out));
      s.write(
        'GET /api/pitches/public HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      );
    });
    expect(raw.split('\r\n')[0]).toBe('HTTP/1.1 400 Bad Request');
    expect(parseEnvelope(raw.split('\r\n\r\n')[1]).error.code).toBe('malformed_request');
  });
});

describe('Low findings', () => {
  const h = usePlatform('pglite');

  it('token signatures are accepted in their one canonical encoding only', async () => {
    const u = await signUp(h, 'investor');
    const [body, sig] = u.token.split('.') as [string, string];
    expect(sig).toHaveLength(43); // 32 bytes: 42 full characters + one carrying 4 bits (2 unused)
    const std = Buffer.from(sig, 'base64url').toString('base64'); // '+/' alphabet, '=' padding
    const last = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const i = last.indexOf(sig.at(-1)!);
    const sameBytes = sig.slice(0, -1) + last[i ^ 1]; // flips an unused low bit: decodes to the same 32 bytes
    expect(Buffer.from(sameBytes, 'base64url').equals(Buffer.from(sig, 'base64url'))).toBe(true);
    expect((await h.api('GET', '/api/notifications', { token: u.token })).status).toBe(200);
    for (const variant of [`${sig}=`, std, sameBytes]) {
      expect((await h.api('GET', '/api/notifications', { token: `${body}.${variant}` })).status, variant).toBe(401);
    }
  });

  it('every answer carries X-Content-Type-Options: nosniff', async () => {
    for (const p of ['/api/pitches/public', '/api/nope', '/api/pitches/bad-id', '/healthz']) {
      expect((await fetch(h.p.url + p)).headers.get('x-content-type-options'), p).toBe('nosniff');
    }
  });

  it('media of archived and deleted pitches are no longer served (to others than the owner)', async () => {
    const creator = await signUp(h, 'creator');
    const investor = await signUp(h, 'investor');
    const { pitchId, mediaId } = await gatedPitch(h, creator);
    expect((await h.api('GET', `/api/media/${mediaId}`, { token: investor.token })).status).toBe(200);
    expect((await h.api('POST', `/api/pitches/${pitchId}/archive`, { token: creator.token })).status).toBe(200);
    expect((await h.api('GET', `/api/media/${mediaId}`, { token: investor.token })).status).toBe(404);
    expect((await h.api('GET', `/api/media/${mediaId}/content`)).status).toBe(404);
    expect((await h.api('GET', `/api/media/${mediaId}`, { token: creator.token })).status).toBe(200);
    const second = await gatedPitch(h, creator);
    expect((await h.api('DELETE', `/api/pitches/${second.pitchId}`, { token: creator.token })).status).toBe(200);
    // Immediately, before the deletion event removed the rows and files.
    expect((await h.api('GET', `/api/media/${second.mediaId}/content`, { token: investor.token })).status).toBe(404);
  });

  it('anonymous views of a pitch count once per address; signed-in views still count', async () => {
    const creator = await signUp(h, 'creator');
    const investor = await signUp(h, 'investor');
    const { pitchId } = await gatedPitch(h, creator);
    const counted: boolean[] = [];
    for (let i = 0; i < 5; i++)
      counted.push((await h.api<{ counted: boolean }>('POST', `/api/pitches/${pitchId}/view`)).body.data.counted);
    expect(counted).toEqual([true, false, false, false, false]);
    for (let i = 0; i < 2; i++)
      expect(
        (await h.api<{ counted: boolean }>('POST', `/api/pitches/${pitchId}/view`, { token: investor.token })).body.data
          .counted,
      ).toBe(true);
    const n = await h.p.db.query<{ view_count: number }>('SELECT view_count FROM pitch_svc.pitches WHERE id = $1', [
      pitchId,
    ]);
    expect(n[0].view_count).toBe(3);
  });

  it('POST /api/pitches honours Idempotency-Key: a retry returns the same pitch; another body with the key is 422', async () => {
    const creator = await signUp(h, 'creator');
    const body = { title: `Idem ${Date.now()}`, logline: 'Once only', genre: 'drama' };
    const headers = { 'idempotency-key': `k-${Date.now()}` };
    const a = await h.api<Created>('POST', '/api/pitches', { token: creator.token, body, headers });
    const b = await h.api<Created>('POST', '/api/pitches', { token: creator.token, body, headers });
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(b.body.data.id).toBe(a.body.data.id);
    const rows = await h.p.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM pitch_svc.pitches WHERE title = $1',
      [body.title],
    );
    expect(rows[0].n).toBe(1);
    const c = await h.api('POST', '/api/pitches', {
      token: creator.token,
      body: { ...body, logline: 'changed' },
      headers,
    });
    expect([c.status, c.body.error.code]).toEqual([422, 'idempotency_key_reused']);
    const other = await signUp(h, 'creator'); // keys are per caller
    expect((await h.api<Created>('POST', '/api/pitches', { token: other.token, body, headers })).body.data.id).not.toBe(
      a.body.data.id,
    );
  });

  it('/metrics answers loopback peers only, or callers with the metrics token when one is set', async () => {
    const remote = await h.p.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '10.1.2.3' });
    expect(remote.statusCode).toBe(403);
    expect(parseEnvelope(remote.body).error.code).toBe('forbidden');
    expect((await h.p.app.inject({ method: 'GET', url: '/metrics', remoteAddress: '127.0.0.1' })).statusCode).toBe(200);
    const p = await startPlatform({ metricsToken: 'scrape-me' });
    try {
      expect((await fetch(`${p.url}/metrics`)).status).toBe(403);
      expect((await fetch(`${p.url}/metrics`, { headers: { authorization: 'Bearer scrape-mf' } })).status).toBe(403);
      expect((await fetch(`${p.url}/metrics`, { headers: { authorization: 'Bearer scrape-me' } })).status).toBe(200);
    } finally {
      await p.close();
    }
  });

  it('the data dir is private: directory 0700, media files and the seed manifest 0600', async () => {
    const parent = mkdtempSync(path.join(os.tmpdir(), 'pitchey-perm-'));
    const dir = path.join(parent, 'data');
    const p = await startPlatform({ dataDir: dir });
    try {
      await seedPlatform(p.db, dir, 100, 10);
      const api = apiClient(p.url);
      const c = await registerAndSignIn(api, {
        email: 'perm@example.com',
        password: 'correct horse 1',
        displayName: 'P',
        role: 'creator',
      });
      expect((await api('POST', '/api/media', { token: c.token, body: pdf('private') })).status).toBe(201);
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      expect(statSync(path.join(dir, 'seed-manifest.json')).mode & 0o077).toBe(0);
      const mediaRoot = path.join(dir, 'media');
      const files = readdirSync(mediaRoot, { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
      expect(files.length).toBeGreaterThan(0);
      for (const f of files) expect(statSync(path.join(f.parentPath, f.name)).mode & 0o077, f.name).toBe(0);
    } finally {
      await p.close();
      rmSync(parent, { recursive: true, force: true });
    }
  });
});
