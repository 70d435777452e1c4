import { AsyncLocalStorage } from 'node:async_hooks';
import type { FastifyInstance } from 'fastify';
import { LRUCache } from 'lru-cache';
import pg from 'pg';
import { Counter, Gauge, type Registry } from 'prom-client';

/**
 * CQRS read side with a streaming replica. Read-model queries go to the replica unless
 * - the replica is out of rotation: dead (a health check or a query failed) or lagging more than `maxLagMs`, or
 * - the caller wrote something the replica has not replayed yet (read-your-writes): every write records the primary's
 *   WAL position per caller; a read by that caller goes to the primary until the replica's replayed position (known
 *   from the last health check, so the read path pays no extra round trip) has passed it.
 * A failed replica read is retried once on the primary, so a replica dying mid-load costs no failed request.
 */

/** Who is asking (set per HTTP request); the key under which that caller's writes are remembered. */
export interface CallerContext {
  caller: string;
  /** A position the client says it has written up to (the `x-pitchey-lsn` token from an earlier answer). */
  minLsn?: bigint;
  /** Set when this request wrote: the position to hand back as the token. */
  wroteLsn?: bigint;
}

export const callerContext = new AsyncLocalStorage<CallerContext>();

export const LSN_HEADER = 'x-pitchey-lsn';

export function parseLsn(text: string): bigint | null {
  const m = /^([0-9A-Fa-f]{1,8})\/([0-9A-Fa-f]{1,8})$/.exec(text);
  return m ? (BigInt(`0x${m[1]}`) << 32n) | BigInt(`0x${m[2]}`) : null;
}

export function formatLsn(v: bigint): string {
  return `${(v >> 32n).toString(16).toUpperCase()}/${(v & 0xffffffffn).toString(16).toUpperCase()}`;
}

/** Puts each request in a caller context (keyed by its bearer token, else its address); echoes the write token. */
export function registerCallerContext(app: FastifyInstance): void {
  // eslint-disable-next-line @typescript-eslint/require-await -- fastify hook: a throw must become a rejection
  app.addHook('onRequest', async (req) => {
    const auth = req.headers.authorization;
    const token = req.headers[LSN_HEADER];
    const minLsn = typeof token === 'string' ? parseLsn(token) : null;
    callerContext.enterWith({ caller: auth ?? `ip:${req.socket?.remoteAddress ?? ''}`, ...(minLsn ? { minLsn } : {}) });
  });
  app.addHook('onSend', async (_req, reply, payload) => {
    const c = callerContext.getStore();
    if (c?.wroteLsn !== undefined) reply.header(LSN_HEADER, formatLsn(c.wroteLsn));
    return payload;
  });
}

export interface ReadRouterOptions {
  /** Replay lag beyond which the replica leaves rotation (default 1000 ms). */
  maxLagMs?: number;
  /** Health check period (default 200 ms). */
  checkEveryMs?: number;
  log?: (line: string) => void;
}

const WRITE_SQL = /^\s*(insert|update|delete|merge)\b|\b(insert\s+into|update\s+\S+\s+set|delete\s+from)\b/i;

function isReplicaFault(e: unknown): boolean {
  // Not an error the server answered (no SQLSTATE): the connection failed (ECONNREFUSED, ECONNRESET, a timeout).
  if (!(e instanceof pg.DatabaseError)) return true;
  // 08 connection, 57 shutdown/cancel, 53 resources, 58 system, 40001 a standby cancelling a conflicting query.
  const code = e.code ?? '';
  return /^(08|57|53|58)/.test(code) || code === '40001';
}

export class ReadRouter {
  private replayed = -1n;
  private lagMs = 0;
  private healthy = false;
  private readonly samples: Array<{ at: number; lsn: bigint }> = [];
  private readonly lastWrite = new LRUCache<string, bigint>({ max: 100_000, ttl: 60_000 });
  private timer: NodeJS.Timeout | null = null;
  private checking = false;
  private readonly maxLagMs: number;
  private readonly log: (line: string) => void;
  readonly stats = { replicaReads: 0, primaryReads: 0, fallbacks: 0 };

  constructor(
    private readonly primary: pg.Pool,
    private readonly replica: pg.Pool,
    private readonly opts: ReadRouterOptions = {},
  ) {
    this.maxLagMs = opts.maxLagMs ?? 1000;
    this.log = opts.log ?? ((l) => process.stderr.write(`${l}\n`));
  }

