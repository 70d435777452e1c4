import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../platform/contracts/events.js';
import { openDb, type Db } from '../../platform/lib/db.js';
import { EventBus } from '../../platform/lib/event-bus.js';
import { appendEvents, eventStoreMigrations } from '../../platform/lib/event-store.js';
import { migrate } from '../../platform/lib/migrations.js';
import { BACKENDS, startPgCluster, type PgCluster } from './backends.js';

const viewed = (pitchId: string) => ({ type: 'PitchViewed' as const, data: { pitchId, viewerId: null } });
const followed = (a: string, b: string) => ({ type: 'UserFollowed' as const, data: { followerId: a, followeeId: b } });

/** The same database, counting the transactions opened through it (a delivery batch is one). */
function counting(db: Db): { db: Db; transactions: () => number } {
  let n = 0;
  return {
    db: {
      ...db,
      query: db.query.bind(db),
      transaction: (fn) => {
        n++;
        return db.transaction(fn);
      },
    },
    transactions: () => n,
  };
}

// Views, likes and saves append events that no subscriber takes; a pass over a subscriber with nothing of its types
// pending must not cost a delivery transaction, yet its checkpoint still moves to the head (no reported lag).
describe.each(BACKENDS)('event bus passes over idle subscribers on %s', (backend) => {
  let db: Db;
  let cluster: PgCluster | null = null;
  beforeAll(async () => {
    cluster = backend === 'pg' ? startPgCluster() : null;
    db = await openDb(cluster ? { kind: 'pg', url: await cluster.newDatabase() } : { kind: 'pglite', dataDir: null });
    await migrate(db, 'eventstore', eventStoreMigrations);
  });
  afterAll(async () => {
    await db?.close();
    cluster?.stop();
  });

  it('skips the delivery transaction when nothing of its types is pending, and still delivers what is', async () => {
    const seen: EventEnvelope[] = [];
    const c = counting(db);
    const bus = new EventBus(c.db);
    // eslint-disable-next-line @typescript-eslint/require-await -- a handler that only records
    bus.subscribe({ name: 'test.follows', types: ['UserFollowed'], handle: async (_tx, e) => void seen.push(e) });
    await db.transaction((tx) => appendEvents(tx, 'f-1', 0, [followed('a', 'b')]));
    await bus.kick(); // first pass: the checkpoint is not known yet, so one delivery transaction
    expect(seen).toHaveLength(1);
    const afterFirst = c.transactions();
    expect(afterFirst).toBe(1);

    for (let i = 0; i < 20; i++) await db.transaction((tx) => appendEvents(tx, `v-${i}`, 'any', [viewed(`p${i}`)]));
    for (let i = 0; i < 5; i++) await bus.kick();
    expect(c.transactions()).toBe(afterFirst); // 5 passes, 20 foreign events: no transaction
    expect(await bus.lag()).toBe(0); // the checkpoint moved to the head all the same

    await db.transaction((tx) => appendEvents(tx, 'f-1', 1, [followed('a', 'c')]));
    await bus.kick();
    expect(seen.map((e) => (e.data as { followeeId: string }).followeeId)).toEqual(['b', 'c']);
    expect(c.transactions()).toBe(afterFirst + 1);
  });

  it('drain re-reads checkpoints moved behind its back (a rewind redelivers, de-duplicated)', async () => {
    let handled = 0;
    const bus = new EventBus(db);
    // eslint-disable-next-line @typescript-eslint/require-await -- a handler that only counts
    bus.subscribe({ name: 'test.rewind', types: ['UserFollowed'], handle: async () => void handled++ });
    await db.transaction((tx) => appendEvents(tx, 'f-rewind', 0, [followed('x', 'y')]));
    const [{ n }] = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM eventstore.events WHERE type = 'UserFollowed'`,
    );
    await bus.drain();
    expect(handled).toBe(n);
    await db.query(`UPDATE eventstore.checkpoints SET position = 0 WHERE subscriber = 'test.rewind'`);
    await db.query(`DELETE FROM eventstore.processed WHERE subscriber = 'test.rewind'`);
    await bus.drain();
    expect(handled).toBe(2 * n);
  });
});
