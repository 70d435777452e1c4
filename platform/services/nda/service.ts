import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { RequestNda, RevokeNda, SignNda } from '../../contracts/commands.js';
import type { NdaDto, NdaStatus, PitchSummaryDto } from '../../contracts/dto.js';
import type { DomainEvent, Role } from '../../contracts/events.js';
import { badRequest, conflict, forbidden, notFound, ok } from '../../lib/api-error.js';
import { sqlState, type Queryable } from '../../lib/db.js';
import type { Subscriber } from '../../lib/event-bus.js';
import { appendEvents, type NewEvent } from '../../lib/event-store.js';
import { registerHttpMetrics } from '../../lib/http-metrics.js';
import { parsePaging, uuidParam } from '../../lib/paging.js';
import { registerRateLimit } from '../../lib/rate-limit.js';
import {
  clientAddressOf,
  isInternalCall,
  requireInternal,
  requireRole,
  requireViewer,
  type Viewer,
} from '../../lib/request-auth.js';
import type { PlatformService, ServiceContext } from '../../lib/service-context.js';
import { TtlCache } from '../../lib/ttl-cache.js';
import { decideAccess } from './nda-access.js';
import { nextStatus, type NdaAction } from './nda-state-machine.js';
import { NDA_SCHEMA, ndaMigrations } from './schema.js';

interface NdaRow {
  id: string;
  pitch_id: string;
  pitch_title: string;
  requester_id: string;
  owner_id: string;
  status: NdaStatus;
  message: string | null;
  custom_terms: string | null;
  signed_at: Date | null;
  expires_at: Date | null;
  revoked_at: Date | null;
  revoke_reason: string | null;
  created_at: Date;
}

const iso = (d: Date | null) => (d ? new Date(d).toISOString() : null);

/**
 * The NDA as `viewer` may see it: the pitch owner's id (the creator's identity) only to the owner, an admin, or a
 * requester whose NDA grants access now; before signing, after rejection, revocation or expiry it is null.
 */
