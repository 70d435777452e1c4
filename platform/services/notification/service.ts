import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { NotificationDto } from '../../contracts/dto.js';
import { badRequest, notFound, ok } from '../../lib/api-error.js';
import { registerHttpMetrics } from '../../lib/http-metrics.js';
import { parsePaging, uuidParam } from '../../lib/paging.js';
import { registerRateLimit } from '../../lib/rate-limit.js';
import { clientAddressOf, isInternalCall, requireInternal, requireViewer } from '../../lib/request-auth.js';
import type { PlatformService, ServiceContext } from '../../lib/service-context.js';
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

  async function register(app: FastifyInstance): Promise<void> {
    registerRateLimit(app, ctx.rateLimit, (req) => isInternalCall(req, signer), (req) => clientAddressOf(req, signer));
    registry = registerHttpMetrics(app, 'notification', ctx.metrics);

    app.get<{ Querystring: { unread?: string; page?: string; limit?: string } }>('/api/notifications', async (req) => {
      const viewer = requireViewer(req, signer);
      const { page, limit, offset } = parsePaging(req.query);
      const unread = req.query.unread;
      if (unread !== undefined && unread !== 'true' && unread !== 'false') throw badRequest('unread must be true or false');
      const rows = await db.query<NotificationRow>(
        `SELECT * FROM notification_svc.notifications WHERE user_id = $1 AND ($2::boolean IS NOT TRUE OR read_at IS NULL)
          ORDER BY created_at DESC, id LIMIT $3 OFFSET $4`,
        [viewer.userId, unread === 'true', limit, offset],
      );
      return ok({ items: rows.map(toDto), page, limit });
    });

    app.get('/api/notifications/unread-count', async (req) => {
      const viewer = requireViewer(req, signer);
      const r = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM notification_svc.notifications WHERE user_id = $1 AND read_at IS NULL', [
        viewer.userId,
      ]);
      return ok({ count: r[0]!.n });
    });

    app.put<{ Params: { id: string } }>('/api/notifications/:id/read', async (req) => {
      const viewer = requireViewer(req, signer);
      const r = await db.query<NotificationRow>(
        'UPDATE notification_svc.notifications SET read_at = COALESCE(read_at, now()) WHERE id = $1 AND user_id = $2 RETURNING *',
        [uuidParam(req.params.id), viewer.userId],
      );
      if (r.length === 0) throw notFound('notification not found');
      return ok(toDto(r[0]!));
    });

    app.put('/api/notifications/read-all', async (req) => {
      const viewer = requireViewer(req, signer);
      const r = await db.query('UPDATE notification_svc.notifications SET read_at = now() WHERE user_id = $1 AND read_at IS NULL RETURNING 1', [viewer.userId]);
      return ok({ marked: r.length });
    });

    // Saga step NotifyCreation and its compensation RetractNotification.
    app.post<{ Body: { id: string; userId: string; type: string; title: string; body: string; pitchId: string | null } }>(
      '/internal/notifications',
      async (req, reply) => {
        requireInternal(req, signer);
        const b = req.body;
        await db.query(
          `INSERT INTO notification_svc.notifications (id, user_id, type, title, body, pitch_id) VALUES ($1,$2,$3,$4,$5,$6) ON CONFLICT (id) DO NOTHING`,
          [uuidParam(b.id), uuidParam(b.userId), b.type, b.title, b.body, b.pitchId],
        );
        return reply.code(201).send(ok({ id: b.id }));
      },
    );

    app.delete<{ Params: { id: string } }>('/internal/notifications/:id', async (req) => {
      requireInternal(req, signer);
      await db.query('DELETE FROM notification_svc.notifications WHERE id = $1', [uuidParam(req.params.id)]);
      return ok({ retracted: true });
    });
  }

  return {
    name: 'notification',
    schema: NOTIFICATION_SCHEMA,
    migrations: notificationMigrations,
    subscribers: [followersProjection, notificationFeed],
    register,
    metrics: () => {
      if (!registry) throw new Error('notification service not registered');
      return registry;
    },
  };
}
