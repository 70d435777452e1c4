import { describe, expect, it } from 'vitest';
import { TokenSigner } from '../../platform/lib/auth-token.js';
import { hashPassword, verifyPassword } from '../../platform/lib/password-hash.js';
import { RateLimiter } from '../../platform/lib/rate-limit.js';
import { TtlCache } from '../../platform/lib/ttl-cache.js';
import { sanitizeFileName } from '../../platform/services/media/file-names.js';
import { decideAccess } from '../../platform/services/nda/nda-access.js';
import { nextStatus } from '../../platform/services/nda/nda-state-machine.js';
import { generateSeed, seedUuid } from '../../platform/gateway/seed-data.js';

describe('NDA rules', () => {
  it('follows the state machine exactly', () => {
    const all = ['requested', 'approved', 'rejected', 'signed', 'revoked', 'expired'] as const;
    const allowed: string[] = [];
    for (const from of all)
      for (const a of ['approve', 'reject', 'sign', 'revoke', 'expire'] as const) {
        const to = nextStatus(from, a);
        if (to) allowed.push(`${from}-${a}->${to}`);
      }
    expect(allowed.sort()).toEqual(
      [
        'requested-approve->approved',
        'requested-reject->rejected',
        'approved-sign->signed',
        'approved-revoke->revoked',
        'signed-revoke->revoked',
        'signed-expire->expired',
      ].sort(),
    );
  });

  it('grants access only to owner, admin, or signed and unexpired', () => {
    const now = new Date('2026-06-01T00:00:00Z');
    const inv = { userId: 'u', role: 'investor' as const };
    expect(decideAccess({ userId: 'o', role: 'creator' }, 'o', undefined, now)).toEqual({
      granted: true,
      reason: 'owner',
    });
    expect(decideAccess({ userId: 'a', role: 'admin' }, 'o', undefined, now).reason).toBe('admin');
    expect(decideAccess(inv, 'o', { status: 'signed', expires_at: '2026-06-01T00:00:01Z' }, now)).toEqual({
      granted: true,
      reason: 'nda',
    });
    expect(decideAccess(inv, 'o', { status: 'signed', expires_at: '2026-06-01T00:00:00Z' }, now).granted).toBe(false);
    expect(decideAccess(inv, 'o', { status: 'signed', expires_at: null }, now).granted).toBe(false);
    for (const status of ['requested', 'approved', 'rejected', 'revoked', 'expired'] as const) {
      expect(decideAccess(inv, 'o', { status, expires_at: '2030-01-01T00:00:00Z' }, now).granted).toBe(false);
    }
  });
});

describe('resilience primitives', () => {
  it('rate limiter refills at limit/60s per client', () => {
    let t = 0;
    const r = new RateLimiter({ enabled: true, perMinute: 2, authPerMinute: 1, ndaPerMinute: 1 }, () => t);
    expect([r.take('general', 'a'), r.take('general', 'a')]).toEqual([0, 0]);
    expect(r.take('general', 'a')).toBe(30_000); // one token per 30 s
    expect(r.take('general', 'b')).toBe(0);
    t = 30_000;
    expect(r.take('general', 'a')).toBe(0);
  });

  it('ttl cache expires and evicts least recently used', () => {
    let t = 1;
    const c = new TtlCache<number>(2, 1000, () => t);
    c.set('a', 1);
    c.set('b', 2);
    c.get('a');
    c.set('c', 3);
    expect([c.get('a'), c.get('b'), c.get('c')]).toEqual([1, undefined, 3]);
    t = 1001;
    expect(c.get('c')).toBe(3);
    t = 1002;
    expect(c.get('a')).toBeUndefined();
  });
});

describe('auth and media helpers', () => {
  it('signs tokens that verify, and rejects tampered or expired ones', () => {
    const s = new TokenSigner(Buffer.alloc(32, 7));
    const tok = s.sign({ sub: 'u1', role: 'investor', sid: 's', exp: 2000 });
    expect(s.verify(tok, 1999)).toEqual({ sub: 'u1', role: 'investor', sid: 's', exp: 2000 });
    expect(s.verify(tok, 2000)).toBeNull();
    const [body, mac] = tok.split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'u1', role: 'admin', sid: 's', exp: 2000 })).toString('base64url');
    expect(s.verify(`${forged}.${mac}`, 1)).toBeNull();
    expect(new TokenSigner(Buffer.alloc(32, 8)).verify(`${body}.${mac}`, 1)).toBeNull();
  });

  it('hashes passwords with scrypt and verifies them', async () => {
    const h = await hashPassword('hunter22', Buffer.alloc(16, 1), { N: 1024, r: 8, p: 1 });
    expect(h.startsWith('scrypt$1024$8$1$')).toBe(true);
    expect(await verifyPassword('hunter22', h)).toBe(true);
    expect(await verifyPassword('hunter23', h)).toBe(false);
  });

  it('sanitizes file names', () => {
    expect(sanitizeFileName('../../etc/passwd')).toBe('passwd');
    expect(sanitizeFileName('..\\..\\win.ini')).toBe('win.ini');
    expect(sanitizeFileName('.hidden')).toBe('hidden');
    expect(sanitizeFileName('my deck (final).pdf')).toBe('my_deck_final_.pdf');
    expect(sanitizeFileName('')).toBe('file');
    expect(sanitizeFileName('a'.repeat(300) + '.pdf')).toHaveLength(100);
  });
});

describe('seed data', () => {
  it('is deterministic and shaped as the load model says', () => {
    const a = generateSeed(1000, 2000);
    expect(generateSeed(1000, 2000)).toEqual(a);
    expect(seedUuid('user:0')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const share = (role: string) => a.users.filter((u) => u.role === role).length / a.users.length;
    expect(share('creator')).toBeGreaterThan(0.45);
    expect(share('creator')).toBeLessThan(0.55);
    expect(share('investor')).toBeGreaterThan(0.3);
    expect(share('investor')).toBeLessThan(0.4);
    const published = a.pitches.filter((p) => p.status === 'published').length / a.pitches.length;
    expect(published).toBeGreaterThan(0.35);
    expect(published).toBeLessThan(0.45);
    // Zipf: the most viewed pitch is far above the median.
    const views = a.pitches
      .filter((p) => p.status !== 'draft')
      .map((p) => p.viewCount)
      .sort((x, y) => y - x);
    expect(views[0] / Math.max(1, views[Math.floor(views.length / 2)])).toBeGreaterThan(100);
    expect(new Set(a.follows.map((f) => `${f.followerId}|${f.followeeId}`)).size).toBe(a.follows.length);
  });
});
