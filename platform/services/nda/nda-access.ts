import type { AccessDecisionDto, NdaStatus } from '../../contracts/dto.js';
import type { Role } from '../../contracts/events.js';

/**
 * THE access rule, in one place: the owner, an admin, or a requester whose NDA is `signed` and not past
 * `expires_at`. `approved` is not access; an NDA without expiry never counts as signed access.
 */
export function decideAccess(
  viewer: { userId: string; role: Role },
  ownerId: string,
  nda: { status: NdaStatus; expires_at: Date | string | null } | undefined,
  now: Date,
): AccessDecisionDto {
  if (viewer.userId === ownerId) return { granted: true, reason: 'owner' };
  if (viewer.role === 'admin') return { granted: true, reason: 'admin' };
  if (nda && nda.status === 'signed' && nda.expires_at !== null && new Date(nda.expires_at).getTime() > now.getTime()) {
    return { granted: true, reason: 'nda' };
  }
  return { granted: false, reason: 'none' };
}
