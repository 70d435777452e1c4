import { Ajv } from 'ajv';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { badRequest, ok } from '../lib/api-error.js';
import type { TokenSigner } from '../lib/auth-token.js';
import {
  FLAG_KEY_PATTERN,
  isValidFlagKey,
  type FeatureFlags,
  type FlagChange,
  type FlagDefault,
} from '../lib/feature-flags.js';
import { requireRole, viewerOf } from '../lib/request-auth.js';
import { pitchFlags } from '../services/pitch/pitch-flags.js';

/** Every flag the services evaluate, with its default (declared by the owning service). */
export const PLATFORM_FLAGS: readonly FlagDefault[] = [...pitchFlags];

const putSchema = {
  params: { type: 'object', required: ['key'], properties: { key: { type: 'string' } } },
  body: {
    type: 'object',
    required: ['enabled'],
    additionalProperties: false,
    properties: {
      enabled: { type: 'boolean' },
      rolloutPercent: { type: 'integer', minimum: 0, maximum: 100 },
      description: { type: 'string', maxLength: 500 },
    },
  },
} as const satisfies FastifySchema;

// Stricter than fastify's default (which coerces "true" to true and strips unknown properties): an admin's typo
// such as `{"enabled":false,"rollout":5}` must be a 400, not a silent full switch-off.
const strictAjv = new Ajv({ allErrors: false, coerceTypes: false, removeAdditional: false, useDefaults: false });

/**
 * `GET /api/feature-flags` (anyone: flags evaluated for the caller), `GET /api/admin/feature-flags` and
 * `PUT /api/admin/feature-flags/:key` (admins). A PUT answers after the change reached every process.
 */
export function registerFeatureFlagRoutes(app: FastifyInstance, flags: FeatureFlags, signer: TokenSigner): void {
  app.get('/api/feature-flags', async (req) => {
    const viewer = viewerOf(req, signer);
    return ok({ flags: await flags.evaluateAll({ userId: viewer?.userId ?? null }) });
  });

  app.get('/api/admin/feature-flags', async (req) => {
    requireRole(req, signer, ['admin']);
    return ok({ items: await flags.list() });
  });

  app.put<{ Params: { key: string }; Body: FlagChange }>(
    '/api/admin/feature-flags/:key',
    {
      schema: putSchema,
      validatorCompiler: ({ schema }) => strictAjv.compile(schema),
      // Who is asking is settled before the body is validated: anonymous 401 and non-admin 403 whatever they send.
      // eslint-disable-next-line @typescript-eslint/require-await -- fastify hook: a throw must become a rejection
      onRequest: async (req) => void requireRole(req, signer, ['admin']),
    },
    async (req) => {
      const admin = requireRole(req, signer, ['admin']);
      const key = req.params.key;
      if (!isValidFlagKey(key)) throw badRequest(`flag key must match ${FLAG_KEY_PATTERN}`, 'validation_error');
      return ok(await flags.set(key, req.body, admin.userId));
    },
  );
}
