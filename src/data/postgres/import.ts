/**
 * Importing a validated dataset into PostgreSQL as a new dataset version: its tables are bulk-loaded (COPY) into
 * a schema of their own, the rollups and indexes built, and only then, in one transaction, the version is made
 * current and running servers are told (NOTIFY): a server never sees half an import. One import at a time (an
 * advisory lock); a failed import leaves nothing visible and its tables are dropped. Old versions are dropped
 * once two newer ones exist (the previous one stays while servers switch).
 */
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
import { costFactsOf } from './cost-facts.js';
import {
  type ColumnType,
  createTablesSql,
  DATASET_LAYOUT,
  datasetSchema,
  finishTablesSql,
  TABLES,
  type TableSpec,
} from './dataset-tables.js';
import type { DatasetFacts } from './facts.js';
import { matchFormRows } from './match.js';
import { migrate } from './migrate.js';
import { DocumentTerms } from './search-terms.js';

/** The advisory lock an import holds for its whole run (session-level: released if its connection dies). */
export const IMPORT_LOCK = 7_140_002;
/** The channel an import notifies when it makes a version current; the payload is the dataset id. */
export const DATASET_CHANNEL = 'newsgraph_dataset';

/** Another import holds the lock. */
export class ImportBusyError extends Error {
  override name = 'ImportBusyError';
}

export interface ImportProgress {
  /** What is being done: 'articles' (rows), …, then the finishing steps by label. */
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
  /** Called as rows are written and steps finish (the progress bar). A throw aborts the import, as any failure. */
  onProgress?: (progress: ImportProgress) => void | Promise<void>;
  /** Ready versions kept besides the new one (default 1: the previous one, which servers may still be reading). */
  keep?: number;
}

export interface ImportResult {
  id: number;
  version: string;
  ms: number;
  dropped: number[];
}

type Row = (string | number | null | readonly string[])[];

/** A value as PostgreSQL's text input reads it (what COPY's text format and a text[] parameter carry). */
function literalOf(value: Row[number], type: ColumnType): string | null {
  if (value === null) return null;
  if (type === 'text[]') {
    return `{${(value as readonly string[]).map((v) => `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;
  }
  return String(value);
}

