/**
 * `npm run import` and the dataset versions it makes: bad data refused with file, record and field and nothing
 * written; an import that fails half way leaves the current version as it was and nothing of its own; a second
 * import while one runs is refused, naming the one that runs; old versions are dropped, the previous one kept.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../src/data/load-fixtures.js';
import { ImportBusyError, importDataset } from '../src/data/postgres/import.js';
import { migrate } from '../src/data/postgres/migrate.js';
import { DATA_DIR, editedFixtures } from './helpers.js';
import { currentSource, importInto, startTestDatabase, type TestDatabase } from './support/postgres.js';

const run = promisify(execFile);
const ROOT = new URL('..', import.meta.url).pathname;

let database: TestDatabase;
let admin: pg.Client;

beforeAll(async () => {
  database = await startTestDatabase();
  admin = new pg.Client({ connectionString: database.url });
  await admin.connect();
  // The control schema, as the first import or server makes it.
  await migrate(admin);
}, 60_000);

afterAll(async () => {
  await admin?.end();
  await database?.close();
});

async function datasets() {
  const { rows } = await admin.query<{ id: number; status: string; current: boolean }>(
    `SELECT d.id, d.status, d.id = (SELECT dataset FROM newsgraph.current) AS current FROM newsgraph.datasets d ORDER BY id`,
  );
  return rows;
}

async function schemas() {
  const { rows } = await admin.query<{ name: string }>(
    "SELECT nspname AS name FROM pg_namespace WHERE nspname LIKE 'newsgraph_d%' ORDER BY nspname",
  );
  return rows.map((row) => row.name);
}

/** `npm run import` as a person runs it: exit code and what it printed. */
async function importCommand(...args: string[]) {
  try {
    const { stdout, stderr } = await run('node', ['--import', 'tsx', 'scripts/import.ts', ...args], {
      cwd: ROOT,
      timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('npm run import', () => {
  it('refuses bad data naming the file, the record and the field, and writes nothing', async () => {
    const bad = await editedFixtures('persons.json', (records) => {
      (records[0] as Record<string, unknown>).nationalities = ['XX'];
    });
    const result = await importCommand('--data', bad, '--database-url', database.url);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('refused, nothing was imported');
    expect(result.stderr).toMatch(/persons\.json.*nationalities/);
    expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(await datasets()).toEqual([]);
    expect(await schemas()).toEqual([]);
  });

  it('refuses to run without a database, saying how to give one', async () => {
    const result = await importCommand('--data', DATA_DIR);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('--database-url or DATABASE_URL');
  });

  it('imports the fixtures as a new current version (COPY on PostgreSQL; batched INSERT on PGlite)', async () => {
    const before = (await datasets()).length;
    if (database.copy) {
      const result = await importCommand('--data', DATA_DIR, '--database-url', database.url);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stderr).toMatch(/imported dataset \d+ \(version [0-9a-f]{16}\)/);
    } else {
      await importInto(database, DATA_DIR);
    }
    const after = await datasets();
    expect(after).toHaveLength(before + 1);
    expect(after.at(-1)).toMatchObject({ status: 'ready', current: true });
    const { source, pool } = await currentSource(database);
    expect((await source.stats()).articles).toBe(2);
    await pool.end();
  });

  it('an import failing half way leaves the current version as it was and nothing of its own', async () => {
    const current = (await datasets()).find((d) => d.current);
    const schemasBefore = await schemas();
    const data = await loadDataset(DATA_DIR);
    await expect(
      importInto(database, data, {
        onProgress: ({ stage }) => {
          if (stage === 'mentions') throw new Error('the disk is full (simulated)');
        },
      }),
    ).rejects.toThrow('the disk is full (simulated)');
    expect((await datasets()).find((d) => d.current)).toEqual(current);
    expect(await datasets()).toEqual((await datasets()).filter((d) => d.status === 'ready'));
    expect(await schemas()).toEqual(schemasBefore);
    // Servers were never told: the current version answers as before.
    const { source, pool } = await currentSource(database);
    expect(source.datasetId).toBe(current?.id);
    await pool.end();
  });

  it('an import failing in a finishing step, with other steps running beside it, leaves nothing of its own', async () => {
    const current = (await datasets()).find((d) => d.current);
    const schemasBefore = await schemas();
    const data = await loadDataset(DATA_DIR);
    const started: string[] = [];
    await expect(
      importInto(database, data, {
        onProgress: ({ stage, done, total }) => {
          if (done === 0) started.push(stage);
          if (stage === 'article-entity rollup' && done === total) throw new Error('the server went away (simulated)');
        },
      }),
    ).rejects.toThrow('the server went away (simulated)');
    // The failure came after the load, and the steps waiting for the rollup never started.
    expect(started).toContain('articles');
    expect(started).not.toContain('co-mention rollup');
    expect(started).not.toContain('statistics');
    expect((await datasets()).find((d) => d.current)).toEqual(current);
    expect(await datasets()).toEqual((await datasets()).filter((d) => d.status === 'ready'));
    expect(await schemas()).toEqual(schemasBefore);
  });

  it('refuses a second import while one runs, naming it, and imports again once it is done', async () => {
    const data = await loadDataset(DATA_DIR);
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    let reached: () => void = () => undefined;
    const inProgress = new Promise<void>((resolve) => {
      reached = resolve;
    });
    // The first import pauses in its progress callback (mid-load) until released.
    const first = (async () => {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        return await importDataset(client, data, {
          copy: database.copy,
          onProgress: async ({ stage }) => {
            if (stage === 'entities') {
              reached();
              await held;
            }
          },
        });
      } finally {
        await client.end();
      }
    })();
    await inProgress;
    if (database.kind === 'postgresql') {
      const second = await importCommand('--data', DATA_DIR, '--database-url', database.url);
      expect(second.code).toBe(1);
      expect(second.stderr).toMatch(/another import is running \(the import of backend \d+/);
    }
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    // A second session: on PGlite every connection shares one session, so the lock would be its own.
    if (database.kind === 'postgresql') {
      await expect(importDataset(client, data, { copy: true })).rejects.toBeInstanceOf(ImportBusyError);
    }
    release();
    const done = await first;
    expect((await datasets()).find((d) => d.current)?.id).toBe(done.id);
    await client.end();
  });

  it('drops old versions once newer ones exist, keeping the previous one for servers still reading it', async () => {
    for (let i = 0; i < 3; i++) await importInto(database, DATA_DIR);
    const rows = await datasets();
    expect(rows).toHaveLength(2);
    expect(rows.map((r) => r.current)).toEqual([false, true]);
    expect(await schemas()).toEqual(rows.map((r) => `newsgraph_d${r.id}`).sort());
  });
});
