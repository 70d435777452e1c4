import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { RegisterUser, SignIn, UpdateProfile } from '../../contracts/commands.js';
import { ApiError, badRequest, forbidden, notFound, ok, unauthorized } from '../../lib/api-error.js';
import { sqlState } from '../../lib/db.js';
import { appendEvents } from '../../lib/event-store.js';
import { registerHttpMetrics } from '../../lib/http-metrics.js';
import { parsePaging, uuidParam } from '../../lib/paging.js';
import { hashPassword, verifyAgainstDummy, verifyPassword } from '../../lib/password-hash.js';
import { DEFAULT_RATE_LIMIT, registerRateLimit, SignInThrottle } from '../../lib/rate-limit.js';
import {
  AUTH_CACHE_SCOPE,
  clientAddressOf,
  isInternalCall,
  requireInternal,
  requireRole,
  requireViewer,
  type AuthState,
} from '../../lib/request-auth.js';
import type { PlatformService, ServiceContext } from '../../lib/service-context.js';
import { USER_SCHEMA, userMigrations } from './schema.js';
import { isValidEmail, toPublicUser, toUserDto, type UserRow } from './user-store.js';

const TOKEN_TTL_SECONDS = 12 * 3600;

const SIGN_UP_ACCEPTED = {
  accepted: true,
  next: 'sign in with this email and password (an account that already had this email keeps its own password)',
} as const;

function tooManyAttempts(waitMs: number): ApiError {
  const msg = 'too many failed sign-ins for this account; try again later';
  return new ApiError(429, 'too_many_attempts', msg, Math.ceil(waitMs / 1000));
}

const signUpSchema = {
  body: {
    type: 'object',
    required: ['email', 'password', 'displayName', 'role'],
    additionalProperties: false,
    properties: {
      email: { type: 'string', maxLength: 254 },
      password: { type: 'string', minLength: 8, maxLength: 200 },
      displayName: { type: 'string', minLength: 1, maxLength: 120 },
      role: { type: 'string', enum: ['creator', 'investor', 'production'] },
      company: { type: 'string', maxLength: 200 },
    },
  },
} as const;

const signInSchema = {
  body: {
    type: 'object',
    required: ['email', 'password'],
    additionalProperties: false,
    properties: { email: { type: 'string', maxLength: 254 }, password: { type: 'string', maxLength: 200 } },
  },
} as const;

const profileSchema = {
  body: {
    type: 'object',
    additionalProperties: false,
    properties: {
      displayName: { type: 'string', minLength: 1, maxLength: 120 },
      company: { type: ['string', 'null'], maxLength: 200 },
      bio: { type: ['string', 'null'], maxLength: 4000 },
    },
  },
} as const;

