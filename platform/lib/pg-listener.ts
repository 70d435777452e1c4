import pg from 'pg';

export type NotifyHandler = (payload: string) => void;

/** Subscribes to a NOTIFY channel; `onReconnect` runs after a lost listening connection is back (catch up then). */
export type Listen = (
  channel: string,
  onPayload: NotifyHandler,
  onReconnect?: () => void,
) => Promise<() => Promise<void>>;

const CHANNEL = /^[a-z_][a-z0-9_]{0,62}$/;

export function checkChannel(channel: string): string {
  if (!CHANNEL.test(channel)) throw new Error(`invalid notification channel ${channel}`);
  return channel;
}

/**
 * One dedicated connection per process for LISTEN (a pooled client cannot hold a LISTEN). When the connection is lost
 * it reconnects every `retryMs` and re-listens; notifications sent meanwhile are lost, which is why every subscriber
 * is told to catch up on reconnect.
 */
export class PgListener {
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private closed = false;
  private readonly handlers = new Map<string, Set<NotifyHandler>>();
  private readonly reconnectHandlers = new Set<() => void>();

  constructor(
    private readonly url: string,
    private readonly retryMs = 500,
  ) {}

  readonly listen: Listen = async (channel, onPayload, onReconnect) => {
    checkChannel(channel);
    let set = this.handlers.get(channel);
    const fresh = !set;
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
    }
    set.add(onPayload);
    if (onReconnect) this.reconnectHandlers.add(onReconnect);
    await this.ensureConnected();
    if (fresh) await this.client?.query(`LISTEN ${channel}`);
    return async () => {
      set.delete(onPayload);
      if (onReconnect) this.reconnectHandlers.delete(onReconnect);
      if (set.size === 0) {
        this.handlers.delete(channel);
        await this.client?.query(`UNLISTEN ${channel}`).catch(() => {});
      }
    };
  };

  async close(): Promise<void> {
    this.closed = true;
    const c = this.client;
    this.client = null;
    await c?.end().catch(() => {});
  }

  private ensureConnected(): Promise<void> {
    if (this.client) return Promise.resolve();
    this.connecting ??= this.connect().finally(() => (this.connecting = null));
    return this.connecting;
  }

  private async connect(): Promise<void> {
    const c = new pg.Client({ connectionString: this.url });
    c.on('notification', (m) => {
      for (const h of this.handlers.get(m.channel) ?? []) h(m.payload ?? '');
    });
    c.on('error', () => {});
    c.on('end', () => {
      if (this.client !== c || this.closed) return;
      this.client = null;
      this.retry();
    });
    await c.connect();
    for (const ch of this.handlers.keys()) await c.query(`LISTEN ${ch}`);
    this.client = c;
  }

  private retry(): void {
    const t = setTimeout(() => {
      if (this.closed) return;
      this.ensureConnected().then(
        () => {
          for (const h of this.reconnectHandlers) h();
        },
        () => this.retry(),
      );
    }, this.retryMs);
    t.unref();
  }
}
