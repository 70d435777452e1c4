import type { UserDto, PublicUserDto } from '../../contracts/dto.js';
import type { Role } from '../../contracts/events.js';

export interface UserRow {
  id: string;
  email: string;
  display_name: string;
  role: Role;
  company: string | null;
  bio: string | null;
  password_hash: string;
  active: boolean;
  version: number;
  created_at: Date;
}

export function toUserDto(r: UserRow): UserDto {
  return {
    id: r.id,
    email: r.email,
    displayName: r.display_name,
    role: r.role,
    company: r.company,
    bio: r.bio,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

export function toPublicUser(r: UserRow): PublicUserDto {
  return { id: r.id, displayName: r.display_name, role: r.role, company: r.company, bio: r.bio };
}

const EMAIL_RE = /^[^\s@]{1,64}@[^\s@]{1,190}\.[^\s@]{2,}$/;
export function isValidEmail(s: string): boolean {
  return EMAIL_RE.test(s);
}
