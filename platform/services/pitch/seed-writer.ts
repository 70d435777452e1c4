import { bulkInsert } from '../../lib/bulk-insert.js';
import type { Queryable } from '../../lib/db.js';
import type { PitchStatus, ProtectedPitchContent } from '../../contracts/dto.js';
import { PROTECTED_COLUMNS } from './pitch-rows.js';

export interface SeedPitch {
  id: string;
  ownerId: string;
  title: string;
  logline: string;
  genre: string;
  format: string;
  budgetBand: string;
  shortSynopsis: string;
  status: PitchStatus;
  requiresNda: boolean;
  viewCount: number;
  likeCount: number;
  saveCount: number;
  createdAt: string;
  publishedAt: string | null;
  protected: ProtectedPitchContent;
}

export async function writeSeedPitches(tx: Queryable, pitches: readonly SeedPitch[]): Promise<void> {
  await bulkInsert(
    tx,
    'pitch_svc.pitches',
    [
      'id',
      'owner_id',
      'title',
      'logline',
      'genre',
      'format',
      'budget_band',
      'short_synopsis',
      'status',
      'requires_nda',
      'view_count',
      'like_count',
      'save_count',
      'trend_score',
      'created_at',
      'updated_at',
      'published_at',
    ],
    pitches.map((p) => [
      p.id,
      p.ownerId,
      p.title,
      p.logline,
      p.genre,
      p.format,
      p.budgetBand,
      p.shortSynopsis,
      p.status,
      p.requiresNda,
      p.viewCount,
      p.likeCount,
      p.saveCount,
      p.viewCount + 3 * p.likeCount + 2 * p.saveCount,
      p.createdAt,
      p.createdAt,
      p.publishedAt,
    ]),
  );
  const keys = Object.keys(PROTECTED_COLUMNS) as Array<keyof ProtectedPitchContent>;
  await bulkInsert(
    tx,
    'pitch_svc.pitch_protected',
    ['pitch_id', ...keys.map((k) => PROTECTED_COLUMNS[k])],
    pitches.map((p) => [p.id, ...keys.map((k) => p.protected[k])]),
  );
}

export async function writeSeedInteractions(
  tx: Queryable,
  likes: ReadonlyArray<{ pitchId: string; userId: string; createdAt: string }>,
  saves: ReadonlyArray<{ pitchId: string; userId: string; createdAt: string }>,
): Promise<void> {
  await bulkInsert(
    tx,
    'pitch_svc.likes',
    ['pitch_id', 'user_id', 'created_at'],
    likes.map((l) => [l.pitchId, l.userId, l.createdAt]),
  );
  await bulkInsert(
    tx,
    'pitch_svc.saves',
    ['pitch_id', 'user_id', 'created_at'],
    saves.map((l) => [l.pitchId, l.userId, l.createdAt]),
  );
}
