import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type RunningPlatform } from '../../platform/index.js';
import { apiClient, registerAndSignIn, waitFor, type Created, type Items, type Session } from './api-client.js';
import { PG_AVAILABLE, startPgCluster, type PgCluster } from './backends.js';
import { startPlatformCli, stopPlatformClis } from './platform-cli-process.js';

async function onReplica(url: string, sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query(sql);
  await c.end();
}

// CQRS read side: read-model queries go to a streaming replica when one is configured, routed per caller.
describe.runIf(PG_AVAILABLE)('read replica (pg primary + streaming replica)', () => {
  let cluster: PgCluster;
  let p: RunningPlatform;
  let strict: RunningPlatform | null = null;
  beforeAll(async () => {
    cluster = startPgCluster({ replica: true });
    // A lag bound far beyond the test: the replica stays in rotation while its replay is paused.
    p = await startPlatform({
      db: cluster.url,
      replicaUrl: cluster.replicaUrl!,
      replicaMaxLagMs: 600_000,
      busPollMs: 20,
    });
  });
  afterAll(async () => {
    await strict?.close();
    await p?.close();
    cluster?.stop();
  });

  it('sends read-model queries to the replica and sees primary writes there', async () => {
    expect((await p.db.reader.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r'))[0].r).toBe(true);
    expect((await p.db.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r'))[0].r).toBe(false);
    const api = apiClient(p.url);
    const su = await api<Partial<Session> | undefined>('POST', '/api/auth/sign-up', {
      body: { email: 'rep@example.com', password: 'correct horse 1', displayName: 'Rep', role: 'creator' },
    });
    const signin = await api<Session>('POST', '/api/auth/sign-in', {
      body: { email: 'rep@example.com', password: 'correct horse 1' },
    });
    const token = su.body.data?.token ?? signin.body.data.token;
    const c = await api<Created>('POST', '/api/pitches', {
      token,
      body: { title: 'Replica Run', logline: 'Read elsewhere', genre: 'comedy', requiresNda: false },
    });
    expect(c.status).toBe(201);
    await api('POST', `/api/pitches/${c.body.data.id}/publish`, { token });
    await waitFor(
      async () =>
        (await api<Items<Created>>('GET', '/api/pitches/public?tab=new')).body.data.items.some(
          (x) => x.id === c.body.data.id,
        ),
      5000,
    );
  });

  it('read-your-writes: the writer reads its write at once while the replica (replay paused) is behind', async () => {
    const api = apiClient(p.url);
    const b = await registerAndSignIn(api, {
      email: 'b@ryw.test',
      password: 'correct horse 1',
      displayName: 'B',
      role: 'creator',
    });
    const a = await registerAndSignIn(api, {
      email: 'a@ryw.test',
      password: 'correct horse 1',
      displayName: 'A',
      role: 'investor',
    });
    await p.db.syncReplica!();
    await onReplica(cluster.replicaUrl!, 'SELECT pg_wal_replay_pause()');
    try {
      const follow = await fetch(`${p.url}/api/follows/${b.user.id}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${a.token}` },
      });
      expect(follow.status).toBe(201);
      const lsnToken = follow.headers.get('x-pitchey-lsn');
      expect(lsnToken).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
      expect(p.db.router!.inRotation).toBe(true);
      // The writer: routed to the primary because the replica has not replayed its write.
      const following = await api<Created[]>('GET', '/api/follows/following', { token: a.token });
      expect(following.body.data.map((u) => u.id)).toEqual([b.user.id]);
      // Someone who wrote nothing reads the replica, which really is behind: this is what routing protects against.
      const followers = await api('GET', '/api/follows/followers', { token: b.token });
      expect(followers.body.data).toEqual([]);
      // The same reader presenting the writer's token is served at least that fresh.
      const withToken = await api<Created[]>('GET', '/api/follows/followers', {
        token: b.token,
        headers: { 'x-pitchey-lsn': lsnToken! },
      });
      expect(withToken.body.data.map((u) => u.id)).toEqual([a.user.id]);
    } finally {
      await onReplica(cluster.replicaUrl!, 'SELECT pg_wal_replay_resume()');
    }
    await waitFor(
      async () => (await api<Created[]>('GET', '/api/follows/followers', { token: b.token })).body.data.length === 1,
      5000,
    );
  });

  it('a replica lagging beyond the bound leaves rotation; reads fall back to the primary; it returns when caught up', async () => {
    const lines: string[] = [];
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = (s: string) => (lines.push(String(s)), write(s));
    try {
      strict = await startPlatform({
        db: cluster.url,
        replicaUrl: cluster.replicaUrl!,
        replicaMaxLagMs: 300,
        busPollMs: 20,
        runSubscribers: false,
      });
      const api = apiClient(strict.url);
      const b = await registerAndSignIn(api, {
        email: 'b@lag.test',
        password: 'correct horse 1',
        displayName: 'B',
        role: 'creator',
      });
      const a = await registerAndSignIn(api, {
        email: 'a@lag.test',
        password: 'correct horse 1',
        displayName: 'A',
        role: 'investor',
      });
      await strict.db.syncReplica!();
      await waitFor(() => strict!.db.router!.inRotation, 3000);
      await onReplica(cluster.replicaUrl!, 'SELECT pg_wal_replay_pause()');
      try {
        expect((await api('POST', `/api/follows/${b.user.id}`, { token: a.token })).status).toBe(201);
        await waitFor(() => !strict!.db.router!.inRotation, 3000);
        expect(strict.db.router!.replicaLagMs).toBeGreaterThan(300);
        const scrape = await (await fetch(`${strict.url}/metrics`)).text();
        expect(scrape).toMatch(/^pitchey_replica_in_rotation 0$/m);
        expect(Number(/^pitchey_replica_lag_seconds ([\d.]+)$/m.exec(scrape)?.[1])).toBeGreaterThan(0.3);
        expect(scrape).toMatch(/^pitchey_replica_max_lag_seconds 0\.3$/m);
        // B wrote nothing, yet sees the write: the lagging replica is out of rotation.
        const followers = await api<Created[]>('GET', '/api/follows/followers', { token: b.token });
        expect(followers.body.data.map((u) => u.id)).toEqual([a.user.id]);
      } finally {
        await onReplica(cluster.replicaUrl!, 'SELECT pg_wal_replay_resume()');
      }
      await waitFor(() => strict!.db.router!.inRotation, 5000);
      const scrape = await (await fetch(`${strict.url}/metrics`)).text();
      expect(scrape).toMatch(/^pitchey_replica_in_rotation 1$/m);
      expect(Number(/^pitchey_read_queries_total\{target="primary"\} (\d+)/m.exec(scrape)?.[1])).toBeGreaterThan(0);
      expect(lines.some((l) => /read replica out of rotation \(lag \d+ ms\)/.test(l))).toBe(true);
      expect(lines.some((l) => /read replica back in rotation/.test(l))).toBe(true);
    } finally {
      process.stderr.write = write;
    }
  });

  it('`platform start --replica-max-lag-ms 250` sets the bound the router uses (scraped from /metrics)', async () => {
    try {
      const cli = await startPlatformCli([
        '--db',
        cluster.url,
        '--replica-url',
        cluster.replicaUrl!,
        '--replica-max-lag-ms',
        '250',
      ]);
      const scrape = await (await fetch(`${cli.url}/metrics`)).text();
      expect(scrape).toMatch(/^pitchey_replica_max_lag_seconds 0\.25$/m);
      expect(scrape).toMatch(/^pitchey_replica_in_rotation [01]$/m);
    } finally {
      await stopPlatformClis();
    }
  });

  it('stop the replica mid-load: every read is still served (from the primary)', async () => {
    const api = apiClient(p.url);
    const b = await registerAndSignIn(api, {
      email: 'b@dead.test',
      password: 'correct horse 1',
      displayName: 'B',
      role: 'creator',
    });
    const a = await registerAndSignIn(api, {
      email: 'a@dead.test',
      password: 'correct horse 1',
      displayName: 'A',
      role: 'investor',
    });
    await api('POST', `/api/follows/${b.user.id}`, { token: a.token });
    await p.db.syncReplica!();
    await waitFor(() => p.db.router!.inRotation, 3000);
    const before = { ...p.db.router!.stats };
    const results: Array<{ status: number; ok: boolean; body?: string }> = [];
    let stopped = false;
    const worker = async () => {
      for (let i = 0; i < 60; i++) {
        const r = await api<Created[] | undefined>('GET', '/api/follows/followers', { token: b.token });
        const ok = r.body.data?.[0]?.id === a.user.id;
        results.push({ status: r.status, ok, ...(ok ? {} : { body: JSON.stringify(r.body).slice(0, 200) }) });
        if (results.length === 80 && !stopped) {
          stopped = true;
          cluster.stopReplica();
        }
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));
    expect(stopped).toBe(true);
    expect(results).toHaveLength(360);
    expect(results.filter((r) => r.status !== 200 || !r.ok)).toEqual([]);
    const s = p.db.router!.stats;
    expect(s.replicaReads).toBeGreaterThan(before.replicaReads); // before the stop: the replica served
    expect(s.primaryReads + s.fallbacks).toBeGreaterThan(before.primaryReads + before.fallbacks); // after: the primary
    expect(p.db.router!.inRotation).toBe(false);
  });
});
