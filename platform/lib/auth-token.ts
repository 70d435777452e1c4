import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Role } from '../contracts/events.js';

export interface TokenClaims {
  sub: string;
  role: Role;
  /** Session id: sign-out ends the session. */
  sid: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

/** Compact HMAC-SHA256 signed tokens: base64url(claims) "." base64url(mac). */
export class TokenSigner {
  constructor(private readonly secret: Buffer) {}

  sign(claims: TokenClaims): string {
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    return `${body}.${this.mac(body)}`;
  }

  /** The claims of a well-formed, correctly signed, unexpired token; null for anything else. */
  verify(token: string, nowSeconds = Math.floor(Date.now() / 1000)): TokenClaims | null {
    const dot = token.indexOf('.');
    if (dot <= 0 || dot !== token.lastIndexOf('.')) return null;
    const body = token.slice(0, dot);
    // Compared as text, not as decoded bytes: only the one canonical base64url spelling of the MAC is accepted
    // (no padding, no '+/' alphabet, no variant of the last character that decodes to the same bytes).
    const given = Buffer.from(token.slice(dot + 1), 'utf8');
    const expected = Buffer.from(this.mac(body), 'utf8');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
    if (!/^[A-Za-z0-9_-]+$/.test(body)) return null;
    let claims: TokenClaims;
    try {
      claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenClaims;
    } catch {
      return null;
    }
    if (typeof claims.sub !== 'string' || typeof claims.exp !== 'number' || claims.exp <= nowSeconds) return null;
    return claims;
  }

  /** A secret derived for service-to-service calls, so user tokens and internal credentials never mix. */
  internalCredential(): string {
    return this.mac('internal-service-credential');
  }

  /** Proves a forwarded request came through our gateway (it vouches for the client address, nothing more). */
  gatewayCredential(): string {
    return this.mac('gateway-forwarding-credential');
  }

  private mac(s: string): string {
    return createHmac('sha256', this.secret).update(s).digest('base64url');
  }
}
