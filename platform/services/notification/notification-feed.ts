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
      await tx.query(
        'INSERT INTO notification_svc.followers (followee_id, follower_id) VALUES ($1, $2) ON CONFLICT DO NOTHING',
        [d.followeeId, d.followerId],
      );
    } else {
      await tx.query('DELETE FROM notification_svc.followers WHERE followee_id = $1 AND follower_id = $2', [
        d.followeeId,
        d.followerId,
      ]);
    }
  },
  async handleBatch(tx, events) {
    // Last event per pair decides, exactly as applying them one by one would.
    const last = new Map<string, { on: boolean; d: UserFollowed['data'] }>();
    for (const e of events) {
      const d = e.data as UserFollowed['data'];
      last.set(`${d.followeeId}|${d.followerId}`, { on: e.type === 'UserFollowed', d });
    }
    const on = [...last.values()].filter((x) => x.on).map((x) => x.d);
    const off = [...last.values()].filter((x) => !x.on).map((x) => x.d);
    if (on.length > 0) {
      await tx.query(
        `INSERT INTO notification_svc.followers (followee_id, follower_id) SELECT * FROM unnest($1::uuid[], $2::uuid[]) ON CONFLICT DO NOTHING`,
        [on.map((d) => d.followeeId), on.map((d) => d.followerId)],
      );
    }
    if (off.length > 0) {
      await tx.query(
        `DELETE FROM notification_svc.followers f USING unnest($1::uuid[], $2::uuid[]) AS x(followee_id, follower_id)
          WHERE f.followee_id = x.followee_id AND f.follower_id = x.follower_id`,
        [off.map((d) => d.followeeId), off.map((d) => d.followerId)],
      );
    }
  },
  async reset(tx) {
    await tx.query('DELETE FROM notification_svc.followers');
  },
};

interface Note {
  userIds: string[];
  type: string;
  title: string;
  body: string;
  pitchId?: string | null;
  relatedUserId?: string | null;
}

/**
 * What an event notifies, given the followers of each relevant user. Notes to a requester never name the pitch
 * owner (relatedUserId null): before signing, after rejection or revocation the creator of a gated pitch stays hidden.
 */
function notesFor(e: EventEnvelope, followersOf: (userId: string) => string[]): Note | null {
  switch (e.type) {
    case 'NDARequested': {
      const d = e.data as NDARequested['data'];
      return {
        userIds: [d.ownerId],
        type: 'nda_requested',
        title: 'New NDA request',
        body: `An NDA was requested for "${d.pitchTitle}".`,
        pitchId: d.pitchId,
        relatedUserId: d.requesterId,
      };
    }
    case 'NDAApproved': {
      const d = e.data as NDARequested['data'];
      return {
        userIds: [d.requesterId],
        type: 'nda_approved',
        title: 'NDA approved',
        body: `Your NDA for "${d.pitchTitle}" was approved; sign it to get access.`,
        pitchId: d.pitchId,
        relatedUserId: null,
      };
    }
    case 'NDARejected': {
      const d = e.data as NDARequested['data'];
      return {
        userIds: [d.requesterId],
        type: 'nda_rejected',
        title: 'NDA rejected',
        body: `Your NDA request for "${d.pitchTitle}" was rejected.`,
        pitchId: d.pitchId,
        relatedUserId: null,
      };
    }
    case 'NDASigned': {
      const d = e.data as NDASigned['data'];
      return {
        userIds: [d.ownerId],
        type: 'nda_signed',
        title: 'NDA signed',
        body: `An NDA for "${d.pitchTitle}" was signed.`,
        pitchId: d.pitchId,
        relatedUserId: d.requesterId,
      };
    }
    case 'NDARevoked': {
      const d = e.data as NDARequested['data'];
      return {
        userIds: [d.requesterId],
        type: 'nda_revoked',
        title: 'NDA revoked',
        body: `Your access to "${d.pitchTitle}" was revoked.`,
        pitchId: d.pitchId,
        relatedUserId: null,
      };
    }
    case 'PitchPublished': {
      const d = e.data as PitchPublished['data'];
      return {
        userIds: followersOf(d.ownerId),
        type: 'pitch_published',
        title: 'New pitch',
        body: `"${d.title}" was just published.`,
        pitchId: d.pitchId,
        relatedUserId: d.ownerId,
      };
    }
    case 'UserFollowed': {
      const d = e.data as UserFollowed['data'];
      return {
        userIds: [d.followeeId],
        type: 'new_follower',
        title: 'New follower',
        body: 'Someone started following you.',
        relatedUserId: d.followerId,
      };
    }
    default:
      return null;
  }
}

/** Inserts a run of events' notifications in one statement; one row per (event, recipient): redelivery adds none. */
async function notifyAll(tx: Queryable, events: EventEnvelope[]): Promise<string[]> {
  const owners = events
    .filter((e) => e.type === 'PitchPublished')
    .map((e) => (e.data as PitchPublished['data']).ownerId);
  const followers = new Map<string, string[]>();
  if (owners.length > 0) {
    const rows = await tx.query<{ followee_id: string; follower_id: string }>(
      'SELECT followee_id, follower_id FROM notification_svc.followers WHERE followee_id = ANY($1::uuid[]) ORDER BY follower_id',
      [[...new Set(owners)]],
    );
    for (const r of rows) followers.set(r.followee_id, [...(followers.get(r.followee_id) ?? []), r.follower_id]);
  }
  const cols: unknown[][] = [[], [], [], [], [], [], [], []];
  for (const e of events) {
    const n = notesFor(e, (u) => followers.get(u) ?? []);
    if (!n) continue;
    for (const u of n.userIds) {
      [u, n.type, n.title, n.body, n.pitchId ?? null, n.relatedUserId ?? null, e.eventId, e.recordedAt].forEach(
        (v, i) => cols[i].push(v),
      );
    }
  }
  if (cols[0].length === 0) return [];
  await tx.query(
    `INSERT INTO notification_svc.notifications (id, user_id, type, title, body, pitch_id, related_user_id, source_event_id, created_at)
     SELECT gen_random_uuid(), * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::uuid[], $6::uuid[], $7::uuid[], $8::timestamptz[])
     ON CONFLICT (source_event_id, user_id) DO NOTHING`,
    cols,
  );
  return [...new Set(cols[0] as string[])];
}

/** In-app notifications, fed only by domain events; `onNotified` hears the recipients of each batch. */
export function notificationFeed(onNotified: (userIds: string[]) => void = () => {}): Subscriber {
  return {
    name: 'notification.feed',
    types: ['NDARequested', 'NDAApproved', 'NDARejected', 'NDASigned', 'NDARevoked', 'PitchPublished', 'UserFollowed'],
    after: ['notification.followers'],
    async handle(tx, e) {
      onNotified(await notifyAll(tx, [e]));
    },
    async handleBatch(tx, events) {
      onNotified(await notifyAll(tx, events));
    },
  };
}
