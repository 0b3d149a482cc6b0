/**
 * Importing a validated dataset into PostgreSQL as a new dataset version: its tables are bulk-loaded (COPY) into
 * a schema of their own, the rollups and indexes built, and only then, in one transaction, the version is made
 * current and running servers are told (NOTIFY): a server never sees half an import. One import at a time (an
 * advisory lock); a failed import leaves nothing visible and its tables are dropped. Old versions are dropped
 * once two newer ones exist (the previous one stays while servers switch).
 */
import { availableParallelism } from 'node:os';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { claimPosition, dateSortKey, foldText, textSortKey } from '../contract.js';
import { dayRange } from '../dates.js';
import { allEntities, corpusStatsOf, type Dataset } from '../load-fixtures.js';
import { nameForms } from '../match.js';
import { foldForSearch } from '../memory/text-index.js';
import { type EntityRecord, entityKeyString } from '../records.js';
import { ArticleRowWorkers, type CopyChunk } from './article-rows.js';
import { costFactsOf } from './cost-facts.js';
import {
  createTablesSql,
  DATASET_LAYOUT,
  datasetSchema,
  type FinishingStep,
  finishTablesSql,
  TABLES,
  type TableSpec,
} from './dataset-tables.js';
import type { DatasetFacts } from './facts.js';
import { matchFormRows } from './match.js';
import { migrate } from './migrate.js';
import { articleRow, copyLine, literalOf, type Row } from './rows.js';
import { mergeTermCounts, TermCounter, type TermCounts } from './search-terms.js';

/** The advisory lock an import holds for its whole run (session-level: released if its connection dies). */
export const IMPORT_LOCK = 7_140_002;
/** The channel an import notifies when it makes a version current; the payload is the dataset id. */
export const DATASET_CHANNEL = 'newsgraph_dataset';

/** Another import holds the lock. */
export class ImportBusyError extends Error {
  override name = 'ImportBusyError';
}

export interface ImportProgress {
  /** What is being done: a table being written ('articles', …: rows) or a finishing step by label (0 or 1 of 1). */
  stage: string;
  done: number;
  total: number;
}

export interface ImportOptions {
  /**
   * Bulk-load with COPY FROM STDIN (default). PGlite's socket server does not speak COPY's sub-protocol: the tests
   * load it with batched INSERT … SELECT FROM unnest instead (the same rows and the same SQL after the load).
   */
  copy?: boolean;
  /**
   * Called as rows are written and steps start and finish (the progress bar); with `connect`, stages overlap. A
   * throw aborts the import, as any failure.
   */
  onProgress?: (progress: ImportProgress) => void | Promise<void>;
  /** Ready versions kept besides the new one (default 1: the previous one, which servers may still be reading). */
  keep?: number;
  /**
   * Opens another connection to the same database. With it the import works on CONNECTIONS of them at once: the
   * articles on two COPY streams while the other tables load on a third, then the finishing steps whose waits
   * are over side by side. Without it, everything runs on `client`, one step after another (PGlite: one session).
   */
  connect?: () => Promise<pg.Client>;
  /** Worker threads making the articles' COPY text (default: the cores, at most 4; 0: in this thread). */
  threads?: number;
}

export interface ImportResult {
  id: number;
  version: string;
  ms: number;
  dropped: number[];
}

/**
 * Connections an import works on besides its own (with `connect`): two article streams and one for the other
 * tables; in the finishing, four steps at a time, so that a long one (the articles' search index) never holds
 * back the chains of short ones on a 2-core machine.
 */
const CONNECTIONS = 4;

/**
 * Session settings of the connections that load and finish (their own sessions: nothing a server reads). lz4
 * compresses the bodies and tsvectors that TOAST keeps several times faster than the default pglz (where the server
 * was built without lz4 the setting is refused and pglz stays). Index builds get at least 256 MB of sort memory;
 * no parallel workers, since the import already keeps the cores busy with steps side by side.
 */
