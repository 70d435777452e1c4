import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startPlatform, type RunningPlatform, type StartPlatformOptions } from '../../platform/index.js';
import { apiClient, registerAndSignIn, type Session } from './api-client.js';
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
export async function signUp(h: Harness, role: string, name?: string): Promise<Session> {
  const email = `${name ?? role}${++counter}-${Date.now()}@example.com`;
  return registerAndSignIn(h.api, { email, password: 'correct horse 1', displayName: name ?? role, role });
}

/** A real admin (admins cannot sign up): a signed-up user promoted in the database, then signed in again. */
export async function signUpAdmin(h: Harness): Promise<{ token: string; user: { id: string; role: string } }> {
  const email = `admin${++counter}-${Date.now()}@example.com`;
  const u = await registerAndSignIn(h.api, {
    email,
    password: 'correct horse 1',
    displayName: 'Admin',
    role: 'investor',
  });
  await h.p.db.query(`UPDATE user_svc.users SET role = 'admin' WHERE id = $1`, [u.user.id]);
  const r = await h.api<Session>('POST', '/api/auth/sign-in', { body: { email, password: 'correct horse 1' } });
  if (r.body.data?.user?.role !== 'admin') throw new Error(`admin sign-in failed: ${JSON.stringify(r.body)}`);
  return r.body.data;
}

/** Signs in the first seeded admin of a platform started with `--seed` (credentials from its seed manifest). */
export async function seededAdminToken(url: string, dataDir: string): Promise<string> {
  const manifest = JSON.parse(readFileSync(path.join(dataDir, 'seed-manifest.json'), 'utf8')) as {
    users: Array<{ email: string; password: string; role: string }>;
  };
  const admin = manifest.users.find((u) => u.role === 'admin');
  if (!admin) throw new Error('the seed has no admin (seed at least 100 users)');
  const r = await apiClient(url)<Session>('POST', '/api/auth/sign-in', {
    body: { email: admin.email, password: admin.password },
  });
  if (r.status !== 200) throw new Error(`seeded admin sign-in failed: ${JSON.stringify(r.body)}`);
  return r.body.data.token;
}
