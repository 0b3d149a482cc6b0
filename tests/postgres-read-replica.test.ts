/**
 * newsgraph on a read replica: a PostgreSQL primary and a hot standby streaming from it (.ci/postgres.sh start and
 * standby), a server on each. The standby's server answers the seed facts as the primary's does, follows an import
 * made on the primary (it cannot LISTEN there: it polls, so the switch lag is measured and logged, bounded only by
 * a generous deadline), never writes (the standby's own log shows no refused statement but the LISTEN it tries
 * once), refuses an import pointed at it with a plain message, and goes unavailable (503) and recovers with its
 * standby. Skipped where PostgreSQL is not installed (npm test on a machine without it; .ci/run installs it).
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configFor } from '../src/config.js';
import { type RunningServer, startServer } from '../src/server.js';
import { createTestApi, DATA_DIR, editedFixtures } from './helpers.js';
import { freePort, importInto, POSTGRES_INSTALLED, type TestDatabase } from './support/postgres.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const run = promisify(execFile);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Questions about the two seed articles (tests/seed-facts.test.ts asks them one by one). */
const SEED_FACTS = [
  `{ articles { totalCount nodes { slug headline publishedAt publishedAtText source body } } }`,
  `{ person(slug: "majid-azizi") { name aliases nationalities articles { totalCount nodes { headline } }
       affiliations { role organization { slug name } evidence { quote start end article { slug } } } } }`,
  `{ persons(first: 100) { totalCount nodes { slug name aliases } } }`,
  `{ organization(slug: "iran") { kind country aliases } events(first: 100) { nodes { slug startDate endDate kind } } }`,
  `{ event(slug: "peru-assassination-plot") { participants { role person { slug } }
       involvements { role organization { slug } } relatedEvents { slug }
       eventRelations { relation from { slug } to { slug } evidence { quote } } } }`,
  `{ article(slug: "irans-alleged-terror-plot-in-peru") { mentions(first: 20) { totalCount nodes { text start end } }
       persons { nodes { slug } } } }`,
  `{ search(query: "AZÍZI") { totalCount edges { score node { __typename ... on Person { slug } ... on Article { slug } } } } }`,
  `{ stats { articles persons organizations events mentions } }`,
];

interface Answer {
  status: number;
  body: { data?: Record<string, unknown>; errors?: { message: string; extensions?: { code?: string } }[] } & {
    extensions?: { dataVersion?: string };
  };
  text: string;
  retryAfter: string | null;
}

async function ask(server: RunningServer, query: string): Promise<Answer> {
  const response = await fetch(server.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
  });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text), text, retryAfter: response.headers.get('retry-after') };
}

/** The one write this suite tries on the standby itself (refused); the servers must try none. */
const PROBE_WRITE = 'CREATE TABLE newsgraph_replica_probe (x int)';

const baseOf = (server: RunningServer) => server.url.replace(/\/graphql$/, '');