const SESSION_SETTINGS: Record<string, string> = {
  synchronous_commit: 'SET synchronous_commit = off',
  max_parallel_maintenance_workers: 'SET max_parallel_maintenance_workers = 0',
  maintenance_work_mem: `SELECT set_config('maintenance_work_mem', '256MB', false) FROM pg_settings
                         WHERE name = 'maintenance_work_mem' AND setting::bigint < 262144`,
  default_toast_compression: "SET default_toast_compression = 'lz4'",
  // A step whose importer died ends within a second instead of running to its end (PostgreSQL 14 and later).
  client_connection_check_interval: "SET client_connection_check_interval = '1s'",
};

const q = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

/** Rows per INSERT when COPY is not available. */
const INSERT_BATCH = 500;
/** Rows per chunk written to COPY (and between two progress reports). */
const COPY_CHUNK = 2_000;

/** Streams chunks of COPY text into `table` until `next` gives null; `onRows` hears of each chunk written. */
async function copyChunks(
  client: pg.ClientBase,
  schema: string,
  table: TableSpec,
  next: () => Promise<CopyChunk | null>,
  onRows: (rows: number) => void | Promise<void>,
): Promise<void> {
  const columns = table.columns.map(([name]) => q(name)).join(', ');
  const chunks = async function* () {
    for (let chunk = await next(); chunk !== null; chunk = await next()) {
      yield chunk.text;
      await onRows(chunk.rows);
    }
  };
  await pipeline(
    Readable.from(chunks()),
    client.query(copyFrom(`COPY ${q(schema)}.${q(table.name)} (${columns}) FROM STDIN`)),
  );
}

/** Chunks of COPY text of `rows`, made here as they are asked for. */
function chunksOf(table: TableSpec, rows: Iterable<Row>): () => Promise<CopyChunk | null> {
  const iterator = rows[Symbol.iterator]();
  return async () => {
    // A turn of the event loop first: awaiting only promises, the COPY pipeline would run chunk after chunk in
    // microtasks and starve the other connections' replies and the article workers' batches (seen at 1M: a
    // 1-second index step took as long as the 7.5M mentions' load beside it).
    await new Promise((resolve) => setImmediate(resolve));
    let text = '';
    let count = 0;
    for (let row = iterator.next(); !row.done; row = iterator.next()) {
      text += `${copyLine(table, row.value)}\n`;
      if (++count === COPY_CHUNK) break;
    }
    return count === 0 ? null : { text: Buffer.from(text), rows: count };
  };
}

/** Batched INSERT … SELECT FROM unnest of text[] parameters: where COPY is not spoken (PGlite). */
async function insertRows(
  client: pg.ClientBase,
  schema: string,
  table: TableSpec,
  rows: Iterable<Row>,
  onRows: (rows: number) => void | Promise<void>,
): Promise<void> {
  const columns = table.columns.map(([name]) => q(name)).join(', ');
  const select = table.columns.map(([name, type], i) => `u.c${i}::${type} AS ${q(name)}`).join(', ');
  const unnest = table.columns.map((_, i) => `$${i + 1}::text[]`).join(', ');
  const aliases = table.columns.map((_, i) => `c${i}`).join(', ');
  const sql = `INSERT INTO ${q(schema)}.${q(table.name)} (${columns}) SELECT ${select} FROM unnest(${unnest}) AS u(${aliases})`;
  let batch: Row[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const parameters = table.columns.map(([, type], i) => batch.map((row) => literalOf(row[i] ?? null, type)));
    await client.query(sql, parameters);
    const written = batch.length;
    batch = [];
    await onRows(written);
  };
  for (const row of rows) {
    batch.push(row);
    if (batch.length === INSERT_BATCH) await flush();
  }
  await flush();
}

