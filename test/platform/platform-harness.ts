import { afterAll, beforeAll } from 'vitest';
import { startPlatform, type RunningPlatform, type StartPlatformOptions } from '../../platform/index.js';
import { apiClient } from './api-client.js';
import { startPgCluster, type PgCluster } from './backends.js';

export interface Harness {
  p: RunningPlatform;
  api: ReturnType<typeof apiClient>;
  cluster: PgCluster | null;
  dbUrl: string;
}

/** Starts one platform per suite on the given backend (a fresh cluster + database for pg) and stops it after. */
export function usePlatform(backend: 'pglite' | 'pg', opts: StartPlatformOptions = {}): Harness {
  const h = {} as Harness;
  beforeAll(async () => {
    h.cluster = backend === 'pg' ? startPgCluster({ replica: false }) : null;
    h.dbUrl = h.cluster ? await h.cluster.newDatabase() : 'pglite';
    h.p = await startPlatform({ busPollMs: 20, ...opts, db: h.dbUrl });
    h.api = apiClient(h.p.url);
  });
  afterAll(async () => {
    await h.p?.close();
    h.cluster?.stop();
  });
  return h;
}

let counter = 0;
export async function signUp(h: Harness, role: string, name?: string): Promise<{ token: string; user: { id: string; role: string } }> {
  const email = `${name ?? role}${++counter}-${Date.now()}@example.com`;
  const r = await h.api('POST', '/api/auth/sign-up', { body: { email, password: 'correct horse 1', displayName: name ?? role, role } });
  if (r.status !== 201) throw new Error(`sign-up failed: ${JSON.stringify(r.body)}`);
  return r.body.data;
}
