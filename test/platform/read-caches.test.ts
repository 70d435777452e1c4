// The hot reads cached for bench:platform (notification badge and pages, search, dashboard) follow writes.
import { describe, expect, it } from 'vitest';
import { waitFor, type Created, type Items, type NdaStatus } from './api-client.js';

/** GET /api/dashboard: a creator's pitch counts by status, an investor's saved-pitch count. */
interface Dashboard {
  pitches: Record<string, number>;
  savedPitches: number;
  totalLikes: number;
}
import { signUp, usePlatform } from './platform-harness.js';

describe('read caches follow writes', () => {
  const h = usePlatform('pglite');

  it('the unread badge and the first page follow the user’s own reads at once and new notes within the TTL', async () => {
    const creator = await signUp(h, 'creator');
    const fan = await signUp(h, 'investor');
    const badge = async () =>
      (await h.api<{ count: number }>('GET', '/api/notifications/unread-count', { token: creator.token })).body.data
        .count;
    const page = async () =>
      (await h.api<Items<unknown>>('GET', '/api/notifications', { token: creator.token })).body.data.items;
    expect([await badge(), (await page()).length]).toEqual([0, 0]); // now cached
    await h.api('POST', `/api/follows/${creator.user.id}`, { token: fan.token });
    await h.p.bus.drain();
    // The feed's insert dropped the cached answers: the new follower shows without waiting for the TTL.
    expect(await badge()).toBe(1);
    expect(await page()).toHaveLength(1);
    expect(
      (await h.api<{ marked: number }>('PUT', '/api/notifications/read-all', { token: creator.token })).body.data
        .marked,
    ).toBe(1);
    expect(await badge()).toBe(0);
    const items = (await page()) as Array<{ read: boolean }>;
    expect(items.map((n) => n.read)).toEqual([true]);
    // Another user's cache is separate: the fan has no notes.
    expect(
      (await h.api<{ count: number }>('GET', '/api/notifications/unread-count', { token: fan.token })).body.data.count,
    ).toBe(0);
    await h.api('DELETE', `/api/follows/${creator.user.id}`, { token: fan.token });
    await h.api('POST', `/api/follows/${creator.user.id}`, { token: fan.token });
    await waitFor(async () => (await badge()) === 1, 5000);
  });

  it('search and dashboards follow pitch writes at once', async () => {
    const creator = await signUp(h, 'creator');
    const investor = await signUp(h, 'investor');
    const word = `zebra${Date.now().toString(36)}`;
    const search = async () => (await h.api<Items<Created>>('GET', `/api/search?q=${word}`)).body.data.items;
    const dash = async (t: string) => (await h.api<Dashboard>('GET', '/api/dashboard', { token: t })).body.data;
    expect(await search()).toEqual([]);
    expect((await dash(creator.token)).pitches).toEqual({ draft: 0, published: 0, archived: 0 });
    const c = await h.api<Created>('POST', '/api/pitches', {
      token: creator.token,
      body: { title: `The ${word} run`, logline: 'Stripes', genre: 'drama', requiresNda: false },
    });
    const id = c.body.data.id;
    expect((await dash(creator.token)).pitches).toEqual({ draft: 1, published: 0, archived: 0 });
    await h.api('POST', `/api/pitches/${id}/publish`, { token: creator.token });
    expect((await search()).map((p) => p.id)).toEqual([id]);
    expect((await dash(creator.token)).pitches).toEqual({ draft: 0, published: 1, archived: 0 });
    expect((await dash(investor.token)).savedPitches).toBe(0);
    await h.api('POST', `/api/pitches/${id}/save`, { token: investor.token });
    expect((await dash(investor.token)).savedPitches).toBe(1);
    // A like moves counters only (lists keep their TTL), but the row and the owner's dashboard follow at once.
    const likes = async () =>
      (await h.api<{ likeCount: number }>('GET', `/api/pitches/${id}`, { token: investor.token })).body.data.likeCount;
    expect([await likes(), (await dash(creator.token)).totalLikes]).toEqual([0, 0]); // both cached now
    await h.api('POST', `/api/pitches/${id}/like`, { token: investor.token });
    expect([await likes(), (await dash(creator.token)).totalLikes]).toEqual([1, 1]);
    await h.api('POST', `/api/pitches/${id}/archive`, { token: creator.token });
    expect(await search()).toEqual([]);
  });

  it('the polled NDA status follows every transition at once', async () => {
    const creator = await signUp(h, 'creator');
    const investor = await signUp(h, 'investor');
    const c = await h.api<Created>('POST', '/api/pitches', {
      token: creator.token,
      body: { title: 'Status Line', logline: 'Polled', genre: 'drama' },
    });
    const pitchId = c.body.data.id;
    await h.api('POST', `/api/pitches/${pitchId}/publish`, { token: creator.token });
    const status = async () => {
      const d = (await h.api<NdaStatus>('GET', `/api/ndas/pitch/${pitchId}/status`, { token: investor.token })).body
        .data;
      return [d.nda?.status ?? null, d.hasAccess];
    };
    expect(await status()).toEqual([null, false]);
    const nda = (await h.api<Created>('POST', '/api/ndas/request', { token: investor.token, body: { pitchId } })).body
      .data.id;
    expect(await status()).toEqual(['requested', false]);
    await h.api('POST', `/api/ndas/${nda}/approve`, { token: creator.token });
    expect(await status()).toEqual(['approved', false]);
    await h.api('POST', `/api/ndas/${nda}/sign`, { token: investor.token, body: { fullName: 'I', signature: 'i' } });
    expect(await status()).toEqual(['signed', true]);
    await h.api('POST', `/api/ndas/${nda}/revoke`, { token: creator.token });
    expect(await status()).toEqual(['revoked', false]);
  });
});
