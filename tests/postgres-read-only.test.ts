/**
 * A database that refuses writes (a read replica, or default_transaction_read_only): a server starts on it when
 * the primary's migrations have reached it, and says what to do when they have not; `npm run import` pointed at
 * it is refused, plainly, before it writes anything. Runs on the embedded PGlite in `npm test` and on Debian's
 * server in .ci/run (a real hot standby: tests/postgres-read-replica.test.ts).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isReadOnly, MIGRATIONS_DIR, migrate, ReadOnlyDatabaseError } from '../src/data/postgres/migrate.js';
import { DATA_DIR } from './helpers.js';
import { startTestDatabase, type TestDatabase } from './support/postgres.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '..');

let database: TestDatabase;
let db: pg.Client;

/** Every transaction on the database read-only (`on`) or not, this session's and the next ones'. */
async function readOnly(on: boolean): Promise<void> {
  const { rows } = await db.query<{ name: string }>('SELECT current_database() AS name');
  const session = `SET default_transaction_read_only = ${on ? 'on' : 'off'}`;
  const later = `ALTER DATABASE ${rows[0]?.name} SET default_transaction_read_only = ${on ? 'on' : 'off'}`;
  // ALTER DATABASE is itself a write: made while this session still may.
  for (const statement of on ? [later, session] : [session, later]) await db.query(statement);
}

beforeAll(async () => {
  database = await startTestDatabase();
  db = new pg.Client({ connectionString: database.url });
  await db.connect();
}, 60_000);

afterAll(async () => {
  await db?.end();
  await database?.close();
});

describe('migrations on a read-only database', () => {
  it('refuses on a database that was never migrated (no import on the primary yet)', async () => {
    await readOnly(true);
    expect(await isReadOnly(db)).toEqual({ readOnly: true, standby: false });
    await expect(migrate(db)).rejects.toThrow(
      /^the database is read-only \(a read replica\) and its control schema is at migration 0, this code needs 1: /,
    );
    await readOnly(false);
    expect(await isReadOnly(db)).toEqual({ readOnly: false, standby: false });
  });

  it('applies none and succeeds when the primary’s migrations are there already', async () => {
    expect(await migrate(db)).toEqual(['001-control.sql']);
    await readOnly(true);
    expect(await migrate(db)).toEqual([]);
    await expect(db.query('CREATE TABLE nope (x int)')).rejects.toThrow(/read-only transaction/);
  });

  it('refuses, saying where to migrate, when the code needs a migration the replica has not received', async () => {
    const newer = await mkdtemp(path.join(tmpdir(), 'newsgraph-migrations-'));
    try {
      const first = '001-control.sql';
      await writeFile(path.join(newer, first), await readFile(path.join(MIGRATIONS_DIR, first), 'utf8'));
      await writeFile(path.join(newer, '002-next.sql'), 'CREATE TABLE newsgraph.next (x int);');
      const refusal = await migrate(db, newer).catch((error: unknown) => error);
      expect(refusal).toBeInstanceOf(ReadOnlyDatabaseError);
      expect((refusal as Error).message).toBe(
        'the database is read-only (a read replica) and its control schema is at migration 1, this code needs 2: ' +
          'run `npm run import` (or start a server) against the primary first; the replica receives the migrations by replication',
      );
    } finally {
      await rm(newer, { recursive: true, force: true });
    }
  });
});

describe('npm run import on a read-only database', () => {
  it('is refused with a plain message naming the database, and writes nothing', async () => {
    const url = database.url;
    const result = await run(
      'node',
      ['--import', 'tsx', 'scripts/import.ts', '--data', DATA_DIR, '--database-url', url],
      {
        cwd: ROOT,
        timeout: 120_000,
      },
    ).then(
      ({ stderr }) => ({ code: 0, stderr }),
      (error: { code: number; stderr: string }) => ({ code: error.code, stderr: error.stderr }),
    );
    expect(result.code).toBe(1);
    const where = new URL(url);
    expect(result.stderr).toContain(
      `${where.host}${where.pathname}: refused, nothing was written: the database refuses writes ` +
        '(default_transaction_read_only is on); run the import against the primary',
    );
    expect(result.stderr).not.toContain('valid (version'); // refused before validating
    expect(result.stderr).not.toMatch(/\n\s+at |read-only transaction/);
    const { rows } = await db.query<{ count: number }>('SELECT count(*)::int AS count FROM newsgraph.datasets');
    expect(rows[0]?.count).toBe(0);
  }, 120_000);
});
