/**
 * `npm run import -- --data DIR --database-url URL`: refuses at once a database that refuses writes (a read
 * replica), validates DIR with the server's validator (bad data is refused, naming file, record and field, and
 * nothing is written), then loads it into the PostgreSQL database as a new dataset version, made current in one
 * transaction (running servers switch to it at once: LISTEN/NOTIFY). One import at a time: a second one is
 * refused while the first runs. Exit code 0 on success, 1 on refusal.
 * It loads and finishes on connections of its own besides its first (importDataset's `connect`).
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import pg from 'pg';
import { FixtureError, formatProblem, loadDataset } from '../src/data/load-fixtures.js';
import { ImportBusyError, type ImportProgress, importDataset } from '../src/data/postgres/import.js';
import { isReadOnly } from '../src/data/postgres/migrate.js';

const USAGE = `usage: npm run import -- --data DIR --database-url URL [--keep N]

Validates the fixture directory DIR and imports it into the PostgreSQL database at URL (or DATABASE_URL) as a new
dataset version, made current in one transaction; servers on that database switch to it within a second.
  --data DIR           the fixture directory (default: data)
  --database-url URL   postgres://user:password@host:port/database (default: DATABASE_URL)
  --keep N             earlier versions to keep besides the new one (default 1; older ones are dropped)

It works on four connections besides its own (two COPY streams for the articles, then independent index and
rollup steps side by side) and makes the articles' rows in worker threads: docs/scaling.md, "The import".`;

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: 'data' },
    'database-url': { type: 'string' },
    keep: { type: 'string', default: '1' },
    help: { type: 'boolean', default: false },
  },
  strict: true,
});
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
const databaseUrl = values['database-url'] ?? process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error(`no database: give --database-url or DATABASE_URL\n${USAGE}`);
  process.exit(1);
}
const keep = Number(values.keep);
if (!Number.isInteger(keep) || keep < 0) {
  console.error(`--keep must be a whole number (got ${values.keep})`);
  process.exit(1);
}

const directory = path.resolve(values.data);
const started = performance.now();

// The database first: one that refuses writes (a read replica) is refused before minutes of validation.
const client = new pg.Client({ connectionString: databaseUrl });
try {
  await client.connect();
  const { readOnly, standby } = await isReadOnly(client);
  if (readOnly) {
    const where = new URL(databaseUrl); // host and database only: no credentials in the message
    console.error(
      `${where.host}${where.pathname}: refused, nothing was written: ${
        standby
          ? 'the database is a read replica (a hot standby, in recovery)'
          : 'the database refuses writes (default_transaction_read_only is on)'
      }; run the import against the primary (read replicas receive the new version by replication)`,
    );
    process.exit(1);
  }
} catch (error) {
  console.error(`import failed, nothing was written: ${(error as Error).message}`);
  process.exit(1);
}
let data: Awaited<ReturnType<typeof loadDataset>>;
try {
  data = await loadDataset(directory);
} catch (error) {
  if (!(error instanceof FixtureError)) throw error;
  console.error(`${directory}: refused, nothing was imported (${error.problems.length} problem(s)):`);
  for (const problem of error.problems) console.error(`  ${formatProblem(problem)}`);
  process.exit(1);
}
const validated = performance.now();
console.error(`${directory}: valid (version ${data.version}), ${data.articles.length} articles; importing`);

// Stages overlap (tables loading side by side, finishing steps on several connections): a bar per stage running,
// and on a log (not a terminal) a line when each starts and ends, with its time from the start of the import.
const bars = new MultiBar(
  {
    format: '{stage} [{bar}] {percentage}% {value}/{total}',
    hideCursor: true,
    clearOnComplete: false,
    stopOnComplete: true,
    noTTYOutput: false,
    stream: process.stderr,
  },
  Presets.shades_classic,
);
const stages = new Map<string, { bar: SingleBar | null; started: number; ended: boolean }>();
const seconds = (ms: number) => (ms / 1000).toFixed(1);
const onProgress = ({ stage, done, total }: ImportProgress) => {
  let entry = stages.get(stage);
  if (!entry) {
    const bar = process.stderr.isTTY ? bars.create(total, done, { stage: stage.padEnd(24) }) : null;
    entry = { bar, started: performance.now(), ended: false };
    stages.set(stage, entry);
    if (!bar) console.error(`${stage}: ${total} to do (at ${seconds(entry.started - started)} s)`);
  }
  entry.bar?.update(done);
  if (done === total && !entry.ended) {
    entry.ended = true;
    const now = performance.now();
    if (!entry.bar)
      console.error(`${stage}: done in ${seconds(now - entry.started)} s (at ${seconds(now - started)} s)`);
  }
};
try {
  const connect = async () => {
    const connection = new pg.Client({ connectionString: databaseUrl });
    await connection.connect();
    return connection;
  };
  const result = await importDataset(client, data, { onProgress, keep, connect });
  bars.stop();
  console.error(
    `imported dataset ${result.id} (version ${result.version}) in ${((performance.now() - started) / 1000).toFixed(1)} s ` +
      `(validation ${((validated - started) / 1000).toFixed(1)} s); now current` +
      (result.dropped.length ? `; dropped old versions ${result.dropped.join(', ')}` : ''),
  );
} catch (error) {
  bars.stop();
  if (error instanceof ImportBusyError) console.error(error.message);
  else console.error(`import failed, nothing was made current: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await client.end().catch(() => undefined);
}