/** COPY's text format: backslash escapes for the separators, \N for null. */
function copyField(text: string | null): string {
  if (text === null) return '\\N';
  return text.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

const q = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

/** Rows per INSERT when COPY is not available. */
const INSERT_BATCH = 500;
/** Rows per chunk written to COPY (and between two progress reports). */
const COPY_CHUNK = 2_000;

async function writeRows(
  client: pg.ClientBase,
  schema: string,
  table: TableSpec,
  rows: Iterable<Row>,
  total: number,
  options: ImportOptions,
): Promise<void> {
  const columns = table.columns.map(([name]) => q(name)).join(', ');
  const target = `${q(schema)}.${q(table.name)}`;
  let done = 0;
  const report = async () => options.onProgress?.({ stage: table.name, done, total });
  if (options.copy ?? true) {
    const chunks = async function* () {
      await report();
      let chunk: string[] = [];
      for (const row of rows) {
        chunk.push(table.columns.map(([, type], i) => copyField(literalOf(row[i] ?? null, type))).join('\t'));
        if (chunk.length === COPY_CHUNK) {
          done += chunk.length;
          await report();
          yield `${chunk.join('\n')}\n`;
          chunk = [];
        }
      }
      if (chunk.length) {
        done += chunk.length;
        yield `${chunk.join('\n')}\n`;
      }
      await report();
    };
    await pipeline(Readable.from(chunks()), client.query(copyFrom(`COPY ${target} (${columns}) FROM STDIN`)));
    return;
  }
  const select = table.columns.map(([name, type], i) => `u.c${i}::${type} AS ${q(name)}`).join(', ');
  const unnest = table.columns.map((_, i) => `$${i + 1}::text[]`).join(', ');
  const aliases = table.columns.map((_, i) => `c${i}`).join(', ');
  const sql = `INSERT INTO ${target} (${columns}) SELECT ${select} FROM unnest(${unnest}) AS u(${aliases})`;
  let batch: Row[] = [];
  const flush = async () => {
    if (batch.length === 0) return;
    const parameters = table.columns.map(([, type], i) => batch.map((row) => literalOf(row[i] ?? null, type)));
    await client.query(sql, parameters);
    done += batch.length;
    batch = [];
    await report();
  };
  await report();
  for (const row of rows) {
    batch.push(row);
    if (batch.length === INSERT_BATCH) await flush();
  }
  await flush();
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

function* articleRows(data: Dataset, documents: DocumentTerms) {
  // Articles are numbered after the entities (textIndexInput).
  const first = data.persons.length + data.organizations.length + data.events.length;
  for (const [i, a] of data.articles.entries()) {
    const days = dayRange(a.publishedAt);
    yield [
      a.slug,
      a.headline,
      a.publishedAt,
      a.publishedAtText,
      a.source,
      a.body,
      dateSortKey(a.publishedAt),
      textSortKey(a.headline),
      days.first,
      days.last,
      documents.tsvector(first + i),
      documents.length(1, first + i),
      documents.length(2, first + i),
    ] satisfies Row;
  }
}

function* entityRows(data: Dataset, documents: DocumentTerms) {
  const ancestors = ancestorsOf(data);
  for (const [document, entity] of allEntities(data).entries()) {
    const all = [entity.name, ...entity.aliases];
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
      documents.tsvector(document),
      documents.length(0, document),
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

function relationshipRows<T extends { role?: string | null; evidence: unknown }>(
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
 * Imports `data` (validated by loadDataset) through `client` (a dedicated connection: it holds the import lock).
 * Throws ImportBusyError when another import runs; on any failure drops what it wrote and rethrows.
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
  let id: number | null = null;
  try {
    const inserted = await client.query<{ id: number }>(
      "INSERT INTO newsgraph.datasets (version, layout, status) VALUES ($1, $2, 'loading') RETURNING id",
      [data.version, DATASET_LAYOUT],
    );
    id = inserted.rows[0]?.id as number;
    const schema = datasetSchema(id);
    await client.query(createTablesSql(schema));

    await options.onProgress?.({ stage: 'search terms', done: 0, total: 1 });
    const documents = new DocumentTerms(allEntities(data), data.articles);
    const write = (table: TableSpec, rows: Iterable<Row>, total: number) =>
      writeRows(client, schema, table, rows, total, options);
    await write(TABLES.articles, articleRows(data, documents), data.articles.length);
    const entityCount = data.persons.length + data.organizations.length + data.events.length;
    await write(TABLES.entities, entityRows(data, documents), entityCount);
    await write(TABLES.mentions, mentionRows(data), data.mentions.length);
    await write(
      TABLES.affiliations,
      relationshipRows(data.affiliations, (r) => [r.person, r.organization, r.role]),
      data.affiliations.length,
    );
    await write(
      TABLES.participations,
      relationshipRows(data.participations, (r) => [r.person, r.event, r.role]),
      data.participations.length,
    );
    await write(
      TABLES.involvements,
      relationshipRows(data.involvements, (r) => [r.organization, r.event, r.role]),
      data.involvements.length,
    );
    await write(
      TABLES.organizationRelations,
      relationshipRows(data.organizationRelations, (r) => [r.from, r.to, r.kind]),
      data.organizationRelations.length,
    );
    await write(
      TABLES.eventRelations,
      relationshipRows(data.eventRelations, (r) => [r.from, r.to, r.relation]),
      data.eventRelations.length,
    );
    await write(TABLES.claims, claimRows(data), data.claims.length);
    await write(
      TABLES.matchForms,
      matchFormRows(allEntities(data)) as Iterable<Row>,
      allEntities(data).reduce((forms, entity) => forms + nameForms(entity).length, 0),
    );
    await write(
      TABLES.searchTerms,
      (function* () {
        for (const [id, term] of documents.terms.entries()) yield [term, ...documents.frequencies(id)] satisfies Row;
      })(),
      documents.terms.length,
    );
    const steps = finishTablesSql(schema);
    for (const [i, step] of steps.entries()) {
      await options.onProgress?.({ stage: step.label, done: i, total: steps.length });
      await client.query(step.sql);
    }
    const facts: DatasetFacts = {
      stats: corpusStatsOf(data),
      costFacts: costFactsOf(data),
      search: {
        names: { documents: documents.fields[0].documentsWithField, totalLength: documents.fields[0].totalLength },
        headline: { documents: documents.fields[1].documentsWithField, totalLength: documents.fields[1].totalLength },
        body: { documents: documents.fields[2].documentsWithField, totalLength: documents.fields[2].totalLength },
      },
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
    await client.query('SELECT pg_advisory_unlock($1)', [IMPORT_LOCK]).catch(() => undefined);
  }
}
