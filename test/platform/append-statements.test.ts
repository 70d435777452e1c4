import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb, type Db, type Queryable } from '../../platform/lib/db.js';
import {
  appendEvents,
  ConcurrencyError,
  EVENTS_CHANNEL,
  eventStoreMigrations,
} from '../../platform/lib/event-store.js';
import { migrate } from '../../platform/lib/migrations.js';

const followed = (a: string, b: string) => ({ type: 'UserFollowed' as const, data: { followerId: a, followeeId: b } });

/** The statements an append sends, seen through a wrapper that keeps (or hides) the transaction's exclusivity. */
function recording(tx: Queryable, exclusive: boolean): { q: Queryable; sent: string[] } {
  const sent: string[] = [];
  return {
    sent,
    q: {
      exclusive,
      query: (sql, params) => {
        sent.push(sql.trim().split(/\s+/).slice(0, 2).join(' '));
        return tx.query(sql, params);
      },
    },
  };
}

describe('event append cost on embedded PGlite (issue 13 performance)', () => {
  let db: Db;
  const notes: string[] = [];
  beforeAll(async () => {
    db = await openDb({ kind: 'pglite', dataDir: null });
    await migrate(db, 'eventstore', eventStoreMigrations);
    await db.listen!(EVENTS_CHANNEL, (p) => notes.push(p));
  });
  afterAll(async () => {
    await db?.close();
  });

  it('is one statement inside a PGlite transaction, two (advisory lock first) where transactions run side by side', async () => {
    const one = await db.transaction(async (tx) => {
      expect(tx.exclusive).toBe(true);
      const r = recording(tx, true);
      const v = await appendEvents(r.q, 'cost-1', 0, [followed('a', 'b'), followed('a', 'c')]);
      return { v, sent: r.sent };
    });
    expect(one.v).toEqual({ version: 2, duplicate: false });
    expect(one.sent).toEqual(['WITH batch']);
    const two = await db.transaction(async (tx) => {
      const r = recording(tx, false);
      const v = await appendEvents(r.q, 'cost-1', 2, [followed('a', 'd')]);
      return { v, sent: r.sent };
    });
    expect(two.v).toEqual({ version: 3, duplicate: false });
    expect(two.sent).toEqual(['SELECT pg_advisory_xact_lock($1)', 'WITH batch']);
    const rows = await db.query<{ version: number; followee: string }>(
      "SELECT version, data->>'followeeId' AS followee FROM eventstore.events WHERE stream = 'cost-1' ORDER BY seq",
    );
    expect(rows).toEqual([
      { version: 1, followee: 'b' },
      { version: 2, followee: 'c' },
      { version: 3, followee: 'd' },
    ]);
  });

  it('notifies only appends that wrote something: not a version conflict, not an idempotent retry', async () => {
    const eventId = '0b4c3f1e-9a51-4f0e-8d7a-2a6c0f3d9e11';
    notes.length = 0;
    await db.transaction((tx) => appendEvents(tx, 'cost-2', 0, [{ ...followed('x', 'y'), eventId }]));
    await new Promise((r) => setTimeout(r, 50));
    expect(notes).toEqual(['UserFollowed']);
    const conflict = db.transaction((tx) => appendEvents(tx, 'cost-2', 0, [followed('x', 'z')]));
    await expect(conflict).rejects.toBeInstanceOf(ConcurrencyError);
    await expect(conflict).rejects.toThrow('stream cost-2: expected version 0, found 1');
    const retry = await db.transaction((tx) => appendEvents(tx, 'cost-2', 0, [{ ...followed('x', 'y'), eventId }]));
    expect(retry).toEqual({ version: 1, duplicate: true });
    await new Promise((r) => setTimeout(r, 50));
    expect(notes).toEqual(['UserFollowed']);
    expect((await db.query("SELECT 1 FROM eventstore.events WHERE stream = 'cost-2'")).length).toBe(1);
  });
});
