// Shapes returned by the HTTP API and exchanged between services. Types only.
import type { Role } from './events.js';

export interface UserDto {
  id: string;
  email: string;
  displayName: string;
  role: Role;
  company: string | null;
  bio: string | null;
  createdAt: string;
}

export interface PublicUserDto {
  id: string;
  displayName: string;
  role: Role;
  company: string | null;
  bio: string | null;
}

export interface SessionDto {
  token: string;
  user: UserDto;
}

export type PitchStatus = 'draft' | 'published' | 'archived';

/** The fields everyone may see. */
export interface PitchPublicDto {
  id: string;
  title: string;
  logline: string;
  genre: string;
  format: string;
  budgetBand: string;
  shortSynopsis: string;
  status: PitchStatus;
  requiresNda: boolean;
  /** null when the pitch requires an NDA and the viewer has no access. */
  creator: { id: string; displayName: string } | null;
  viewCount: number;
  likeCount: number;
  publishedAt: string | null;
  createdAt: string;
}

export type ProtectedPitchField =
  | 'budgetBreakdown'
  | 'productionTimeline'
  | 'attachedTalent'
  | 'financialProjections'
  | 'distributionPlan'
  | 'marketingStrategy'
  | 'privateAttachments'
  | 'contactDetails'
  | 'revenueModel';

export type ProtectedPitchContent = Record<ProtectedPitchField, string | null>;

export interface PitchDetailDto extends PitchPublicDto {
  /** Present only for the owner, an admin, or a viewer with a signed, unexpired NDA. */
  protected: ProtectedPitchContent | null;
  access: 'owner' | 'admin' | 'nda' | 'none';
}

export type NdaStatus = 'requested' | 'approved' | 'rejected' | 'signed' | 'revoked' | 'expired';

export interface NdaDto {
  id: string;
  pitchId: string;
  pitchTitle: string;
  requesterId: string;
  /** The pitch owner; null for a requester without access (the creator of a gated pitch stays hidden). */
  ownerId: string | null;
  status: NdaStatus;
  message: string | null;
  customTerms: string | null;
  signedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  revokeReason: string | null;
  createdAt: string;
}

export interface AccessDecisionDto {
  granted: boolean;
  reason: 'owner' | 'admin' | 'nda' | 'none';
}

/** Internal: the pitch facts the NDA service needs to validate a request. */
export interface PitchSummaryDto {
  id: string;
  ownerId: string;
  title: string;
  status: PitchStatus;
  requiresNda: boolean;
}

export interface NotificationDto {
  id: string;
  type: string;
  title: string;
  body: string;
  pitchId: string | null;
  relatedUserId: string | null;
  read: boolean;
  createdAt: string;
  readAt: string | null;
}

export type MediaState = 'pending' | 'processed' | 'failed';

export interface MediaDto {
  id: string;
  /** Only for the owner and admins: media metadata must not reveal the creator of an NDA-gated pitch. */
  ownerId: string | null;
  pitchId: string | null;
  fileName: string;
  mimeType: string;
  size: number;
  checksum: string;
  state: MediaState;
  requiresNda: boolean;
  createdAt: string;
}
