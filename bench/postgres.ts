/**
 * `npm run bench -- --postgres 100000,1000000` (or `node --import tsx bench/postgres.ts --sizes …`): the
 * PostgreSQL backend on generated corpora, and the JSON store beside it (--json sizes, default 100,000), in one run:
 * import time, server start-up (ready) and RSS, then every bench operation (bench/operations/) under load at each
 * concurrency (rps, p50, p99; response and replay caches off, so the backend answers every request), and the SQL statements
 * per GraphQL operation (counted in-process on the same database). Starts its own throwaway PostgreSQL cluster
 * (.ci/postgres.sh) unless --database-url names a server (a database per corpus is created on it).
 * Writes bench/results/postgres-<date>.json and bench/POSTGRES.md. Never part of `npm test`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createNewsgraph } from '../src/app.js';
import { configFor } from '../src/config.js';
import { PostgresHolder } from '../src/data/postgres/holder.js';
import { ensureCorpus } from './lib/corpora.js';
import { type LoadResult, runLoad } from './lib/load.js';
import {
  type Operation,
  postGraphQL,
  readOperations,
  requestBody,
  resolveFacts,
  variablesFor,
} from './lib/operations.js';
import { killChildrenOnExit, memoryOf, ROOT, type RunningChild, startChild, stopChild } from './lib/processes.js';
import { describeMachine } from './lib/report.js';

const { values } = parseArgs({
  options: {
    sizes: { type: 'string', default: '100000,1000000' },
    json: { type: 'string', default: '100000' },
    duration: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '2' },
    connections: { type: 'string', default: '1,16' },
    'database-url': { type: 'string' },
    reuse: { type: 'boolean', default: false },
    'database-prefix': { type: 'string', default: 'newsgraph_bench_' },
    only: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(`usage: node --import tsx bench/postgres.ts [--sizes 100000,1000000] [--json 100000] [--duration S]
  [--warmup S] [--connections 1,16] [--database-url URL] [--reuse (skip an import whose version is already current)]
  [--database-prefix NAME_ (the databases are NAME_<size>; default newsgraph_bench_)] [--only Operation,Operation]`);
  process.exit(0);
}
const numbers = (text: string) =>
  text
    .split(',')
    .filter(Boolean)
    .map((n) => Number(n.replace(/_/g, '')));
const sizes = numbers(values.sizes ?? '');
const jsonSizes = numbers(values.json ?? '');
const connections = numbers(values.connections ?? '1,16');
const duration = Number(values.duration);
const warmup = Number(values.warmup);
const started = performance.now();
killChildrenOnExit();

function log(line: string) {
  console.log(`[${((performance.now() - started) / 1000).toFixed(0).padStart(5)} s] ${line}`);
}

// The database server: given, or a throwaway cluster of this run's own.
let serverUrl = values['database-url'] ?? '';
let clusterDir: string | null = null;
if (!serverUrl) {
  clusterDir = mkdtempSync(path.join(os.tmpdir(), 'newsgraph-bench-pg-'));
  const port = 56_000 + Math.floor(Math.random() * 1000);
  serverUrl = execFileSync(path.join(ROOT, '.ci/postgres.sh'), ['start', clusterDir, String(port)], {
    encoding: 'utf8',
  }).trim();
  log(`PostgreSQL cluster at ${serverUrl}`);
  process.once('exit', () => {
    spawnSync(path.join(ROOT, '.ci/postgres.sh'), ['stop', clusterDir as string]);
    rmSync(clusterDir as string, { recursive: true, force: true });
  });
}
const postgresVersion = await (async () => {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  const { rows } = await client.query<{ v: string }>("SELECT current_setting('server_version') AS v");
  await client.end();
  return rows[0]?.v ?? '?';
})();

async function databaseFor(size: number): Promise<string> {
  const name = `${values['database-prefix']}${size}`;
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`--database-prefix: ${name} is not a plain database name`);
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (!exists.rowCount) await client.query(`CREATE DATABASE ${name}`);
  await client.end();
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function currentVersion(url: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ version: string }>(
      `SELECT d.version FROM newsgraph.current c JOIN newsgraph.datasets d ON d.id = c.dataset`,
    );
    return rows[0]?.version ?? null;
  } catch {
    return null;
  } finally {
    await client.end();
  }
}

interface ServerMeasure {
  backend: 'postgres' | 'json';
  articles: number;
  importMs: number | null;
  importPeakRssBytes: number | null;
  readyMs: number;
  rssBytes: number | null;
  rssAfterLoadBytes: number | null;
  results: Record<string, Record<string, LoadResult>>;
  statements: Record<string, number> | null;
  errors: string[];
}

function serverChild(name: string, args: string[]): RunningChild {
  return startChild({
    name,
    nodeArgs: [
      '--max-old-space-size=8192',
      '--import',
      'tsx',
      'src/main.ts',
      '--port',
      '0',
      '--host',
      '127.0.0.1',
      '--log-level',
      'info',
      '--rate-limit',
      'false',
      '--response-cache-max-entries',
      '0',
      // The replay cache too: otherwise every repeated request is answered from it, and the backend never runs.
      '--replay-cache-max-entries',
      '0',
      ...args,
    ],
    logFile: path.join(os.tmpdir(), `newsgraph-bench-pg-${name}.log`),
    readyWhen: (line) =>
      typeof line.msg === 'string' && line.msg.startsWith('newsgraph serving GraphQL') && typeof line.url === 'string'
        ? line.url
        : null,
    timeoutMs: 30 * 60_000,
  });
}

async function measureServer(child: RunningChild, url: string, operations: Operation[], into: ServerMeasure) {
  const facts = await resolveFacts(url);
  for (const operation of operations) {
    const body = requestBody(operation, variablesFor(operation.name, facts));
    const answer = await postGraphQL(url, body);
    if (answer.status !== 200 || answer.json.errors?.length) {
      into.errors.push(`${operation.name}: ${answer.text.slice(0, 300)}`);
      continue;
    }
    await runLoad({ url, body, pid: child.pid }, Math.max(...connections), warmup);
    const byConcurrency: Record<string, LoadResult> = {};
    for (const c of connections) byConcurrency[`c${c}`] = await runLoad({ url, body, pid: child.pid }, c, duration);
    into.results[operation.name] = byConcurrency;
    log(
      `  ${into.backend} ${into.articles} ${operation.name.padEnd(16)} ${connections
        .map((c) => {
          const r = byConcurrency[`c${c}`] as LoadResult;
          return `c${c}: ${Math.round(r.rps).toString().padStart(6)} rps p50 ${(r.p50Ms ?? Number.NaN).toFixed(2)} p99 ${(r.p99Ms ?? Number.NaN).toFixed(2)} ms`;
        })
        .join(' | ')}`,
    );
  }
  into.rssAfterLoadBytes = memoryOf(child.pid)?.rssBytes ?? null;
  return facts;
}

/** SQL statements per operation: in-process, on the same database, each operation once warm and once counted. */
async function countStatements(url: string, operations: Operation[], facts: Awaited<ReturnType<typeof resolveFacts>>) {
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const holder = await PostgresHolder.connect(url, quiet, { poolSize: 4 });
  try {
    const { yoga } = createNewsgraph({
      config: configFor({ responseCacheMaxEntries: 0, rateLimit: false }),
      source: holder,
    });
    const counts: Record<string, number> = {};
    for (const operation of operations) {
      const body = requestBody(operation, variablesFor(operation.name, facts));
      const send = () =>
        yoga.fetch('http://localhost/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body,
        });
      await (await send()).text();
      const before = holder.currentSource.statements;
      await (await send()).text();
      counts[operation.name] = holder.currentSource.statements - before;
    }
    return counts;
  } finally {
    await holder.close();
  }
}

