import { createHash } from 'node:crypto';
import { ApiError } from './api-error.js';
import type { CacheInvalidationBus } from './cache-invalidation.js';
import type { Db } from './db.js';
import type { Migration } from './migrations.js';

// Feature flags stored in the platform database, cached per process. A change awaits the cross-process cache
// invalidation before it answers, so once `set` resolves no process of the platform evaluates the old value.

export const FEATURE_FLAG_SCHEMA = 'platform_lib';
/** Keys are short lowercase identifiers (they appear in URLs and in the evaluated map clients receive). */
export const FLAG_KEY_PATTERN = '^[a-z][a-z0-9._-]{0,63}$';
const FLAG_KEY_RE = new RegExp(FLAG_KEY_PATTERN);
const CACHE_SCOPE = 'feature-flags';

export const featureFlagMigrations: Migration[] = [
  {
    id: '001_feature_flags',
    sql: `
CREATE SCHEMA IF NOT EXISTS platform_lib;
CREATE TABLE platform_lib.feature_flags (
  key text PRIMARY KEY,
  enabled boolean NOT NULL,
  rollout_percent integer NOT NULL DEFAULT 100 CHECK (rollout_percent BETWEEN 0 AND 100),
  description text NOT NULL DEFAULT '',
  updated_at timestamptz NOT NULL DEFAULT now(),
  updated_by text
);
`,
  },
];

export interface FeatureFlag {
  key: string;
  enabled: boolean;
  /** Share of signed-in users (0-100) for whom an enabled flag is on; anonymous callers only get it at 100. */
  rolloutPercent: number;
  description: string;
  /** ISO time of the last change; null for a flag still at its declared default. */
  updatedAt: string | null;
  updatedBy: string | null;
}

/** A flag the code relies on, with the value it has until an admin changes it. */
export interface FlagDefault {
  key: string;
  enabled: boolean;
  rolloutPercent?: number;
  description: string;
}

export interface FlagChange {
  enabled: boolean;
  /** Kept as stored (or the declared default, else 100) when omitted. */
  rolloutPercent?: number;
  description?: string;
}

export interface EvaluationContext {
  userId?: string | null;
}

export function isValidFlagKey(key: string): boolean {
  return FLAG_KEY_RE.test(key);
}

/**
 * The user's bucket 0-99 for a flag: the first 32 bits of SHA-256("key:userId") modulo 100. Stable across processes
 * and restarts, and independent per flag, so the same users are not always the first to get every rollout.
 */
export function rolloutBucket(key: string, userId: string): number {
  return createHash('sha256').update(`${key}:${userId}`).digest().readUInt32BE(0) % 100;
}

export function evaluateFlag(
  flag: Pick<FeatureFlag, 'key' | 'enabled' | 'rolloutPercent'> | undefined,
  ctx: EvaluationContext = {},
): boolean {
  if (!flag || !flag.enabled || flag.rolloutPercent <= 0) return false;
  if (flag.rolloutPercent >= 100) return true;
  return ctx.userId ? rolloutBucket(flag.key, ctx.userId) < flag.rolloutPercent : false;
}

/** A 503 in the platform's error envelope for a request whose feature is switched off. */
export function featureDisabled(key: string): ApiError {
  return new ApiError(503, 'feature_disabled', `feature ${key} is disabled`);
}

interface FlagRow {
  key: string;
  enabled: boolean;
  rollout_percent: number;
  description: string;
  updated_at: Date | string;
  updated_by: string | null;
}

const toFlag = (r: FlagRow): FeatureFlag => ({
  key: r.key,
  enabled: r.enabled,
  rolloutPercent: r.rollout_percent,
  description: r.description,
  updatedAt: new Date(r.updated_at).toISOString(),
  updatedBy: r.updated_by,
});

export interface FeatureFlagsOptions {
  /** Declared flags: their values apply while the table has no row for them. */
  defaults?: readonly FlagDefault[];
  /** Re-read the table at least this often even without an invalidation (changes made outside the platform). */
  maxAgeMs?: number;
  now?: () => number;
}

export class FeatureFlags {
  private readonly defaults: ReadonlyMap<string, FeatureFlag>;
  private readonly maxAgeMs: number;
  private readonly now: () => number;
  private cached: ReadonlyMap<string, FeatureFlag> | null = null;
  private loadedAt = 0;
  private loading: Promise<ReadonlyMap<string, FeatureFlag>> | null = null;
  // Bumped by every invalidation: a load that raced with a change is not kept.
  private epoch = 0;

