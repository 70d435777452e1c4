import { createHash, randomUUID } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { CreatePitch, UpdatePitch } from '../../contracts/commands.js';
import type {
  AccessDecisionDto,
  PitchDetailDto,
  PitchPublicDto,
  PitchSummaryDto,
  ProtectedPitchContent,
} from '../../contracts/dto.js';
import { ApiError, badRequest, conflict, forbidden, notFound, ok } from '../../lib/api-error.js';
import type { Queryable } from '../../lib/db.js';
import { appendEvents } from '../../lib/event-store.js';
import { featureDisabled } from '../../lib/feature-flags.js';
import { registerHttpMetrics } from '../../lib/http-metrics.js';
import { parsePaging, uuidParam } from '../../lib/paging.js';
import { registerRateLimit } from '../../lib/rate-limit.js';
import {
  clientAddressOf,
  isInternalCall,
  requireInternal,
  requireRole,
  requireViewer,
  viewerOf,
  type Viewer,
} from '../../lib/request-auth.js';
import { SagaFailedError, SagaRunner } from '../../lib/saga-runner.js';
import type { PlatformService, ServiceContext } from '../../lib/service-context.js';
import { LayeredCache } from '../../lib/layered-cache.js';
import { TtlCache } from '../../lib/ttl-cache.js';
import { creatorProjection } from './creator-projection.js';
import { pitchCreationSaga, type PitchCreationData } from './pitch-creation-saga.js';
import { SEARCH_FLAG } from './pitch-flags.js';
import {
  BUDGET_BANDS,
  FORMATS,
  GENRES,
  PITCH_COLUMNS,
  PITCH_FROM,
  PROTECTED_COLUMNS,
  toProtected,
  toPublicDto,
  type PitchRow,
} from './pitch-rows.js';
import { PITCH_SCHEMA, pitchMigrations } from './schema.js';

const protectedProps = Object.fromEntries(
  Object.keys(PROTECTED_COLUMNS).map((k) => [k, { type: ['string', 'null'], maxLength: 20_000 }]),
);
const pitchFields = {
  title: { type: 'string', minLength: 1, maxLength: 200 },
  logline: { type: 'string', minLength: 1, maxLength: 500 },
  genre: { type: 'string', enum: [...GENRES] },
  format: { type: 'string', enum: [...FORMATS] },
  budgetBand: { type: 'string', enum: [...BUDGET_BANDS] },
  shortSynopsis: { type: 'string', maxLength: 4000 },
  requiresNda: { type: 'boolean' },
  protected: { type: 'object', additionalProperties: false, properties: protectedProps },
};
const createSchema = {
  body: {
    type: 'object',
    required: ['title', 'logline', 'genre'],
    additionalProperties: false,
    properties: {
      ...pitchFields,
      mediaIds: { type: 'array', maxItems: 20, items: { type: 'string', format: 'uuid' } },
      ndaTerms: { type: 'string', maxLength: 20_000 },
    },
  },
} as const;
const updateSchema = {
  body: { type: 'object', additionalProperties: false, minProperties: 1, properties: pitchFields },
} as const;

type Access = PitchDetailDto['access'];

function idempotencyKeyOf(h: string | string[] | undefined): string | null {
  if (h === undefined) return null;
  if (typeof h !== 'string' || !/^[\x21-\x7e]{1,200}$/.test(h)) {
    throw badRequest('Idempotency-Key must be 1-200 visible ASCII characters', 'validation_error');
  }
  return h;
}

const requestHash = (body: unknown) => createHash('sha256').update(JSON.stringify(body)).digest('hex');

/** Anonymous views of one pitch from one address count once per window (signed-in views are attributable). */
const ANONYMOUS_VIEW_WINDOW_MS = 10 * 60_000;

/**
 * Invalidation scope of writes no public list or search result can show yet: likes and saves (counters only) and new
 * drafts. The row and the dashboards go; lists and search results keep their 1 s TTL (trend order included).
 */
const ROW_SCOPE = 'pitch-row';

