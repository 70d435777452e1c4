import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../platform/contracts/events.js';
import { openDb, type Db } from '../../platform/lib/db.js';
import { EventBus } from '../../platform/lib/event-bus.js';
import { appendEvents, ConcurrencyError, eventStoreMigrations, readStream } from '../../platform/lib/event-store.js';
import { migrate } from '../../platform/lib/migrations.js';
import { BACKENDS, startPgCluster, type PgCluster } from './backends.js';
import { signUp, usePlatform } from './platform-harness.js';

const followed = (a: string, b: string) => ({ type: 'UserFollowed' as const, data: { followerId: a, followeeId: b } });

describe.each(BACKENDS)('event store and bus on %s', (backend) => {
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

  it('appends with optimistic concurrency: a conflicting append fails and overwrites nothing', async () => {
    const a = await db.transaction((tx) => appendEvents(tx, 's-1', 0, [followed('a', 'b'), followed('a', 'c')]));
    expect(a).toEqual({ version: 2, duplicate: false });
    await expect(db.transaction((tx) => appendEvents(tx, 's-1', 1, [followed('x', 'y')]))).rejects.toBeInstanceOf(
      ConcurrencyError,
    );
    const stream = await readStream(db, 's-1');
    expect(stream.map((e) => [e.version, (e.data as { followeeId: string }).followeeId])).toEqual([
      [1, 'b'],
      [2, 'c'],
    ]);
    // Two writers racing on the same expected version: exactly one wins.
    const results = await Promise.allSettled([
      db.transaction((tx) => appendEvents(tx, 's-2', 0, [followed('p', 'q')])),
      db.transaction((tx) => appendEvents(tx, 's-2', 0, [followed('p', 'r')])),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect((results.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason).toBeInstanceOf(
      ConcurrencyError,
    );
    expect(await readStream(db, 's-2')).toHaveLength(1);
  });

  it('is idempotent by event id and keeps a strictly increasing global sequence', async () => {
    const id = '7d0e4a52-5f1a-4c1e-9d53-3f0b8a1e2c44';
    const first = await db.transaction((tx) => appendEvents(tx, 's-3', 0, [{ ...followed('m', 'n'), eventId: id }]));
    const again = await db.transaction((tx) => appendEvents(tx, 's-3', 0, [{ ...followed('m', 'n'), eventId: id }]));
    expect(first.duplicate).toBe(false);
    expect(again).toEqual({ version: 1, duplicate: true });
    const seqs = (await db.query<{ seq: number }>('SELECT seq FROM eventstore.events ORDER BY seq')).map((r) => r.seq);
    expect(seqs.length).toBe(4);
    expect(seqs.every((s, i) => i === 0 || s > seqs[i - 1])).toBe(true);
  });

  it('delivers at least once, de-duplicates by event id and keeps checkpoints', async () => {
    await db.exec('CREATE TABLE IF NOT EXISTS public.seen (event_id uuid, n int)');
    const handled: string[] = [];
    let failOnce = true;
    const sub = {
      name: 'test.counter',
      types: ['UserFollowed'] as const,
      async handle(tx: { query: Db['query'] }, e: EventEnvelope) {
        if (failOnce && (e.data as { followeeId: string }).followeeId === 'c') {
          failOnce = false;
          throw new Error('transient');
        }
        handled.push(e.eventId);
        await tx.query('INSERT INTO public.seen (event_id, n) VALUES ($1, 1)', [e.eventId]);
      },
    };
    const errors: string[] = [];
    const bus = new EventBus(db, { onError: (_s, e) => errors.push((e as Error).message) });
    bus.subscribe(sub);
    await bus.kick(); // fails on the second event: the whole batch rolls back
    expect(errors).toEqual(['transient']);
    await bus.drain();
    const rows = await db.query<{ event_id: string; n: number }>(
      'SELECT event_id, sum(n)::int AS n FROM public.seen GROUP BY event_id',
    );
    expect(rows).toHaveLength(4);
    expect(rows.every((r) => r.n === 1)).toBe(true);

    // Force redelivery by rewinding the checkpoint: the processed-id record stops every duplicate.
    await db.query(`UPDATE eventstore.checkpoints SET position = 0 WHERE subscriber = 'test.counter'`);
    const before = handled.length;
    await bus.drain();
    expect(handled.length).toBe(before);

    // A new bus (a restarted process) resumes from the stored checkpoint.
    const bus2 = new EventBus(db);
    bus2.subscribe({ ...sub, handle: async (tx, e) => sub.handle(tx, e) });
    await db.transaction((tx) => appendEvents(tx, 's-4', 0, [followed('u', 'v')]));
    await bus2.drain();
    expect(handled.length).toBe(before + 1);
  });
});

describe.each(BACKENDS)('replay on %s', (backend) => {
  const h = usePlatform(backend);

  async function snapshot() {
    return {
      creators: await h.p.db.query('SELECT * FROM pitch_svc.creators ORDER BY user_id'),
      followers: await h.p.db.query('SELECT * FROM notification_svc.followers ORDER BY followee_id, follower_id'),
    };
  }

  it('replay(fromTimestamp) rebuilds read models identical to the live ones', async () => {
    const { api } = h;
    const users: Array<Awaited<ReturnType<typeof signUp>>> = [];
    for (let i = 0; i < 6; i++) users.push(await signUp(h, i % 2 ? 'investor' : 'creator'));
    for (const a of users)
      for (const b of users.slice(0, 3))
        if (a !== b) await api('POST', `/api/follows/${b.user.id}`, { token: a.token });
    await h.p.bus.drain();
    const mid = new Date();
    await new Promise((r) => setTimeout(r, 20));
    await api('PUT', '/api/user/profile', { token: users[0].token, body: { displayName: 'Renamed', company: 'Acme' } });
    await api('DELETE', `/api/follows/${users[1].user.id}`, { token: users[4].token });
    await api('POST', `/api/follows/${users[5].user.id}`, { token: users[2].token });
    await h.p.bus.drain();
    const live = await snapshot();
    expect(live.creators.find((c) => c.user_id === users[0].user.id)).toMatchObject({
      display_name: 'Renamed',
      company: 'Acme',
    });
    expect(live.followers.length).toBe(6 * 3 - 3 - 1 + 1);

    // Damage the read models, then rebuild from the beginning.
    await h.p.db.query('DELETE FROM notification_svc.followers WHERE follower_id = $1', [users[3].user.id]);
    await h.p.db.query(`UPDATE pitch_svc.creators SET display_name = 'garbage'`);
    await h.p.bus.replay(new Date(0));
    expect(await snapshot()).toEqual(live);

    // Replaying only the suffix after `mid` over the live state also converges to it.
    await h.p.bus.replay(mid);
    expect(await snapshot()).toEqual(live);
  });
});
