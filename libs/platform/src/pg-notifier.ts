import { Client } from 'pg';
import type { Logger } from 'pino';
import type { EntityManager } from 'typeorm';
import { backoffDelayMs } from '@credit/kernel';

const ReconnectDelayInitialMs = 250;
const ReconnectDelayMaxMs = 5_000;

/**
 * PostgreSQL LISTEN/NOTIFY on one dedicated connection per process (outside the pool: a pooled
 * connection could be handed to a transaction and lose its LISTEN). A NOTIFY is delivered only
 * when the transaction that sent it commits, to every listening instance, so a background task
 * wakes on the commit that gives it work wherever that commit happened.
 *
 * When the connection drops (database restart) it reconnects with backoff, listens again and
 * calls every handler once: notifications sent while it was away are lost, so each task looks
 * for work after a reconnect. Tasks keep a slow safety poll besides.
 */
export class PgNotifier {
  private client: Client | undefined;
  private readonly handlers = new Map<string, Set<() => void>>();
  private stopped = true;
  private connecting: Promise<void> | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  /** Reconnection attempts since the connection was last up (the backoff's retry number). */
  private reconnectAttempt = 0;
  private connectedOnce = false;

  constructor(
    private readonly url: string,
    private readonly logger: Logger,
    private readonly applicationName = 'credit-notifier',
  ) {}

  /** Calls handler on every NOTIFY of channel (and after each reconnect). Returns an unsubscribe. */
  listen(channel: string, handler: () => void): () => void {
    assertChannel(channel);
    let set = this.handlers.get(channel);
    if (!set) {
      set = new Set();
      this.handlers.set(channel, set);
      if (this.client) void this.client.query(`LISTEN ${channel}`).catch(() => undefined);
    }
    set.add(handler);
    return () => set.delete(handler);
  }

  /** Connects in the background (retrying until stop()); resolves after the first attempt. */
  async start(): Promise<void> {
    if (!this.stopped) return;
    this.stopped = false;
    await this.connect();
  }

  get connected(): boolean {
    return this.client !== undefined;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    await this.connecting;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private connect(): Promise<void> {
    this.connecting ??= this.open().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async open(): Promise<void> {
    const client = new Client({
      connectionString: this.url,
      application_name: this.applicationName,
      keepAlive: true,
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client));
    client.on('notification', (message) => this.dispatch(message.channel));
    try {
      await client.connect();
      for (const channel of this.handlers.keys()) await client.query(`LISTEN ${channel}`);
    } catch (error) {
      client.removeAllListeners('end');
      await client.end().catch(() => undefined);
      this.scheduleReconnect(error);
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.reconnectAttempt = 0;
    if (this.connectedOnce) this.logger.info('LISTEN connection re-established');
    this.connectedOnce = true;
    // Whatever was notified while no connection listened is found by looking once.
    for (const channel of this.handlers.keys()) this.dispatch(channel);
  }

  private lost(client: Client, error?: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    client.removeAllListeners('end');
    void client.end().catch(() => undefined);
    if (!this.stopped) this.scheduleReconnect(error);
  }

  private scheduleReconnect(error: unknown): void {
    if (this.stopped) return;
    const delay = backoffDelayMs(
      { initialMs: ReconnectDelayInitialMs, maxMs: ReconnectDelayMaxMs },
      ++this.reconnectAttempt,
    );
    this.logger.warn(
      { err: error, retryInMs: delay },
      `LISTEN connection unavailable; reconnecting in ${delay} ms (tasks fall back to their safety poll)`,
    );
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = setTimeout(() => void this.connect(), delay);
  }

  private dispatch(channel: string): void {
    for (const handler of this.handlers.get(channel) ?? []) {
      try {
        handler();
      } catch (error) {
        this.logger.warn({ err: error, channel }, 'notification handler failed');
      }
    }
  }
}

/** Sends a NOTIFY delivered when the transaction of `manager` commits (nothing if it rolls back). */
export async function notifyOnCommit(manager: EntityManager, channel: string): Promise<void> {
  assertChannel(channel);
  await manager.query(`SELECT pg_notify($1, '')`, [channel]);
}

function assertChannel(channel: string): void {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel))
    throw new Error(`invalid notification channel "${channel}"`);
}
