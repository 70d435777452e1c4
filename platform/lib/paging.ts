import { badRequest } from './api-error.js';

/** Parses `page`/`limit` query values into bounded integers (always passed to SQL as parameters). */
export function parsePaging(
  q: { page?: unknown; limit?: unknown },
  defaultLimit = 20,
  maxLimit = 100,
): { page: number; limit: number; offset: number } {
  const page = intParam(q.page, 'page', 1, 1, 10_000);
  const limit = intParam(q.limit, 'limit', defaultLimit, 1, maxLimit);
  return { page, limit, offset: (page - 1) * limit };
}

export function intParam(v: unknown, name: string, dflt: number, min: number, max: number): number {
  if (v === undefined || v === '') return dflt;
  const s = typeof v === 'string' || typeof v === 'number' ? String(v) : '';
  if (!/^\d{1,9}$/.test(s)) throw badRequest(`${name} must be an integer`);
  const n = Number(s);
  if (n < min || n > max) throw badRequest(`${name} must be between ${min} and ${max}`);
  return n;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Path ids are uuids; anything else is a client error (404 would hide typos, 500 would blame us). */
export function uuidParam(v: unknown, name = 'id'): string {
  const s = typeof v === 'string' ? v : '';
  if (!UUID_RE.test(s)) throw badRequest(`${name} must be a uuid`);
  return s.toLowerCase();
}
