import { bulkInsert } from '../../lib/bulk-insert.js';
import type { Queryable } from '../../lib/db.js';
import type { UserDto } from '../../contracts/dto.js';

/** A seeded user row: the API's user shape plus its password hash. */
export interface SeedUser extends UserDto {
  passwordHash: string;
}

export async function hasUsers(db: Queryable): Promise<boolean> {
  return (await db.query('SELECT 1 FROM user_svc.users LIMIT 1')).length > 0;
}

export async function writeSeedUsers(tx: Queryable, users: readonly SeedUser[]): Promise<void> {
  await bulkInsert(
    tx,
    'user_svc.users',
    ['id', 'email', 'display_name', 'role', 'company', 'bio', 'password_hash', 'created_at', 'updated_at'],
    users.map((u) => [
      u.id,
      u.email,
      u.displayName,
      u.role,
      u.company,
      u.bio,
      u.passwordHash,
      u.createdAt,
      u.createdAt,
    ]),
  );
}

export async function writeSeedFollows(
  tx: Queryable,
  follows: ReadonlyArray<{ followerId: string; followeeId: string; createdAt: string }>,
): Promise<void> {
  await bulkInsert(
    tx,
    'user_svc.follows',
    ['follower_id', 'followee_id', 'created_at'],
    follows.map((f) => [f.followerId, f.followeeId, f.createdAt]),
  );
}