/**
 * The connections an import loads and finishes on: `run` waits for a free one. `abort` refuses what has not
 * started and cancels the statements running (through the import's own connection), so that a failure anywhere
 * ends the others at once and the import's tables can be dropped.
 */
class Lanes {
  private readonly free: pg.ClientBase[];
  /** Tasks waiting for a connection, the most urgent (lowest rank) first. */
  private readonly waiting: { rank: number; resume: (client: pg.ClientBase) => void }[] = [];
  private readonly busy = new Set<pg.ClientBase>();
  private aborted: Error | null = null;
  private onAbort: (error: Error) => void = () => undefined;
  /** Rejects when the lanes are aborted: what every wait races against, so that none is left hanging. */
  private readonly abortion = new Promise<never>((_, reject) => {
    this.onAbort = reject;
  });

  constructor(
    readonly clients: readonly { client: pg.ClientBase; pid: number }[],
    private readonly control: pg.ClientBase,
  ) {
    this.free = clients.map(({ client }) => client);
  }

  get size(): number {
    return this.clients.length;
  }

  /** `promise`, or the failure that aborted the lanes first. */
  until<T>(promise: Promise<T>): Promise<T> {
    return Promise.race([promise, this.abortion]);
  }

  /** Runs `task` on the next free connection; tasks waiting for one get it by `rank` (lowest first). */
  async run<T>(task: (client: pg.ClientBase) => Promise<T>, rank = 0): Promise<T> {
    if (this.aborted) throw this.aborted;
    const client =
      this.free.pop() ??
      (await new Promise<pg.ClientBase>((resume) => {
        const at = this.waiting.findIndex((waiter) => waiter.rank > rank);
        this.waiting.splice(at < 0 ? this.waiting.length : at, 0, { rank, resume });
      }));
    if (this.aborted) {
      this.release(client);
      throw this.aborted;
    }
    this.busy.add(client);
    try {
      return await task(client);
    } finally {
      this.busy.delete(client);
      this.release(client);
    }
  }

  /** Runs the tasks side by side; the first failure aborts the others, and is thrown once all have ended. */
  async all(tasks: readonly (() => Promise<unknown>)[]): Promise<void> {
    const failures: unknown[] = [];
    await Promise.all(
      tasks.map((task) =>
        task().catch(async (error) => {
          failures.push(error);
          await this.abort(error as Error);
        }),
      ),
    );
    if (failures.length) throw failures[0];
  }

  private async abort(error: Error): Promise<void> {
    if (this.aborted) return;
    this.aborted = error;
    this.abortion.catch(() => undefined);
    this.onAbort(error);
    const running = this.clients.filter(({ client }) => this.busy.has(client) && client !== this.control);
    if (running.length) {
      await this.control
        .query('SELECT pg_cancel_backend(pid) FROM unnest($1::integer[]) AS pid', [running.map(({ pid }) => pid)])
        .catch(() => undefined);
    }
  }

  private release(client: pg.ClientBase): void {
    const next = this.waiting.shift();
    if (next) next.resume(client);
    else this.free.push(client);
  }
}

/** A promise resolved from outside (a table loaded, a step done); a rejection nobody awaits is not unhandled. */
function signal(): { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void } {
  let resolve: () => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const promise = new Promise<void>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/** The dataset tables a statement names (`"newsgraph_d7".articles`), loaded or made by a step. */
function tablesNamed(schema: string, sql: string): string[] {
  const prefix = `${q(schema)}.`;
  const names = new Set<string>();
  for (let at = sql.indexOf(prefix); at >= 0; at = sql.indexOf(prefix, at + 1)) {
    const name = /^(?:"([^"]+)"|(\w+))/.exec(sql.slice(at + prefix.length));
    if (name) names.add((name[1] ?? name[2]) as string);
  }
  return [...names];
}

