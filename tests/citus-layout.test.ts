/**
 * docs/citus-layout.sql, the Citus layout docs/scaling.md describes, checked without Citus (not installable here):
 * run on an ordinary PostgreSQL (PGlite in npm test) against a dataset version's tables as the import makes them,
 * with stand-ins for create_distributed_table, create_reference_table and truncate_local_data_after_distributing_
 * table that enforce what Citus would refuse: an unknown distribution column, a colocation across columns of
 * another type or collation, a primary key without the distribution column, a table distributed twice. The file
 * must name every table of the version exactly once. This says the file fits the tables; not that Citus ran it.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTablesSql, finishTablesSql } from '../src/data/postgres/dataset-tables.js';
import { startTestDatabase, type TestDatabase } from './support/postgres.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const LAYOUT = readFileSync(path.join(ROOT, 'docs/citus-layout.sql'), 'utf8');
const SCHEMA = 'newsgraph_d1';

/** Citus's three functions, as far as their refusals go; every call recorded in public.citus_calls. */
const STAND_INS = `
CREATE TABLE public.citus_calls (call text NOT NULL, tbl regclass NOT NULL, col text, colocated regclass);

CREATE FUNCTION public.create_distributed_table(table_name regclass, distribution_column text,
    distribution_type text DEFAULT 'hash', colocate_with text DEFAULT 'default') RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  col record;
  other record;
  target regclass;
BEGIN
  IF EXISTS (SELECT 1 FROM public.citus_calls WHERE tbl = table_name AND call <> 'truncate') THEN
    RAISE EXCEPTION 'table % is already distributed', table_name;
  END IF;
  SELECT attnum, atttypid, attcollation INTO col FROM pg_attribute
    WHERE attrelid = table_name AND attname = distribution_column AND NOT attisdropped;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'column "%" of relation % does not exist', distribution_column, table_name;
  END IF;
  IF EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = table_name AND contype IN ('p', 'u')
               AND NOT (col.attnum = ANY (conkey))) THEN
    RAISE EXCEPTION 'cannot create constraint on %: a unique constraint must include the distribution column', table_name;
  END IF;
  IF colocate_with NOT IN ('default', 'none') THEN
    target := colocate_with::regclass;
    SELECT a.atttypid, a.attcollation INTO other FROM public.citus_calls c
      JOIN pg_attribute a ON a.attrelid = c.tbl AND a.attname = c.col
      WHERE c.tbl = target AND c.call = 'distributed';
    IF NOT FOUND THEN
      RAISE EXCEPTION 'cannot colocate with %: it is not a distributed table', target;
    END IF;
    IF other.atttypid <> col.atttypid OR other.attcollation <> col.attcollation THEN
      RAISE EXCEPTION 'cannot colocate tables % and %: distribution column types or collations do not match', table_name, target;
    END IF;
  END IF;
  INSERT INTO public.citus_calls VALUES ('distributed', table_name, distribution_column, target);
END $$;

CREATE FUNCTION public.create_reference_table(table_name regclass) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM public.citus_calls WHERE tbl = table_name AND call <> 'truncate') THEN
    RAISE EXCEPTION 'table % is already distributed', table_name;
  END IF;
  INSERT INTO public.citus_calls VALUES ('reference', table_name, NULL, NULL);
END $$;

CREATE FUNCTION public.truncate_local_data_after_distributing_table(function_name regclass) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
  IF NOT EXISTS (SELECT 1 FROM public.citus_calls WHERE tbl = function_name AND call <> 'truncate') THEN
    RAISE EXCEPTION 'table % is not a distributed table', function_name;
  END IF;
  INSERT INTO public.citus_calls VALUES ('truncate', function_name, NULL, NULL);
END $$;
`;

let database: TestDatabase;
let db: pg.Client;

beforeAll(async () => {
  database = await startTestDatabase();
  db = new pg.Client({ connectionString: database.url });
  await db.connect();
  // A dataset version's tables, as the import creates them (empty: the stand-ins look at their definitions).
  await db.query(createTablesSql(SCHEMA));
  for (const { sql } of finishTablesSql(SCHEMA)) await db.query(sql);
  await db.query(STAND_INS);
}, 120_000);

afterAll(async () => {
  await db?.end();
  await database?.close();
});

describe('docs/citus-layout.sql (not run on Citus: stand-ins check it against the tables)', () => {
  it('the stand-ins refuse what Citus refuses', async () => {
    const refused = (sql: string) =>
      db.query(sql).then(
        () => 'accepted',
        (error: Error) => error.message,
      );
    expect(await refused(`SELECT create_distributed_table('${SCHEMA}.entities', 'nope')`)).toMatch(/does not exist/);
    expect(await refused(`SELECT create_distributed_table('${SCHEMA}.entities', 'type')`)).toMatch(
      /must include the distribution column/,
    );
    expect(
      await refused(
        `SELECT create_distributed_table('${SCHEMA}.claims', 'article', colocate_with => '${SCHEMA}.entities')`,
      ),
    ).toMatch(/not a distributed table/);
    expect(await refused(`SELECT truncate_local_data_after_distributing_table('${SCHEMA}.claims')`)).toMatch(
      /not a distributed table/,
    );
    await db.query('BEGIN');
    try {
      await db.query(`SELECT create_distributed_table('${SCHEMA}.articles', 'slug')`);
      // claims.start is an integer: not colocatable with a text slug.
      expect(
        await refused(
          `SELECT create_distributed_table('${SCHEMA}.claims', 'start', colocate_with => '${SCHEMA}.articles')`,
        ),
      ).toMatch(/types or collations do not match/);
    } finally {
      await db.query('ROLLBACK');
    }
    expect((await db.query('SELECT count(*)::int AS n FROM public.citus_calls')).rows[0].n).toBe(0);
  });

  it('distributes articles, mentions and article_entities by article, colocated; every other table is a reference table; each once', async () => {
    await db.query(LAYOUT.replaceAll(':"schema"', `"${SCHEMA}"`));
    const { rows: tables } = await db.query<{ name: string }>(
      `SELECT tablename AS name FROM pg_tables WHERE schemaname = $1 ORDER BY tablename`,
      [SCHEMA],
    );
    const { rows: calls } = await db.query<{
      call: string;
      name: string;
      col: string | null;
      colocated: string | null;
    }>(
      `SELECT call, c.relname AS name, col, o.relname AS colocated FROM public.citus_calls
         JOIN pg_class c ON c.oid = tbl LEFT JOIN pg_class o ON o.oid = colocated ORDER BY call, c.relname`,
    );
    const placed = calls.filter((c) => c.call !== 'truncate');
    expect(placed.map((c) => c.name).sort()).toEqual(tables.map((t) => t.name));
    expect(placed.filter((c) => c.call === 'distributed')).toEqual([
      { call: 'distributed', name: 'article_entities', col: 'article', colocated: 'articles' },
      { call: 'distributed', name: 'articles', col: 'slug', colocated: null },
      { call: 'distributed', name: 'mentions', col: 'article', colocated: 'articles' },
      { call: 'distributed', name: 'title_postings', col: 'slug', colocated: 'articles' },
    ]);
    expect(placed.filter((c) => c.call === 'reference').map((c) => c.name)).toEqual([
      'affiliations',
      'claims',
      'co_mentions',
      'corpus_periods',
      'entities',
      'entity_periods',
      'event_relations',
      'involvements',
      'match_forms',
      'organization_relations',
      'participations',
      'search_terms',
    ]);
    expect(calls.filter((c) => c.call === 'truncate').map((c) => c.name)).toEqual(tables.map((t) => t.name));
  });
});
