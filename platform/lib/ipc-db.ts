import { randomUUID } from 'node:crypto';
import { DB_GUARD, guardDb, type Db, type Queryable } from './db.js';
import type { Listen } from './pg-listener.js';
import { Guard } from './resilience.js';

// Multi-process access to a database only one process can open (PGlite): the owner serves queries and
// transactions to its children over the IPC channel. A transaction holds PGlite's lock until its commit or
// rollback arrives, so a child's transaction is atomic and isolated from every other child's queries.

interface IpcRequest {
  t: 'db';
  id: number;
  op: 'query' | 'exec' | 'begin' | 'commit' | 'rollback' | 'listen';
  channel?: string;
  sql?: string;
  params?: unknown[];
  tx?: string;
}

interface IpcReply {
  t: 'db';
  id: number;
  ok: boolean;
  rows?: unknown[];
  error?: { message: string; code?: string };
}

/** A NOTIFY the owner received, forwarded to a child that listens on its channel. */
interface IpcNotify {
  t: 'db-notify';
  channel: string;
  payload: string;
}

interface Channel {
  send(msg: unknown): unknown;
  on(event: 'message', fn: (msg: unknown) => void): unknown;
}

class Rollback extends Error {}

/** Primary side: answers one child's requests. Returns a function that aborts the child's open transactions. */
export function serveDbOverIpc(db: Db, child: Channel): () => void {
  const open = new Map<string, { tx: Queryable; finish: (commit: boolean) => void; done: Promise<unknown> }>();
  const unlisten: Array<Promise<() => Promise<void>>> = [];
  child.on('message', (raw) => {
    const m = raw as IpcRequest;
    if (!m || m.t !== 'db') return;
    const reply = (r: Omit<IpcReply, 't' | 'id'>) => child.send({ t: 'db', id: m.id, ...r });
    const fail = (e: unknown) =>
      reply({ ok: false, error: { message: (e as Error).message, code: (e as { code?: string }).code } });
    if (m.op === 'listen') {
      if (!db.listen) return fail(new Error('this database cannot LISTEN'));
      const channel = m.channel!;
      const u = db.listen(channel, (payload) => child.send({ t: 'db-notify', channel, payload } satisfies IpcNotify));
      unlisten.push(u.catch(() => async () => {}));
      u.then(() => reply({ ok: true, rows: [] }), fail);
    } else if (m.op === 'exec') {
      db.exec(m.sql!).then(() => reply({ ok: true, rows: [] }), fail);
    } else if (m.op === 'query') {
      const target = m.tx ? open.get(m.tx)?.tx : db;
      if (!target) return fail(new Error('transaction is not open'));
      target.query(m.sql!, m.params).then((rows) => reply({ ok: true, rows }), fail);
    } else if (m.op === 'begin') {
      let started!: () => void;
      const ready = new Promise<void>((r) => (started = r));
      const entry = {
        tx: null as unknown as Queryable,
        finish: (_commit: boolean) => {},
        done: Promise.resolve() as Promise<unknown>,
      };
      entry.done = db
        .transaction(
          (tx) =>
            new Promise<void>((resolve, reject) => {
              entry.tx = tx;
              entry.finish = (commit) => (commit ? resolve() : reject(new Rollback()));
              open.set(m.tx!, entry);
              started();
            }),
        )
        .catch((e: unknown) => {
          if (!(e instanceof Rollback)) throw e;
        });
      // A failure before the body ran (e.g. BEGIN failed) must still answer.
      Promise.race([
        ready,
        entry.done.then(() => {
          throw new Error('transaction ended before it started');
        }),
      ]).then(() => reply({ ok: true }), fail);
    } else {
      const t = open.get(m.tx!);
      if (!t) return fail(new Error('transaction is not open'));
      open.delete(m.tx!);
      t.finish(m.op === 'commit');
      t.done.then(() => reply({ ok: true }), fail);
    }
  });
  return () => {
    for (const u of unlisten.splice(0)) void u.then((f) => f().catch(() => {}));
    for (const [id, t] of open) {
      open.delete(id);
      t.finish(false);
    }
  };
}

/** Child side: a Db whose every query runs in the process that owns the database. */
export function ipcDb(channel: Channel = process as unknown as Channel): Db {
  let next = 1;
  const pending = new Map<number, { resolve: (r: IpcReply) => void }>();
  const listeners = new Map<string, Set<(payload: string) => void>>();
  channel.on('message', (raw) => {
    const n = raw as IpcNotify;
    if (n?.t === 'db-notify') {
      for (const h of listeners.get(n.channel) ?? []) h(n.payload);
      return;
    }
    const m = raw as IpcReply;
    if (!m || m.t !== 'db') return;
    pending.get(m.id)?.resolve(m);
    pending.delete(m.id);
  });
  async function call(req: Omit<IpcRequest, 't' | 'id'>): Promise<unknown[]> {
    const id = next++;
    const r = await new Promise<IpcReply>((resolve) => {
      pending.set(id, { resolve });
      channel.send({ t: 'db', id, ...req });
    });
    if (!r.ok) throw Object.assign(new Error(r.error?.message ?? 'database error'), { code: r.error?.code });
    return r.rows ?? [];
  }
  const q: Queryable = {
    async query<T>(sql: string, params?: unknown[]) {
      return (await call({ op: 'query', sql, params })) as T[];
    },
  };
  const listen: Listen = async (ch, onPayload) => {
    let set = listeners.get(ch);
    if (!set) {
      set = new Set();
      listeners.set(ch, set);
      await call({ op: 'listen', channel: ch });
    }
    set.add(onPayload);
    return () => {
      set.delete(onPayload);
      return Promise.resolve();
    };
  };
  return guardDb(ipcChildDb(q, call, listen), new Guard('db', DB_GUARD));
}

function ipcChildDb(q: Queryable, call: (req: Omit<IpcRequest, 't' | 'id'>) => Promise<unknown[]>, listen: Listen): Db {
  return {
    listen,
    kind: 'pglite',
    query: q.query.bind(q),
    reader: q,
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      const tx = randomUUID();
      await call({ op: 'begin', tx });
      let result: T;
      try {
        result = await fn({
          exclusive: true, // the owner's PGlite transaction
          async query<R>(sql: string, params?: unknown[]) {
            return (await call({ op: 'query', sql, params, tx })) as R[];
          },
        });
      } catch (e) {
        await call({ op: 'rollback', tx }).catch(() => {});
        throw e;
      }
      await call({ op: 'commit', tx });
      return result;
    },
    async exec(sql: string) {
      await call({ op: 'exec', sql });
    },
    async close() {},
  };
}
