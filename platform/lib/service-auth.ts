import { createHash, createHmac } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { jwtVerify, SignJWT } from 'jose';
import { LRUCache } from 'lru-cache';

/**
 * Service-to-service authentication: short-lived HS256 JWTs (jose) naming the caller (`iss`) and the one callee they
 * are good for (`aud`), signed with a key derived from the platform secret (never the user-token key). Each callee
 * admits only the callers it is meant to hear from. jose checks the signature with a constant-time comparison; cache
 * lookups are keyed by a digest of the token, so no comparison on secret material depends on its bytes.
 */

/** The public entry (forwards client requests) and, in gateway mode, the one process hosting every service. */
export type CallerName = 'gateway' | 'platform' | 'user' | 'pitch' | 'nda' | 'notification' | 'media';

/** Who may call whom: the calls that exist, nothing more (every process resolves sessions with the user service). */
export const ALLOWED_CALLERS: Record<string, readonly CallerName[]> = {
  user: ['gateway', 'platform', 'user', 'pitch', 'nda', 'notification', 'media'],
  pitch: ['gateway', 'platform', 'nda', 'media'],
  nda: ['gateway', 'platform', 'pitch', 'media'],
  notification: ['gateway', 'platform', 'pitch'],
  media: ['gateway', 'platform', 'pitch'],
};

export const SERVICE_TOKEN_HEADER = 'x-pitchey-internal';
export const GATEWAY_TOKEN_HEADER = 'x-pitchey-gateway';

const TOKEN_TTL_S = 120;
const REFRESH_BEFORE_S = 30;

export class ServiceTokens {
  private readonly key: Uint8Array;
  private readonly issued = new Map<string, { token: string; exp: number }>();
  private readonly verified = new LRUCache<string, { caller: string; audience: string; exp: number }>({ max: 10_000 });

  constructor(
    secret: Buffer,
    readonly self: CallerName,
    private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {
    this.key = new Uint8Array(createHmac('sha256', secret).update('service-to-service-token-key').digest());
  }

  /** A token for calling `callee`, reused until 30 s before it expires. */
  async tokenFor(callee: string): Promise<string> {
    const now = this.nowSeconds();
    const cached = this.issued.get(callee);
    if (cached && cached.exp - now > REFRESH_BEFORE_S) return cached.token;
    const exp = now + TOKEN_TTL_S;
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(this.self)
      .setAudience(callee)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .sign(this.key);
    this.issued.set(callee, { token, exp });
    return token;
  }

  /** The caller if `token` is valid, unexpired, meant for `callee` and from a caller `callee` admits; else null. */
  async verify(token: string, callee: string): Promise<string | null> {
    const now = this.nowSeconds();
    const digest = createHash('sha256').update(token).digest('base64url');
    const hit = this.verified.get(digest);
    if (hit && hit.exp > now) return hit.audience === callee && this.admits(callee, hit.caller) ? hit.caller : null;
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        audience: callee,
        currentDate: new Date(now * 1000),
        requiredClaims: ['iss', 'aud', 'exp'],
      });
      const caller = payload.iss!;
      if (!this.admits(callee, caller)) return null;
      this.verified.set(digest, { caller, audience: callee, exp: payload.exp! });
      return caller;
    } catch {
      return null;
    }
  }

  private admits(callee: string, caller: string): boolean {
    return (ALLOWED_CALLERS[callee] ?? []).includes(caller as CallerName);
  }
}

/** An authenticated call: a service calling another (`internal`), or the gateway forwarding a client's request. */
export interface ServiceCall {
  caller: string;
  via: 'internal' | 'gateway';
}

const calls = new WeakMap<FastifyRequest, ServiceCall>();

/** How this request was authenticated; undefined for a client's own request. */
export function serviceCallOf(req: FastifyRequest): ServiceCall | undefined {
  return calls.get(req);
}

/**
 * Authenticates service tokens on the routes of `callee`. With `requireToken` (a service on its own port, `--mode
 * services`) a request without a valid token from the gateway or an admitted service is refused with 401.
 */
export function registerServiceAuth(
  app: FastifyInstance,
  callee: string,
  tokens: ServiceTokens,
  requireToken: boolean,
): void {
  app.addHook('onRequest', async (req, reply) => {
    const internal = req.headers[SERVICE_TOKEN_HEADER];
    const forwarded = req.headers[GATEWAY_TOKEN_HEADER];
    if (typeof internal === 'string') {
      const caller = await tokens.verify(internal, callee);
      if (caller) return void calls.set(req, { caller, via: 'internal' });
    } else if (typeof forwarded === 'string') {
      // Only the gateway forwards client requests (and vouches for the client's address).
      if ((await tokens.verify(forwarded, callee)) === 'gateway')
        return void calls.set(req, { caller: 'gateway', via: 'gateway' });
    }
    if (requireToken) {
      return reply.code(401).send({
        success: false,
        error: {
          code: 'service_token_required',
          message: `${callee} accepts calls through the gateway or from services only`,
        },
      });
    }
  });
}
