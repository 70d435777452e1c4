import { InputError } from '../core/errors.js';

/** The JSON the bundled platform writes at `<data-dir>/seed-manifest.json` (sampled ids and credentials). */
export interface SeedManifest {
  users: Array<{ id: string; email: string; password: string; role: string }>;
  publishedPitchIds: string[];
  /** Sampled creator ids; when absent, the creators among `users` are used. */
  creatorIds?: string[];
  [key: string]: unknown;
}

export const SEARCH_TERMS = ['the', 'night', 'love', 'city', 'last', 'war', 'dream', 'house'];

export const SEED_MANIFEST_FILE = 'seed-manifest.json';

/** True when parsed JSON is a platform seed manifest (data files may be one). */
export function isSeedManifest(v: unknown): v is SeedManifest {
  return (
    !!v &&
    typeof v === 'object' &&
    !Array.isArray(v) &&
    Array.isArray((v as SeedManifest).users) &&
    Array.isArray((v as SeedManifest).publishedPitchIds)
  );
}

/**
 * Data rows from a seed manifest: row i signs in as the i-th production-company user (a role allowed every request of
 * the mix) and reads the i-th published pitch, creator and search term, each list cycling.
 */
export function seedManifestRows(manifest: SeedManifest): Array<Record<string, string>> {
  if (!isSeedManifest(manifest)) {
    throw new InputError('seed manifest: expected { users: [...], publishedPitchIds: [...], creatorIds: [...] }');
  }
  const creatorIds =
    Array.isArray(manifest.creatorIds) && manifest.creatorIds.length
      ? manifest.creatorIds
      : manifest.users.filter((u) => u.role === 'creator').map((u) => u.id);
  const users = manifest.users.filter((u) => u.role === 'production');
  if (users.length === 0) throw new InputError('seed manifest: no production-company user to sign in with');
  if (manifest.publishedPitchIds.length === 0) throw new InputError('seed manifest: no published pitch ids');
  if (creatorIds.length === 0) throw new InputError('seed manifest: no creator ids');
  const rows = Math.max(users.length, manifest.publishedPitchIds.length, creatorIds.length, SEARCH_TERMS.length);
  return Array.from({ length: rows }, (_, i) => ({
    email: users[i % users.length].email,
    password: users[i % users.length].password,
    pitchId: manifest.publishedPitchIds[i % manifest.publishedPitchIds.length],
    creatorId: creatorIds[i % creatorIds.length],
    term: SEARCH_TERMS[i % SEARCH_TERMS.length],
  }));
}
