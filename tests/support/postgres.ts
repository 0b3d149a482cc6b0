/**
 * PostgreSQL for the tests. With NEWSGRAPH_TEST_DATABASE_URL (a server's maintenance database, as .ci/run starts
 * one), each suite gets a database of its own on that server, dropped at the end. Without it, an embedded
 * PostgreSQL (PGlite, WebAssembly, with pg_trgm and unaccent) served on a loopback port by pglite-socket, so that
 * the same node-postgres code runs on both: `npm test` needs no database server.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import pg from 'pg';
import type { Dataset } from '../../src/data/load-fixtures.js';
import { loadDataset } from '../../src/data/load-fixtures.js';
import { datasetSchema } from '../../src/data/postgres/dataset-tables.js';
import type { DatasetFacts } from '../../src/data/postgres/facts.js';
import { type ImportOptions, type ImportResult, importDataset } from '../../src/data/postgres/import.js';
import { PostgresSource } from '../../src/data/postgres/source.js';

export interface TestDatabase {
  /** postgresql://… of this suite's database. */
  url: string;
  kind: 'pglite' | 'postgresql';
  /** Whether the server speaks COPY FROM STDIN (PGlite's socket does not). */
  copy: boolean;
  close(): Promise<void>;
}

/** The server the PostgreSQL matrix runs against, if any (see .ci/run). */
/** Whether Debian's PostgreSQL server binaries are installed (the tests that start their own cluster need them). */
export const POSTGRES_INSTALLED =
  existsSync('/usr/lib/postgresql') &&
  readdirSync('/usr/lib/postgresql').some((version) =>
    existsSync(path.join('/usr/lib/postgresql', version, 'bin/initdb')),
  );

/** A TCP port of 127.0.0.1 free now (for a throwaway cluster or server). */
export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export const SERVER_URL = process.env.NEWSGRAPH_TEST_DATABASE_URL ?? '';

export async function startTestDatabase(): Promise<TestDatabase> {
  if (SERVER_URL) {
    const name = `newsgraph_test_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: SERVER_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(SERVER_URL);
    url.pathname = `/${name}`;
    const setup = new pg.Client({ connectionString: url.toString() });
    await setup.connect();
    await setup.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
    await setup.end();
    return {
      url: url.toString(),
      kind: 'postgresql',
      copy: true,
      close: async () => {
        const client = new pg.Client({ connectionString: SERVER_URL });
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await client.end();
      },
    };
  }
  const db = await PGlite.create({ extensions: { pg_trgm, unaccent } });
  await db.exec('CREATE EXTENSION IF NOT EXISTS pg_trgm');
  const server = new PGLiteSocketServer({
    db,
    port: 0,
    host: '127.0.0.1',
    maxConnections: 100,
  } as ConstructorParameters<typeof PGLiteSocketServer>[0]);
  await server.start();
  const address = (server as unknown as { server: { address(): { port: number } } }).server.address();
  return {
    url: `postgresql://postgres@127.0.0.1:${address.port}/postgres`,
    kind: 'pglite',
    copy: false,
    close: async () => {
      await server.stop();
      await db.close();
    },
  };
}

/** Imports `data` (or the directory) into the test database through a connection of its own. */
export async function importInto(
  database: TestDatabase,
  data: Dataset | string,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const dataset = typeof data === 'string' ? await loadDataset(data) : data;
  const client = new pg.Client({ connectionString: database.url });
  await client.connect();
  try {
    // On a server, as `npm run import` does: connections of its own besides (PGlite has one session only).
    const connect =
      database.kind === 'postgresql'
        ? async () => {
            const connection = new pg.Client({ connectionString: database.url });
            await connection.connect();
            return connection;
          }
        : undefined;
    return await importDataset(client, dataset, { copy: database.copy, connect, ...options });
  } finally {
    await client.end();
  }
}

/** A store over the database's current dataset, on a pool of its own; `end` closes the pool. */
export async function currentSource(
  database: TestDatabase,
  poolSize = 4,
): Promise<{ source: PostgresSource; pool: pg.Pool }> {
  const pool = new pg.Pool({ connectionString: database.url, max: database.kind === 'pglite' ? 1 : poolSize });
  const { rows } = await pool.query<{ id: number; version: string; facts: DatasetFacts }>(
    'SELECT d.id, d.version, d.facts FROM newsgraph.current c JOIN newsgraph.datasets d ON d.id = c.dataset',
  );
  const row = rows[0];
  if (!row) throw new Error('no current dataset');
  return { source: new PostgresSource(pool, datasetSchema(row.id), row.id, row.version, row.facts), pool };
}

/** One test database per test worker, started on first use; each directory imported once into it. */
let workerDatabase: Promise<TestDatabase> | null = null;
const imported = new Map<string, Promise<PostgresSource>>();

/** A store over `directory` imported into this worker's test database (the API suites' postgres backend). */
export function postgresSourceFor(directory: string): Promise<PostgresSource> {
  let source = imported.get(directory);
  if (!source) {
    source = (async () => {
      workerDatabase ??= startTestDatabase();
      const database = await workerDatabase;
      // Every version kept: each directory's store reads its own dataset, current or not.
      const { id } = await importInto(database, directory, { keep: 1_000 });
      const pool = new pg.Pool({ connectionString: database.url, max: database.kind === 'pglite' ? 1 : 4 });
      const { rows } = await pool.query<{ version: string; facts: DatasetFacts }>(
        'SELECT version, facts FROM newsgraph.datasets WHERE id = $1',
        [id],
      );
      const row = rows[0] as { version: string; facts: DatasetFacts };
      return new PostgresSource(pool, datasetSchema(id), id, row.version, row.facts);
    })();
    imported.set(directory, source);
  }
  return source;
}
