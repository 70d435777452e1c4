// Domain events exchanged between services. Types only: every service reads these, none owns them.

export type Role = 'creator' | 'investor' | 'production' | 'admin';

export interface EventEnvelope<T extends DomainEvent = DomainEvent> {
  /** Global position in the event store. */
  seq: number;
  eventId: string;
  stream: string;
  version: number;
  type: T['type'];
  data: T['data'];
  recordedAt: string;
}

export interface UserRegistered {
  type: 'UserRegistered';
  data: { userId: string; email: string; displayName: string; role: Role; company: string | null };
}
export interface ProfileUpdated {
  type: 'ProfileUpdated';
  data: { userId: string; displayName: string; company: string | null; bio: string | null };
}
export interface UserDeactivated {
  type: 'UserDeactivated';
  data: { userId: string };
}
export interface UserFollowed {
  type: 'UserFollowed';
  data: { followerId: string; followeeId: string };
}
export interface UserUnfollowed {
  type: 'UserUnfollowed';
  data: { followerId: string; followeeId: string };
}

export interface PitchCreated {
  type: 'PitchCreated';
  data: { pitchId: string; ownerId: string; title: string; genre: string; requiresNda: boolean };
}
export interface PitchUpdated {
  type: 'PitchUpdated';
  data: { pitchId: string; ownerId: string; title: string; genre: string; requiresNda: boolean };
}
export interface PitchPublished {
  type: 'PitchPublished';
  data: { pitchId: string; ownerId: string; title: string };
}
export interface PitchArchived {
  type: 'PitchArchived';
  data: { pitchId: string; ownerId: string };
}
export interface PitchDeleted {
  type: 'PitchDeleted';
  data: { pitchId: string; ownerId: string };
}
export interface PitchViewed {
  type: 'PitchViewed';
  data: { pitchId: string; viewerId: string | null };
}
export interface PitchLiked {
  type: 'PitchLiked';
  data: { pitchId: string; userId: string; liked: boolean };
}
export interface PitchSaved {
  type: 'PitchSaved';
  data: { pitchId: string; userId: string; saved: boolean };
}

interface NdaData {
  ndaId: string;
  pitchId: string;
  pitchTitle: string;
  requesterId: string;
  ownerId: string;
}
export interface NDARequested {
  type: 'NDARequested';
  data: NdaData;
}
export interface NDAApproved {
  type: 'NDAApproved';
  data: NdaData;
}
export interface NDARejected {
  type: 'NDARejected';
  data: NdaData & { reason: string | null };
}
export interface NDASigned {
  type: 'NDASigned';
  data: NdaData & { signedAt: string; expiresAt: string };
}
export interface AccessGranted {
  type: 'AccessGranted';
  data: NdaData & { expiresAt: string };
}
export interface NDARevoked {
  type: 'NDARevoked';
  data: NdaData & { reason: string | null };
}
export interface NDAExpired {
  type: 'NDAExpired';
  data: NdaData;
}
export interface NDAGenerated {
  type: 'NDAGenerated';
  data: { templateId: string; pitchId: string; ownerId: string };
}
export interface NDATemplateRevoked {
  type: 'NDATemplateRevoked';
  data: { templateId: string; pitchId: string };
}

export interface MediaUploaded {
  type: 'MediaUploaded';
  data: { mediaId: string; ownerId: string; pitchId: string | null; requiresNda: boolean };
}
export interface MediaDeleted {
  type: 'MediaDeleted';
  data: { mediaId: string; ownerId: string };
}

export interface NotificationRetracted {
  type: 'NotificationRetracted';
  data: { notificationId: string; userId: string };
}

export type DomainEvent =
  | UserRegistered
  | ProfileUpdated
  | UserDeactivated
  | UserFollowed
  | UserUnfollowed
  | PitchCreated
  | PitchUpdated
  | PitchPublished
  | PitchArchived
  | PitchDeleted
  | PitchViewed
  | PitchLiked
  | PitchSaved
  | NDARequested
  | NDAApproved
  | NDARejected
  | NDASigned
  | AccessGranted
  | NDARevoked
  | NDAExpired
  | NDAGenerated
  | NDATemplateRevoked
  | MediaUploaded
  | MediaDeleted
  | NotificationRetracted;

export type EventType = DomainEvent['type'];
export type EventOf<K extends EventType> = Extract<DomainEvent, { type: K }>;
