import type { EventEnvelope, NDARequested, NDASigned, PitchPublished, UserFollowed } from '../../contracts/events.js';
import type { Queryable } from '../../lib/db.js';
import type { Subscriber } from '../../lib/event-bus.js';

/** Followers of each user, a local projection of follow events (used to fan out pitch_published). */
export const followersProjection: Subscriber = {
  name: 'notification.followers',
  types: ['UserFollowed', 'UserUnfollowed'],
  async handle(tx, e) {
    const d = e.data as UserFollowed['data'];
    if (e.type === 'UserFollowed') {
      await tx.query('INSERT INTO notification_svc.followers (followee_id, follower_id) VALUES ($1, $2) ON CONFLICT DO NOTHING', [d.followeeId, d.followerId]);
    } else {
      await tx.query('DELETE FROM notification_svc.followers WHERE followee_id = $1 AND follower_id = $2', [d.followeeId, d.followerId]);
    }
  },
  async reset(tx) {
    await tx.query('DELETE FROM notification_svc.followers');
  },
};

async function notify(
  tx: Queryable,
  e: EventEnvelope,
  userIds: string[],
  n: { type: string; title: string; body: string; pitchId?: string | null; relatedUserId?: string | null },
): Promise<void> {
  if (userIds.length === 0) return;
  // One row per (event, recipient): a redelivered event inserts nothing.
  await tx.query(
    `INSERT INTO notification_svc.notifications (id, user_id, type, title, body, pitch_id, related_user_id, source_event_id, created_at)
     SELECT gen_random_uuid(), u, $2, $3, $4, $5, $6, $7, $8::timestamptz FROM unnest($1::uuid[]) AS u
     ON CONFLICT (source_event_id, user_id) DO NOTHING`,
    [userIds, n.type, n.title, n.body, n.pitchId ?? null, n.relatedUserId ?? null, e.eventId, e.recordedAt],
  );
}

/** In-app notifications, fed only by domain events. */
export const notificationFeed: Subscriber = {
  name: 'notification.feed',
  types: ['NDARequested', 'NDAApproved', 'NDARejected', 'NDASigned', 'NDARevoked', 'PitchPublished', 'UserFollowed'],
  after: ['notification.followers'],
  async handle(tx, e) {
    switch (e.type) {
      case 'NDARequested': {
        const d = e.data as NDARequested['data'];
        return notify(tx, e, [d.ownerId], { type: 'nda_requested', title: 'New NDA request', body: `An NDA was requested for "${d.pitchTitle}".`, pitchId: d.pitchId, relatedUserId: d.requesterId });
      }
      case 'NDAApproved': {
        const d = e.data as NDARequested['data'];
        return notify(tx, e, [d.requesterId], { type: 'nda_approved', title: 'NDA approved', body: `Your NDA for "${d.pitchTitle}" was approved; sign it to get access.`, pitchId: d.pitchId, relatedUserId: d.ownerId });
      }
      case 'NDARejected': {
        const d = e.data as NDARequested['data'];
        return notify(tx, e, [d.requesterId], { type: 'nda_rejected', title: 'NDA rejected', body: `Your NDA request for "${d.pitchTitle}" was rejected.`, pitchId: d.pitchId, relatedUserId: d.ownerId });
      }
      case 'NDASigned': {
        const d = e.data as NDASigned['data'];
        return notify(tx, e, [d.ownerId], { type: 'nda_signed', title: 'NDA signed', body: `An NDA for "${d.pitchTitle}" was signed.`, pitchId: d.pitchId, relatedUserId: d.requesterId });
      }
      case 'NDARevoked': {
        const d = e.data as NDARequested['data'];
        return notify(tx, e, [d.requesterId], { type: 'nda_revoked', title: 'NDA revoked', body: `Your access to "${d.pitchTitle}" was revoked.`, pitchId: d.pitchId, relatedUserId: d.ownerId });
      }
      case 'PitchPublished': {
        const d = e.data as PitchPublished['data'];
        const f = await tx.query<{ follower_id: string }>('SELECT follower_id FROM notification_svc.followers WHERE followee_id = $1', [d.ownerId]);
        return notify(tx, e, f.map((x) => x.follower_id), { type: 'pitch_published', title: 'New pitch', body: `"${d.title}" was just published.`, pitchId: d.pitchId, relatedUserId: d.ownerId });
      }
      case 'UserFollowed': {
        const d = e.data as UserFollowed['data'];
        return notify(tx, e, [d.followeeId], { type: 'new_follower', title: 'New follower', body: 'Someone started following you.', relatedUserId: d.followerId });
      }
    }
  },
};
