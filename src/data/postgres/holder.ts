/**
 * The data of a server on PostgreSQL: the dataset version current in the database, followed as imports make new
 * ones current. An import NOTIFYs on DATASET_CHANNEL; every server LISTENs and switches at once (two replicas
 * within a second of each other), and re-reads the current version whenever its listening connection comes back
 * (a notification sent while it was away is not lost). Requests in flight finish on the version they started
 * with (the import keeps the previous version's tables). A lost database makes the server unavailable (/ready
 * 503, SERVICE_UNAVAILABLE) until a probe reaches it again.
 */

import pg from 'pg';
import type { NewsDataSource } from '../contract.js';
import type { DataStatus, SourceHolder } from '../reloader.js';
import type { DataVersionChanges, DataVersionChange as VersionChange } from '../version-changes.js';
import { DATASET_LAYOUT, datasetSchema } from './dataset-tables.js';
import type { DatasetFacts } from './facts.js';
import { DATASET_CHANNEL } from './import.js';
import { migrate } from './migrate.js';
import { PostgresSource } from './source.js';

/** How often a server on a read replica (no LISTEN there) looks for a new version. */
const POLL_MS = 1_000;

export interface HolderLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/** A switch from one data version to another: what a subscription (SSE `dataVersionChanged`) is fed. */
export interface DataVersionChange {
  from: string;
  to: string;
  dataset: number;
  at: string;
}

/** Where a holder announces version changes; `on` answers the function that unsubscribes. */
export interface DataVersionEvents {
  onDataVersionChange(listener: (change: DataVersionChange) => void): () => void;
}

export interface PostgresStatus extends DataStatus {
  database: { available: boolean; dataset: number; since?: string };
}

/** The server found nothing it can serve: no import yet, or one in a layout it does not know. */
export class NoDatasetError extends Error {
  override name = 'NoDatasetError';
}

export interface PostgresHolderOptions {
  /** Connections in the pool (default 10). */
  poolSize?: number;
  /** How often an unavailable server probes the database (default 500 ms). */
  probeMs?: number;
  /** The longest a statement may run (default 5,000 ms, the execution limit): a request given up on stops its SQL too. */
  statementTimeoutMs?: number;
}

interface CurrentRow {
  id: number;
  version: string;
  layout: number;
  facts: DatasetFacts;
}

async function readCurrent(db: pg.Pool | pg.ClientBase): Promise<CurrentRow | null> {
  const result = await db.query<CurrentRow>(
    `SELECT d.id, d.version, d.layout, d.facts FROM newsgraph.current c JOIN newsgraph.datasets d ON d.id = c.dataset`,
  );
  return result.rows[0] ?? null;
}

export class PostgresHolder implements SourceHolder, DataVersionEvents, DataVersionChanges {
  private source!: PostgresSource;
  private available = true;
  private unavailableSince: string | undefined;
  private listener: pg.Client | null = null;
  private closed = false;
  private probeTimer: NodeJS.Timeout | null = null;
  private readonly listeners = new Set<(change: DataVersionChange) => void>();
  /** Serializes refreshes: a notification during a refresh is followed by one more. */
  private refreshing: Promise<void> | null = null;
  private refreshAgain = false;

  private constructor(
    readonly pool: pg.Pool,
    private readonly log: HolderLogger,
    private readonly options: Required<PostgresHolderOptions>,
  ) {}

  /** Connects, applies the control schema's migrations, reads the current version and starts listening. */
  static async connect(
    databaseUrl: string,
    log: HolderLogger,
    options: PostgresHolderOptions = {},
  ): Promise<PostgresHolder> {
    const pool = new pg.Pool({
      connectionString: databaseUrl,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: 2_000,
      idleTimeoutMillis: 30_000,
      statement_timeout: options.statementTimeoutMs ?? 5_000,
    });
    // An idle connection the server closes must not end the process: the next query reconnects.
    pool.on('error', (error) => log.warn({ err: { message: error.message } }, 'database connection lost'));
    try {
      const client = await pool.connect();
      try {
        await migrate(client);
      } finally {
        client.release();
      }
      const current = await readCurrent(pool);
      if (!current)
        throw new NoDatasetError(
          'the database has no dataset yet: run `npm run import -- --data DIR --database-url URL` first',
        );
      const holder = new PostgresHolder(pool, log, {
        poolSize: options.poolSize ?? 10,
        probeMs: options.probeMs ?? 500,
        statementTimeoutMs: options.statementTimeoutMs ?? 5_000,
      });
      holder.source = holder.sourceOf(current);
      await holder.listen();
      return holder;
    } catch (error) {
      await pool.end().catch(() => undefined);
      throw error;
    }
  }

