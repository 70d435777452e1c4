import type { FastifyInstance, FastifyRequest } from 'fastify';
import { LRUCache } from 'lru-cache';
import type { Role } from '../contracts/events.js';
import { forbidden, unauthorized } from './api-error.js';
import type { TokenClaims, TokenSigner } from './auth-token.js';
import type { CacheInvalidationBus } from './cache-invalidation.js';
import { serviceCallOf } from './service-auth.js';

export interface Viewer {
  userId: string;
  role: Role;
  sessionId: string;
}

/** What the user service says about a user's tokens: deactivated users and signed-out sessions are refused. */
export interface AuthState {
  active: boolean;
  /** Sessions of this user that were signed out and have not expired yet. */
  revokedSessions: string[];
}

export const AUTH_CACHE_SCOPE = 'auth-state';

/**
 * Whether a signed token's session is still live, answered from an in-process cache per user. Sign-out and
 * deactivation invalidate the user's entry in every process (through the invalidation bus) before they answer, so the
 * next request with the old token is refused; the TTL only bounds staleness if an invalidation were ever lost.
 */
export class SessionRevocations {
  private readonly cache: LRUCache<string, AuthState> | null;
  // Bumped by every invalidation: a lookup that raced with one does not store what it read.
  private epoch = 0;

  constructor(
    private readonly fetchState: (userId: string) => Promise<AuthState>,
    bus: CacheInvalidationBus | null,
    opts: { ttlMs?: number; maxUsers?: number } = {},
  ) {
    const ttl = opts.ttlMs ?? 30_000;
    this.cache = ttl > 0 && bus ? new LRUCache({ max: opts.maxUsers ?? 50_000, ttl }) : null;
    bus?.onInvalidate((scope, key) => {
      if (scope !== AUTH_CACHE_SCOPE) return;
      this.epoch++;
      if (key) this.cache?.delete(key);
      else this.cache?.clear();
    });
  }

  async isLive(claims: TokenClaims): Promise<boolean> {
    let state = this.cache?.get(claims.sub);
    if (!state) {
      const seen = this.epoch;
      state = await this.fetchState(claims.sub);
      if (seen === this.epoch) this.cache?.set(claims.sub, state);
    }
    return state.active && !state.revokedSessions.includes(claims.sid);
  }
}

const VIEWER = Symbol('pitchey.viewer');
type WithViewer = FastifyRequest & { [VIEWER]?: Viewer | null };

/**
 * Resolves the caller once per request, before any route runs: a correctly signed, unexpired token whose session is
 * still live (not signed out, user not deactivated). Identity comes only from the bearer token, never from query
 * parameters or body fields. A token that fails any check is treated as no token; routes that need one answer 401.
 */
export function registerViewerResolution(
  app: FastifyInstance,
  signer: TokenSigner,
  sessions: SessionRevocations,
): void {
  app.addHook('onRequest', async (req) => {
    const r = req as WithViewer;
    r[VIEWER] = null;
    const h = req.headers.authorization;
    if (!h || !h.startsWith('Bearer ')) return;
    const claims = signer.verify(h.slice(7).trim());
    if (!claims || !(await sessions.isLive(claims))) return;
    r[VIEWER] = { userId: claims.sub, role: claims.role, sessionId: claims.sid };
  });
}

/** The caller resolved by `registerViewerResolution`; null without one (fail closed if it was never registered). */
export function viewerOf(req: FastifyRequest, _signer?: TokenSigner): Viewer | null {
  return (req as WithViewer)[VIEWER] ?? null;
}

export function requireViewer(req: FastifyRequest, signer?: TokenSigner): Viewer {
  const v = viewerOf(req, signer);
  if (!v) throw unauthorized();
  return v;
}

export function requireRole(req: FastifyRequest, signer: TokenSigner | undefined, roles: readonly Role[]): Viewer {
  const v = requireViewer(req, signer);
  if (v.role !== 'admin' && !roles.includes(v.role)) throw forbidden(`requires role ${roles.join(' or ')}`);
  return v;
}

/** Service-to-service calls carry a short-lived service token for this service (checked in service-auth.ts). */
export function isInternalCall(req: FastifyRequest, _signer?: TokenSigner): boolean {
  return serviceCallOf(req)?.via === 'internal';
}

export function requireInternal(req: FastifyRequest, signer: TokenSigner): void {
  if (!isInternalCall(req, signer)) throw forbidden('internal endpoint');
}

export const GATEWAY_HEADER = 'x-pitchey-gateway';
export const CLIENT_IP_HEADER = 'x-pitchey-client-ip';

/** The client's address: the socket peer, or the address our gateway reports when it proves it is our gateway. */
export function clientAddressOf(req: FastifyRequest, _signer?: TokenSigner): string {
  const ip = req.headers[CLIENT_IP_HEADER];
  if (typeof ip === 'string' && serviceCallOf(req)?.via === 'gateway') return ip;
  return req.socket?.remoteAddress ?? 'unknown';
}
