// A separate OS process that appends events to the store (run with `node --import jiti/register`).
// argv: <postgres url> <stream prefix> <count>; prints one line "appended <count>" when every append committed.
import { openDb } from '../../../platform/lib/db.js';
import { appendEvents } from '../../../platform/lib/event-store.js';

const [url, prefix, countText] = process.argv.slice(2);
const db = await openDb({ kind: 'pg', url: url });
const count = Number(countText);
for (let i = 0; i < count; i++) {
  await db.transaction((tx) =>
    appendEvents(tx, `${prefix}-${i}`, 0, [
      { type: 'UserFollowed', data: { followerId: `${prefix}`, followeeId: `u${i}` } },
    ]),
  );
}
process.stdout.write(`appended ${count}\n`);
await db.close();