  constructor(
    private readonly db: Db,
    private readonly caches: CacheInvalidationBus,
    opts: FeatureFlagsOptions = {},
  ) {
    this.defaults = new Map(
      (opts.defaults ?? []).map((d) => [
        d.key,
        {
          key: d.key,
          enabled: d.enabled,
          rolloutPercent: d.rolloutPercent ?? 100,
          description: d.description,
          updatedAt: null,
          updatedBy: null,
        },
      ]),
    );
    this.maxAgeMs = opts.maxAgeMs ?? 30_000;
    this.now = opts.now ?? Date.now;
    caches.onInvalidate((scope) => {
      if (scope !== CACHE_SCOPE) return;
      this.epoch++;
      this.cached = null;
      this.loading = null;
    });
  }

  async isEnabled(key: string, ctx: EvaluationContext = {}): Promise<boolean> {
    return evaluateFlag((await this.snapshot()).get(key), ctx);
  }

  /** Every known flag (declared or stored), by key. */
  async list(): Promise<FeatureFlag[]> {
    return [...(await this.snapshot()).values()].sort((a, b) => a.key.localeCompare(b.key));
  }

  async get(key: string): Promise<FeatureFlag | undefined> {
    return (await this.snapshot()).get(key);
  }

  /** Every known flag evaluated for one caller. */
  async evaluateAll(ctx: EvaluationContext = {}): Promise<Record<string, boolean>> {
    const out: Record<string, boolean> = {};
    for (const f of await this.list()) out[f.key] = evaluateFlag(f, ctx);
    return out;
  }

  /** Creates or changes a flag; resolves once every process of the platform evaluates the new value. */
  async set(key: string, change: FlagChange, actor: string | null = null): Promise<FeatureFlag> {
    if (!isValidFlagKey(key)) throw new RangeError(`invalid flag key ${JSON.stringify(key)}`);
    const p = change.rolloutPercent;
    if (p !== undefined && !(Number.isInteger(p) && p >= 0 && p <= 100))
      throw new RangeError(`rolloutPercent must be an integer 0-100, got ${p}`);
    const declared = this.defaults.get(key);
    const rows = await this.db.query<FlagRow>(
      `INSERT INTO platform_lib.feature_flags AS f (key, enabled, rollout_percent, description, updated_at, updated_by)
       VALUES ($1, $2, $3, $4, now(), $7)
       ON CONFLICT (key) DO UPDATE SET enabled = EXCLUDED.enabled,
         rollout_percent = COALESCE($5::integer, f.rollout_percent), description = COALESCE($6::text, f.description),
         updated_at = now(), updated_by = EXCLUDED.updated_by
       RETURNING key, enabled, rollout_percent, description, updated_at, updated_by`,
      [
        key,
        change.enabled,
        p ?? declared?.rolloutPercent ?? 100,
        change.description ?? declared?.description ?? '',
        p ?? null,
        change.description ?? null,
        actor,
      ],
    );
    await this.caches.invalidate(CACHE_SCOPE, key);
    return toFlag(rows[0]);
  }

  private snapshot(): ReadonlyMap<string, FeatureFlag> | Promise<ReadonlyMap<string, FeatureFlag>> {
    if (this.cached && this.now() - this.loadedAt < this.maxAgeMs) return this.cached;
    if (this.loading) return this.loading;
    const seen = this.epoch;
    const loading = this.load().then(
      (m) => {
        if (this.epoch === seen) {
          this.cached = m;
          this.loadedAt = this.now();
        }
        if (this.loading === loading) this.loading = null;
        return m;
      },
      (e: unknown) => {
        if (this.loading === loading) this.loading = null;
        throw e;
      },
    );
    this.loading = loading;
    return loading;
  }

  // From the primary, not a replica: an admin's change must be read back at once.
  private async load(): Promise<ReadonlyMap<string, FeatureFlag>> {
    const rows = await this.db.query<FlagRow>(
      'SELECT key, enabled, rollout_percent, description, updated_at, updated_by FROM platform_lib.feature_flags',
    );
    const m = new Map(this.defaults);
    for (const r of rows) m.set(r.key, toFlag(r));
    return m;
  }
}
