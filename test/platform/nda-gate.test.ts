import { describe, expect, it } from 'vitest';
import type { Created, Items, NdaStatus, PitchView, WithStatus } from './api-client.js';
import { BACKENDS } from './backends.js';
import { signUp, signUpAdmin, usePlatform } from './platform-harness.js';

const DAY = 86_400_000;

// Every endpoint that can return pitch data, for every role and NDA state: protected content (marked with a
// unique string) appears exactly for the owner, an admin and holders of a signed, unexpired NDA.
describe.each(BACKENDS)('NDA gate on %s', (backend) => {
  let clockOffset = 0;
  const h = usePlatform(backend, { now: () => new Date(Date.now() + clockOffset) });

  it('walks every pitch-data endpoint for every role and NDA state', async () => {
    const { api } = h;
    const marker = `SECRET-${Math.random().toString(36).slice(2)}`;
    const mediaMarker = `MEDIA-${marker}`;
    const owner = await signUp(h, 'creator', 'owner');
    const protectedFields = Object.fromEntries(
      [
        'budgetBreakdown',
        'productionTimeline',
        'attachedTalent',
        'financialProjections',
        'distributionPlan',
        'marketingStrategy',
        'privateAttachments',
        'contactDetails',
        'revenueModel',
      ].map((k) => [k, `${k} ${marker}`]),
    );
    const gatedUpload = await api<Created & { fileName: string }>('POST', '/api/media', {
      token: owner.token,
      body: {
        fileName: '../../etc/deck final?.pdf',
        mimeType: 'application/pdf',
        contentBase64: Buffer.from(mediaMarker).toString('base64'),
        requiresNda: true,
      },
    });
    expect(gatedUpload.status, JSON.stringify(gatedUpload.body)).toBe(201);
    expect(gatedUpload.body.data.fileName).toBe('deck_final_.pdf');
    const created = await api<Created>('POST', '/api/pitches', {
      token: owner.token,
      body: {
        title: 'Quartz Lantern',
        logline: 'A lighthouse keeper hears the future',
        genre: 'fantasy',
        requiresNda: true,
        protected: protectedFields,
        mediaIds: [gatedUpload.body.data.id],
      },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const pitchId = created.body.data.id;
    const gatedMedia = gatedUpload.body.data.id;
    const publicUpload = await api<Created>('POST', '/api/media', {
      token: owner.token,
      body: {
        fileName: 'poster.png',
        mimeType: 'image/png',
        contentBase64: Buffer.from('png bytes').toString('base64'),
        requiresNda: false,
        pitchId,
      },
    });
    expect(publicUpload.status).toBe(201);
    expect((await api('POST', `/api/pitches/${pitchId}/publish`, { token: owner.token })).status).toBe(200);

    const states = ['none', 'requested', 'approved', 'rejected', 'signed', 'revoked', 'expired'] as const;
    const viewers: Array<{ label: string; token: string | undefined; access: boolean }> = [
      { label: 'anonymous', token: undefined, access: false },
      { label: 'owner', token: owner.token, access: true },
      { label: 'admin', token: undefined, access: true },
      { label: 'other creator', token: (await signUp(h, 'creator')).token, access: false },
    ];
    // An admin cannot sign up: a signed-up user promoted in the database (tokens of unknown users are refused).
    viewers[2].token = (await signUpAdmin(h)).token;

    for (const role of ['investor', 'production'] as const) {
      for (const state of states) {
        const v = await signUp(h, role);
        viewers.push({ label: `${role}/${state}`, token: v.token, access: state === 'signed' });
        expect((await api('POST', `/api/pitches/${pitchId}/save`, { token: v.token })).status).toBe(200);
        if (state === 'none') continue;
        const r = await api<Created>('POST', '/api/ndas/request', { token: v.token, body: { pitchId } });
        expect(r.status, JSON.stringify(r.body)).toBe(201);
        const id = r.body.data.id;
        if (state === 'requested') continue;
        if (state === 'rejected') {
          expect(
            (await api<WithStatus>('POST', `/api/ndas/${id}/reject`, { token: owner.token })).body.data.status,
          ).toBe('rejected');
          continue;
        }
        const approve = await api<WithStatus>('POST', `/api/ndas/${id}/approve`, {
          token: owner.token,
          body: { expiresInDays: state === 'expired' ? 1 : 365 },
        });
        expect(approve.body.data.status).toBe('approved');
        if (state === 'approved') continue;
        expect(
          (
            await api<WithStatus>('POST', `/api/ndas/${id}/sign`, {
              token: v.token,
              body: { fullName: 'V', signature: 'v' },
            })
          ).body.data.status,
        ).toBe('signed');
        if (state === 'revoked')
          expect(
            (await api<WithStatus>('POST', `/api/ndas/${id}/revoke`, { token: owner.token })).body.data.status,
          ).toBe('revoked');
      }
    }
    // Two days later: the one-day NDA has expired, the one-year ones have not.
    clockOffset = 2 * DAY;

    const checks: string[] = [];
    for (const v of viewers) {
      const t = v.token;
      const detail = await api<PitchView>('GET', `/api/pitches/${pitchId}`, { token: t });
      expect(detail.status).toBe(200);
      expect(JSON.stringify(detail.body).includes(marker), `${v.label} detail`).toBe(v.access);
      expect(detail.body.data.creator === null, `${v.label} creator hidden`).toBe(!v.access);
      // A ?userId= parameter is never identity.
      const spoof = await api('GET', `/api/pitches/${pitchId}?userId=${owner.user.id}`, { token: t });
      expect(JSON.stringify(spoof.body).includes(marker), `${v.label} spoof`).toBe(v.access);

      for (const path of [
        '/api/pitches/public?tab=new&limit=100',
        '/api/pitches/public?tab=trending&limit=100',
        '/api/pitches/public?genre=fantasy',
        '/api/search?q=lighthouse',
      ]) {
        const r = await api<Items<Created>>('GET', path, { token: t });
        expect(r.status).toBe(200);
        expect(
          r.body.data.items.some((x) => x.id === pitchId),
          `${v.label} ${path} lists it`,
        ).toBe(true);
        expect(JSON.stringify(r.body).includes(marker), `${v.label} ${path}`).toBe(false);
      }
      if (t) {
        for (const path of ['/api/saved-pitches', '/api/dashboard', `/api/ndas/pitch/${pitchId}/status`]) {
          const r = await api('GET', path, { token: t });
          expect(r.status, `${v.label} ${path}`).toBe(200);
          expect(JSON.stringify(r.body).includes(marker), `${v.label} ${path}`).toBe(false);
        }
        const st = await api<NdaStatus>('GET', `/api/ndas/pitch/${pitchId}/status`, { token: t });
        if (v.label.includes('/')) expect(st.body.data.hasAccess, `${v.label} nda status`).toBe(v.access);
      }
      const list = await api<Items<Created>>('GET', `/api/pitches/${pitchId}/media`, { token: t });
      expect(list.status).toBe(200);
      const ids = list.body.data.items.map((m) => m.id);
      expect(ids.includes(publicUpload.body.data.id), `${v.label} public media`).toBe(true);
      expect(ids.includes(gatedMedia), `${v.label} gated media listed`).toBe(v.access);
      const meta = await api('GET', `/api/media/${gatedMedia}`, { token: t });
      expect(meta.status, `${v.label} gated media meta`).toBe(v.access ? 200 : 404);
      const content = await api('GET', `/api/media/${gatedMedia}/content`, { token: t });
      expect(content.status, `${v.label} gated media content`).toBe(v.access ? 200 : 404);
      expect(JSON.stringify(content.body).includes(mediaMarker), `${v.label} media bytes`).toBe(v.access);
      checks.push(v.label);
    }
    expect(checks).toHaveLength(4 + 2 * states.length);
    // The expired NDA was marked expired by the access decision.
    const expired = viewers.find((v) => v.label === 'investor/expired')!;
    const st = await api<NdaStatus>('GET', `/api/ndas/pitch/${pitchId}/status`, { token: expired.token });
    expect(st.body.data.nda?.status).toBe('expired');
  });
});