function toDto(r: NdaRow, viewer: { userId: string; role: Role }, now: Date): NdaDto {
  return {
    id: r.id,
    pitchId: r.pitch_id,
    pitchTitle: r.pitch_title,
    requesterId: r.requester_id,
    ownerId: decideAccess(viewer, r.owner_id, r, now).granted ? r.owner_id : null,
    status: r.status,
    message: r.message,
    customTerms: r.custom_terms,
    signedAt: iso(r.signed_at),
    expiresAt: iso(r.expires_at),
    revokedAt: iso(r.revoked_at),
    revokeReason: r.revoke_reason,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

const DEFAULT_NDA_DAYS = 365;

function ndaData(r: NdaRow) {
  return {
    ndaId: r.id,
    pitchId: r.pitch_id,
    pitchTitle: r.pitch_title,
    requesterId: r.requester_id,
    ownerId: r.owner_id,
  };
}

export function createNdaService(ctx: ServiceContext): PlatformService {
  const { db, signer } = ctx;
  let registry: Registry | null = null;
  let sweeper: NodeJS.Timeout | null = null;
  const pitchClient = ctx.client('pitch');
  // Latest signed NDA (or none) per (pitch, requester): the hot input of every gated read. Every transition, expiry
  // and revocation invalidates its entry in all processes before it answers, so access disappears at once; expiry
  // is re-checked against the clock on every decision.
  const accessCache = new TtlCache<{ status: NdaStatus; expires_at: Date | string | null } | null>(200_000, 60_000);
  const accessKey = (pitchId: string, userId: string) => `${pitchId}|${userId}`;
  // The latest NDA (any state) per (pitch, requester) for the polled status endpoint; same key, same invalidation:
  // every request, transition and expiry drops it in all processes before answering. Expiry is re-checked per read.
  const latestCache = new TtlCache<NdaRow | null>(200_000, 60_000);
  // Bumped by every invalidation: a lookup that raced with one does not store what it read.
  let epoch = 0;
  ctx.caches.onInvalidate((scope, key) => {
    if (scope !== 'nda-access') return;
    epoch++;
    if (key) {
      accessCache.delete(key);
      latestCache.delete(key);
    } else {
      accessCache.clear();
      latestCache.clear();
    }
  });
  const forget = async (rows: Array<{ pitch_id: string; requester_id: string }>) => {
    for (const r of rows) await ctx.caches.invalidate('nda-access', accessKey(r.pitch_id, r.requester_id));
  };

  /** Marks signed NDAs past expiry as expired (with events). Runs on access decisions and from the sweeper. */
  async function expireDue(tx: Queryable, where: { pitchId?: string; requesterId?: string } = {}): Promise<NdaRow[]> {
    const rows = await tx.query<NdaRow>(
      `UPDATE nda_svc.ndas SET status = 'expired', updated_at = now()
        WHERE status = 'signed' AND expires_at <= $1::timestamptz AND ($2::uuid IS NULL OR pitch_id = $2) AND ($3::uuid IS NULL OR requester_id = $3)
        RETURNING *`,
      [ctx.now().toISOString(), where.pitchId ?? null, where.requesterId ?? null],
    );
    for (const r of rows) await appendEvents(tx, `nda-${r.id}`, 'any', [{ type: 'NDAExpired', data: ndaData(r) }]);
    return rows;
  }

  async function transition(
    id: string,
    action: Exclude<NdaAction, 'expire'>,
    viewer: Viewer,
    apply: (r: NdaRow) => { sets: string; params: unknown[]; events: NewEvent<DomainEvent>[] },
  ): Promise<NdaRow> {
    let expired: NdaRow[] = [];
    const row = await db.transaction(async (tx) => {
      expired = await expireDue(tx, {});
      const cur = (await tx.query<NdaRow>('SELECT * FROM nda_svc.ndas WHERE id = $1 FOR UPDATE', [id]))[0];
      if (!cur) throw notFound('nda not found');
      const actorIsOwner = cur.owner_id === viewer.userId || viewer.role === 'admin';
      const allowed = action === 'sign' ? cur.requester_id === viewer.userId : actorIsOwner;
      if (!allowed)
        throw forbidden(action === 'sign' ? 'only the requester signs' : 'only the pitch owner may do this');
      const to = nextStatus(cur.status, action);
      if (!to) throw conflict(`cannot ${action} an NDA that is ${cur.status}`, 'invalid_transition');
      const a = apply(cur);
      const updated = await tx.query<NdaRow>(
        `UPDATE nda_svc.ndas SET status = $2, updated_at = now()${a.sets ? ', ' + a.sets : ''} WHERE id = $1 RETURNING *`,
        [id, to, ...a.params],
      );
      await appendEvents(tx, `nda-${id}`, 'any', a.events);
      return updated[0];
    });
    await forget([...expired, row]);
    void ctx.bus.kick();
    return row;
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugin: avvio awaits the returned promise
  async function register(app: FastifyInstance): Promise<void> {
    registerRateLimit(
      app,
      ctx.rateLimit,
      (req) => isInternalCall(req, signer),
      (req) => clientAddressOf(req, signer),
    );
    registry = registerHttpMetrics(app, 'nda', ctx.metrics);

    app.post<{ Body: RequestNda }>(
      '/api/ndas/request',
      {
        schema: {
          body: {
            type: 'object',
            required: ['pitchId'],
            additionalProperties: false,
            properties: { pitchId: { type: 'string', format: 'uuid' }, message: { type: 'string', maxLength: 2000 } },
          },
        },
      },
      async (req, reply) => {
        const viewer = requireRole(req, signer, ['investor', 'production']);
        const pitch = await pitchClient.call<PitchSummaryDto>(
          'GET',
          `/internal/pitches/${req.body.pitchId.toLowerCase()}/summary`,
        );
        if (pitch.status !== 'published') throw notFound('pitch not found');
        if (pitch.ownerId === viewer.userId) throw forbidden('you cannot request an NDA on your own pitch');
        const id = randomUUID();
        try {
          const row = await db.transaction(async (tx) => {
            await expireDue(tx, { pitchId: pitch.id, requesterId: viewer.userId });
            const r = await tx.query<NdaRow>(
              `INSERT INTO nda_svc.ndas (id, pitch_id, pitch_title, requester_id, owner_id, status, message, custom_terms)
               VALUES ($1, $2, $3, $4, $5, 'requested', $6, (SELECT terms FROM nda_svc.templates WHERE pitch_id = $2)) RETURNING *`,
              [id, pitch.id, pitch.title, viewer.userId, pitch.ownerId, req.body.message ?? null],
            );
            await appendEvents(tx, `nda-${id}`, 0, [{ type: 'NDARequested', data: ndaData(r[0]) }]);
            return r[0];
          });
          await forget([row]);
          void ctx.bus.kick();
          return reply.code(201).send(ok(toDto(row, viewer, ctx.now())));
        } catch (e) {
          if (sqlState(e) === '23505') throw conflict('an NDA for this pitch is already open', 'nda_exists');
          throw e;
        }
      },
    );

    app.post<{ Params: { id: string }; Body: { customTerms?: string; expiresInDays?: number } | undefined }>(
      '/api/ndas/:id/approve',
      {
        schema: {
          body: {
            type: ['object', 'null'],
            additionalProperties: false,
            properties: {
              customTerms: { type: 'string', maxLength: 20_000 },
              expiresInDays: { type: 'integer', minimum: 1, maximum: 3650 },
            },
          },
        },
      },
      async (req) => {
        const viewer = requireViewer(req, signer);
        const days = req.body?.expiresInDays ?? DEFAULT_NDA_DAYS;
        const row = await transition(uuidParam(req.params.id), 'approve', viewer, (r) => ({
          sets: 'custom_terms = COALESCE($3, custom_terms), term_days = $4',
          params: [req.body?.customTerms ?? null, days],
          events: [{ type: 'NDAApproved', data: ndaData(r) }],
        }));
        return ok(toDto(row, viewer, ctx.now()));
      },
    );

    app.post<{ Params: { id: string }; Body: { reason?: string } | undefined }>(
      '/api/ndas/:id/reject',
      {
        schema: {
          body: {
            type: ['object', 'null'],
            additionalProperties: false,
            properties: { reason: { type: 'string', maxLength: 2000 } },
          },
        },
      },
      async (req) => {
        const viewer = requireViewer(req, signer);
        const reason = req.body?.reason ?? null;
        const row = await transition(uuidParam(req.params.id), 'reject', viewer, (r) => ({
          sets: 'revoke_reason = $3',
          params: [reason],
          events: [{ type: 'NDARejected', data: { ...ndaData(r), reason } }],
        }));
        return ok(toDto(row, viewer, ctx.now()));
      },
    );

    app.post<{ Params: { id: string }; Body: SignNda }>(
      '/api/ndas/:id/sign',
      {
        schema: {
          body: {
            type: 'object',
            required: ['fullName', 'signature'],
            additionalProperties: false,
            properties: {
              fullName: { type: 'string', minLength: 1, maxLength: 200 },
              signature: { type: 'string', minLength: 1, maxLength: 10_000 },
            },
          },
        },
      },
      async (req) => {
        const viewer = requireViewer(req, signer);
        const id = uuidParam(req.params.id);
        const termDays = (
          await db.query<{ d: number | null }>('SELECT term_days AS d FROM nda_svc.ndas WHERE id = $1', [id])
        )[0]?.d;
        const signedAt = ctx.now();
        const expiresAt = new Date(signedAt.getTime() + (termDays ?? DEFAULT_NDA_DAYS) * 86_400_000);
        const row = await transition(id, 'sign', viewer, (r) => ({
          sets: 'signature = $3::jsonb, signed_at = $4::timestamptz, expires_at = $5::timestamptz',
          params: [
            JSON.stringify({ fullName: req.body.fullName, signature: req.body.signature }),
            signedAt.toISOString(),
            expiresAt.toISOString(),
          ],
          events: [
            {
              type: 'NDASigned',
              data: { ...ndaData(r), signedAt: signedAt.toISOString(), expiresAt: expiresAt.toISOString() },
            },
            { type: 'AccessGranted', data: { ...ndaData(r), expiresAt: expiresAt.toISOString() } },
          ],
        }));
        return ok(toDto(row, viewer, ctx.now()));
      },
    );

    app.post<{ Params: { id: string }; Body: RevokeNda | undefined }>(
      '/api/ndas/:id/revoke',
      {
        schema: {
          body: {
            type: ['object', 'null'],
            additionalProperties: false,
            properties: { reason: { type: 'string', maxLength: 2000 } },
          },
        },
      },
      async (req) => {
        const viewer = requireViewer(req, signer);
        const reason = req.body?.reason ?? null;
        const row = await transition(uuidParam(req.params.id), 'revoke', viewer, (r) => ({
          sets: 'revoked_at = now(), revoke_reason = $3',
          params: [reason],
          events: [{ type: 'NDARevoked', data: { ...ndaData(r), reason } }],
        }));
        return ok(toDto(row, viewer, ctx.now()));
      },
    );

    app.get<{ Params: { pitchId: string } }>('/api/ndas/pitch/:pitchId/status', async (req) => {
      const viewer = requireViewer(req, signer);
      const pitchId = uuidParam(req.params.pitchId, 'pitchId');
      const key = accessKey(pitchId, viewer.userId);
      let nda = latestCache.get(key);
      if (nda === undefined) {
        const seen = epoch;
        nda =
          (
            await db.query<NdaRow>(
              'SELECT * FROM nda_svc.ndas WHERE pitch_id = $1 AND requester_id = $2 ORDER BY created_at DESC LIMIT 1',
              [pitchId, viewer.userId],
            )
          )[0] ?? null;
        if (epoch === seen) latestCache.set(key, nda);
      }
      const expired = nda && nda.status === 'signed' && nda.expires_at && new Date(nda.expires_at) <= ctx.now();
      return ok({
        nda: nda ? toDto(expired ? { ...nda, status: 'expired' } : nda, viewer, ctx.now()) : null,
        hasAccess: nda ? decideAccess(viewer, nda.owner_id, nda, ctx.now()).granted : false,
      });
    });

    app.get<{ Params: { id: string } }>('/api/ndas/:id', async (req) => {
      const viewer = requireViewer(req, signer);
      const r = (await db.query<NdaRow>('SELECT * FROM nda_svc.ndas WHERE id = $1', [uuidParam(req.params.id)]))[0];
      if (!r || (r.owner_id !== viewer.userId && r.requester_id !== viewer.userId && viewer.role !== 'admin'))
        throw notFound('nda not found');
      return ok(toDto(r, viewer, ctx.now()));
    });

    for (const [path, col] of [
      ['/api/ndas/incoming', 'owner_id'],
      ['/api/ndas/outgoing', 'requester_id'],
    ] as const) {
      app.get<{ Querystring: { status?: string; page?: string; limit?: string } }>(path, async (req) => {
        const viewer = requireViewer(req, signer);
        const { page, limit, offset } = parsePaging(req.query);
        const status = req.query.status ?? null;
        if (status && !['requested', 'approved', 'rejected', 'signed', 'revoked', 'expired'].includes(status)) {
          throw badRequest('unknown status');
        }
        const rows = await db.reader.query<NdaRow>(
          `SELECT * FROM nda_svc.ndas WHERE ${col} = $1 AND ($2::text IS NULL OR status = $2) ORDER BY created_at DESC, id LIMIT $3 OFFSET $4`,
          [viewer.userId, status, limit, offset],
        );
        return ok({ items: rows.map((r) => toDto(r, viewer, ctx.now())), page, limit });
      });
    }

    app.post<{ Body: { pitchId: string; ownerId: string; userId: string; role: Role } }>(
      '/internal/nda/access',
      async (req) => {
        requireInternal(req, signer);
        const { pitchId, ownerId, userId, role } = req.body;
        const viewer = { userId, role };
        if (userId === ownerId || role === 'admin') return ok(decideAccess(viewer, ownerId, undefined, ctx.now()));
        const key = accessKey(pitchId, userId);
        let nda = accessCache.get(key);
        if (nda === undefined) {
          const seen = epoch;
          const rows = await db.query<NdaRow>(
            `SELECT * FROM nda_svc.ndas WHERE pitch_id = $1 AND requester_id = $2 AND status = 'signed' ORDER BY created_at DESC LIMIT 1`,
            [pitchId, userId],
          );
          nda = rows[0] ? { status: rows[0].status, expires_at: rows[0].expires_at } : null;
          if (epoch === seen) accessCache.set(key, nda);
        }
        const decision = decideAccess(viewer, ownerId, nda ?? undefined, ctx.now());
        if (nda && !decision.granted) {
          await forget(await db.transaction((tx) => expireDue(tx, { pitchId, requesterId: userId })));
          void ctx.bus.kick();
        }
        return ok(decision);
      },
    );

    app.get<{ Querystring: { userId?: string } }>('/internal/ndas/counts', async (req) => {
      requireInternal(req, signer);
      const userId = uuidParam(req.query.userId, 'userId');
      const r = await db.reader.query<{ incoming_pending: number; outgoing_active: number; signed_access: number }>(
        `SELECT
           (SELECT count(*)::int FROM nda_svc.ndas WHERE owner_id = $1 AND status = 'requested') AS incoming_pending,
           (SELECT count(*)::int FROM nda_svc.ndas WHERE requester_id = $1 AND status IN ('requested','approved')) AS outgoing_active,
           (SELECT count(*)::int FROM nda_svc.ndas WHERE requester_id = $1 AND status = 'signed' AND expires_at > $2::timestamptz) AS signed_access`,
        [userId, ctx.now().toISOString()],
      );
      const x = r[0];
      return ok({
        incomingPending: x.incoming_pending,
        outgoingActive: x.outgoing_active,
        signedAccess: x.signed_access,
      });
    });

    app.post<{ Body: { templateId: string; pitchId: string; ownerId: string; terms: string | null } }>(
      '/internal/nda-templates',
      async (req, reply) => {
        requireInternal(req, signer);
        const b = req.body;
        await db.transaction(async (tx) => {
          const r = await tx.query(
            'INSERT INTO nda_svc.templates (id, pitch_id, owner_id, terms) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING RETURNING 1',
            [b.templateId, b.pitchId, b.ownerId, b.terms],
          );
          if (r.length > 0) {
            await appendEvents(tx, `nda-template-${b.templateId}`, 0, [
              { type: 'NDAGenerated', data: { templateId: b.templateId, pitchId: b.pitchId, ownerId: b.ownerId } },
            ]);
          }
        });
        return reply.code(201).send(ok({ templateId: b.templateId }));
      },
    );

    app.delete<{ Params: { id: string } }>('/internal/nda-templates/:id', async (req) => {
      requireInternal(req, signer);
      const id = uuidParam(req.params.id);
      await db.transaction(async (tx) => {
        const r = await tx.query<{ pitch_id: string }>(
          'DELETE FROM nda_svc.templates WHERE id = $1 RETURNING pitch_id',
          [id],
        );
        if (r.length > 0) {
          await appendEvents(tx, `nda-template-${id}`, 'any', [
            { type: 'NDATemplateRevoked', data: { templateId: id, pitchId: r[0].pitch_id } },
          ]);
        }
      });
      return ok({ removed: true });
    });
  }

  /** A deleted pitch ends every open NDA on it. */
  const pitchDeletions: Subscriber = {
    name: 'nda.pitch-deletions',
    types: ['PitchDeleted'],
    async handle(tx, e) {
      const { pitchId } = e.data as { pitchId: string };
      const rows = await tx.query<NdaRow>(
        `UPDATE nda_svc.ndas SET status = 'revoked', revoked_at = now(), revoke_reason = 'pitch deleted', updated_at = now()
          WHERE pitch_id = $1 AND status IN ('approved','signed') RETURNING *`,
        [pitchId],
      );
      const closed = await tx.query<NdaRow>(
        `UPDATE nda_svc.ndas SET status = 'rejected', revoke_reason = 'pitch deleted', updated_at = now()
          WHERE pitch_id = $1 AND status = 'requested' RETURNING *`,
        [pitchId],
      );
      for (const r of rows)
        await appendEvents(tx, `nda-${r.id}`, 'any', [
          { type: 'NDARevoked', data: { ...ndaData(r), reason: 'pitch deleted' } },
        ]);
      await tx.query('DELETE FROM nda_svc.templates WHERE pitch_id = $1', [pitchId]);
      // The pitch is already gone, so no protected content can be served for it; this keeps the cache honest.
      await forget([...rows, ...closed]);
    },
  };

  return {
    name: 'nda',
    schema: NDA_SCHEMA,
    migrations: ndaMigrations,
    subscribers: [pitchDeletions],
    register,
    metrics: () => {
      if (!registry) throw new Error('nda service not registered');
      return registry;
    },
    async start() {
      const sweep = async () => {
        const rows = await db.transaction((tx) => expireDue(tx, {})).catch(() => [] as NdaRow[]);
        if (rows.length > 0) {
          await forget(rows);
          void ctx.bus.kick();
        }
      };
      await sweep();
      sweeper = setInterval(() => void sweep(), 60_000);
      sweeper.unref();
    },
    stop() {
      if (sweeper) clearInterval(sweeper);
      return Promise.resolve();
    },
  };
}
