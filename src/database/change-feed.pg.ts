import { Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { Client, Notification } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresConnectionOptions';
import { CHANNEL_NAME, ChangeFeed, ChangeListener } from './change-feed';
import { Tx, entityManagerOf } from './transactions';

const FIRST_RETRY_MS = 100;
const MAX_RETRY_MS = 5000;

function checked(channel: string): string {
  if (!CHANNEL_NAME.test(channel)) throw new Error(`"${channel}" is not a valid change feed channel name`);
  return channel;
}

// A client we let go must keep an error listener: pg emits late errors (e.g. at server shutdown).
function release(c: Client): Promise<void> {
  c.removeAllListeners();
  c.on('error', () => undefined);
  return c.end().catch(() => undefined);
}

/**
 * {@link ChangeFeed} on PostgreSQL: one dedicated connection LISTENs to every followed channel and is
 * re-opened with backoff (≤ 5 s) when it drops; followers hear `live(false)` meanwhile.
 */
@Injectable()
export class PgChangeFeed extends ChangeFeed implements OnModuleDestroy {
  private readonly logger = new Logger(PgChangeFeed.name);
  private readonly followers = new Map<string, Set<ChangeListener>>();
  /** The connection that follows, once its LISTENs are done. */
  private client?: Client;
  private connecting?: Client;
  private listening = new Set<string>();
  private retryMs = FIRST_RETRY_MS;
  private retryTimer?: NodeJS.Timeout;
  private stopped = false;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    super();
  }

  async announce(channel: string, payload: string, tx?: Tx): Promise<void> {
    const args = [checked(channel), payload];
    // Outside a transaction the feed's own connection sends it: no wait for a pooled connection.
    if (!tx && this.client) {
      const sent = await this.client.query('SELECT pg_notify($1, $2)', args).then(() => true, () => false);
      if (sent) return;
    }
    await entityManagerOf(tx, this.dataSource.manager).query('SELECT pg_notify($1, $2)', args);
  }

  watch(channel: string, listener: ChangeListener): () => Promise<void> {
    checked(channel);
    const listeners = this.followers.get(channel) ?? new Set<ChangeListener>();
    this.followers.set(channel, listeners.add(listener));
    if (this.client && this.listening.has(channel)) listener.live(true);
    else if (this.client) void this.listenTo(this.client, channel);
    else this.connect();
    return async () => {
      listeners.delete(listener);
      if (listeners.size > 0 || this.followers.get(channel) !== listeners) return;
      this.followers.delete(channel);
      this.listening.delete(channel);
      await this.client?.query(`UNLISTEN ${channel}`).catch(() => undefined);
    };
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    const open = [this.client, this.connecting].filter((c): c is Client => c !== undefined);
    this.client = this.connecting = undefined;
    await Promise.all(open.map(release));
  }

  private connect(): void {
    if (this.stopped || this.client || this.connecting || this.followers.size === 0) return;
    const { url } = this.dataSource.options as PostgresConnectionOptions;
    const c = new Client({ connectionString: url, application_name: 'modelgate-change-feed', keepAlive: true });
    this.connecting = c;
    let gone = false;
    const down = () => {
      if (gone) return;
      gone = true;
      void release(c);
      if (this.connecting === c) this.connecting = undefined;
      if (this.client === c) {
        this.client = undefined;
        this.listening.clear();
        this.logger.warn('change feed lost its connection: announcements of other replicas may be missed until it is back');
        for (const channel of this.followers.keys()) this.tell(channel, false);
      }
      if (!this.stopped) this.retryTimer = setTimeout(() => this.connect(), (this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS))).unref();
    };
    c.on('error', down);
    c.on('end', down);
    c.on('notification', (n: Notification) => this.deliver(n.channel, n.payload ?? ''));
    void (async () => {
      try {
        await c.connect();
        const channels = [...this.followers.keys()];
        for (const channel of channels) await c.query(`LISTEN ${channel}`);
        if (gone || this.stopped) return void release(c);
        this.connecting = undefined;
        this.client = c;
        this.listening = new Set(channels);
        this.retryMs = FIRST_RETRY_MS;
        for (const channel of channels) this.tell(channel, true);
        // Followed while the LISTENs above were on their way.
        for (const channel of this.followers.keys()) if (!this.listening.has(channel)) void this.listenTo(c, channel);
      } catch {
        down();
      }
    })();
  }

  private async listenTo(c: Client, channel: string): Promise<void> {
    try {
      await c.query(`LISTEN ${channel}`);
    } catch {
      return; // the connection is failing: its 'error' or 'end' handler re-opens it
    }
    if (this.client !== c || !this.followers.has(channel)) return;
    this.listening.add(channel);
    this.tell(channel, true);
  }

  private deliver(channel: string, payload: string): void {
    for (const listener of this.followers.get(channel) ?? []) {
      try {
        listener.changed(payload);
      } catch (err) {
        this.logger.error({ err, channel }, 'change feed listener failed');
      }
    }
  }

  private tell(channel: string, isLive: boolean): void {
    for (const listener of this.followers.get(channel) ?? []) {
      try {
        listener.live(isLive);
      } catch (err) {
        this.logger.error({ err, channel }, 'change feed listener failed');
      }
    }
  }
}
