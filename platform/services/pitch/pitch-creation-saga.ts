import type { CreatePitch } from '../../contracts/commands.js';
import type { Db } from '../../lib/db.js';
import { appendEvents } from '../../lib/event-store.js';
import type { SagaDefinition } from '../../lib/saga-runner.js';
import type { ServiceClient } from '../../lib/service-client.js';
import { PROTECTED_COLUMNS } from './pitch-rows.js';

/** Ids are chosen before the saga starts so every compensation can find what its step created, even after a crash. */
export interface PitchCreationData {
  pitchId: string;
  ownerId: string;
  ndaTemplateId: string;
  notificationId: string;
  input: Required<
    Pick<CreatePitch, 'title' | 'logline' | 'genre' | 'format' | 'budgetBand' | 'shortSynopsis' | 'requiresNda'>
  > & {
    protected: Record<string, string>;
    mediaIds: string[];
    ndaTerms: string | null;
  };
}

export function pitchCreationSaga(
  db: Db,
  clients: { media: ServiceClient; nda: ServiceClient; notification: ServiceClient },
): SagaDefinition<PitchCreationData> {
  return {
    kind: 'pitch-creation',
    steps: [
      {
        name: 'CreateDraft',
        async run(d) {
          const i = d.input;
          await db.transaction(async (tx) => {
            await tx.query(
              `INSERT INTO pitch_svc.pitches (id, owner_id, title, logline, genre, format, budget_band, short_synopsis, status, requires_nda)
               VALUES ($1,$2,$3,$4,$5,$6,$7,$8,'draft',$9)`,
              [
                d.pitchId,
                d.ownerId,
                i.title,
                i.logline,
                i.genre,
                i.format,
                i.budgetBand,
                i.shortSynopsis,
                i.requiresNda,
              ],
            );
            const cols = Object.values(PROTECTED_COLUMNS);
            const vals = Object.keys(PROTECTED_COLUMNS).map((k) => i.protected[k] ?? null);
            await tx.query(
              `INSERT INTO pitch_svc.pitch_protected (pitch_id, ${cols.join(', ')}) VALUES ($1, ${cols.map((_, n) => `$${n + 2}`).join(', ')})`,
              [d.pitchId, ...vals],
            );
            await appendEvents(tx, `pitch-${d.pitchId}`, 0, [
              {
                type: 'PitchCreated',
                data: {
                  pitchId: d.pitchId,
                  ownerId: d.ownerId,
                  title: i.title,
                  genre: i.genre,
                  requiresNda: i.requiresNda,
                },
              },
            ]);
          });
          return {};
        },
        async compensate(d) {
          await db.transaction(async (tx) => {
            const r = await tx.query('DELETE FROM pitch_svc.pitches WHERE id = $1 RETURNING 1', [d.pitchId]);
            if (r.length > 0) {
              await appendEvents(tx, `pitch-${d.pitchId}`, 'any', [
                { type: 'PitchDeleted', data: { pitchId: d.pitchId, ownerId: d.ownerId } },
              ]);
            }
          });
        },
      },
      {
        name: 'ProcessMedia',
        async run(d) {
          if (d.input.mediaIds.length > 0) {
            await clients.media.call('POST', '/internal/media/attach', {
              pitchId: d.pitchId,
              ownerId: d.ownerId,
              mediaIds: d.input.mediaIds,
              requiresNda: d.input.requiresNda,
            });
          }
          return {};
        },
        async compensate(d) {
          if (d.input.mediaIds.length === 0) return;
          // Only files not attached to another pitch: a retried create never takes media from the pitch that has them.
          await clients.media.call('POST', '/internal/media/discard', {
            ownerId: d.ownerId,
            pitchId: d.pitchId,
            mediaIds: d.input.mediaIds,
          });
        },
      },
      {
        name: 'GenerateNDA',
        async run(d) {
          if (d.input.requiresNda) {
            await clients.nda.call('POST', '/internal/nda-templates', {
              templateId: d.ndaTemplateId,
              pitchId: d.pitchId,
              ownerId: d.ownerId,
              terms: d.input.ndaTerms,
            });
          }
          return {};
        },
        async compensate(d) {
          await clients.nda.call('DELETE', `/internal/nda-templates/${d.ndaTemplateId}`);
        },
      },
      {
        name: 'NotifyCreation',
        async run(d) {
          await clients.notification.call('POST', '/internal/notifications', {
            id: d.notificationId,
            userId: d.ownerId,
            type: 'pitch_created',
            title: 'Pitch created',
            body: `Your draft "${d.input.title}" is ready.`,
            pitchId: d.pitchId,
          });
          return {};
        },
        async compensate(d) {
          await clients.notification.call('DELETE', `/internal/notifications/${d.notificationId}`);
        },
      },
    ],
  };
}