  private sourceOf(current: CurrentRow): PostgresSource {
    if (current.layout !== DATASET_LAYOUT) {
      throw new NoDatasetError(
        `the current dataset (${current.id}) is in table layout ${current.layout}, this server reads layout ${DATASET_LAYOUT}: import the data again`,
      );
    }
    return new PostgresSource(
      this.pool,
      datasetSchema(current.id),
      current.id,
      current.version,
      current.facts,
      (error) => this.markUnavailable(error),
    );
  }

  current(): NewsDataSource {
    return this.source;
  }

  /** The store serving now (its statement counter, its dataset id). */
  get currentSource(): PostgresSource {
    return this.source;
  }

  isAvailable(): boolean {
    return this.available;
  }

  status(): PostgresStatus {
    return {
      dataVersion: this.source.version,
      database: {
        available: this.available,
        dataset: this.source.datasetId,
        ...(this.unavailableSince ? { since: this.unavailableSince } : {}),
      },
    };
  }

  onDataVersionChange(listener: (change: DataVersionChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The same changes as the `dataVersionChanged` subscription reads them (DataVersionChanges). */
  onChange(listener: (change: VersionChange) => void): () => void {
    return this.onDataVersionChange((change) =>
      listener({ dataVersion: change.to, previousDataVersion: change.from, changedAt: new Date(change.at) }),
    );
  }

  /** Called by a request that met a lost database (through the source): start probing. */
  markUnavailable(error: unknown): void {
    if (this.closed) return;
    if (this.available) {
      this.available = false;
      this.unavailableSince = new Date().toISOString();
      this.log.error(
        { err: { message: (error as Error)?.message } },
        'database unavailable: /ready answers 503 until it is back',
      );
    }
    this.probeTimer ??= setTimeout(() => {
      this.probeTimer = null;
      void this.probe();
    }, this.options.probeMs);
    this.probeTimer.unref?.();
  }

  private async probe(): Promise<void> {
    if (this.closed) return;
    try {
      await this.refresh();
      if (!this.listener) await this.listen();
      if (!this.available) {
        this.available = true;
        this.unavailableSince = undefined;
        this.log.info({ dataset: this.source.datasetId }, 'database available again');
      }
    } catch (error) {
      this.markUnavailable(error);
    }
  }

  /** Re-reads the current version and switches to it if it changed. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      try {
        do {
          this.refreshAgain = false;
          const current = await readCurrent(this.pool);
          if (current && current.id !== this.source.datasetId) this.switchTo(current);
        } while (this.refreshAgain);
      } finally {
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }

  private switchTo(current: CurrentRow): void {
    const previous = this.source;
    try {
      this.source = this.sourceOf(current);
    } catch (error) {
      this.log.error({ err: { message: (error as Error).message } }, 'new dataset not served');
      return;
    }
    const change: DataVersionChange = {
      from: previous.version,
      to: current.version,
      dataset: current.id,
      at: new Date().toISOString(),
    };
    this.log.info(change, 'serving a new data version');
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        this.log.error({ err: { message: (error as Error).message } }, 'a data version listener failed');
      }
    }
  }

  /**
   * LISTENs on its own connection (a pooled one would be handed to queries); re-listens when it is lost. On a read
   * replica the connection only watches (its loss marks the database unavailable) and a timer polls.
   */
  private async listen(): Promise<void> {
    const client = new pg.Client({
      connectionString: (this.pool.options as { connectionString?: string }).connectionString,
      connectionTimeoutMillis: 2_000,
    });
    const lost = (error?: Error) => {
      if (this.listener !== client) return;
      this.listener = null;
      void client.end().catch(() => undefined);
      if (!this.closed) this.markUnavailable(error ?? new Error('the listening connection ended'));
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (message) => {
      if (message.channel === DATASET_CHANNEL) {
        this.refresh().catch((error) => this.markUnavailable(error));
      }
    });
    await client.connect();
    let listening = true;
    try {
      await client.query(`LISTEN ${DATASET_CHANNEL}`);
    } catch (error) {
      if ((error as { code?: string }).code !== '25006') {
        await client.end().catch(() => undefined);
        throw error;
      }
      // A hot standby (a read replica) refuses LISTEN: poll the current version every second instead. The
      // connection stays open all the same: its end tells at once that the database is gone, as on a primary
      // (else the replay cache would answer from memory until the next poll failed).
      listening = false;
    }
    this.listener = client;
    if (!listening) this.poll();
    // A version made current while this server was not listening.
    await this.refresh();
  }

  private pollTimer: NodeJS.Timeout | null = null;

  /** On a read replica: re-reads the current version every POLL_MS (imports reach it by replication). */
  private poll(): void {
    if (this.pollTimer) return;
    this.log.info({ everyMs: POLL_MS }, 'the database refuses LISTEN (a read replica): polling for new versions');
    this.pollTimer = setInterval(() => {
      this.refresh().catch((error) => this.markUnavailable(error));
    }, POLL_MS);
    this.pollTimer.unref?.();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.probeTimer) clearTimeout(this.probeTimer);
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => undefined);
    await this.pool.end().catch(() => undefined);
  }
}