/**
 * The finishing steps as tasks for the lanes: each starts once the tables it names are loaded (so the mentions'
 * indexes and rollups run while the articles still load) and its waits are over (FinishingStep.after). When
 * several wait for a connection, the one more steps wait for (directly or not) goes first, then the one listed
 * first: the long chains (the article keys, then the search index; the article-entity rollup, then the counts and
 * co-mentions) start early.
 */
function stepTasks(
  lanes: Lanes,
  schema: string,
  steps: readonly FinishingStep[],
  loaded: (table: string) => Promise<void> | undefined,
  report: (stage: string, done: number, total: number) => Promise<void>,
): (() => Promise<void>)[] {
  const waitsOf = steps.map((step, i) => step.after ?? steps.slice(0, i).map((before) => before.label));
  const labels = steps.map((step) => step.label);
  for (const label of waitsOf.flat()) {
    if (!labels.includes(label)) throw new Error(`a finishing step waits for "${label}", which is not a step`);
  }
  /** The steps that wait for step `i`, directly or through others. */
  const waitingFor = (i: number, seen = new Set<number>()): Set<number> => {
    waitsOf.forEach((waits, j) => {
      if (!seen.has(j) && waits.includes(labels[i] as string)) {
        seen.add(j);
        waitingFor(j, seen);
      }
    });
    return seen;
  };
  const finished = new Map(steps.map((step) => [step.label, signal()]));
  return steps.map((step, i) => async () => {
    const done = finished.get(step.label) as ReturnType<typeof signal>;
    try {
      const waits = [
        ...tablesNamed(schema, step.sql).map(loaded),
        ...(waitsOf[i] as string[]).map((label) => finished.get(label)?.promise),
      ];
      await lanes.until(Promise.all(waits));
      await lanes.run(
        async (client) => {
          await report(step.label, 0, 1);
          await client.query(step.sql);
          await report(step.label, 1, 1);
        },
        i - steps.length * waitingFor(i).size,
      );
      done.resolve();
    } catch (error) {
      done.reject(error);
      throw error;
    }
  });
}

/** Each organization's chain of parents (PART_OF), nearest first (the validator refuses cycles). */
function ancestorsOf(data: Dataset): Map<string, string[]> {
  const parentOf = new Map(data.organizationRelations.filter((r) => r.kind === 'PART_OF').map((r) => [r.from, r.to]));
  return new Map(
    data.organizations.map((o) => {
      const chain: string[] = [];
      for (let next = parentOf.get(o.slug); next !== undefined; next = parentOf.get(next)) chain.push(next);
      return [o.slug, chain];
    }),
  );
}

function* entityRows(data: Dataset, terms: TermCounter) {
  const ancestors = ancestorsOf(data);
  for (const entity of allEntities(data)) {
    const all = [entity.name, ...entity.aliases];
    const tsvector = terms.entity(all);
    const e = entity as EntityRecord & Record<string, unknown>;
    const startDate = entity.type === 'Event' ? entity.startDate : null;
    const endDate = entity.type === 'Event' ? entity.endDate : null;
    yield [
      entityKeyString(entity),
      entity.type,
      entity.slug,
      JSON.stringify(entity),
      entity.name,
      entity.aliases,
      textSortKey(entity.name),
      all.map(foldText).join('\n'),
      [...new Set(all.map((name) => foldForSearch(name).trim()))],
      tsvector,
      terms.lengths[0],
      entity.type === 'Person' ? entity.nationalities : null,
      (e.kind as string | undefined) ?? null,
      entity.type === 'Organization' ? entity.country : null,
      entity.type === 'Organization' ? (ancestors.get(entity.slug) ?? []) : null,
      entity.type === 'Event' && entity.location ? foldText(entity.location) : null,
      dateSortKey(startDate),
      startDate ? dayRange(startDate).first : null,
      startDate ? dayRange(endDate ?? startDate).last : null,
    ] satisfies Row;
  }
}

