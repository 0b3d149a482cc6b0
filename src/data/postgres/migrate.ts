/**
 * Migrations of the control schema: plain numbered SQL files in migrations/ (NNN-name.sql), applied in order,
 * each in its own transaction with its number recorded in newsgraph.migrations, under an advisory lock so that
 * an import and N starting servers apply each one once. Why not node-pg-migrate: the control schema is two
 * tables that change rarely, the datasets are rebuilt by each import rather than migrated, and plain SQL is what
 * a DBA reviews and what runs the same on PostgreSQL and on the embedded PGlite of the tests.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type pg from 'pg';

export const MIGRATIONS_DIR = path.resolve(import.meta.dirname, '../../../migrations');

/** Held while migrating (pg_advisory_lock's key space is shared: a constant unlikely to collide). */
const MIGRATION_LOCK = 7_140_001;

interface Migration {
  number: number;
  name: string;
  sql: string;
}

export async function readMigrations(directory = MIGRATIONS_DIR): Promise<Migration[]> {
  const files = (await readdir(directory)).filter((file) => /^\d{3}-[\w-]+\.sql$/.test(file)).sort();
  return Promise.all(
    files.map(async (file) => ({
      number: Number(file.slice(0, 3)),
      name: file,
      sql: await readFile(path.join(directory, file), 'utf8'),
    })),
  );
}

/**
 * The database refuses writes (a hot standby, or default_transaction_read_only) and is behind the code's
 * migrations: it can only be brought up to date on the primary, from which it replicates.
 */
export class ReadOnlyDatabaseError extends Error {
  override name = 'ReadOnlyDatabaseError';
}

/** Whether the database refuses writes: a hot standby (in recovery) or a read-only default. */
export async function isReadOnly(client: pg.ClientBase | pg.Pool): Promise<{ readOnly: boolean; standby: boolean }> {
  const { rows } = await client.query<{ standby: boolean; read_only: string }>(
    "SELECT pg_is_in_recovery() AS standby, current_setting('transaction_read_only') AS read_only",
  );
  const standby = rows[0]?.standby === true;
  return { readOnly: standby || rows[0]?.read_only === 'on', standby };
}

/**
 * Applies the migrations not yet applied; answers the names of those it applied. On a read-only database (a
 * server on a read replica) it applies none: it checks that the primary's migrations have reached it.
 */
export async function migrate(client: pg.ClientBase, directory = MIGRATIONS_DIR): Promise<string[]> {
  const migrations = await readMigrations(directory);
  if ((await isReadOnly(client)).readOnly) {
    const level = await migrationLevel(client);
    const needed = Math.max(0, ...migrations.map((migration) => migration.number));
    if (level < needed)
      throw new ReadOnlyDatabaseError(
        `the database is read-only (a read replica) and its control schema is at migration ${level}, this code needs ${needed}: ` +
          'run `npm run import` (or start a server) against the primary first; the replica receives the migrations by replication',
      );
    return [];
  }
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
  try {
    await client.query(`CREATE TABLE IF NOT EXISTS public.newsgraph_migrations (
      number integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set(
      (await client.query<{ number: number }>('SELECT number FROM public.newsgraph_migrations')).rows.map(
        (row) => row.number,
      ),
    );
    const applied: string[] = [];
    for (const migration of migrations) {
      if (done.has(migration.number)) continue;
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO public.newsgraph_migrations (number, name) VALUES ($1, $2)', [
          migration.number,
          migration.name,
        ]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${migration.name} failed: ${(error as Error).message}`);
      }
      applied.push(migration.name);
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
  }
}

/** The newest migration applied, or 0: a server checks it is not older than the code's. */
export async function migrationLevel(client: pg.ClientBase | pg.Pool): Promise<number> {
  const table = await client.query<{ exists: boolean }>(
    "SELECT to_regclass('public.newsgraph_migrations') IS NOT NULL AS exists",
  );
  if (!table.rows[0]?.exists) return 0;
  const result = await client.query<{ level: number | null }>(
    'SELECT max(number) AS level FROM public.newsgraph_migrations',
  );
  return result.rows[0]?.level ?? 0;
}