export function createPitchService(ctx: ServiceContext): PlatformService {
  const { db, signer } = ctx;
  let registry: Registry | null = null;
  // Rows and protected content are cached per process and invalidated everywhere on every write; whether a viewer may
  // see protected content is decided per request (by the NDA service), so a revoke takes effect at once.
  // App layer over the regional layer (Redis with --redis-url); refills are versioned against concurrent writes.
  const rowCache = new LayeredCache<PitchRow>({
    name: 'pitch-row',
    max: 20_000,
    ttlMs: 2_000,
    shared: ctx.sharedCache,
    sharedTtlMs: 5_000,
  });
  const protectedCache = new TtlCache<ProtectedPitchContent>(20_000, 30_000);
  const listCache = new TtlCache<PitchPublicDto[]>(2_000, 1_000);
  // Search results are public list data (creator hidden on gated pitches), cached and dropped like the browse lists.
  const searchCache = new TtlCache<PitchPublicDto[]>(5_000, 1_000);
  // Dashboards are per-user counts polled by open clients; a second of staleness, dropped on every pitch write.
  const dashboardCache = new TtlCache<object>(20_000, 1_000);
  const anonymousViews = new LRUCache<string, true>({ max: 100_000, ttl: ANONYMOUS_VIEW_WINDOW_MS });
  // Bumped by every invalidation: a load that raced with a write does not store what it read.
  let epoch = 0;
  ctx.caches.onInvalidate((scope, key) => {
    if (scope === ROW_SCOPE && key) {
      epoch++;
      rowCache.invalidateLocal(key);
      dashboardCache.clear();
      return;
    }
    if (scope !== 'pitch') return;
    epoch++;
    if (key) {
      rowCache.invalidateLocal(key);
      protectedCache.delete(key);
    } else rowCache.clearLocal();
    listCache.clear();
    searchCache.clear();
    dashboardCache.clear();
  });
  /** Drops cached public data in every process; awaited before a write answers. */
  // Writes by other instances (sharing the database and Redis, not this process's invalidation bus) arrive as events.
  if (ctx.sharedCache) {
    ctx.bus.follow(['PitchUpdated', 'PitchPublished', 'PitchArchived', 'PitchDeleted'], (e) =>
      rowCache.invalidateLocal((e.data as { pitchId: string }).pitchId),
    );
  }
  const invalidateRow = async (pitchId: string) => {
    await rowCache.invalidate(pitchId);
    await ctx.caches.invalidate(ROW_SCOPE, pitchId);
  };
  const invalidate = async (pitchId?: string) => {
    if (pitchId) await rowCache.invalidate(pitchId);
    await ctx.caches.invalidate('pitch', pitchId ?? null);
  };
  const clients = { media: ctx.client('media'), nda: ctx.client('nda'), notification: ctx.client('notification') };
  const saga = new SagaRunner<PitchCreationData>(
    db,
    'pitch_svc.saga_runs',
    pitchCreationSaga(db, clients),
    ctx.sagaFaults,
  );

  async function loadRow(id: string): Promise<PitchRow | undefined> {
    // Single rows come from the primary (read-your-writes after create/publish); lists and search may use a replica.
    return rowCache.get(
      id,
      async () => (await db.query<PitchRow>(`SELECT ${PITCH_COLUMNS} FROM ${PITCH_FROM} WHERE p.id = $1`, [id]))[0],
    );
  }

  /** The row if `viewer` may see the pitch at all: published pitches for everyone, others for owner and admin. */
  async function visibleRow(id: string, viewer: Viewer | null): Promise<PitchRow> {
    const r = await loadRow(id);
    if (!r) throw notFound('pitch not found');
    if (r.status !== 'published' && viewer?.userId !== r.owner_id && viewer?.role !== 'admin')
      throw notFound('pitch not found');
    return r;
  }

  async function ownedRow(tx: Queryable, id: string, viewer: Viewer): Promise<PitchRow> {
    const r = (
      await tx.query<PitchRow>(`SELECT ${PITCH_COLUMNS} FROM ${PITCH_FROM} WHERE p.id = $1 FOR UPDATE OF p`, [id])
    )[0];
    if (!r) throw notFound('pitch not found');
    if (r.owner_id !== viewer.userId && viewer.role !== 'admin') throw forbidden('not your pitch');
    return r;
  }

  /** The NDA service holds the single access rule; when it cannot answer, access is denied (fail closed). */
  async function accessFor(viewer: Viewer | null, r: PitchRow): Promise<Access> {
    if (!viewer) return 'none';
    try {
      const d = await clients.nda.call<AccessDecisionDto>('POST', '/internal/nda/access', {
        pitchId: r.id,
        ownerId: r.owner_id,
        userId: viewer.userId,
        role: viewer.role,
      });
      return d.granted ? d.reason : 'none';
    } catch (e) {
      if (e instanceof ApiError && e.status === 503) return 'none';
      throw e;
    }
  }

  async function detail(r: PitchRow, viewer: Viewer | null): Promise<PitchDetailDto> {
    const access = await accessFor(viewer, r);
    let prot: PitchDetailDto['protected'] = null;
    if (access !== 'none') {
      prot = protectedCache.get(r.id) ?? null;
      if (!prot) {
        const seen = epoch;
        const p = (
          await db.query<Record<string, string | null>>('SELECT * FROM pitch_svc.pitch_protected WHERE pitch_id = $1', [
            r.id,
          ])
        )[0];
        prot = toProtected(p ?? {});
        if (epoch === seen) protectedCache.set(r.id, prot);
      }
    }
    return { ...toPublicDto(r, access !== 'none'), protected: prot, access };
  }

  async function listPublic(
    tab: string,
    genre: string | null,
    limit: number,
    offset: number,
  ): Promise<PitchPublicDto[]> {
    const key = `${tab}|${genre ?? ''}|${limit}|${offset}`;
    const hit = listCache.get(key);
    if (hit) return hit;
    const order = tab === 'new' ? 'p.published_at DESC, p.id' : 'p.trend_score DESC, p.id';
    const rows = genre
      ? await db.reader.query<PitchRow>(
          `SELECT ${PITCH_COLUMNS} FROM ${PITCH_FROM} WHERE p.status = 'published' AND p.genre = $1 ORDER BY ${order} LIMIT $2 OFFSET $3`,
          [genre, limit, offset],
        )
      : await db.reader.query<PitchRow>(
          `SELECT ${PITCH_COLUMNS} FROM ${PITCH_FROM} WHERE p.status = 'published' ORDER BY ${order} LIMIT $1 OFFSET $2`,
          [limit, offset],
        );
    const out = rows.map((r) => toPublicDto(r, false));
    listCache.set(key, out);
    return out;
  }

  /**
   * Claims `key` for this owner, or finds the pitch an earlier request with it created. The same key with a
   * different body is a client error: the key names one request.
   */
  async function claimIdempotencyKey(
    ownerId: string,
    key: string,
    hash: string,
    pitchId: string,
  ): Promise<{ replay: boolean; pitchId: string }> {
    const ins = await db.query(
      `INSERT INTO pitch_svc.idempotency_keys (owner_id, key, request_hash, pitch_id) VALUES ($1, $2, $3, $4)
       ON CONFLICT DO NOTHING RETURNING 1`,
      [ownerId, key, hash, pitchId],
    );
    if (ins.length > 0) return { replay: false, pitchId };
    const prior = (
      await db.query<{ request_hash: string; pitch_id: string }>(
        'SELECT request_hash, pitch_id FROM pitch_svc.idempotency_keys WHERE owner_id = $1 AND key = $2',
        [ownerId, key],
      )
    )[0];
    if (!prior) throw conflict('the first request with this Idempotency-Key just failed; retry', 'request_in_progress');
    if (prior.request_hash !== hash) {
      throw new ApiError(422, 'idempotency_key_reused', 'this Idempotency-Key was used for a different request');
    }
    return { replay: true, pitchId: prior.pitch_id };
  }

  async function toggle(kind: 'like' | 'save', pitchId: string, viewer: Viewer, on: boolean): Promise<boolean> {
    const table = kind === 'like' ? 'pitch_svc.likes' : 'pitch_svc.saves';
    const counter = kind === 'like' ? 'like_count' : 'save_count';
    const weight = kind === 'like' ? 3 : 2;
    const changed = await db.transaction(async (tx) => {
      const r = on
        ? await tx.query(
            `INSERT INTO ${table} (pitch_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`,
            [pitchId, viewer.userId],
          )
        : await tx.query(`DELETE FROM ${table} WHERE pitch_id = $1 AND user_id = $2 RETURNING 1`, [
            pitchId,
            viewer.userId,
          ]);
      if (r.length === 0) return false;
      const delta = on ? 1 : -1;
      await tx.query(
        `UPDATE pitch_svc.pitches SET ${counter} = ${counter} + $2, trend_score = trend_score + $3 WHERE id = $1`,
        [pitchId, delta, delta * weight],
      );
      await appendEvents(tx, `pitch-activity-${pitchId}`, 'any', [
        kind === 'like'
          ? { type: 'PitchLiked', data: { pitchId, userId: viewer.userId, liked: on } }
          : { type: 'PitchSaved', data: { pitchId, userId: viewer.userId, saved: on } },
      ]);
      return true;
    });
    if (changed) await invalidateRow(pitchId);
    return changed;
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugin: avvio awaits the returned promise
  async function register(app: FastifyInstance): Promise<void> {
    registerRateLimit(
      app,
      ctx.rateLimit,
      (req) => isInternalCall(req, signer),
      (req) => clientAddressOf(req, signer),
    );
    registry = registerHttpMetrics(app, 'pitch', ctx.metrics);

    app.get<{ Querystring: { tab?: string; genre?: string; page?: string; limit?: string } }>(
      '/api/pitches/public',
      async (req) => {
        const tab = req.query.tab ?? 'trending';
        if (tab !== 'trending' && tab !== 'new') throw badRequest('tab must be trending or new');
        const genre = req.query.genre || null;
        if (genre && !(GENRES as readonly string[]).includes(genre))
          throw badRequest(`genre must be one of ${GENRES.join(', ')}`);
        const { page, limit, offset } = parsePaging(req.query);
        return ok({ items: await listPublic(tab, genre, limit, offset), page, limit });
      },
    );

    app.get<{ Querystring: { q?: string; genre?: string; page?: string; limit?: string } }>(
      '/api/search',
      async (req) => {
        if (!(await ctx.flags.isEnabled(SEARCH_FLAG, { userId: viewerOf(req, signer)?.userId })))
          throw featureDisabled(SEARCH_FLAG);
        const q = (req.query.q ?? '').trim();
        if (q.length === 0 || q.length > 200) throw badRequest('q must be 1-200 characters');
        const { page, limit, offset } = parsePaging(req.query);
        const genre = req.query.genre || null;
        const key = JSON.stringify([q, genre, limit, offset]);
        let items = searchCache.get(key);
        if (!items) {
          const seen = epoch;
          const rows = await db.reader.query<PitchRow>(
            `SELECT ${PITCH_COLUMNS} FROM ${PITCH_FROM}
            WHERE p.status = 'published' AND p.search @@ plainto_tsquery('english', $1) AND ($2::text IS NULL OR p.genre = $2)
            ORDER BY p.trend_score DESC, p.id LIMIT $3 OFFSET $4`,
            [q, genre, limit, offset],
          );
          items = rows.map((r) => toPublicDto(r, false));
          if (seen === epoch) searchCache.set(key, items);
        }
        return ok({ items, page, limit });
      },
    );

    app.get<{ Params: { id: string } }>('/api/pitches/:id', async (req) => {
      const viewer = viewerOf(req, signer);
      const r = await visibleRow(uuidParam(req.params.id), viewer);
      return ok(await detail(r, viewer));
    });

    app.post<{ Body: CreatePitch }>('/api/pitches', { schema: createSchema }, async (req, reply) => {
      const viewer = requireRole(req, signer, ['creator', 'production']);
      const b = req.body;
      const key = idempotencyKeyOf(req.headers['idempotency-key']);
      let pitchId: string = randomUUID();
      if (key) {
        const claimed = await claimIdempotencyKey(viewer.userId, key, requestHash(b), pitchId);
        if (claimed.replay) {
          const existing = await loadRow(claimed.pitchId);
          if (!existing)
            throw conflict('the first request with this Idempotency-Key is still in progress', 'request_in_progress');
          return reply
            .code(201)
            .header('idempotent-replayed', 'true')
            .send(ok(await detail(existing, viewer)));
        }
        pitchId = claimed.pitchId;
      }
      const data: PitchCreationData = {
        pitchId,
        ownerId: viewer.userId,
        ndaTemplateId: randomUUID(),
        notificationId: randomUUID(),
        input: {
          title: b.title.trim(),
          logline: b.logline.trim(),
          genre: b.genre,
          format: b.format ?? 'feature',
          budgetBand: b.budgetBand ?? 'medium',
          shortSynopsis: b.shortSynopsis ?? '',
          requiresNda: b.requiresNda ?? true,
          protected: Object.fromEntries(
            Object.entries(b.protected ?? {}).filter((e): e is [string, string] => typeof e[1] === 'string'),
          ),
          mediaIds: [...new Set(b.mediaIds ?? [])],
          ndaTerms: b.ndaTerms ?? null,
        },
      };
      try {
        await saga.run(data);
      } catch (e) {
        // Nothing was created: the same key may be retried.
        if (key)
          await db.query('DELETE FROM pitch_svc.idempotency_keys WHERE owner_id = $1 AND key = $2', [
            viewer.userId,
            key,
          ]);
        if (e instanceof SagaFailedError) {
          const cause = e.reason;
          if (cause instanceof ApiError && cause.status < 500) throw cause;
          throw new ApiError(503, 'pitch_creation_failed', `pitch creation failed at ${e.step}; all steps were undone`);
        }
        throw e;
      }
      await invalidateRow(data.pitchId); // a draft: the owner's cached dashboard counts it now, no list shows it
      void ctx.bus.kick();
      const r = await loadRow(data.pitchId);
      return reply.code(201).send(ok(await detail(r!, viewer)));
    });

    app.put<{ Params: { id: string }; Body: UpdatePitch }>(
      '/api/pitches/:id',
      { schema: updateSchema },
      async (req) => {
        const viewer = requireViewer(req, signer);
        const id = uuidParam(req.params.id);
        const b = req.body;
        await db.transaction(async (tx) => {
          const cur = await ownedRow(tx, id, viewer);
          if (cur.status === 'archived') throw conflict('archived pitches cannot be edited', 'invalid_state');
          const next = {
            title: b.title?.trim() ?? cur.title,
            logline: b.logline?.trim() ?? cur.logline,
            genre: b.genre ?? cur.genre,
            format: b.format ?? cur.format,
            budgetBand: b.budgetBand ?? cur.budget_band,
            shortSynopsis: b.shortSynopsis ?? cur.short_synopsis,
            requiresNda: b.requiresNda ?? cur.requires_nda,
          };
          await tx.query(
            `UPDATE pitch_svc.pitches SET title=$2, logline=$3, genre=$4, format=$5, budget_band=$6, short_synopsis=$7, requires_nda=$8,
             version = version + 1, updated_at = now() WHERE id = $1`,
            [
              id,
              next.title,
              next.logline,
              next.genre,
              next.format,
              next.budgetBand,
              next.shortSynopsis,
              next.requiresNda,
            ],
          );
          const prot = Object.entries(b.protected ?? {});
          if (prot.length > 0) {
            const sets = prot.map(([k], n) => `${PROTECTED_COLUMNS[k as keyof typeof PROTECTED_COLUMNS]} = $${n + 2}`);
            await tx.query(`UPDATE pitch_svc.pitch_protected SET ${sets.join(', ')} WHERE pitch_id = $1`, [
              id,
              ...prot.map(([, v]) => v ?? null),
            ]);
          }
          await appendEvents(tx, `pitch-${id}`, 'any', [
            {
              type: 'PitchUpdated',
              data: {
                pitchId: id,
                ownerId: cur.owner_id,
                title: next.title,
                genre: next.genre,
                requiresNda: next.requiresNda,
              },
            },
          ]);
        });
        await invalidate(id);
        void ctx.bus.kick();
        return ok(await detail((await loadRow(id))!, viewer));
      },
    );

    for (const [action, from, to] of [
      ['publish', ['draft'], 'published'],
      ['archive', ['draft', 'published'], 'archived'],
    ] as const) {
      app.post<{ Params: { id: string } }>(`/api/pitches/:id/${action}`, async (req) => {
        const viewer = requireViewer(req, signer);
        const id = uuidParam(req.params.id);
        await db.transaction(async (tx) => {
          const cur = await ownedRow(tx, id, viewer);
          if (!(from as readonly string[]).includes(cur.status))
            throw conflict(`cannot ${action} a ${cur.status} pitch`, 'invalid_state');
          await tx.query(
            `UPDATE pitch_svc.pitches SET status = $2, version = version + 1, updated_at = now(),
               published_at = CASE WHEN $2 = 'published' THEN now() ELSE published_at END WHERE id = $1`,
            [id, to],
          );
          await appendEvents(tx, `pitch-${id}`, 'any', [
            to === 'published'
              ? { type: 'PitchPublished', data: { pitchId: id, ownerId: cur.owner_id, title: cur.title } }
              : { type: 'PitchArchived', data: { pitchId: id, ownerId: cur.owner_id } },
          ]);
        });
        await invalidate(id);
        void ctx.bus.kick();
        return ok(await detail((await loadRow(id))!, viewer));
      });
    }

    app.delete<{ Params: { id: string } }>('/api/pitches/:id', async (req) => {
      const viewer = requireViewer(req, signer);
      const id = uuidParam(req.params.id);
      await db.transaction(async (tx) => {
        const cur = await ownedRow(tx, id, viewer);
        await tx.query('DELETE FROM pitch_svc.pitches WHERE id = $1', [id]);
        await appendEvents(tx, `pitch-${id}`, 'any', [
          { type: 'PitchDeleted', data: { pitchId: id, ownerId: cur.owner_id } },
        ]);
      });
      await invalidate(id);
      void ctx.bus.kick();
      return ok({ deleted: true });
    });

    app.get<{ Querystring: { status?: string; page?: string; limit?: string } }>(
      '/api/creator/pitches',
      async (req) => {
        const viewer = requireRole(req, signer, ['creator', 'production']);
        const status = req.query.status ?? null;
        if (status && !['draft', 'published', 'archived'].includes(status))
          throw badRequest('status must be draft, published or archived');
        const { page, limit, offset } = parsePaging(req.query);
        const rows = await db.query<PitchRow>(
          `SELECT ${PITCH_COLUMNS} FROM ${PITCH_FROM} WHERE p.owner_id = $1 AND ($2::text IS NULL OR p.status = $2)
          ORDER BY p.created_at DESC, p.id LIMIT $3 OFFSET $4`,
          [viewer.userId, status, limit, offset],
        );
        return ok({ items: rows.map((r) => toPublicDto(r, true)), page, limit });
      },
    );

    app.post<{ Params: { id: string } }>('/api/pitches/:id/view', async (req) => {
      const viewer = viewerOf(req, signer);
      const r = await visibleRow(uuidParam(req.params.id), viewer);
      if (r.status !== 'published') return ok({ counted: false });
      const viewerId = viewer?.userId ?? null;
      if (!viewer) {
        const seenKey = `${r.id}|${clientAddressOf(req, signer)}`;
        if (anonymousViews.has(seenKey)) return ok({ counted: false });
        anonymousViews.set(seenKey, true);
      }
      await db.transaction(async (tx) => {
        // One statement (the transaction holds the embedded database: fewer round trips, shorter waits for others).
        await tx.query(
          `WITH v AS (INSERT INTO pitch_svc.views (pitch_id, viewer_id) VALUES ($1, $2))
           UPDATE pitch_svc.pitches SET view_count = view_count + 1, trend_score = trend_score + 1 WHERE id = $1`,
          [r.id, viewerId],
        );
        await appendEvents(tx, `pitch-activity-${r.id}`, 'any', [
          { type: 'PitchViewed', data: { pitchId: r.id, viewerId } },
        ]);
      });
      return ok({ counted: true });
    });

    for (const kind of ['like', 'save'] as const) {
      for (const on of [true, false]) {
        app.route<{ Params: { id: string } }>({
          method: on ? 'POST' : 'DELETE',
          url: `/api/pitches/:id/${kind}`,
          handler: async (req) => {
            const viewer = requireViewer(req, signer);
            const r = await visibleRow(uuidParam(req.params.id), viewer);
            if (on && r.status !== 'published')
              throw conflict(`only published pitches can be ${kind}d`, 'invalid_state');
            const changed = await toggle(kind, r.id, viewer, on);
            return ok({ [kind === 'like' ? 'liked' : 'saved']: on, changed });
          },
        });
      }
    }

    app.get<{ Params: { id: string } }>('/api/pitches/:id/interactions', async (req) => {
      const viewer = requireViewer(req, signer);
      const id = uuidParam(req.params.id);
      const r = await db.reader.query<{ liked: boolean; saved: boolean }>(
        `SELECT EXISTS (SELECT 1 FROM pitch_svc.likes WHERE pitch_id = $1 AND user_id = $2) AS liked,
                EXISTS (SELECT 1 FROM pitch_svc.saves WHERE pitch_id = $1 AND user_id = $2) AS saved`,
        [id, viewer.userId],
      );
      return ok(r[0]);
    });

    app.get<{ Querystring: { page?: string; limit?: string } }>('/api/saved-pitches', async (req) => {
      const viewer = requireViewer(req, signer);
      const { page, limit, offset } = parsePaging(req.query);
      const rows = await db.reader.query<PitchRow>(
        `SELECT ${PITCH_COLUMNS} FROM pitch_svc.saves s JOIN pitch_svc.pitches p ON p.id = s.pitch_id
           LEFT JOIN pitch_svc.creators c ON c.user_id = p.owner_id
          WHERE s.user_id = $1 AND p.status = 'published' ORDER BY s.created_at DESC, p.id LIMIT $2 OFFSET $3`,
        [viewer.userId, limit, offset],
      );
      return ok({ items: rows.map((r) => toPublicDto(r, r.owner_id === viewer.userId)), page, limit });
    });

    app.get('/api/dashboard', async (req) => {
      const viewer = requireViewer(req, signer);
      const cached = dashboardCache.get(viewer.userId);
      if (cached) return ok(cached);
      const seen = epoch;
      const data = await dashboardOf(viewer);
      if (seen === epoch) dashboardCache.set(viewer.userId, data);
      return ok(data);
    });

    async function dashboardOf(viewer: Viewer): Promise<object> {
      const ndas = await clients.nda
        .call<{ incomingPending: number; outgoingActive: number; signedAccess: number }>(
          'GET',
          `/internal/ndas/counts?userId=${viewer.userId}`,
        )
        .catch(() => null);
      if (viewer.role === 'creator' || viewer.role === 'production') {
        const r = await db.reader.query<{ status: string; n: number; views: number; likes: number }>(
          `SELECT status, count(*)::int AS n, COALESCE(sum(view_count), 0)::int AS views, COALESCE(sum(like_count), 0)::int AS likes
             FROM pitch_svc.pitches WHERE owner_id = $1 GROUP BY status`,
          [viewer.userId],
        );
        const byStatus = Object.fromEntries(
          ['draft', 'published', 'archived'].map((s) => [s, r.find((x) => x.status === s)?.n ?? 0]),
        );
        return {
          role: viewer.role,
          pitches: byStatus,
          totalViews: r.reduce((a, x) => a + x.views, 0),
          totalLikes: r.reduce((a, x) => a + x.likes, 0),
          ndas,
        };
      }
      const saved = await db.reader.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM pitch_svc.saves WHERE user_id = $1',
        [viewer.userId],
      );
      return { role: viewer.role, savedPitches: saved[0].n, ndas };
    }

    app.get<{ Params: { id: string } }>('/internal/pitches/:id/summary', async (req) => {
      requireInternal(req, signer);
      const r = await loadRow(uuidParam(req.params.id));
      if (!r) throw notFound('pitch not found');
      const s: PitchSummaryDto = {
        id: r.id,
        ownerId: r.owner_id,
        title: r.title,
        status: r.status,
        requiresNda: r.requires_nda,
      };
      return ok(s);
    });
  }

  return {
    name: 'pitch',
    schema: PITCH_SCHEMA,
    migrations: pitchMigrations,
    subscribers: [creatorProjection(() => void invalidate())],
    register,
    metrics: () => {
      if (!registry) throw new Error('pitch service not registered');
      return registry;
    },
    async start() {
      await saga.recover();
    },
  };
}