describe.skipIf(!POSTGRES_INSTALLED)('a server on a read replica (hot standby)', () => {
  let primaryDir: string;
  let standbyDir: string;
  let standbyPort: number;
  let primary: TestDatabase;
  let standbyUrl: string;
  let onPrimary: RunningServer;
  let onStandby: RunningServer;
  const cluster = (...args: string[]) =>
    execFileSync(path.join(ROOT, '.ci/postgres.sh'), args, { encoding: 'utf8' }).trim();

  /** The dataset a database makes current (on the standby: as far as it has replayed the primary). */
  async function currentDataset(url: string): Promise<number> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const { rows } = await client.query<{ dataset: number }>('SELECT dataset FROM newsgraph.current');
      return rows[0]?.dataset ?? 0;
    } finally {
      await client.end();
    }
  }

  const serve = (databaseUrl: string) =>
    startServer(
      configFor({
        port: 0,
        host: '127.0.0.1',
        databaseUrl,
        logLevel: 'silent',
        rateLimit: false,
        responseCacheMaxEntries: 0,
      }),
    );

  beforeAll(async () => {
    primaryDir = mkdtempSync(path.join(tmpdir(), 'newsgraph-pg-primary-'));
    standbyDir = mkdtempSync(path.join(tmpdir(), 'newsgraph-pg-standby-'));
    const primaryPort = await freePort();
    const url = cluster('start', primaryDir, String(primaryPort));
    primary = { url, kind: 'postgresql', copy: true, close: async () => undefined };
    await importInto(primary, DATA_DIR);
    standbyPort = await freePort();
    standbyUrl = cluster('standby', standbyDir, String(standbyPort), String(primaryPort));
    onPrimary = await serve(primary.url);
    onStandby = await serve(standbyUrl);
  }, 120_000);

  afterAll(async () => {
    await onStandby?.close(1_000);
    await onPrimary?.close(1_000);
    for (const dir of [standbyDir, primaryDir]) {
      try {
        cluster('stop', dir);
      } catch {
        // already stopped
      }
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the standby is a read-only copy of the primary, and the standby server is ready on it', async () => {
    const client = new pg.Client({ connectionString: standbyUrl });
    await client.connect();
    try {
      const { rows } = await client.query<{ standby: boolean }>('SELECT pg_is_in_recovery() AS standby');
      expect(rows[0]?.standby).toBe(true);
      await expect(client.query(PROBE_WRITE)).rejects.toThrow(/read-only transaction/);
    } finally {
      await client.end();
    }
    for (const server of [onPrimary, onStandby]) {
      const ready = await fetch(`${baseOf(server)}/ready`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ ready: true, database: { available: true } });
    }
  });

  it('answers the seed facts over HTTP as the server on the primary does (and as the JSON store does)', async () => {
    const memory = await createTestApi();
    for (const query of SEED_FACTS) {
      const [fromPrimary, fromStandby] = await Promise.all([ask(onPrimary, query), ask(onStandby, query)]);
      expect(fromStandby.status, fromStandby.text).toBe(200);
      expect(fromStandby.body.errors, query).toBeUndefined();
      expect(fromStandby.body.data, query).toEqual(fromPrimary.body.data);
      expect(fromStandby.body.data, query).toEqual((await memory.query(query)).data);
      expect(fromStandby.body.extensions?.dataVersion).toBe(memory.store.version);
    }
    // Equal answers could be equally wrong: one fact checked as such.
    const azizi = await ask(onStandby, '{ person(slug: "majid-azizi") { nationalities articles { totalCount } } }');
    expect(azizi.body.data).toEqual({ person: { nationalities: ['IR', 'PE'], articles: { totalCount: 2 } } });
  });

  it('serves an import made on the primary within a few seconds (it polls: switch lag measured and logged)', async () => {
    const query = '{ person(slug: "majid-azizi") { description } }';
    const before = await ask(onStandby, query);
    const edited = await editedFixtures('persons.json', (records) => {
      const azizi = records.find((record) => record.slug === 'majid-azizi') as Record<string, unknown>;
      azizi.description = 'Edited on the primary for the read replica test.';
    });
    const imported = await importInto(primary, edited);
    const committed = performance.now();
    let replayedAt = 0;
    let primaryAt = 0;
    let standbyAt = 0;
    // A generous deadline, not a target: the lag is logged below.
    for (let i = 0; i < 1_500 && !(replayedAt && primaryAt && standbyAt); i++) {
      const [replayed, fromPrimary, fromStandby] = await Promise.all([
        replayedAt ? imported.id : currentDataset(standbyUrl),
        primaryAt ? null : ask(onPrimary, query),
        standbyAt ? null : ask(onStandby, query),
      ]);
      const now = performance.now();
      if (!replayedAt && replayed === imported.id) replayedAt = now;
      if (fromPrimary?.body.extensions?.dataVersion === imported.version) primaryAt = now;
      if (fromStandby) {
        expect(fromStandby.status, fromStandby.text).toBe(200);
        const version = fromStandby.body.extensions?.dataVersion;
        // Never a mix: the old version with the old answer, or the new version with the new one.
        if (version === imported.version) {
          expect(fromStandby.body.data).toEqual({
            person: { description: 'Edited on the primary for the read replica test.' },
          });
          standbyAt = now;
        } else expect(fromStandby.body.data).toEqual(before.body.data);
      }
      if (!(replayedAt && primaryAt && standbyAt)) await sleep(10);
    }
    const ms = (at: number) => (at ? `${Math.round(at - committed)} ms` : 'never');
    console.info(
      `read replica: import committed on the primary; replayed on the standby after ${ms(replayedAt)}, ` +
        `served by the primary's server after ${ms(primaryAt)} (LISTEN), by the standby's server after ${ms(standbyAt)} (polling every second)`,
    );
    expect(replayedAt).toBeGreaterThan(0);
    expect(primaryAt).toBeGreaterThan(0);
    expect(standbyAt).toBeGreaterThan(0);
    expect(imported.version).not.toBe(before.body.extensions?.dataVersion);
    rmSync(edited, { recursive: true, force: true });
  }, 60_000);

  it('an import pointed at the standby is refused with a plain message, and nothing changes', async () => {
    const datasetBefore = await currentDataset(standbyUrl);
    const result = await run('node', ['--import', 'tsx', 'scripts/import.ts', '--data', DATA_DIR], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: standbyUrl },
    }).then(
      ({ stdout, stderr }) => ({ code: 0, output: stdout + stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({
        code: error.code,
        output: error.stdout + error.stderr,
      }),
    );
    expect(result.code).toBe(1);
    expect(result.output).toContain(
      `127.0.0.1:${standbyPort}/postgres: refused, nothing was written: the database is a read replica (a hot standby, in recovery); run the import against the primary`,
    );
    expect(result.output).not.toContain('valid (version'); // refused before validating
    expect(result.output).not.toMatch(/\bat .*\.[jt]s:\d+|node_modules|read-only transaction/);
    expect(await currentDataset(standbyUrl)).toBe(datasetBefore);
    expect(await currentDataset(primary.url)).toBe(datasetBefore);
  }, 60_000);

  it('the standby server never tried to write: the standby refused nothing but its LISTEN (and this suite’s probe)', () => {
    // The standby's log names each refused statement (log_min_error_statement = error): ERROR, then STATEMENT.
    const lines = readFileSync(path.join(standbyDir, 'server.log'), 'utf8').split('\n');
    const refused = lines.flatMap((line, i) =>
      / ERROR: /.test(line)
        ? [`${line.replace(/^.* ERROR: +/, '')} | ${(lines[i + 1] ?? '').replace(/^.* STATEMENT: +/, '')}`]
        : [],
    );
    expect(new Set(refused)).toEqual(
      new Set([
        'cannot execute LISTEN during recovery | LISTEN newsgraph_dataset',
        `cannot execute CREATE TABLE in a read-only transaction | ${PROBE_WRITE}`,
      ]),
    );
  });

  it('the standby goes away: SERVICE_UNAVAILABLE and /ready 503; it comes back: ready, and it catches up', async () => {
    const query = '{ articles(first: 1) { totalCount nodes { slug } } }';
    expect((await ask(onStandby, query)).status).toBe(200);
    cluster('stop', standbyDir);
    const down = await Promise.all(Array.from({ length: 8 }, () => ask(onStandby, query)));
    for (const answer of down) {
      expect(`${answer.status} ${answer.text}`).toMatch(/^503 /);
      expect(answer.retryAfter).toBe('1');
      expect(answer.body).toMatchObject({ errors: [{ extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
      expect(answer.text).not.toMatch(/\bat .*\.ts:\d+|ECONNREFUSED|node_modules/);
    }
    const notReady = await fetch(`${baseOf(onStandby)}/ready`);
    expect(notReady.status).toBe(503);
    expect(await notReady.json()).toMatchObject({ ready: false, database: { available: false } });
    // The primary and its server are untouched, and it takes an import while the standby is away.
    expect((await fetch(`${baseOf(onPrimary)}/ready`)).status).toBe(200);
    const imported = await importInto(primary, DATA_DIR);
    expect(cluster('start', standbyDir, String(standbyPort))).toBe(standbyUrl);
    let ready = 0;
    for (let i = 0; i < 200 && ready !== 200; i++) {
      await sleep(100);
      ready = (await fetch(`${baseOf(onStandby)}/ready`)).status;
    }
    expect(ready).toBe(200);
    let answer = await ask(onStandby, query);
    for (let i = 0; i < 300 && answer.body.extensions?.dataVersion !== imported.version; i++) {
      await sleep(50);
      answer = await ask(onStandby, query);
    }
    expect(answer.status).toBe(200);
    expect(answer.body.extensions?.dataVersion).toBe(imported.version);
    expect(answer.body.data).toEqual({
      articles: { totalCount: 2, nodes: [{ slug: 'irans-alleged-terror-plot-in-peru' }] },
    });
  }, 90_000);
});