// --only A,B: measure these operations only (the statements are counted for all of them).
const operations = readOperations();
const measured = values.only ? operations.filter((o) => values.only?.split(',').includes(o.name)) : operations;
const runs: ServerMeasure[] = [];

for (const size of jsonSizes) {
  const corpus = await ensureCorpus(size, log);
  const measure: ServerMeasure = {
    backend: 'json',
    articles: size,
    importMs: null,
    importPeakRssBytes: null,
    readyMs: 0,
    rssBytes: null,
    rssAfterLoadBytes: null,
    results: {},
    statements: null,
    errors: [],
  };
  const child = serverChild(`json-${size}`, ['--data', corpus.directory]);
  const ready = await child.ready;
  measure.readyMs = ready.readyMs;
  measure.rssBytes = memoryOf(child.pid)?.rssBytes ?? null;
  log(
    `json ${size}: ready in ${ready.readyMs.toFixed(0)} ms, RSS ${((measure.rssBytes ?? 0) / 2 ** 20).toFixed(0)} MB`,
  );
  await measureServer(child, ready.url, measured, measure);
  await stopChild(child, 10_000);
  runs.push(measure);
}

for (const size of sizes) {
  const corpus = await ensureCorpus(size, log);
  const url = await databaseFor(size);
  const measure: ServerMeasure = {
    backend: 'postgres',
    articles: size,
    importMs: null,
    importPeakRssBytes: null,
    readyMs: 0,
    rssBytes: null,
    rssAfterLoadBytes: null,
    results: {},
    statements: null,
    errors: [],
  };
  const version = await currentVersion(url);
  if (values.reuse && version) {
    log(`postgres ${size}: version ${version} already current, import skipped (--reuse)`);
  } else {
    log(`postgres ${size}: importing ${corpus.directory}`);
    const importer = startChild({
      name: `import-${size}`,
      nodeArgs: [
        '--max-old-space-size=16000',
        '--import',
        'tsx',
        'scripts/import.ts',
        '--data',
        corpus.directory,
        '--database-url',
        url,
      ],
      logFile: path.join(os.tmpdir(), `newsgraph-bench-pg-import-${size}.log`),
      readyWhen: () => null,
      timeoutMs: 60 * 60_000,
    });
    importer.ready.catch(() => undefined);
    const importStarted = performance.now();
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, memoryOf(importer.pid)?.peakRssBytes ?? 0);
    }, 1000);
    const code = await importer.exited;
    clearInterval(sampler);
    measure.importMs = performance.now() - importStarted;
    measure.importPeakRssBytes = peak || null;
    if (code !== 0) throw new Error(`the import of ${size} articles failed (exit ${code}); see ${importer.logFile}`);
    log(
      `postgres ${size}: imported in ${(measure.importMs / 1000).toFixed(1)} s (importer peak RSS ${(peak / 2 ** 20).toFixed(0)} MB)`,
    );
  }
  const child = serverChild(`postgres-${size}`, ['--database-url', url]);
  const ready = await child.ready;
  measure.readyMs = ready.readyMs;
  measure.rssBytes = memoryOf(child.pid)?.rssBytes ?? null;
  log(
    `postgres ${size}: ready in ${ready.readyMs.toFixed(0)} ms, RSS ${((measure.rssBytes ?? 0) / 2 ** 20).toFixed(0)} MB`,
  );
  const facts = await measureServer(child, ready.url, measured, measure);
  await stopChild(child, 10_000);
  measure.statements = await countStatements(url, operations, facts);
  log(`postgres ${size}: statements per operation ${JSON.stringify(measure.statements)}`);
  runs.push(measure);
}

