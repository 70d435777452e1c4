import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type RunningPlatform } from '../../platform/index.js';
import { apiClient, registerAndSignIn, waitFor } from './api-client.js';
import { PG_AVAILABLE, startPgCluster, type PgCluster } from './backends.js';

// CQRS read side: read-model queries go to a streaming replica when one is configured.
describe.runIf(PG_AVAILABLE)('read replica (pg)', () => {
  let cluster: PgCluster;
  let p: RunningPlatform;
  beforeAll(async () => {
    cluster = startPgCluster({ replica: true });
    p = await startPlatform({ db: cluster.url, replicaUrl: cluster.replicaUrl!, busPollMs: 20 });
  });
  afterAll(async () => {
    await p?.close();
    cluster?.stop();
  });

  it('sends read-model queries to the replica and sees primary writes there', async () => {
    expect((await p.db.reader.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r'))[0]!.r).toBe(true);
    expect((await p.db.query<{ r: boolean }>('SELECT pg_is_in_recovery() AS r'))[0]!.r).toBe(false);
    const api = apiClient(p.url);
    const { token } = await registerAndSignIn(api, { email: 'rep@example.com', password: 'correct horse 1', displayName: 'Rep', role: 'creator' });
    const c = await api('POST', '/api/pitches', { token, body: { title: 'Replica Run', logline: 'Read elsewhere', genre: 'comedy', requiresNda: false } });
    expect(c.status).toBe(201);
    await api('POST', `/api/pitches/${c.body.data.id}/publish`, { token });
    await waitFor(async () => (await api('GET', '/api/pitches/public?tab=new')).body.data.items.some((x: { id: string }) => x.id === c.body.data.id), 5000);
  });
});
