import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { NotificationDto } from '../../contracts/dto.js';
import { badRequest, notFound, ok } from '../../lib/api-error.js';
import { registerHttpMetrics } from '../../lib/http-metrics.js';
import { parsePaging, uuidParam } from '../../lib/paging.js';
import { registerRateLimit } from '../../lib/rate-limit.js';
import { clientAddressOf, isInternalCall, requireInternal, requireViewer } from '../../lib/request-auth.js';
import type { PlatformService, ServiceContext } from '../../lib/service-context.js';
import { FeedReadCache } from './feed-read-cache.js';
import { followersProjection, notificationFeed } from './notification-feed.js';
import { NOTIFICATION_SCHEMA, notificationMigrations } from './schema.js';

interface NotificationRow {
  id: string;
  type: string;
  title: string;
  body: string;
  pitch_id: string | null;
  related_user_id: string | null;
  created_at: Date;
  read_at: Date | null;
}

function toDto(r: NotificationRow): NotificationDto {
  return {
    id: r.id,
    type: r.type,
    title: r.title,
    body: r.body,
    pitchId: r.pitch_id,
    relatedUserId: r.related_user_id,
    read: r.read_at !== null,
    createdAt: new Date(r.created_at).toISOString(),
    readAt: r.read_at ? new Date(r.read_at).toISOString() : null,
  };
}

export function createNotificationService(ctx: ServiceContext): PlatformService {
  const { db, signer } = ctx;
  let registry: Registry | null = null;
  const counts = new FeedReadCache<number>(ctx.caches);
  const pages = new FeedReadCache<NotificationDto[]>(ctx.caches);
  const forget = (userId: string) => counts.forget(userId);
  // New notes drop their recipients' cached reads. The feed inserts inside the delivery transaction, so the entries
  // are dropped again a moment later, when it has normally committed; the TTL bounds a refill that raced both.
  const forgetAfterCommit = (userIds: string[]) => {
    const drop = () => void Promise.all(userIds.map(forget)).catch(() => {});
    drop();
    setTimeout(drop, 250).unref();
  };

  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugin: avvio awaits the returned promise
  async function register(app: FastifyInstance): Promise<void> {
    registerRateLimit(
      app,
      ctx.rateLimit,
      (req) => isInternalCall(req, signer),
      (req) => clientAddressOf(req, signer),
    );
    registry = registerHttpMetrics(app, 'notification', ctx.metrics);

    app.get<{ Querystring: { unread?: string; page?: string; limit?: string } }>('/api/notifications', async (req) => {
      const viewer = requireViewer(req, signer);
      const { page, limit, offset } = parsePaging(req.query);
      const unread = req.query.unread;
      if (unread !== undefined && unread !== 'true' && unread !== 'false')
        throw badRequest('unread must be true or false');
      const items = await pages.get(viewer.userId, `${unread === 'true'}|${limit}|${offset}`, async () => {
        const rows = await db.query<NotificationRow>(
          `SELECT * FROM notification_svc.notifications WHERE user_id = $1 AND ($2::boolean IS NOT TRUE OR read_at IS NULL)
            ORDER BY created_at DESC, id LIMIT $3 OFFSET $4`,
          [viewer.userId, unread === 'true', limit, offset],
        );
        return rows.map(toDto);
      });
      return ok({ items, page, limit });
    });

    app.get('/api/notifications/unread-count', async (req) => {
      const viewer = requireViewer(req, signer);
      const count = await counts.get(viewer.userId, 'unread', async () => {
        const r = await db.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM notification_svc.notifications WHERE user_id = $1 AND read_at IS NULL',
          [viewer.userId],
        );
        return r[0].n;
      });
      return ok({ count });
    });

    app.put<{ Params: { id: string } }>('/api/notifications/:id/read', async (req) => {
      const viewer = requireViewer(req, signer);
      const r = await db.query<NotificationRow>(
        'UPDATE notification_svc.notifications SET read_at = COALESCE(read_at, now()) WHERE id = $1 AND user_id = $2 RETURNING *',
        [uuidParam(req.params.id), viewer.userId],
      );
      if (r.length === 0) throw notFound('notification not found');
      await forget(viewer.userId);
      return ok(toDto(r[0]));
    });

    app.put('/api/notifications/read-all', async (req) => {
      const viewer = requireViewer(req, signer);
      const r = await db.query(
        'UPDATE notification_svc.notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL RETURNING 1',
        [viewer.userId],
      );
      if (r.length > 0) await forget(viewer.userId);
      return ok({ marked: r.length });
    });

    // Saga step NotifyCreation and its compensation RetractNotification.
    app.post<{
      Body: { id: string; userId: string; type: string; title: string; body: string; pitchId: string | null };
    }>('/internal/notifications', async (req, reply) => {
      requireInternal(req, signer);
      const b = req.body;
      await db.query(
        `INSERT INTO notification_svc.notifications (id, user_id, type, title, body, pitch_id) VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT (id) DO NOTHING`,
        [uuidParam(b.id), uuidParam(b.userId), b.type, b.title, b.body, b.pitchId],
      );
      await forget(b.userId);
      return reply.code(201).send(ok({ id: b.id }));
    });

    app.delete<{ Params: { id: string } }>('/internal/notifications/:id', async (req) => {
      requireInternal(req, signer);
      const r = await db.query<{ user_id: string }>(
        'DELETE FROM notification_svc.notifications WHERE id = $1 RETURNING user_id',
        [uuidParam(req.params.id)],
      );
      for (const x of r) await forget(x.user_id);
      return ok({ retracted: true });
    });
  }

  return {
    name: 'notification',
    schema: NOTIFICATION_SCHEMA,
    migrations: notificationMigrations,
    subscribers: [followersProjection, notificationFeed(forgetAfterCommit)],
    register,
    metrics: () => {
      if (!registry) throw new Error('notification service not registered');
      return registry;
    },
  };
}
