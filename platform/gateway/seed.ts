import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { ensurePrivateDir } from './private-dir.js';
import path from 'node:path';
import type { Role } from '../contracts/events.js';
import type { Db } from '../lib/db.js';
import { importEvents } from '../lib/event-store.js';
import { hashPassword } from '../lib/password-hash.js';
import { writeSeedNdas } from '../services/nda/seed-writer.js';
import { writeSeedInteractions, writeSeedPitches } from '../services/pitch/seed-writer.js';
import { hasUsers, writeSeedFollows, writeSeedUsers } from '../services/user/seed-writer.js';
import { generateSeed, seedPassword, seedUuid, type SeedData } from './seed-data.js';

export class AlreadySeededError extends Error {
  constructor() {
    super('the platform database already has users; seed only an empty data dir');
    this.name = 'AlreadySeededError';
  }
}

export interface SeedManifest {
  users: Array<{ id: string; email: string; password: string; role: Role }>;
  publishedPitchIds: string[];
  creatorIds: string[];
  investorIds: string[];
  productionIds: string[];
  /** (pitch, user) pairs with a signed, unexpired NDA: gated reads that must return protected fields. */
  signedNdaAccess: Array<{ pitchId: string; userId: string }>;
  counts: Record<string, number>;
  seed: { users: number; pitches: number };
}

export interface SeedResult {
  manifest: SeedManifest;
  ms: number;
  events: number;
}

const SAMPLE_PER_ROLE = 500;
const SAMPLE_PITCHES = 2000;

function buildEvents(d: SeedData) {
  const events: Array<{
    eventId: string;
    stream: string;
    version: number;
    type: string;
    data: unknown;
    recordedAt: string;
  }> = [];
  const ev = (stream: string, version: number, type: string, data: unknown, recordedAt: string) =>
    events.push({ eventId: seedUuid(`event:${stream}:${version}:${type}`), stream, version, type, data, recordedAt });
  for (const u of d.users)
    ev(
      `user-${u.id}`,
      1,
      'UserRegistered',
      { userId: u.id, email: u.email, displayName: u.displayName, role: u.role, company: u.company },
      u.createdAt,
    );
  for (const p of d.pitches) {
    ev(
      `pitch-${p.id}`,
      1,
      'PitchCreated',
      { pitchId: p.id, ownerId: p.ownerId, title: p.title, genre: p.genre, requiresNda: p.requiresNda },
      p.createdAt,
    );
    if (p.publishedAt)
      ev(`pitch-${p.id}`, 2, 'PitchPublished', { pitchId: p.id, ownerId: p.ownerId, title: p.title }, p.publishedAt);
    if (p.status === 'archived')
      ev(`pitch-${p.id}`, 3, 'PitchArchived', { pitchId: p.id, ownerId: p.ownerId }, p.publishedAt ?? p.createdAt);
  }
  const followVersion = new Map<string, number>();
  for (const f of d.follows) {
    const v = (followVersion.get(f.followerId) ?? 0) + 1;
    followVersion.set(f.followerId, v);
    ev(
      `follows-${f.followerId}`,
      v,
      'UserFollowed',
      { followerId: f.followerId, followeeId: f.followeeId },
      f.createdAt,
    );
  }
  for (const n of d.ndas) {
    const data = {
      ndaId: n.id,
      pitchId: n.pitchId,
      pitchTitle: n.pitchTitle,
      requesterId: n.requesterId,
      ownerId: n.ownerId,
    };
    ev(`nda-${n.id}`, 1, 'NDARequested', data, n.createdAt);
    if (n.status === 'rejected') ev(`nda-${n.id}`, 2, 'NDARejected', { ...data, reason: null }, n.createdAt);
    if (n.signedAt) {
      ev(`nda-${n.id}`, 2, 'NDAApproved', data, n.createdAt);
      ev(`nda-${n.id}`, 3, 'NDASigned', { ...data, signedAt: n.signedAt, expiresAt: n.expiresAt }, n.signedAt);
      ev(`nda-${n.id}`, 4, 'AccessGranted', { ...data, expiresAt: n.expiresAt }, n.signedAt);
    }
    if (n.revokedAt) ev(`nda-${n.id}`, 5, 'NDARevoked', { ...data, reason: 'seeded revocation' }, n.revokedAt);
  }
  // Global order follows time, as it would have live.
  events.sort(
    (a, b) => a.recordedAt.localeCompare(b.recordedAt) || a.stream.localeCompare(b.stream) || a.version - b.version,
  );
  return events;
}

/** Writes a deterministic seed through each service's own seed writer, plus the events that feed projections. */
export async function seedPlatform(
  db: Db,
  dataDir: string | null,
  users: number,
  pitches: number,
): Promise<SeedResult> {
  const t0 = performance.now();
  if (await hasUsers(db)) throw new AlreadySeededError();
  const d = generateSeed(users, pitches);
  const roles: Role[] = ['creator', 'investor', 'production', 'admin'];
  // One scrypt hash per role (with a salt derived from the role) keeps a 10k-user seed fast and deterministic.
  const hashes = Object.fromEntries(
    await Promise.all(
      roles.map(
        async (r) =>
          [
            r,
            await hashPassword(seedPassword(r), createHash('sha256').update(`salt:${r}`).digest().subarray(0, 16)),
          ] as const,
      ),
    ),
  ) as Record<Role, string>;
  const events = buildEvents(d);
  await db.transaction(async (tx) => {
    await writeSeedUsers(
      tx,
      d.users.map((u) => ({ ...u, passwordHash: hashes[u.role] })),
    );
    await writeSeedFollows(tx, d.follows);
    await writeSeedPitches(tx, d.pitches);
    await writeSeedInteractions(tx, d.likes, d.saves);
    await writeSeedNdas(tx, d.ndas);
    await importEvents(tx, events);
  });
  const sample = (role: Role) => d.users.filter((u) => u.role === role).slice(0, SAMPLE_PER_ROLE);
  const manifest: SeedManifest = {
    users: roles.flatMap((r) =>
      sample(r).map((u) => ({ id: u.id, email: u.email, password: seedPassword(r), role: r })),
    ),
    publishedPitchIds: d.pitches
      .filter((p) => p.status === 'published')
      .slice(0, SAMPLE_PITCHES)
      .map((p) => p.id),
    creatorIds: sample('creator').map((u) => u.id),
    investorIds: sample('investor').map((u) => u.id),
    productionIds: sample('production').map((u) => u.id),
    signedNdaAccess: d.ndas
      .filter((n) => n.status === 'signed')
      .slice(0, SAMPLE_PITCHES)
      .map((n) => ({ pitchId: n.pitchId, userId: n.requesterId })),
    counts: {
      users: d.users.length,
      pitches: d.pitches.length,
      publishedPitches: d.pitches.filter((p) => p.status === 'published').length,
      follows: d.follows.length,
      likes: d.likes.length,
      saves: d.saves.length,
      ndas: d.ndas.length,
      events: events.length,
    },
    seed: { users, pitches },
  };
  if (dataDir) {
    ensurePrivateDir(dataDir);
    // The manifest holds the seed users' passwords.
    writeFileSync(path.join(dataDir, 'seed-manifest.json'), JSON.stringify(manifest, null, 1) + '\n', { mode: 0o600 });
  }
  return { manifest, ms: performance.now() - t0, events: events.length };
}