export function createUserService(ctx: ServiceContext): PlatformService {
  const { db, signer } = ctx;
  let registry: Registry | null = null;
  const throttle = ctx.rateLimit.enabled
    ? new SignInThrottle(
        ctx.rateLimit.signInFailuresPerAccount ?? DEFAULT_RATE_LIMIT.signInFailuresPerAccount!,
        ctx.rateLimit.signInFailureWindowMs ?? DEFAULT_RATE_LIMIT.signInFailureWindowMs!,
      )
    : null;
  /** Every process drops its cached session state of this user before the change is acknowledged. */
  const forgetSessions = (userId: string) => ctx.caches.invalidate(AUTH_CACHE_SCOPE, userId);

  async function issueSession(user: UserRow): Promise<string> {
    const sid = randomUUID();
    const exp = Math.floor(Date.now() / 1000) + TOKEN_TTL_SECONDS;
    await db.query('INSERT INTO user_svc.sessions (id, user_id, expires_at) VALUES ($1, $2, to_timestamp($3))', [
      sid,
      user.id,
      exp,
    ]);
    return signer.sign({ sub: user.id, role: user.role, sid, exp });
  }

  async function userById(id: string): Promise<UserRow | undefined> {
    return (await db.query<UserRow>('SELECT * FROM user_svc.users WHERE id = $1', [id]))[0];
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugin: avvio awaits the returned promise
  async function register(app: FastifyInstance): Promise<void> {
    registerRateLimit(
      app,
      ctx.rateLimit,
      (req) => isInternalCall(req, signer),
      (req) => clientAddressOf(req, signer),
    );
    registry = registerHttpMetrics(app, 'user', ctx.metrics);

    app.post<{ Body: RegisterUser }>('/api/auth/sign-up', { schema: signUpSchema }, async (req, reply) => {
      const b = req.body;
      const email = b.email.trim().toLowerCase();
      if (!isValidEmail(email)) throw badRequest('email is not valid');
      const id = randomUUID();
      const hash = await hashPassword(b.password);
      try {
        await db.transaction(async (tx) => {
          const r = await tx.query<UserRow>(
            `INSERT INTO user_svc.users (id, email, display_name, role, company, password_hash) VALUES ($1,$2,$3,$4,$5,$6) RETURNING *`,
            [id, email, b.displayName.trim(), b.role, b.company ?? null, hash],
          );
          await appendEvents(tx, `user-${id}`, 0, [
            {
              type: 'UserRegistered',
              data: { userId: id, email, displayName: b.displayName.trim(), role: b.role, company: b.company ?? null },
            },
          ]);
          return r[0];
        });
        void ctx.bus.kick();
      } catch (e) {
        // A registered email gets the very same answer (after the same hashing work): sign-up does not tell whether
        // an account exists. Its owner recovers by signing in; a new account is ready to sign in at once.
        if (sqlState(e) !== '23505') throw e;
      }
      return reply.code(202).send(ok(SIGN_UP_ACCEPTED));
    });

    app.post<{ Body: SignIn }>('/api/auth/sign-in', { schema: signInSchema }, async (req) => {
      const email = req.body.email.trim().toLowerCase();
      const wait = throttle?.retryAfterMs(email) ?? 0;
      if (wait > 0) throw tooManyAttempts(wait);
      const row = (await db.query<UserRow>('SELECT * FROM user_svc.users WHERE lower(email) = $1', [email]))[0];
      // Unknown and deactivated accounts cost one hash too, so the answer time does not reveal registered emails.
      const valid = row?.active
        ? await verifyPassword(req.body.password, row.password_hash)
        : await verifyAgainstDummy(req.body.password);
      if (!row || !valid) {
        throttle?.failed(email);
        throw unauthorized('invalid email or password');
      }
      throttle?.succeeded(email);
      const token = await issueSession(row);
      return ok({ token, user: toUserDto(row) });
    });

    app.post('/api/auth/sign-out', async (req) => {
      const v = requireViewer(req, signer);
      await db.query('UPDATE user_svc.sessions SET revoked_at = now() WHERE id = $1 AND revoked_at IS NULL', [
        v.sessionId,
      ]);
      await forgetSessions(v.userId);
      return ok({ signedOut: true });
    });

    app.get('/api/auth/session', async (req) => {
      // The viewer resolution already refused ended sessions (signed out, expired, user deactivated).
      const v = requireViewer(req, signer);
      const u = await userById(v.userId);
      if (!u || !u.active) throw unauthorized('session ended');
      return ok({ user: toUserDto(u) });
    });

    app.get<{ Params: { id: string } }>('/api/users/:id', async (req) => {
      const u = await userById(uuidParam(req.params.id));
      if (!u || !u.active) throw notFound('user not found');
      return ok(toPublicUser(u));
    });

    app.put<{ Body: UpdateProfile }>('/api/user/profile', { schema: profileSchema }, async (req) => {
      const v = requireViewer(req, signer);
      const row = await db.transaction(async (tx) => {
        const cur = (await tx.query<UserRow>('SELECT * FROM user_svc.users WHERE id = $1 FOR UPDATE', [v.userId]))[0];
        if (!cur || !cur.active) throw notFound('user not found');
        const displayName = req.body.displayName?.trim() ?? cur.display_name;
        const company = req.body.company !== undefined ? req.body.company : cur.company;
        const bio = req.body.bio !== undefined ? req.body.bio : cur.bio;
        const r = await tx.query<UserRow>(
          'UPDATE user_svc.users SET display_name = $2, company = $3, bio = $4, version = version + 1, updated_at = now() WHERE id = $1 RETURNING *',
          [v.userId, displayName, company, bio],
        );
        await appendEvents(tx, `user-${v.userId}`, 'any', [
          { type: 'ProfileUpdated', data: { userId: v.userId, displayName, company, bio } },
        ]);
        return r[0];
      });
      void ctx.bus.kick();
      return ok(toUserDto(row));
    });

    app.get('/api/user/preferences', async (req) => {
      const v = requireViewer(req, signer);
      const r = await db.query<{ data: Record<string, unknown> }>(
        'SELECT data FROM user_svc.preferences WHERE user_id = $1',
        [v.userId],
      );
      return ok(r[0]?.data ?? {});
    });

    app.put<{ Body: Record<string, unknown> }>(
      '/api/user/preferences',
      { schema: { body: { type: 'object', maxProperties: 50 } } },
      async (req) => {
        const v = requireViewer(req, signer);
        const json = JSON.stringify(req.body);
        if (json.length > 16_384) throw badRequest('preferences too large');
        await db.query(
          `INSERT INTO user_svc.preferences (user_id, data) VALUES ($1, $2::jsonb)
           ON CONFLICT (user_id) DO UPDATE SET data = EXCLUDED.data, updated_at = now()`,
          [v.userId, json],
        );
        return ok(req.body);
      },
    );

    app.post<{ Params: { userId: string } }>('/api/follows/:userId', async (req, reply) => {
      const v = requireViewer(req, signer);
      const target = uuidParam(req.params.userId, 'userId');
      if (target === v.userId) throw badRequest('cannot follow yourself');
      const t = await userById(target);
      if (!t || !t.active) throw notFound('user not found');
      const created = await db.transaction(async (tx) => {
        const r = await tx.query(
          'INSERT INTO user_svc.follows (follower_id, followee_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1',
          [v.userId, target],
        );
        if (r.length > 0)
          await appendEvents(tx, `follows-${v.userId}`, 'any', [
            { type: 'UserFollowed', data: { followerId: v.userId, followeeId: target } },
          ]);
        return r.length > 0;
      });
      if (created) void ctx.bus.kick();
      return reply.code(created ? 201 : 200).send(ok({ following: true }));
    });

    app.delete<{ Params: { userId: string } }>('/api/follows/:userId', async (req) => {
      const v = requireViewer(req, signer);
      const target = uuidParam(req.params.userId, 'userId');
      const removed = await db.transaction(async (tx) => {
        const r = await tx.query(
          'DELETE FROM user_svc.follows WHERE follower_id = $1 AND followee_id = $2 RETURNING 1',
          [v.userId, target],
        );
        if (r.length > 0)
          await appendEvents(tx, `follows-${v.userId}`, 'any', [
            { type: 'UserUnfollowed', data: { followerId: v.userId, followeeId: target } },
          ]);
        return r.length > 0;
      });
      if (removed) void ctx.bus.kick();
      return ok({ following: false });
    });

    for (const [path, col, other] of [
      ['/api/follows/followers', 'followee_id', 'follower_id'],
      ['/api/follows/following', 'follower_id', 'followee_id'],
    ] as const) {
      app.get<{ Querystring: { page?: string; limit?: string } }>(path, async (req) => {
        const v = requireViewer(req, signer);
        const { limit, offset } = parsePaging(req.query);
        const rows = await db.reader.query<UserRow>(
          `SELECT u.* FROM user_svc.follows f JOIN user_svc.users u ON u.id = f.${other}
            WHERE f.${col} = $1 ORDER BY f.created_at DESC, u.id LIMIT $2 OFFSET $3`,
          [v.userId, limit, offset],
        );
        return ok(rows.map(toPublicUser));
      });
    }

    app.post<{ Params: { id: string } }>('/api/admin/users/:id/deactivate', async (req) => {
      const v = requireRole(req, signer, ['admin']);
      const id = uuidParam(req.params.id);
      if (id === v.userId) throw forbidden('admins cannot deactivate themselves');
      const done = await db.transaction(async (tx) => {
        const r = await tx.query(
          'UPDATE user_svc.users SET active = false, updated_at = now() WHERE id = $1 AND active RETURNING 1',
          [id],
        );
        if (r.length === 0) return false;
        await tx.query('UPDATE user_svc.sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL', [
          id,
        ]);
        await appendEvents(tx, `user-${id}`, 'any', [{ type: 'UserDeactivated', data: { userId: id } }]);
        return true;
      });
      if (!done) throw notFound('active user not found');
      await forgetSessions(id);
      void ctx.bus.kick();
      return ok({ deactivated: true });
    });

    // Consulted (and cached per process) by every service's viewer resolution; unknown users count as inactive.
    app.get<{ Params: { id: string } }>('/internal/users/:id/auth-state', async (req) => {
      requireInternal(req, signer);
      const id = uuidParam(req.params.id);
      const r = await db.query<{ active: boolean | null; revoked: string[] }>(
        `SELECT (SELECT active FROM user_svc.users WHERE id = $1) AS active,
                ARRAY(SELECT id::text FROM user_svc.sessions
                       WHERE user_id = $1 AND revoked_at IS NOT NULL AND expires_at > now()) AS revoked`,
        [id],
      );
      const state: AuthState = { active: r[0]?.active === true, revokedSessions: r[0]?.revoked ?? [] };
      return ok(state);
    });
  }

  return {
    name: 'user',
    schema: USER_SCHEMA,
    migrations: userMigrations,
    subscribers: [],
    register,
    metrics: () => {
      if (!registry) throw new Error('user service not registered');
      return registry;
    },
  };
}
