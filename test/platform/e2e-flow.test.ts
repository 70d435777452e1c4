import { describe, expect, it } from 'vitest';
import type { Created, Items, NdaStatus, PitchView, WithStatus } from './api-client.js';
import { BACKENDS } from './backends.js';
import { signUp, usePlatform } from './platform-harness.js';

describe.each(BACKENDS)('end-to-end flow on %s', (backend) => {
  const h = usePlatform(backend);

  it('register → pitch → publish → NDA → access → notification → revoke', async () => {
    const { api } = h;
    const creator = await signUp(h, 'creator', 'cleo');
    const investor = await signUp(h, 'investor', 'ivan');
    const follower = await signUp(h, 'production', 'pia');
    expect((await api('POST', `/api/follows/${creator.user.id}`, { token: follower.token })).status).toBe(201);

    const me = await api<{ user: { id: string } }>('GET', '/api/auth/session', { token: investor.token });
    expect(me.body.data.user.id).toBe(investor.user.id);
    const bad = await api('POST', '/api/auth/sign-in', {
      body: { email: 'nobody@example.com', password: 'wrong password' },
    });
    expect(bad.status).toBe(401);

    const created = await api<PitchView>('POST', '/api/pitches', {
      token: creator.token,
      body: {
        title: 'Night Train',
        logline: 'A heist on rails',
        genre: 'thriller',
        requiresNda: true,
        protected: { budgetBreakdown: '$2.1M total' },
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const pitchId = created.body.data.id;
    expect(created.body.data.status).toBe('draft');
    expect(created.body.data.protected?.budgetBreakdown).toBe('$2.1M total');
    expect(
      (await api('POST', '/api/pitches', { token: investor.token, body: { title: 'x', logline: 'y', genre: 'drama' } }))
        .status,
    ).toBe(403);

    // Drafts are invisible to others; investors cannot request NDAs on drafts.
    expect((await api('GET', `/api/pitches/${pitchId}`, { token: investor.token })).status).toBe(404);
    expect((await api('POST', '/api/ndas/request', { token: investor.token, body: { pitchId } })).status).toBe(404);
    const pub = await api<WithStatus>('POST', `/api/pitches/${pitchId}/publish`, { token: creator.token });
    expect(pub.status).toBe(200);
    expect(pub.body.data.status).toBe('published');
    expect((await api('POST', `/api/pitches/${pitchId}/publish`, { token: creator.token })).status).toBe(409);

    const pubView = await api<PitchView>('GET', `/api/pitches/${pitchId}`, { token: investor.token });
    expect(pubView.body.data.protected).toBeNull();
    expect(pubView.body.data.creator).toBeNull();
    expect(pubView.body.data.access).toBe('none');

    expect((await api('POST', '/api/ndas/request', { token: creator.token, body: { pitchId } })).status).toBe(403);
    const req = await api<Created>('POST', '/api/ndas/request', {
      token: investor.token,
      body: { pitchId, message: 'keen' },
    });
    expect(req.status, JSON.stringify(req.body)).toBe(201);
    const ndaId = req.body.data.id;
    expect((await api('POST', '/api/ndas/request', { token: investor.token, body: { pitchId } })).status).toBe(409);
    expect(
      (
        await api('POST', `/api/ndas/${ndaId}/sign`, {
          token: investor.token,
          body: { fullName: 'Ivan', signature: 'i' },
        })
      ).status,
    ).toBe(409);
    expect((await api('POST', `/api/ndas/${ndaId}/approve`, { token: investor.token })).status).toBe(403);
    const appr = await api<WithStatus>('POST', `/api/ndas/${ndaId}/approve`, { token: creator.token });
    expect(appr.body.data.status).toBe('approved');
    // approved is not access
    expect(
      (await api<PitchView>('GET', `/api/pitches/${pitchId}`, { token: investor.token })).body.data.protected,
    ).toBeNull();
    const signed = await api<WithStatus>('POST', `/api/ndas/${ndaId}/sign`, {
      token: investor.token,
      body: { fullName: 'Ivan I', signature: 'ivan' },
    });
    expect(signed.status).toBe(200);
    expect(signed.body.data.status).toBe('signed');

    const full = await api<PitchView>('GET', `/api/pitches/${pitchId}`, { token: investor.token });
    expect(full.body.data.access).toBe('nda');
    expect(full.body.data.protected?.budgetBreakdown).toBe('$2.1M total');
    expect(full.body.data.creator?.id).toBe(creator.user.id);
    // Cached protected content follows an edit at once.
    const edit = await api('PUT', `/api/pitches/${pitchId}`, {
      token: creator.token,
      body: { protected: { budgetBreakdown: '$2.4M total' } },
    });
    expect(edit.status, JSON.stringify(edit.body)).toBe(200);
    expect(
      (await api<PitchView>('GET', `/api/pitches/${pitchId}`, { token: investor.token })).body.data.protected
        ?.budgetBreakdown,
    ).toBe('$2.4M total');
    const status = await api<NdaStatus>('GET', `/api/ndas/pitch/${pitchId}/status`, { token: investor.token });
    expect(status.body.data.hasAccess).toBe(true);

    await h.p.bus.drain();
    const notes = await api<Items<{ type: string }>>('GET', '/api/notifications', { token: creator.token });
    const types = notes.body.data.items.map((n) => n.type).sort();
    expect(types).toEqual(['nda_requested', 'nda_signed', 'new_follower', 'pitch_created']);
    expect(
      (await api<{ count: number }>('GET', '/api/notifications/unread-count', { token: investor.token })).body.data
        .count,
    ).toBe(1); // nda_approved
    const followerNotes = await api<Items<{ type: string }>>('GET', '/api/notifications', { token: follower.token });
    expect(followerNotes.body.data.items.map((n) => n.type)).toEqual(['pitch_published']);
    const readAll = await api<{ marked: number }>('PUT', '/api/notifications/read-all', { token: creator.token });
    expect(readAll.body.data.marked).toBe(4);
    expect(
      (await api<{ count: number }>('GET', '/api/notifications/unread-count', { token: creator.token })).body.data
        .count,
    ).toBe(0);

    const rev = await api<WithStatus>('POST', `/api/ndas/${ndaId}/revoke`, {
      token: creator.token,
      body: { reason: 'deal off' },
    });
    expect(rev.body.data.status).toBe('revoked');
    const after = await api<PitchView>('GET', `/api/pitches/${pitchId}`, { token: investor.token });
    expect(after.body.data.protected).toBeNull();
    expect(after.body.data.access).toBe('none');
    // A new request after revocation opens a new row.
    expect((await api('POST', '/api/ndas/request', { token: investor.token, body: { pitchId } })).status).toBe(201);

    const signOut = await api('POST', '/api/auth/sign-out', { token: investor.token });
    expect(signOut.status).toBe(200);
    expect((await api('GET', '/api/auth/session', { token: investor.token })).status).toBe(401);
  });
});
