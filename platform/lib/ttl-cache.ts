import { LRUCache } from 'lru-cache';

/**
 * Bounded LRU map whose entries also expire after `ttlMs` (the staleness bound across worker processes): lru-cache
 * with a narrow interface the services use.
 */
export class TtlCache<V extends NonNullable<unknown> | null> {
  private readonly lru: LRUCache<string, { v: V }>;

  constructor(maxEntries: number, ttlMs: number, now: () => number = () => performance.now()) {
    // Values are boxed so a cached `null` (a negative answer) is a hit, not a miss.
    this.lru = new LRUCache<string, { v: V }>({ max: maxEntries, ttl: ttlMs, ttlResolution: 0, perf: { now } });
  }

  get(key: string): V | undefined {
    return this.lru.get(key)?.v;
  }

  set(key: string, value: V): void {
    this.lru.set(key, { v: value });
  }

  delete(key: string): void {
    this.lru.delete(key);
  }

  deleteWhere(pred: (key: string) => boolean): void {
    for (const k of [...this.lru.keys()]) if (pred(k)) this.lru.delete(k);
  }

  clear(): void {
    this.lru.clear();
  }

  get size(): number {
    return this.lru.size;
  }
}
