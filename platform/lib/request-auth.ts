import type { FastifyRequest } from 'fastify';
import type { Role } from '../contracts/events.js';
import { forbidden, unauthorized } from './api-error.js';
import type { TokenSigner } from './auth-token.js';
import { INTERNAL_HEADER } from './service-client.js';

export interface Viewer {
  userId: string;
  role: Role;
  sessionId: string;
}

/** Identity comes only from a signed bearer token, never from query parameters or body fields. */
export function viewerOf(req: FastifyRequest, signer: TokenSigner): Viewer | null {
  const h = req.headers.authorization;
  if (!h || !h.startsWith('Bearer ')) return null;
  const claims = signer.verify(h.slice(7).trim());
  return claims ? { userId: claims.sub, role: claims.role, sessionId: claims.sid } : null;
}

export function requireViewer(req: FastifyRequest, signer: TokenSigner): Viewer {
  const v = viewerOf(req, signer);
  if (!v) throw unauthorized();
  return v;
}

export function requireRole(req: FastifyRequest, signer: TokenSigner, roles: readonly Role[]): Viewer {
  const v = requireViewer(req, signer);
  if (v.role !== 'admin' && !roles.includes(v.role)) throw forbidden(`requires role ${roles.join(' or ')}`);
  return v;
}

/** Service-to-service calls carry a credential derived from the platform secret. */
export function isInternalCall(req: FastifyRequest, signer: TokenSigner): boolean {
  return req.headers[INTERNAL_HEADER] === signer.internalCredential();
}

export function requireInternal(req: FastifyRequest, signer: TokenSigner): void {
  if (!isInternalCall(req, signer)) throw forbidden('internal endpoint');
}

export const GATEWAY_HEADER = 'x-pitchey-gateway';
export const CLIENT_IP_HEADER = 'x-pitchey-client-ip';

/** The client's address: the socket peer, or the address our gateway reports when it proves it is our gateway. */
export function clientAddressOf(req: FastifyRequest, signer: TokenSigner): string {
  const ip = req.headers[CLIENT_IP_HEADER];
  if (typeof ip === 'string' && req.headers[GATEWAY_HEADER] === signer.gatewayCredential()) return ip;
  return req.socket?.remoteAddress ?? 'unknown';
}
