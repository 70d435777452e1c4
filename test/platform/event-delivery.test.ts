import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventEnvelope } from '../../platform/contracts/events.js';
import { openDb, type Db } from '../../platform/lib/db.js';
import { EventBus } from '../../platform/lib/event-bus.js';
import { appendEvents, eventStoreMigrations } from '../../platform/lib/event-store.js';
import { migrate } from '../../platform/lib/migrations.js';
import { waitFor } from './api-client.js';
import { PG_AVAILABLE, startPgCluster, type PgCluster } from './backends.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..', '..');
// Polls so rare that only a NOTIFY can explain delivery within the test's deadlines.
const NEVER = 600_000;

function recordingSubscriber(name: string) {
  const seen: Array<{ id: string; at: number }> = [];
  return {
    seen,
    sub: {
      name,
      types: ['UserFollowed'] as const,
      async handle(tx: { query(sql: string, p?: unknown[]): Promise<unknown[]> }, e: EventEnvelope) {
        await tx.query('INSERT INTO public.delivered (subscriber, event_id) VALUES ($1, $2)', [name, e.eventId]);
        seen.push({ id: e.eventId, at: performance.now() });
      },
    },
  };
}

function appendInChild(url: string, prefix: string, count: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'jiti/register', path.join(here, 'children', 'append-events.ts'), url, prefix, String(count)],
      {
        cwd: root,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('exit', (code) =>
      code === 0 && out.includes(`appended ${count}`) ? resolve() : reject(new Error(`child ${code}: ${err}`)),
    );
  });
}

async function listening(bus: EventBus): Promise<void> {
  await waitFor(() => bus.isListening, 5000);
}

describe('event delivery through LISTEN/NOTIFY on PGlite (in-process)', () => {
  it('delivers an append at once although the bus polls only every 10 minutes', async () => {
    const db = await openDb({ kind: 'pglite', dataDir: null });
    try {
      await migrate(db, 'eventstore', eventStoreMigrations);
      await db.exec(
        'CREATE TABLE public.delivered (subscriber text, event_id uuid, PRIMARY KEY (subscriber, event_id))',
      );
      const bus = new EventBus(db, { pollMs: NEVER, listeningPollMs: NEVER });
      const r = recordingSubscriber('lite.rec');
      bus.subscribe(r.sub);
      bus.start();
      await listening(bus);
      await bus.kick(); // the first poll ran at start; nothing pending
      const t0 = performance.now();
      await db.transaction((tx) =>
        appendEvents(tx, 'lite-1', 0, [{ type: 'UserFollowed', data: { followerId: 'a', followeeId: 'b' } }]),
      );
      await waitFor(() => r.seen.length === 1, 2000);
      expect(r.seen[0].at - t0).toBeLessThan(1000);
      await bus.stop();
    } finally {
      await db.close();
    }
  });
});

describe.runIf(PG_AVAILABLE)('event delivery across processes through LISTEN/NOTIFY (pg)', () => {
  let cluster: PgCluster;
  let url: string;
  let db: Db;
  beforeAll(async () => {
    cluster = startPgCluster();
    url = await cluster.newDatabase();
    db = await openDb({ kind: 'pg', url });
    await migrate(db, 'eventstore', eventStoreMigrations);
    await db.exec('CREATE TABLE public.delivered (subscriber text, event_id uuid, PRIMARY KEY (subscriber, event_id))');
  });
  afterAll(async () => {
    await db?.close();
    cluster?.stop();
  });

  it('a consumer process receives events appended by another process without polling, exactly once in effect', async () => {
    const bus = new EventBus(db, { pollMs: NEVER, listeningPollMs: NEVER });
    const r = recordingSubscriber('pg.rec');
    bus.subscribe(r.sub);
    bus.start();
    await listening(bus);
    await appendInChild(url, 'p1', 25);
    await waitFor(() => r.seen.length === 25, 3000);
    const effects = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM public.delivered WHERE subscriber = 'pg.rec'`,
    );
    expect(effects[0].n).toBe(25);
    expect(new Set(r.seen.map((s) => s.id)).size).toBe(25);
    await bus.stop();
  });

  it('survives the loss of its listening connection: catches up on reconnect, no event lost or applied twice', async () => {
    const bus = new EventBus(db, { pollMs: NEVER, listeningPollMs: NEVER });
    const r = recordingSubscriber('pg.reconnect');
    bus.subscribe(r.sub);
    bus.start();
    await listening(bus);
    const before = (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM eventstore.events'))[0].n;
    // Kill the LISTEN backend, then append while it is gone: those NOTIFYs are lost for this consumer.
    const killed = await db.query<{ ok: boolean }>(
      `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE query ILIKE 'LISTEN pitchey_events%' AND pid <> pg_backend_pid()`,
    );
    expect(killed.length).toBeGreaterThanOrEqual(1);
    await db.transaction((tx) =>
      appendEvents(tx, 'gap-1', 0, [{ type: 'UserFollowed', data: { followerId: 'g', followeeId: 'h' } }]),
    );
    await appendInChild(url, 'p2', 5);
    const total = before + 6;
    // Everything so far (25 from the first test, 6 now) reaches this new subscriber once.
    await waitFor(() => r.seen.length === total, 5000);
    const effects = await db.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM public.delivered WHERE subscriber = 'pg.reconnect'`,
    );
    expect(effects[0].n).toBe(total);
    // A NOTIFY after the reconnect is delivered live again.
    await appendInChild(url, 'p3', 1);
    await waitFor(() => r.seen.length === total + 1, 3000);
    await bus.stop();
  });
});