function* mentionRows(data: Dataset) {
  const published = new Map(data.articles.map((a) => [a.slug, a.publishedAt]));
  for (const m of data.mentions) {
    const at = published.get(m.article) ?? '';
    yield [
      m.article,
      entityKeyString(m.entity),
      m.text,
      m.start,
      m.end,
      dateSortKey(at),
      dayRange(at).first,
    ] satisfies Row;
  }
}

function relationshipRows<T extends { evidence: unknown }>(
  records: readonly T[],
  ends: (record: T) => [string, string, string | null],
) {
  return records.map((record, i) => [i, ...ends(record), JSON.stringify(record.evidence)] satisfies Row);
}

/** Claims: the record as the contract answers it, and its position's parts (claimPosition). */
function* claimRows(data: Dataset) {
  for (const claim of data.claims) {
    const [asOf, article, start, entity, rank, value] = claimPosition(claim);
    yield [entity, article, claim.property, JSON.stringify(claim), asOf, start, rank, value] as Row;
  }
}

/** The tables loaded from the dataset's lists besides the articles, in load order, with their rows and counts. */
function otherTables(
  data: Dataset,
  entityTerms: TermCounter,
): { table: TableSpec; rows: () => Iterable<Row>; total: number }[] {
  const entities = allEntities(data);
  const relationships = <T extends { evidence: unknown }>(
    table: TableSpec,
    records: readonly T[],
    ends: (record: T) => [string, string, string | null],
  ) => ({ table, rows: () => relationshipRows(records, ends), total: records.length });
  return [
    { table: TABLES.entities, rows: () => entityRows(data, entityTerms), total: entities.length },
    { table: TABLES.mentions, rows: () => mentionRows(data), total: data.mentions.length },
    relationships(TABLES.affiliations, data.affiliations, (r) => [r.person, r.organization, r.role]),
    relationships(TABLES.participations, data.participations, (r) => [r.person, r.event, r.role]),
    relationships(TABLES.involvements, data.involvements, (r) => [r.organization, r.event, r.role]),
    relationships(TABLES.organizationRelations, data.organizationRelations, (r) => [r.from, r.to, r.kind]),
    relationships(TABLES.eventRelations, data.eventRelations, (r) => [r.from, r.to, r.relation]),
    { table: TABLES.claims, rows: () => claimRows(data), total: data.claims.length },
    {
      table: TABLES.matchForms,
      rows: () => matchFormRows(entities) as Iterable<Row>,
      total: entities.reduce((forms, entity) => forms + nameForms(entity).length, 0),
    },
  ];
}

function* searchTermRows(frequencies: Map<string, [number, number, number]>) {
  for (const [term, counts] of frequencies) yield [term, ...counts] satisfies Row;
}

/** Who holds the import lock, for the refusal's message. */
async function lockHolder(client: pg.ClientBase): Promise<string> {
  const result = await client.query<{ pid: number; since: Date | null; address: string | null }>(
    `SELECT l.pid, a.backend_start AS since, a.client_addr::text AS address
     FROM pg_locks l LEFT JOIN pg_stat_activity a ON a.pid = l.pid
     WHERE l.locktype = 'advisory' AND l.objid = $1 AND l.granted LIMIT 1`,
    [IMPORT_LOCK],
  );
  const row = result.rows[0];
  if (!row) return 'another import';
  return `the import of backend ${row.pid}${row.since ? ` (connected since ${row.since.toISOString()})` : ''}`;
}

/** Drops the dataset schemas no server reads any longer: all but the current one and `keep` before it. */
async function dropOldVersions(client: pg.ClientBase, current: number, keep: number): Promise<number[]> {
  const result = await client.query<{ id: number }>(
    `SELECT id FROM newsgraph.datasets WHERE id <> $1 AND (status = 'loading' OR id NOT IN (
       SELECT id FROM newsgraph.datasets WHERE status = 'ready' AND id <> $1 ORDER BY id DESC LIMIT $2))`,
    [current, keep],
  );
  const dropped: number[] = [];
  for (const { id } of result.rows) {
    await client.query(`DROP SCHEMA IF EXISTS ${q(datasetSchema(id))} CASCADE`);
    await client.query('DELETE FROM newsgraph.datasets WHERE id = $1', [id]);
    dropped.push(id);
  }
  return dropped;
}

