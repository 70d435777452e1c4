import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { UploadMedia } from '../../contracts/commands.js';
import type { AccessDecisionDto, MediaDto, MediaState, PitchSummaryDto } from '../../contracts/dto.js';
import { ApiError, badRequest, conflict, forbidden, notFound, ok } from '../../lib/api-error.js';
import type { Subscriber } from '../../lib/event-bus.js';
import { appendEvents } from '../../lib/event-store.js';
import { registerHttpMetrics } from '../../lib/http-metrics.js';
import { uuidParam } from '../../lib/paging.js';
import { registerRateLimit } from '../../lib/rate-limit.js';
import {
  clientAddressOf,
  isInternalCall,
  requireInternal,
  requireRole,
  requireViewer,
  viewerOf,
  type Viewer,
} from '../../lib/request-auth.js';
import type { PlatformService, ServiceContext } from '../../lib/service-context.js';
import { ALLOWED_MIME, MAX_MEDIA_BYTES, sanitizeFileName } from './file-names.js';
import { MEDIA_SCHEMA, mediaMigrations } from './schema.js';

interface MediaRow {
  id: string;
  owner_id: string;
  pitch_id: string | null;
  file_name: string;
  mime_type: string;
  size: number;
  storage_path: string;
  checksum: string;
  state: MediaState;
  requires_nda: boolean;
  created_at: Date;
}

const isOwnerOrAdmin = (r: MediaRow, viewer: Viewer | null) =>
  viewer !== null && (viewer.userId === r.owner_id || viewer.role === 'admin');

/** Metadata as `viewer` may see it: the uploader's id only for the uploader and admins (it names the creator). */
function toDto(r: MediaRow, viewer: Viewer | null): MediaDto {
  return {
    id: r.id,
    ownerId: isOwnerOrAdmin(r, viewer) ? r.owner_id : null,
    pitchId: r.pitch_id,
    fileName: r.file_name,
    mimeType: r.mime_type,
    size: r.size,
    checksum: r.checksum,
    state: r.state,
    requiresNda: r.requires_nda,
    createdAt: new Date(r.created_at).toISOString(),
  };
}

