/**
 * `npm run import -- --data DIR --database-url URL`: refuses at once a database that refuses writes (a read
 * replica), validates DIR with the server's validator (bad data is refused, naming file, record and field, and
 * nothing is written), then loads it into the PostgreSQL database as a new dataset version, made current in one
 * transaction (running servers switch to it at once: LISTEN/NOTIFY). One import at a time: a second one is
 * refused while the first runs. Exit code 0 on success, 1 on refusal.
 */
import path from 'node:path';
import { parseArgs } from 'node:util';
import { SingleBar } from 'cli-progress';
import pg from 'pg';
import { FixtureError, formatProblem, loadDataset } from '../src/data/load-fixtures.js';
import { ImportBusyError, type ImportProgress, importDataset } from '../src/data/postgres/import.js';
import { isReadOnly } from '../src/data/postgres/migrate.js';

const USAGE = `usage: npm run import -- --data DIR --database-url URL [--keep N]

Validates the fixture directory DIR and imports it into the PostgreSQL database at URL (or DATABASE_URL) as a new
dataset version, made current in one transaction; servers on that database switch to it within a second.
  --data DIR           the fixture directory (default: data)
  --database-url URL   postgres://user:password@host:port/database (default: DATABASE_URL)
  --keep N             earlier versions to keep besides the new one (default 1; older ones are dropped)`;

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

let bar = null as SingleBar | null;
let stage = '';
let stageStarted = performance.now();
const onProgress = ({ stage: next, done, total }: ImportProgress) => {
  if (next !== stage) {
    bar?.stop();
    if (stage && !process.stderr.isTTY)
      console.error(`${stage}: done in ${((performance.now() - stageStarted) / 1000).toFixed(1)} s`);
    stage = next;
    stageStarted = performance.now();
    bar = new SingleBar({
      format: `${next.padEnd(24)} [{bar}] {percentage}% {value}/{total}`,
      noTTYOutput: false,
      hideCursor: true,
      clearOnComplete: false,
      stream: process.stderr,
    });
    bar.start(total, done);
    if (!process.stderr.isTTY) console.error(`${next}: ${total} to do`);
  } else bar?.update(done);
};
try {
  const result = await importDataset(client, data, { onProgress, keep });
  bar?.stop();
  console.error(
    `imported dataset ${result.id} (version ${result.version}) in ${((performance.now() - started) / 1000).toFixed(1)} s ` +
      `(validation ${((validated - started) / 1000).toFixed(1)} s); now current` +
      (result.dropped.length ? `; dropped old versions ${result.dropped.join(', ')}` : ''),
  );
} catch (error) {
  bar?.stop();
  if (error instanceof ImportBusyError) console.error(error.message);
  else console.error(`import failed, nothing was made current: ${(error as Error).message}`);
  process.exitCode = 1;
} finally {
  await client.end().catch(() => undefined);
}
