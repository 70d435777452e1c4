import { LRUCache } from 'lru-cache';
import type { CacheInvalidationBus } from '../../lib/cache-invalidation.js';

export const NOTIFICATION_CACHE_SCOPE = 'notifications';

/**
 * Per-user answers of the polled feed reads (unread badge, first pages). Only ever served to that user. Dropped in
 * every process when the user's notifications change (their own reads at once, before the write answers; new notes
 * when the feed inserts them); the short TTL bounds what a refill racing a feed insert could keep.
 */
export class FeedReadCache<V> {
  private readonly byUser: LRUCache<string, Map<string, V>>;
  // Bumped by every invalidation: a load that raced with one does not store what it read.
  private epoch = 0;

  constructor(
    private readonly bus: CacheInvalidationBus,
    ttlMs = 2_000,
    maxUsers = 20_000,
  ) {
    this.byUser = new LRUCache({ max: maxUsers, ttl: ttlMs });
    bus.onInvalidate((scope, key) => {
      if (scope !== NOTIFICATION_CACHE_SCOPE) return;
      this.epoch++;
      if (key) this.byUser.delete(key);
      else this.byUser.clear();
    });
  }

  async get(userId: string, key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.byUser.get(userId)?.get(key);
    if (hit !== undefined) return hit;
    const seen = this.epoch;
    const v = await load();
    if (seen === this.epoch) {
      let m = this.byUser.get(userId);
      if (!m) this.byUser.set(userId, (m = new Map()));
      m.set(key, v);
    }
    return v;
  }

  /** Drops the user's entries in every process; awaited by writes before they answer. */
  forget(userId: string): Promise<void> {
    return this.bus.invalidate(NOTIFICATION_CACHE_SCOPE, userId);
  }
}
