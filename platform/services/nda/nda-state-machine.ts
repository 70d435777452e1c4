import type { NdaStatus } from '../../contracts/dto.js';

export type NdaAction = 'approve' | 'reject' | 'sign' | 'revoke' | 'expire';

/** requested → approved → signed; requested → rejected; approved|signed → revoked; signed → expired. */
const TRANSITIONS: Record<NdaAction, { from: readonly NdaStatus[]; to: NdaStatus }> = {
  approve: { from: ['requested'], to: 'approved' },
  reject: { from: ['requested'], to: 'rejected' },
  sign: { from: ['approved'], to: 'signed' },
  revoke: { from: ['approved', 'signed'], to: 'revoked' },
  expire: { from: ['signed'], to: 'expired' },
};

/** The next status, or null when the action is not allowed from `from`. */
export function nextStatus(from: NdaStatus, action: NdaAction): NdaStatus | null {
  const t = TRANSITIONS[action];
  return t.from.includes(from) ? t.to : null;
}

/** Statuses that block a new request for the same (pitch, requester). */
export const OPEN_STATUSES: readonly NdaStatus[] = ['requested', 'approved', 'signed'];