/**
 * Imports `data` (validated by loadDataset) through `client` (a dedicated connection: it holds the import lock),
 * and with `options.connect` on connections of its own besides. Throws ImportBusyError when another import runs;
 * on any failure drops what it wrote and rethrows.
 */
export async function importDataset(
  client: pg.ClientBase,
  data: Dataset,
  options: ImportOptions = {},
): Promise<ImportResult> {
  const started = performance.now();
  await migrate(client);
  const locked = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [IMPORT_LOCK]);
  if (!locked.rows[0]?.locked) {
    throw new ImportBusyError(
      `another import is running (${await lockHolder(client)}): nothing was written; try again when it has finished`,
    );
  }
  const copy = options.copy ?? true;
  const threads = copy ? (options.threads ?? Math.min(4, availableParallelism())) : 0;
  let id: number | null = null;
  const opened: pg.Client[] = [];
  const pools: ArticleRowWorkers[] = [];
  try {
    const inserted = await client.query<{ id: number }>(
      "INSERT INTO newsgraph.datasets (version, layout, status) VALUES ($1, $2, 'loading') RETURNING id",
      [data.version, DATASET_LAYOUT],
    );
    id = inserted.rows[0]?.id as number;
    const schema = datasetSchema(id);
    await client.query(createTablesSql(schema));

    // The lanes: connections of their own, or this one (then its settings are reset at the end).
    const connections: pg.ClientBase[] = [];
    if (options.connect) {
      for (let i = 0; i < CONNECTIONS; i++) {
        const opening = await options.connect();
        opened.push(opening);
        connections.push(opening);
      }
    } else connections.push(client);
    const lanes = new Lanes(
      await Promise.all(
        connections.map(async (connection) => {
          for (const sql of Object.values(SESSION_SETTINGS)) await connection.query(sql).catch(() => undefined);
          const pid = await connection.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
          return { client: connection, pid: pid.rows[0]?.pid as number };
        }),
      ),
      client,
    );

    const done = new Map<string, number>();
    const report = async (stage: string, written: number, total: number) =>
      options.onProgress?.({ stage, done: written, total });
    const progress = (table: TableSpec, total: number) => {
      done.set(table.name, 0);
      return async (rows: number) => {
        const sum = (done.get(table.name) ?? 0) + rows;
        done.set(table.name, sum);
        await report(table.name, sum, total);
      };
    };
    const write = async (lane: pg.ClientBase, table: TableSpec, rows: Iterable<Row>, total: number) => {
      const onRows = progress(table, total);
      await report(table.name, 0, total);
      if (copy) await copyChunks(lane, schema, table, chunksOf(table, rows), onRows);
      else await insertRows(lane, schema, table, rows, onRows);
    };

    // One graph of tasks on the lanes. The load: the articles (their COPY text made by the workers) on up to two
    // streams, the other tables on another lane, then the search terms (counted by all); the finishing steps as soon
    // as the tables they read are loaded.
    const loaded = new Map<string, ReturnType<typeof signal>>(
      Object.values(TABLES).map((table) => [table.name, signal()]),
    );
    const loading = async (table: TableSpec, load: () => Promise<void>) => {
      await load();
      loaded.get(table.name)?.resolve();
    };
    const FIRST = -1e9; // the load goes before any finishing step
    const articleTerms: TermCounts[] = [];
    const entityTerms = new TermCounter();
    const articlesLoaded = async () => {
      if (threads > 0) {
        const pool = new ArticleRowWorkers(data.articles, threads);
        pools.push(pool);
        const onRows = progress(TABLES.articles, data.articles.length);
        await report(TABLES.articles.name, 0, data.articles.length);
        const streams = Math.max(1, Math.min(2, lanes.size - 1));
        await Promise.all(
          Array.from({ length: streams }, () =>
            lanes.run((lane) => copyChunks(lane, schema, TABLES.articles, () => pool.take(), onRows), FIRST),
          ),
        );
        articleTerms.push(...(await pool.finish()));
      } else {
        const terms = new TermCounter();
        const rows = (function* () {
          for (const article of data.articles) yield articleRow(article, terms);
        })();
        await lanes.run((lane) => write(lane, TABLES.articles, rows, data.articles.length), FIRST);
        articleTerms.push(terms.result());
      }
    };
    const counted: { terms?: ReturnType<typeof mergeTermCounts> } = {};
    const load = [
      () => loading(TABLES.articles, articlesLoaded),
      () =>
        lanes.run(async (lane) => {
          for (const { table, rows, total } of otherTables(data, entityTerms)) {
            await loading(table, () => write(lane, table, rows(), total));
          }
        }, FIRST),
      async () => {
        const countedBy = [TABLES.articles, TABLES.entities].map((table) => loaded.get(table.name)?.promise);
        await lanes.until(Promise.all(countedBy));
        const merged = mergeTermCounts([entityTerms.result(), ...articleTerms]);
        counted.terms = merged;
        await lanes.run(
          (lane) =>
            loading(TABLES.searchTerms, () =>
              write(lane, TABLES.searchTerms, searchTermRows(merged.frequencies), merged.frequencies.size),
            ),
          FIRST,
        );
      },
    ];
    const finishing = stepTasks(lanes, schema, finishTablesSql(schema), (table) => loaded.get(table)?.promise, report);
    await lanes.all([...load, ...finishing]);
    const fields = counted.terms?.fields;
    if (!fields) throw new Error('the search terms were not counted');

    const facts: DatasetFacts = {
      stats: corpusStatsOf(data),
      costFacts: costFactsOf(data),
      search: { names: fields[0], headline: fields[1], body: fields[2] },
    };
    // The switch: one transaction, so a server reads the old version or the new one, whole.
    await client.query('BEGIN');
    try {
      await client.query("UPDATE newsgraph.datasets SET status = 'ready', ready_at = now(), facts = $2 WHERE id = $1", [
        id,
        JSON.stringify(facts),
      ]);
      await client.query(
        `INSERT INTO newsgraph.current (singleton, dataset) VALUES (true, $1)
         ON CONFLICT (singleton) DO UPDATE SET dataset = excluded.dataset`,
        [id],
      );
      await client.query(`SELECT pg_notify('${DATASET_CHANNEL}', $1)`, [String(id)]);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    const dropped = await dropOldVersions(client, id, options.keep ?? 1);
    return { id, version: data.version, ms: performance.now() - started, dropped };
  } catch (error) {
    if (id !== null) {
      // Nothing of a failed import stays: its schema and its row (never current: the switch is the last step).
      await client.query(`DROP SCHEMA IF EXISTS ${q(datasetSchema(id))} CASCADE`).catch(() => undefined);
      await client
        .query("DELETE FROM newsgraph.datasets WHERE id = $1 AND status = 'loading'", [id])
        .catch(() => undefined);
    }
    throw error;
  } finally {
    await Promise.all(pools.map((pool) => pool.close()));
    // Without connections of its own the import's session settings were the caller's connection's.
    if (!options.connect) {
      for (const name of Object.keys(SESSION_SETTINGS)) await client.query(`RESET ${name}`).catch(() => undefined);
    }
    await Promise.all(opened.map((connection) => connection.end().catch(() => undefined)));
    await client.query('SELECT pg_advisory_unlock($1)', [IMPORT_LOCK]).catch(() => undefined);
  }
}
