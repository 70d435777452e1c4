import type { EventEnvelope, ProfileUpdated, UserDeactivated, UserRegistered } from '../../contracts/events.js';
import type { Queryable } from '../../lib/db.js';
import type { Subscriber } from '../../lib/event-bus.js';

/** Local read model of creator names, fed by user events (the pitch service never reads user tables). */
export function creatorProjection(onChange: () => void): Subscriber {
  return {
    name: 'pitch.creators',
    types: ['UserRegistered', 'ProfileUpdated', 'UserDeactivated'],
    async handle(tx: Queryable, e: EventEnvelope) {
      if (e.type === 'UserRegistered' || e.type === 'ProfileUpdated') {
        const d = e.data as UserRegistered['data'] | ProfileUpdated['data'];
        await tx.query(
          `INSERT INTO pitch_svc.creators (user_id, display_name, company) VALUES ($1, $2, $3)
           ON CONFLICT (user_id) DO UPDATE SET display_name = EXCLUDED.display_name, company = EXCLUDED.company`,
          [d.userId, d.displayName, d.company],
        );
      } else {
        await tx.query('UPDATE pitch_svc.creators SET active = false WHERE user_id = $1', [
          (e.data as UserDeactivated['data']).userId,
        ]);
      }
      onChange();
    },
    async reset(tx: Queryable) {
      await tx.query('DELETE FROM pitch_svc.creators');
    },
  };
}