// The report: one row per operation, each backend and size side by side.
const mb = (bytes: number | null) => (bytes === null ? '–' : `${Math.round(bytes / 2 ** 20)} MB`);
const lines: string[] = [];
lines.push(
  '# PostgreSQL backend: bench',
  '',
  'Written by each run (what explains the figures, before/after of each change and what misses: [POSTGRES-ANALYSIS.md](POSTGRES-ANALYSIS.md)).',
  '',
);
lines.push(
  `Run ${new Date().toISOString()} on ${JSON.stringify(describeMachine())}, PostgreSQL ${postgresVersion} (a throwaway cluster on this machine, fsync off); ` +
    `${duration} s per measurement after ${warmup} s of warm-up, response and replay caches off, concurrency ${connections.join(' and ')}. ` +
    '`node --import tsx bench/postgres.ts` (or `npm run bench -- --postgres SIZES`).',
  '',
);
lines.push(
  '| backend | articles | import | importer peak RSS | ready | RSS at ready | RSS after load | errors |',
  '| --- | --- | --- | --- | --- | --- | --- | --- |',
);
for (const run of runs) {
  lines.push(
    `| ${run.backend} | ${run.articles.toLocaleString('en')} | ${run.importMs === null ? '–' : `${(run.importMs / 1000).toFixed(0)} s`} | ${mb(run.importPeakRssBytes)} | ${(run.readyMs / 1000).toFixed(2)} s | ${mb(run.rssBytes)} | ${mb(run.rssAfterLoadBytes)} | ${run.errors.length ? run.errors.join('; ') : 'none'} |`,
  );
}
lines.push('');
const header = runs.map((run) => `${run.backend} ${run.articles.toLocaleString('en')}`);
lines.push(
  `| operation | ${connections.flatMap((c) => header.map((h) => `${h} c=${c}: rps, p50 / p99 ms`)).join(' | ')} | statements (${runs
    .filter((r) => r.statements)
    .map((r) => r.articles.toLocaleString('en'))
    .join(' / ')}) |`,
);
lines.push(`| --- | ${connections.flatMap(() => runs.map(() => '---')).join(' | ')} | --- |`);
for (const operation of operations) {
  const cells = connections.flatMap((c) =>
    runs.map((run) => {
      const r = run.results[operation.name]?.[`c${c}`];
      return r
        ? `${Math.round(r.rps)}, ${(r.p50Ms ?? Number.NaN).toFixed(1)} / ${(r.p99Ms ?? Number.NaN).toFixed(1)}`
        : '–';
    }),
  );
  const statements = runs
    .filter((r) => r.statements)
    .map((r) => r.statements?.[operation.name] ?? '–')
    .join(' / ');
  lines.push(`| ${operation.name} | ${cells.join(' | ')} | ${statements} |`);
}
const markdown = `${lines.join('\n')}\n`;
mkdirSync(path.join(ROOT, 'bench/results'), { recursive: true });
const stamp = new Date().toISOString().replace(/[:.]/g, '-');
writeFileSync(
  path.join(ROOT, `bench/results/postgres-${stamp}.json`),
  `${JSON.stringify({ postgresVersion, runs }, null, 2)}\n`,
);
writeFileSync(path.join(ROOT, 'bench/POSTGRES.md'), markdown);
console.log(markdown);
if (!existsSync(path.join(ROOT, 'bench/POSTGRES.md'))) process.exitCode = 1;