export function createMediaService(ctx: ServiceContext): PlatformService {
  const { db, signer } = ctx;
  let registry: Registry | null = null;
  const root = path.join(ctx.dataDir, 'media');
  const nda = ctx.client('nda');
  const pitch = ctx.client('pitch');

  async function removeFiles(rows: MediaRow[]): Promise<void> {
    for (const r of rows) await rm(path.join(root, r.storage_path), { force: true });
  }

  /** Gated media (requires-NDA) are visible to the owner, an admin, or a viewer with signed, unexpired NDA access. */
  async function mayRead(r: MediaRow, viewer: Viewer | null): Promise<boolean> {
    if (!r.requires_nda) return true;
    if (!viewer) return false;
    if (!r.pitch_id) return viewer.userId === r.owner_id || viewer.role === 'admin';
    try {
      const d = await nda.call<AccessDecisionDto>('POST', '/internal/nda/access', {
        pitchId: r.pitch_id,
        ownerId: r.owner_id,
        userId: viewer.userId,
        role: viewer.role,
      });
      return d.granted;
    } catch (e) {
      if (e instanceof ApiError && e.status === 503) return false;
      throw e;
    }
  }

  /** The pitch's status, or null once it is deleted (its media rows are removed shortly after, by event). */
  async function pitchStatus(pitchId: string): Promise<PitchSummaryDto['status'] | null> {
    try {
      return (await pitch.call<PitchSummaryDto>('GET', `/internal/pitches/${pitchId}/summary`)).status;
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return null;
      throw e;
    }
  }

  async function readable(id: string, viewer: Viewer | null): Promise<MediaRow> {
    const r = (await db.query<MediaRow>('SELECT * FROM media_svc.media WHERE id = $1', [id]))[0];
    // 404 rather than 403 so gated media do not reveal that they exist.
    if (!r) throw notFound('media not found');
    // Media of a draft, archived or deleted pitch are served to its owner (and admins) only.
    if (r.pitch_id && !isOwnerOrAdmin(r, viewer) && (await pitchStatus(r.pitch_id)) !== 'published')
      throw notFound('media not found');
    if (!(await mayRead(r, viewer))) throw notFound('media not found');
    return r;
  }

  // eslint-disable-next-line @typescript-eslint/require-await -- fastify plugin: avvio awaits the returned promise
  async function register(app: FastifyInstance): Promise<void> {
    registerRateLimit(
      app,
      ctx.rateLimit,
      (req) => isInternalCall(req, signer),
      (req) => clientAddressOf(req, signer),
    );
    registry = registerHttpMetrics(app, 'media', ctx.metrics);

    app.post<{ Body: UploadMedia }>(
      '/api/media',
      {
        schema: {
          body: {
            type: 'object',
            required: ['fileName', 'mimeType', 'contentBase64'],
            additionalProperties: false,
            properties: {
              fileName: { type: 'string', minLength: 1, maxLength: 255 },
              mimeType: { type: 'string', maxLength: 120 },
              contentBase64: { type: 'string', minLength: 1, maxLength: Math.ceil((MAX_MEDIA_BYTES * 4) / 3) + 4 },
              pitchId: { type: 'string', format: 'uuid' },
              requiresNda: { type: 'boolean' },
            },
          },
        },
      },
      async (req, reply) => {
        const viewer = requireRole(req, signer, ['creator', 'production']);
        const b = req.body;
        if (!ALLOWED_MIME.has(b.mimeType)) throw badRequest(`mimeType ${b.mimeType} is not accepted`);
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(b.contentBase64)) throw badRequest('contentBase64 is not base64');
        const bytes = Buffer.from(b.contentBase64, 'base64');
        if (bytes.length === 0 || bytes.length > MAX_MEDIA_BYTES)
          throw badRequest(`file must be 1..${MAX_MEDIA_BYTES} bytes`);
        let pitchId: string | null = null;
        if (b.pitchId) {
          const p = await pitch.call<PitchSummaryDto>('GET', `/internal/pitches/${b.pitchId.toLowerCase()}/summary`);
          if (p.ownerId !== viewer.userId && viewer.role !== 'admin') throw forbidden('not your pitch');
          pitchId = p.id;
        }
        const id = randomUUID();
        const fileName = sanitizeFileName(b.fileName);
        const storagePath = `${id.slice(0, 2)}/${id}-${fileName}`;
        const checksum = createHash('sha256').update(bytes).digest('hex');
        await mkdir(path.join(root, id.slice(0, 2)), { recursive: true, mode: 0o700 });
        await writeFile(path.join(root, storagePath), bytes, { mode: 0o600 });
        try {
          const row = await db.transaction(async (tx) => {
            const r = await tx.query<MediaRow>(
              `INSERT INTO media_svc.media (id, owner_id, pitch_id, file_name, mime_type, size, storage_path, checksum, state, requires_nda)
               VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9,$10) RETURNING *`,
              [
                id,
                viewer.userId,
                pitchId,
                fileName,
                b.mimeType,
                bytes.length,
                storagePath,
                checksum,
                pitchId ? 'processed' : 'pending',
                b.requiresNda ?? true,
              ],
            );
            await appendEvents(tx, `media-${id}`, 0, [
              {
                type: 'MediaUploaded',
                data: { mediaId: id, ownerId: viewer.userId, pitchId, requiresNda: b.requiresNda ?? true },
              },
            ]);
            return r[0];
          });
          return reply.code(201).send(ok(toDto(row, viewer)));
        } catch (e) {
          await rm(path.join(root, storagePath), { force: true });
          throw e;
        }
      },
    );

    app.get<{ Params: { id: string } }>('/api/media/:id', async (req) => {
      const viewer = viewerOf(req, signer);
      return ok(toDto(await readable(uuidParam(req.params.id), viewer), viewer));
    });

    app.get<{ Params: { id: string } }>('/api/media/:id/content', async (req, reply) => {
      const r = await readable(uuidParam(req.params.id), viewerOf(req, signer));
      const bytes = await readFile(path.join(root, r.storage_path));
      return reply
        .header('content-type', r.mime_type)
        .header('content-disposition', `attachment; filename="${r.file_name}"`)
        .send(bytes);
    });

    app.get<{ Params: { id: string } }>('/api/pitches/:id/media', async (req) => {
      const viewer = viewerOf(req, signer);
      const pitchId = uuidParam(req.params.id);
      const p = await pitch.call<PitchSummaryDto>('GET', `/internal/pitches/${pitchId}/summary`).catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 404) throw notFound('pitch not found');
        throw e;
      });
      const isOwner = viewer?.userId === p.ownerId || viewer?.role === 'admin';
      if (p.status !== 'published' && !isOwner) throw notFound('pitch not found');
      const rows = await db.query<MediaRow>(
        'SELECT * FROM media_svc.media WHERE pitch_id = $1 ORDER BY created_at, id',
        [pitchId],
      );
      const out: MediaDto[] = [];
      let gatedAllowed: boolean | null = isOwner ? true : null;
      for (const r of rows) {
        if (r.requires_nda) {
          gatedAllowed ??= await mayRead(r, viewer);
          if (!gatedAllowed) continue;
        }
        out.push(toDto(r, viewer));
      }
      return ok({ items: out });
    });

    app.delete<{ Params: { id: string } }>('/api/media/:id', async (req) => {
      const viewer = requireViewer(req, signer);
      const id = uuidParam(req.params.id);
      const rows = await db.transaction(async (tx) => {
        const r = await tx.query<MediaRow>(
          'DELETE FROM media_svc.media WHERE id = $1 AND (owner_id = $2 OR $3) RETURNING *',
          [id, viewer.userId, viewer.role === 'admin'],
        );
        for (const m of r)
          await appendEvents(tx, `media-${m.id}`, 'any', [
            { type: 'MediaDeleted', data: { mediaId: m.id, ownerId: m.owner_id } },
          ]);
        return r;
      });
      if (rows.length === 0) throw notFound('media not found');
      await removeFiles(rows);
      return ok({ deleted: true });
    });

    // Saga step ProcessMedia: verify each file's checksum and attach it to the new pitch.
    app.post<{ Body: { pitchId: string; ownerId: string; mediaIds: string[]; requiresNda: boolean } }>(
      '/internal/media/attach',
      async (req) => {
        requireInternal(req, signer);
        const b = req.body;
        const ids = b.mediaIds.map((x) => uuidParam(x, 'mediaId'));
        await db.transaction(async (tx) => {
          const rows = await tx.query<MediaRow>('SELECT * FROM media_svc.media WHERE id = ANY($1::uuid[]) FOR UPDATE', [
            ids,
          ]);
          if (rows.length !== ids.length) throw notFound('media not found');
          for (const r of rows) {
            if (r.owner_id !== b.ownerId) throw forbidden('media belongs to someone else');
            if (r.pitch_id && r.pitch_id !== b.pitchId)
              throw conflict('media already attached to another pitch', 'media_attached');
            const bytes = await readFile(path.join(root, r.storage_path));
            const ok2 = createHash('sha256').update(bytes).digest('hex') === r.checksum;
            await tx.query('UPDATE media_svc.media SET pitch_id = $2, state = $3, requires_nda = $4 WHERE id = $1', [
              r.id,
              b.pitchId,
              ok2 ? 'processed' : 'failed',
              b.requiresNda || r.requires_nda,
            ]);
            if (!ok2) throw new ApiError(422, 'media_corrupt', `media ${r.id} failed its checksum`);
          }
        });
        return ok({ attached: ids.length });
      },
    );

    // Compensation DeleteMedia: the saga's files that are unattached or attached to its own pitch, never another's.
    app.post<{ Body: { ownerId: string; pitchId: string; mediaIds: string[] } }>(
      '/internal/media/discard',
      async (req) => {
        requireInternal(req, signer);
        const ids = req.body.mediaIds.map((x) => uuidParam(x, 'mediaId'));
        const pitchId = uuidParam(req.body.pitchId, 'pitchId');
        const rows = await db.transaction(async (tx) => {
          const r = await tx.query<MediaRow>(
            `DELETE FROM media_svc.media WHERE id = ANY($1::uuid[]) AND owner_id = $2 AND (pitch_id IS NULL OR pitch_id = $3)
           RETURNING *`,
            [ids, req.body.ownerId, pitchId],
          );
          for (const m of r)
            await appendEvents(tx, `media-${m.id}`, 'any', [
              { type: 'MediaDeleted', data: { mediaId: m.id, ownerId: m.owner_id } },
            ]);
          return r;
        });
        await removeFiles(rows);
        return ok({ discarded: rows.length });
      },
    );
  }

  /** Deleting a pitch deletes its media rows and files. */
  const pitchDeletions: Subscriber = {
    name: 'media.pitch-deletions',
    types: ['PitchDeleted'],
    async handle(tx, e) {
      const { pitchId } = e.data as { pitchId: string };
      const rows = await tx.query<MediaRow>('DELETE FROM media_svc.media WHERE pitch_id = $1 RETURNING *', [pitchId]);
      for (const m of rows)
        await appendEvents(tx, `media-${m.id}`, 'any', [
          { type: 'MediaDeleted', data: { mediaId: m.id, ownerId: m.owner_id } },
        ]);
      await removeFiles(rows);
    },
  };

  return {
    name: 'media',
    schema: MEDIA_SCHEMA,
    migrations: mediaMigrations,
    subscribers: [pitchDeletions],
    register,
    metrics: () => {
      if (!registry) throw new Error('media service not registered');
      return registry;
    },
  };
}
