/** Shared test harness: a yoga instance over the fixtures, queried through HTTP requests (`yoga.fetch`). */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createNewsgraph, type Newsgraph, type NewsgraphOptions } from '../src/app.js';
import { type Config, configFor } from '../src/config.js';
import type { NewsDataSource } from '../src/data/contract.js';
import { countingSource } from '../src/data/counting-source.js';
import { loadStore } from '../src/data/load-store.js';

export const DATA_DIR = path.resolve(import.meta.dirname, '../data');
/** The two articles' source texts, named by each article's `source` field (carried by the repository). */
export const SOURCES_DIR = path.join(DATA_DIR, 'sources');

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, unknown> }[];
  extensions?: Record<string, unknown>;
}

/** A complete configuration for a test server: the defaults, silent, on a free port of 127.0.0.1, over the fixtures. */
export function testConfig(overrides: Partial<Config> = {}): Config {
  return configFor({ port: 0, host: '127.0.0.1', dataDir: DATA_DIR, logLevel: 'silent', ...overrides });
}

/** Configuration settings, and the few options that are not configuration (jit, registry, logger). */
export type TestAppOptions = Partial<Config> &
  Pick<NewsgraphOptions, 'jit' | 'registry' | 'logger' | 'clock' | 'persistedQueryStore' | 'dashboardDir' | 'changes'>;

/**
 * The application over `source`, assembled as the server assembles it, to query in-process (`yoga.fetch`).
 * Without the response cache unless a test asks for it: every request then executes, and its loads are counted.
 * Without the per-client budget unless a test asks for it: every in-process request comes from no address, one
 * client, and suites send thousands.
 */
export function testApp(source: NewsgraphOptions['source'], options: TestAppOptions = {}): Newsgraph {
  const { jit, registry, logger, clock, persistedQueryStore, dashboardDir, changes, ...settings } = options;
  return createNewsgraph({
    config: testConfig({ responseCacheMaxEntries: 0, rateLimit: false, ...settings }),
    source,
    jit,
    registry,
    logger,
    clock,
    persistedQueryStore,
    dashboardDir,
    changes,
  });
}

/**
 * Which backend the API tests run on: `memory` (the JSON store, the default) or `postgres` (the directory imported
 * into a PostgreSQL database: PGlite in-process, or the server of NEWSGRAPH_TEST_DATABASE_URL). .ci/run runs the
 * API suites on both; the answers must be the same, byte for byte.
 */
export const TEST_BACKEND = (process.env.NEWSGRAPH_TEST_BACKEND ?? 'memory') as 'memory' | 'postgres';
if (TEST_BACKEND !== 'memory' && TEST_BACKEND !== 'postgres') {
  throw new Error(`NEWSGRAPH_TEST_BACKEND must be memory or postgres, not ${TEST_BACKEND}`);
}

/** A data source over a fixture directory, on the test backend (see TEST_BACKEND). */
export async function sourceFor(dataDir = DATA_DIR): Promise<NewsDataSource> {
  if (TEST_BACKEND === 'memory') return loadStore(dataDir);
  const { postgresSourceFor } = await import('./support/postgres.js');
  return postgresSourceFor(dataDir);
}

export async function createTestApi(dataDir = DATA_DIR, options: TestAppOptions = {}) {
  const store = await sourceFor(dataDir);
  const counter = countingSource(store);
  const { yoga } = testApp(counter.source, options);

  async function request(body: unknown, init: RequestInit = {}): Promise<Response> {
    return yoga.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
      ...init,
    });
  }

  async function query<T = Record<string, unknown>>(
    document: string,
    variables?: Record<string, unknown>,
  ): Promise<GraphQLResponse<T>> {
    const response = await request({ query: document, variables });
    return { status: response.status, ...((await response.json()) as object) };
  }

  /** Runs a query that must succeed and returns its data. */
  async function data<T = Record<string, unknown>>(document: string, variables?: Record<string, unknown>): Promise<T> {
    const result = await query<T>(document, variables);
    if (result.errors?.length || !result.data) {
      throw new Error(`query failed (${result.status}): ${JSON.stringify(result.errors)}`);
    }
    return result.data;
  }

  return { yoga, store, counter, request, query, data };
}

/** Copies the real fixtures to a temporary directory, applies `edit` to one file, returns the directory. */
export async function editedFixtures(
  file: string,
  edit: (records: Record<string, unknown>[]) => unknown,
): Promise<string> {
  const directory = await mkdtemp(path.join(tmpdir(), 'newsgraph-fixtures-'));
  const { readdir } = await import('node:fs/promises');
  for (const entry of await readdir(DATA_DIR, { withFileTypes: true })) {
    if (!entry.isFile()) continue; // data/sources holds the articles' source texts, not fixtures
    const name = entry.name;
    await writeFile(path.join(directory, name), await readFile(path.join(DATA_DIR, name), 'utf8'));
  }
  const records = JSON.parse(await readFile(path.join(directory, file), 'utf8')) as Record<string, unknown>[];
  const edited = edit(records);
  await writeFile(
    path.join(directory, file),
    typeof edited === 'string' ? edited : JSON.stringify(edited ?? records, null, 2),
  );
  return directory;
}

export function globalId(typename: string, slug: string): string {
  return Buffer.from(`${typename}:${slug}`).toString('base64');
}

/** A sentence of the July article, quoted by the claims tests write: the loader checks a quote is there, not what it says. */
export const ANY_QUOTE = { article: 'irans-alleged-terror-plot-in-peru', quote: 'Peruvian officials have disclosed' };

/**
 * Rewrites claims.json in `directory` so that `entity`'s `property` (`Event:apec-meeting-2024`, `START_DATE`) is
 * stated by one claim of `value` (quoting `evidence`), or by none (null): what a test that edits an attribute
 * value must do, since the loader requires every value to be the newest claim's.
 */
export async function restate(
  directory: string,
  entity: string,
  property: string,
  value: string | number | null,
  evidence: { article: string; quote: string } = ANY_QUOTE,
): Promise<void> {
  const file = path.join(directory, 'claims.json');
  const claims = (JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>[]).filter(
    (claim) => claim.entity !== entity || claim.property !== property,
  );
  if (value !== null) claims.push({ entity, property, value, evidence: [evidence] });
  await writeFile(file, JSON.stringify(claims, null, 2));
}
