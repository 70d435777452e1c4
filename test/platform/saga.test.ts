import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPlatform, type RunningPlatform } from '../../platform/index.js';
import type { SagaFaults } from '../../platform/lib/saga-runner.js';
import { apiClient, registerAndSignIn, type Created } from './api-client.js';
import { BACKENDS, startPgCluster, type PgCluster } from './backends.js';

const STEPS = ['CreateDraft', 'ProcessMedia', 'GenerateNDA', 'NotifyCreation'] as const;

async function tableCounts(p: RunningPlatform): Promise<Record<string, number>> {
  const tables = await p.db.query<{ s: string; t: string }>(
    `SELECT table_schema AS s, table_name AS t FROM information_schema.tables
      WHERE table_schema IN ('user_svc','pitch_svc','nda_svc','notification_svc','media_svc') AND table_name <> 'saga_runs' ORDER BY 1, 2`,
  );
  const out: Record<string, number> = {};
  for (const { s, t } of tables)
    out[`${s}.${t}`] = (await p.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${s}.${t}`))[0].n;
  return out;
}

function fileCount(dir: string): number {
  let n = 0;
  const walk = (d: string) => {
    for (const f of readdirSync(d)) {
      const full = path.join(d, f);
      if (statSync(full).isDirectory()) walk(full);
      else n++;
    }
  };
  try {
    walk(dir);
  } catch {
    return 0;
  }
  return n;
}

describe.each(BACKENDS)('pitch-creation saga on %s', (backend) => {
  let cluster: PgCluster | null = null;
  let dbUrl = 'pglite';
  let dataDir = '';
  const faults: SagaFaults = {};
  let p: RunningPlatform;
  const start = () => startPlatform({ dataDir, db: dbUrl, sagaFaults: faults, busPollMs: 20 });

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'pitchey-saga-'));
    cluster = backend === 'pg' ? startPgCluster() : null;
    if (cluster) dbUrl = await cluster.newDatabase();
    p = await start();
  });
  afterAll(async () => {
    await p?.close();
    cluster?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function setup() {
    const api = apiClient(p.url);
    const email = `saga${Math.random().toString(36).slice(2)}@example.com`;
    const { token } = await registerAndSignIn(api, {
      email,
      password: 'correct horse 1',
      displayName: 'Saga',
      role: 'creator',
    });
    const up = await api<Created>('POST', '/api/media', {
      token,
      body: {
        fileName: 'deck.pdf',
        mimeType: 'application/pdf',
        contentBase64: Buffer.from('deck').toString('base64'),
      },
    });
    expect(up.status).toBe(201);
    await p.bus.drain();
    return { api, token, mediaId: up.body.data.id };
  }

  const body = (mediaId: string) => ({
    title: 'Doomed Draft',
    logline: 'Never lands',
    genre: 'drama',
    requiresNda: true,
    mediaIds: [mediaId],
    ndaTerms: 'Keep it quiet',
    protected: { budgetBreakdown: 'x' },
  });

  it('succeeds without faults and creates every part', async () => {
    const { api, token, mediaId } = await setup();
    const before = await tableCounts(p);
    const r = await api<Created>('POST', '/api/pitches', { token, body: body(mediaId) });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    await p.bus.drain();
    const after = await tableCounts(p);
    expect(after['pitch_svc.pitches']).toBe(before['pitch_svc.pitches'] + 1);
    expect(after['pitch_svc.pitch_protected']).toBe(before['pitch_svc.pitch_protected'] + 1);
    expect(after['nda_svc.templates']).toBe(before['nda_svc.templates'] + 1);
    expect(after['notification_svc.notifications']).toBe(before['notification_svc.notifications'] + 1);
    const m = await p.db.query<{ pitch_id: string; state: string }>(
      'SELECT pitch_id, state FROM media_svc.media WHERE id = $1',
      [mediaId],
    );
    expect(m[0]).toEqual({ pitch_id: r.body.data.id, state: 'processed' });
  });

  for (const step of STEPS) {
    it(`failure at ${step} is fully compensated: no orphan rows or files`, async () => {
      const { api, token, mediaId } = await setup();
      const before = await tableCounts(p);
      const files = fileCount(dataDir);
      faults.failAt = step;
      try {
        const r = await api('POST', '/api/pitches', { token, body: body(mediaId) });
        expect(r.status).toBe(503);
        expect(r.body.error.code).toBe('pitch_creation_failed');
        expect(r.body.error.message).toContain(step);
      } finally {
        delete faults.failAt;
      }
      await p.bus.drain();
      const after = await tableCounts(p);
      // DeleteMedia removes the uploaded file the saga was given (from ProcessMedia on); nothing else changes.
      const mediaGone = step !== 'CreateDraft' ? 1 : 0;
      expect(after).toEqual({ ...before, 'media_svc.media': before['media_svc.media'] - mediaGone });
      expect(fileCount(dataDir)).toBe(files - mediaGone);
      const saga = await p.db.query<{ state: string }>(
        `SELECT state FROM pitch_svc.saga_runs ORDER BY created_at DESC LIMIT 1`,
      );
      expect(saga[0].state).toBe('compensated');
    });
  }

  for (const step of STEPS.slice(0, 3)) {
    it(`a process killed after ${step} is compensated on restart`, async () => {
      const { api, token, mediaId } = await setup();
      const before = await tableCounts(p);
      faults.crashAfter = step;
      try {
        const r = await api('POST', '/api/pitches', { token, body: body(mediaId) });
        expect(r.status).toBe(500);
      } finally {
        delete faults.crashAfter;
      }
      const open = await p.db.query<{ state: string }>(`SELECT state FROM pitch_svc.saga_runs WHERE state = 'running'`);
      expect(open).toHaveLength(1);
      await p.close();
      p = await start();
      await p.bus.drain();
      const after = await tableCounts(p);
      // Recovery also compensates the step that may have been in flight, so the media given to the saga go too.
      expect(after).toEqual({ ...before, 'media_svc.media': before['media_svc.media'] - 1 });
      expect(
        await p.db.query(`SELECT 1 FROM pitch_svc.saga_runs WHERE state IN ('running','compensating')`),
      ).toHaveLength(0);
    });
  }
});
