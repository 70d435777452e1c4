// Command payloads accepted by the services' HTTP endpoints. Types only.
import type { Role } from './events.js';

export interface RegisterUser {
  email: string;
  password: string;
  displayName: string;
  role: Exclude<Role, 'admin'>;
  company?: string;
}
export interface SignIn {
  email: string;
  password: string;
}
export interface UpdateProfile {
  displayName?: string;
  company?: string | null;
  bio?: string | null;
}

export interface CreatePitch {
  title: string;
  logline: string;
  genre: string;
  format?: string;
  budgetBand?: string;
  shortSynopsis?: string;
  requiresNda?: boolean;
  protected?: Partial<Record<string, string>>;
  /** Media already uploaded (unattached) to process and attach in the creation saga. */
  mediaIds?: string[];
  /** Custom NDA terms; an NDA template is generated when the pitch requires an NDA. */
  ndaTerms?: string;
}
export type UpdatePitch = Partial<Omit<CreatePitch, 'mediaIds' | 'ndaTerms'>>;

export interface RequestNda {
  pitchId: string;
  message?: string;
}
export interface SignNda {
  signature: string;
  fullName: string;
}
export interface RevokeNda {
  reason?: string;
}

export interface UploadMedia {
  fileName: string;
  mimeType: string;
  contentBase64: string;
  pitchId?: string;
  requiresNda?: boolean;
}
