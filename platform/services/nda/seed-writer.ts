import { bulkInsert } from '../../lib/bulk-insert.js';
import type { Queryable } from '../../lib/db.js';
import type { NdaStatus } from '../../contracts/dto.js';

export interface SeedNda {
  id: string;
  pitchId: string;
  pitchTitle: string;
  requesterId: string;
  ownerId: string;
  status: NdaStatus;
  createdAt: string;
  signedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
}

export async function writeSeedNdas(tx: Queryable, ndas: readonly SeedNda[]): Promise<void> {
  await bulkInsert(
    tx,
    'nda_svc.ndas',
    [
      'id',
      'pitch_id',
      'pitch_title',
      'requester_id',
      'owner_id',
      'status',
      'term_days',
      'signed_at',
      'expires_at',
      'revoked_at',
      'created_at',
      'updated_at',
    ],
    ndas.map((n) => [
      n.id,
      n.pitchId,
      n.pitchTitle,
      n.requesterId,
      n.ownerId,
      n.status,
      n.signedAt ? 365 : null,
      n.signedAt,
      n.expiresAt,
      n.revokedAt,
      n.createdAt,
      n.createdAt,
    ]),
  );
}