  async start(): Promise<void> {
    await this.check();
    const every = this.opts.checkEveryMs ?? 200;
    const tick = () => {
      this.timer = setTimeout(() => void this.check().finally(() => this.timer && tick()), every);
      this.timer.unref();
    };
    tick();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  get inRotation(): boolean {
    return this.healthy && this.lagMs <= this.maxLagMs;
  }

  /** The bound beyond which the replica leaves rotation. */
  get maxReplicaLagMs(): number {
    return this.maxLagMs;
  }

  get replicaLagMs(): number {
    return this.lagMs;
  }

  /** One health check: the primary's WAL position now, the replica's replayed position, the lag in time. */
  async check(): Promise<void> {
    if (this.checking) return;
    this.checking = true;
    const was = this.inRotation;
    try {
      const now = Date.now();
      const p = (await this.primary.query<{ l: string }>('SELECT pg_current_wal_lsn()::text AS l')).rows[0].l;
      this.samples.push({ at: now, lsn: parseLsn(p)! });
      try {
        const r = (await this.replica.query<{ l: string | null }>('SELECT pg_last_wal_replay_lsn()::text AS l')).rows[0]
          .l;
        this.replayed = r ? parseLsn(r)! : -1n;
        this.healthy = r !== null;
      } catch {
        this.healthy = false;
      }
      // Lag = age of the oldest primary position the replica has not replayed yet (0 when it has replayed all).
      while (this.samples.length > 0 && this.samples[0].lsn <= this.replayed) this.samples.shift();
      this.lagMs = this.samples.length > 0 ? now - this.samples[0].at : 0;
      if (this.samples.length > 1000) this.samples.splice(0, this.samples.length - 1000);
    } catch {
      // The primary itself failed: nothing to learn about the replica this round.
    } finally {
      this.checking = false;
    }
    const is = this.inRotation;
    if (was !== is) {
      this.log(
        is
          ? '[platform] read replica back in rotation'
          : `[platform] read replica out of rotation (${this.healthy ? `lag ${this.lagMs} ms` : 'unreachable'}); reads go to the primary`,
      );
    }
  }

  /** Call after a write committed on the primary, in the writer's caller context. */
  async noteWrite(): Promise<void> {
    const c = callerContext.getStore();
    if (!c) return;
    const r = await this.primary.query<{ l: string }>('SELECT pg_current_wal_insert_lsn()::text AS l');
    const lsn = parseLsn(r.rows[0].l)!;
    c.wroteLsn = lsn;
    const prev = this.lastWrite.get(c.caller);
    if (prev === undefined || lsn > prev) this.lastWrite.set(c.caller, lsn);
  }

  isWrite(sql: string): boolean {
    return WRITE_SQL.test(sql);
  }

  /** Whether this read may go to the replica. */
  private replicaMaySee(): boolean {
    if (!this.inRotation) return false;
    const c = callerContext.getStore();
    if (!c) return true;
    const need = [c.wroteLsn, c.minLsn, this.lastWrite.get(c.caller)].reduce<bigint>(
      (m, v) => (v !== undefined && v > m ? v : m),
      -1n,
    );
    return need <= this.replayed;
  }

  async read<T>(sql: string, params?: unknown[]): Promise<T[]> {
    if (!this.replicaMaySee()) {
      this.stats.primaryReads += 1;
      return (await this.primary.query(sql, params)).rows as T[];
    }
    try {
      const rows = (await this.replica.query(sql, params)).rows as T[];
      this.stats.replicaReads += 1;
      return rows;
    } catch (e) {
      // Errors of the query itself (syntax, constraint) are the caller's; anything else is the replica's.
      if (!isReplicaFault(e)) throw e;
      // The replica failed (not the query): out of rotation until a health check says otherwise; answer from primary.
      if (this.healthy) {
        this.healthy = false;
        this.log('[platform] read replica out of rotation (query failed); reads go to the primary');
      }
      this.stats.fallbacks += 1;
      return (await this.primary.query(sql, params)).rows as T[];
    }
  }
}

/** Rotation, lag and where reads went, on the process's /metrics (read at scrape time). */
export function exposeReplicaMetrics(registry: Registry, router: ReadRouter): void {
  new Gauge({
    name: 'pitchey_replica_in_rotation',
    help: 'Whether read-model queries may go to the replica (1) or all go to the primary (0)',
    registers: [registry],
    collect() {
      this.set(router.inRotation ? 1 : 0);
    },
  });
  new Gauge({
    name: 'pitchey_replica_lag_seconds',
    help: 'Age of the oldest primary WAL position the replica has not replayed (last health check)',
    registers: [registry],
    collect() {
      this.set(router.replicaLagMs / 1000);
    },
  });
  new Gauge({
    name: 'pitchey_replica_max_lag_seconds',
    help: 'The lag bound beyond which the replica leaves read rotation (--replica-max-lag-ms)',
    registers: [registry],
    collect() {
      this.set(router.maxReplicaLagMs / 1000);
    },
  });
  new Counter({
    name: 'pitchey_read_queries_total',
    help: 'Read-model queries by where they ran (replica, primary, or primary after a failed replica read)',
    labelNames: ['target'],
    registers: [registry],
    collect() {
      this.reset();
      this.inc({ target: 'replica' }, router.stats.replicaReads);
      this.inc({ target: 'primary' }, router.stats.primaryReads);
      this.inc({ target: 'fallback' }, router.stats.fallbacks);
    },
  });
}
