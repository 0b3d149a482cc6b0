/**
 * The tables of one dataset version, in a schema of their own (`newsgraph_d<id>`): written once by an import,
 * read by servers while it is current, dropped when two newer ones exist. Datasets are immutable, so their
 * layout is not migrated: a new layout is a new DATASET_LAYOUT and a new import (servers refuse another layout).
 *
 * Sort keys are stored as computed by the contract's functions (textSortKey, dateSortKey) and compared with
 * COLLATE "C" (code units, as the contract orders them). Entity keys are their string form (`Person:slug`).
 * Search terms are tsvectors written by the import with the memory index's own tokenizer (see search-terms.ts).
 *
 * Citus: articles, mentions and article_entities are distributed by article (`slug`/`article`), entities and
 * the small relationship, rollup and term tables are reference tables (docs/scaling.md).
 */

import { queryLexemes, titlePostingRankSql } from './search.js';
import { BODY_POSITION_BASE } from './search-terms.js';

/**
 * 2: claims and match forms (issue 14). 3: title postings and each term's article count (search.ts). 4: period
 * rollups (years, months, days) and co-mention counts.
 */
export const DATASET_LAYOUT = 4;

export function datasetSchema(id: number): string {
  return `newsgraph_d${id}`;
}

export type ColumnType = 'text' | 'integer' | 'json' | 'text[]' | 'tsvector';

export interface TableSpec {
  name: string;
  columns: readonly (readonly [string, ColumnType])[];
}

/** The tables the import fills row by row (COPY), in load order. Rollups are then computed in SQL. */
export const TABLES = {
  articles: {
    name: 'articles',
    columns: [
      ['slug', 'text'],
      ['headline', 'text'],
      ['published_at', 'text'],
      ['published_at_text', 'text'],
      ['source', 'text'],
      ['body', 'text'],
      ['published_key', 'text'],
      ['headline_key', 'text'],
      ['day_first', 'text'],
      ['day_last', 'text'],
      ['terms', 'tsvector'],
      ['headline_length', 'integer'],
      ['body_length', 'integer'],
    ],
  },
  entities: {
    name: 'entities',
    columns: [
      ['key', 'text'],
      ['type', 'text'],
      ['slug', 'text'],
      ['record', 'json'],
      ['name', 'text'],
      ['aliases', 'text[]'],
      ['name_key', 'text'],
      ['folded_names', 'text'],
      ['exact_names', 'text[]'],
      ['terms', 'tsvector'],
      ['names_length', 'integer'],
      ['nationalities', 'text[]'],
      ['kind', 'text'],
      ['country', 'text'],
      ['ancestors', 'text[]'],
      ['location_folded', 'text'],
      ['start_key', 'text'],
      ['day_first', 'text'],
      ['day_last', 'text'],
    ],
  },
  mentions: {
    name: 'mentions',
    columns: [
      ['article', 'text'],
      ['entity', 'text'],
      ['text', 'text'],
      ['start', 'integer'],
      ['end', 'integer'],
      ['published_key', 'text'],
      ['day', 'text'],
    ],
  },
  affiliations: {
    name: 'affiliations',
    columns: [
      ['ord', 'integer'],
      ['person', 'text'],
      ['organization', 'text'],
      ['role', 'text'],
      ['evidence', 'json'],
    ],
  },
  participations: {
    name: 'participations',
    columns: [
      ['ord', 'integer'],
      ['person', 'text'],
      ['event', 'text'],
      ['role', 'text'],
      ['evidence', 'json'],
    ],
  },
  involvements: {
    name: 'involvements',
    columns: [
      ['ord', 'integer'],
      ['organization', 'text'],
      ['event', 'text'],
      ['role', 'text'],
      ['evidence', 'json'],
    ],
  },
  organizationRelations: {
    name: 'organization_relations',
    columns: [
      ['ord', 'integer'],
      ['from', 'text'],
      ['to', 'text'],
      ['kind', 'text'],
      ['evidence', 'json'],
    ],
  },
  eventRelations: {
    name: 'event_relations',
    columns: [
      ['ord', 'integer'],
      ['from', 'text'],
      ['to', 'text'],
      ['relation', 'text'],
      ['evidence', 'json'],
    ],
  },
  claims: {
    // A claim (issue 14): its record as the contract answers it, and the parts of its position (claimPosition).
    name: 'claims',
    columns: [
      ['entity', 'text'],
      ['article', 'text'],
      ['property', 'text'],
      ['record', 'json'],
      ['as_of', 'text'],
      ['start', 'integer'],
      ['property_rank', 'integer'],
      ['value_key', 'text'],
    ],
  },
  matchForms: {
    // Every name form of every entity (match.ts nameForms), numbered in the memory index's order, with the keys
    // match-index.ts retrieves candidates by: the match key, the sorted content words, the content words, and the
    // padded trigrams of the key (match-index.ts trigramKeys).
    name: 'match_forms',
    columns: [
      ['ord', 'integer'],
      ['entity', 'text'],
      ['type', 'text'],
      ['key', 'text'],
      ['sorted', 'text'],
      ['words', 'text[]'],
      ['grams', 'text[]'],
    ],
  },
  searchTerms: {
    name: 'search_terms',
    columns: [
      ['term', 'text'],
      ['names', 'integer'],
      ['headline', 'integer'],
      ['body', 'integer'],
    ],
  },
} as const satisfies Record<string, TableSpec>;

/** Text columns compared by code units (keys, slugs, days, terms): their indexes then serve COLLATE "C" queries. */
const C_COLUMNS = new Set([
  'slug',
  'key',
  'term',
  'article',
  'entity',
  'published_key',
  'headline_key',
  'name_key',
  'start_key',
  'day_first',
  'day_last',
  'day',
  'person',
  'organization',
  'event',
  'from',
  'to',
  'as_of',
  'value_key',
  'sorted',
]);

const q = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

/** CREATE TABLE statements of a dataset's loaded tables, without indexes (built after the load: faster). */
export function createTablesSql(schema: string): string {
  const tables = Object.values(TABLES).map(
    (table) =>
      `CREATE TABLE ${q(schema)}.${q(table.name)} (${table.columns
        .map(
          ([name, type]) =>
            `${q(name)} ${type}${C_COLUMNS.has(name) ? ' COLLATE "C"' : ''}${['slug', 'key', 'term'].includes(name) ? ' NOT NULL' : ''}`,
        )
        .join(', ')})`,
  );
  return [`CREATE SCHEMA ${q(schema)}`, ...tables].join(';\n');
}

/** A finishing step: its SQL (one transaction), and what it waits for. */
export interface FinishingStep {
  label: string;
  sql: string;
  /**
   * The labels of the steps it must run after (it reads what they make, or locks a table they alter); the import
   * runs steps whose waits are over side by side, each on a connection of its own. Without `after`, a step runs
   * after every step listed before it.
   */
  after?: readonly string[];
}

/**
 * After the load: keys, the rollups (from the loaded rows, in SQL) and the indexes the queries seek on.
 * Each statement separately, so the import can report progress and run the independent ones side by side.
 */
export function finishTablesSql(schema: string): FinishingStep[] {
  const s = q(schema);
  const C = 'COLLATE "C"';
  return [
    { label: 'article keys', after: [], sql: `ALTER TABLE ${s}.articles ADD PRIMARY KEY (slug)` },
    {
      label: 'article order indexes',
      after: ['article keys'],
      sql: `CREATE INDEX ON ${s}.articles (published_key DESC NULLS LAST, slug);
            CREATE INDEX ON ${s}.articles (headline_key, slug);
            CREATE INDEX ON ${s}.articles (day_first, day_last)`,
    },
    { label: 'article search index', after: ['article keys'], sql: `CREATE INDEX ON ${s}.articles USING gin (terms)` },
    {
      label: 'entity keys',
      after: [],
      sql: `ALTER TABLE ${s}.entities ADD PRIMARY KEY (key); CREATE UNIQUE INDEX ON ${s}.entities (type, slug)`,
    },
    {
      label: 'mention indexes',
      after: [],
      sql: `CREATE INDEX ON ${s}.mentions (article, start, "end" DESC, entity);
            CREATE INDEX ON ${s}.mentions (entity, published_key DESC NULLS LAST, article, start)`,
    },
    {
      label: 'article-entity rollup',
      after: [],
      // Each article's entities: the first mention's offset, the mentions, the article's sort key and day.
      sql: `CREATE TABLE ${s}.article_entities AS
              SELECT article, entity, min(start) AS first_start, count(*)::integer AS mentions,
                     min(published_key) COLLATE "C" AS published_key, min(day) COLLATE "C" AS day
              FROM ${s}.mentions GROUP BY article, entity;
            ALTER TABLE ${s}.article_entities ADD PRIMARY KEY (article, entity);
            CREATE INDEX ON ${s}.article_entities (entity, published_key DESC NULLS LAST, article)`,
    },
    {
      label: 'co-mention rollup',
      after: ['article-entity rollup'],
      // Pairs of entities mentioned in the same articles, with the other's name key for the order.
      sql: `CREATE TABLE ${s}.co_mentions AS
              SELECT a.entity, b.entity AS other, count(*)::integer AS shared, min(e.name_key) COLLATE "C" AS other_name_key
              FROM ${s}.article_entities a
              JOIN ${s}.article_entities b ON b.article = a.article AND b.entity <> a.entity
              JOIN ${s}.entities e ON e.key = b.entity
              GROUP BY a.entity, b.entity;
            CREATE INDEX ON ${s}.co_mentions (entity, shared DESC, other_name_key, other)`,
    },
    {
      label: 'entity counts',
      after: ['entity keys', 'article-entity rollup', 'co-mention rollup'],
      // co_mention_count: the length of an entity's coMentions list (counting its rows reads them all: 18,000 for
      // the busiest entity at 100,000 articles).
      sql: `ALTER TABLE ${s}.entities ADD COLUMN article_count integer NOT NULL DEFAULT 0,
                                     ADD COLUMN mention_count integer NOT NULL DEFAULT 0,
                                     ADD COLUMN co_mention_count integer NOT NULL DEFAULT 0,
                                     ADD COLUMN first_day text, ADD COLUMN last_day text;
            UPDATE ${s}.entities e SET article_count = c.articles, mention_count = c.mentions,
                   co_mention_count = coalesce(o.others, 0), first_day = c.first_day, last_day = c.last_day
            FROM (SELECT entity, count(*)::integer AS articles, sum(mentions)::integer AS mentions,
                         min(day ${C}) AS first_day, max(day ${C}) AS last_day
                  FROM ${s}.article_entities GROUP BY entity) c
            LEFT JOIN (SELECT entity, count(*)::integer AS others FROM ${s}.co_mentions GROUP BY entity) o
              ON o.entity = c.entity
            WHERE e.key = c.entity;
            CREATE INDEX ON ${s}.entities (type, name_key, slug);
            CREATE INDEX ON ${s}.entities (type, article_count DESC, name_key, slug);
            CREATE INDEX ON ${s}.entities (type, article_count, name_key, slug);
            CREATE INDEX ON ${s}.entities (type, mention_count DESC, name_key, slug);
            CREATE INDEX ON ${s}.entities (type, mention_count, name_key, slug);
            CREATE INDEX ON ${s}.entities (type, start_key, name_key, slug);
            CREATE INDEX ON ${s}.entities (type, start_key DESC NULLS LAST, name_key, slug);
            CREATE INDEX ON ${s}.entities (article_count DESC, mention_count DESC, name_key, key);
            CREATE INDEX ON ${s}.entities USING gin (folded_names gin_trgm_ops);
            CREATE INDEX ON ${s}.entities USING gin (terms)`,
    },
    {
      label: 'period rollups',
      after: ['article keys', 'article-entity rollup'],
      // Articles and mentions per period (each year, month and day that has articles: "2024", "2024-03",
      // "2024-03-15"), of the corpus and of each entity (with its type and name key, for the ranking): a window or
      // a bucket is summed from the fewest whole periods that cover it (dates.ts periodsOf), so a year costs one
      // row per entity, not 365. An article counts on its first day (an undated one on none).
      sql: `CREATE TABLE ${s}.corpus_periods AS
              WITH days AS (
                SELECT a.day_first AS day, count(*)::integer AS articles, coalesce(sum(m.mentions), 0)::integer AS mentions
                FROM ${s}.articles a
                LEFT JOIN (SELECT article, sum(mentions) AS mentions FROM ${s}.article_entities GROUP BY article) m
                  ON m.article = a.slug
                WHERE a.day_first IS NOT NULL
                GROUP BY a.day_first)
              SELECT day ${C} AS period, articles, mentions FROM days
              UNION ALL
              SELECT substr(day, 1, 7) ${C}, sum(articles)::integer, sum(mentions)::integer FROM days GROUP BY 1
              UNION ALL
              SELECT substr(day, 1, 4) ${C}, sum(articles)::integer, sum(mentions)::integer FROM days GROUP BY 1;
            ALTER TABLE ${s}.corpus_periods ADD PRIMARY KEY (period);
            CREATE TABLE ${s}.entity_periods AS
              WITH days AS (
                SELECT entity, day, count(*)::integer AS articles, sum(mentions)::integer AS mentions
                FROM ${s}.article_entities WHERE day IS NOT NULL GROUP BY entity, day)
              SELECT p.entity ${C} AS entity, p.period ${C} AS period, e.type, e.name_key ${C} AS name_key,
                     p.articles, p.mentions
              FROM (SELECT entity, day AS period, articles, mentions FROM days
                    UNION ALL
                    SELECT entity, substr(day, 1, 7), sum(articles)::integer, sum(mentions)::integer
                    FROM days GROUP BY entity, substr(day, 1, 7)
                    UNION ALL
                    SELECT entity, substr(day, 1, 4), sum(articles)::integer, sum(mentions)::integer
                    FROM days GROUP BY entity, substr(day, 1, 4)) p
              JOIN ${s}.entities e ON e.key = p.entity;
            ALTER TABLE ${s}.entity_periods ADD PRIMARY KEY (entity, period);
            CREATE INDEX ON ${s}.entity_periods (period, articles DESC, mentions DESC, name_key, entity) INCLUDE (type)`,
    },
    {
      label: 'relationship indexes',
      after: [],
      sql: `CREATE INDEX ON ${s}.affiliations (person); CREATE INDEX ON ${s}.affiliations (organization);
            CREATE INDEX ON ${s}.participations (person); CREATE INDEX ON ${s}.participations (event);
            CREATE INDEX ON ${s}.involvements (organization); CREATE INDEX ON ${s}.involvements (event);
            CREATE INDEX ON ${s}.organization_relations ("from"); CREATE INDEX ON ${s}.organization_relations ("to");
            CREATE INDEX ON ${s}.event_relations ("from"); CREATE INDEX ON ${s}.event_relations ("to")`,
    },
    {
      label: 'claim indexes',
      after: [],
      // The three claim lists in the CLAIMS order: of an entity, of an article, of the corpus.
      sql: `CREATE INDEX ON ${s}.claims (entity, as_of DESC, article, start, property_rank, value_key);
            CREATE INDEX ON ${s}.claims (article, start, entity, property_rank, value_key);
            CREATE INDEX ON ${s}.claims (as_of DESC, article, start, entity, property_rank, value_key)`,
    },
    {
      label: 'match indexes',
      after: [],
      sql: `ALTER TABLE ${s}.match_forms ADD PRIMARY KEY (ord);
            CREATE INDEX ON ${s}.match_forms (key, ord);
            CREATE INDEX ON ${s}.match_forms (sorted, ord);
            CREATE INDEX ON ${s}.match_forms USING gin (words);
            CREATE INDEX ON ${s}.match_forms USING gin (grams)`,
    },
    {
      label: 'term index',
      after: [],
      sql: `ALTER TABLE ${s}.search_terms ADD PRIMARY KEY (term)`,
    },
    {
      label: 'title postings',
      after: ['term index'],
      // Every (term, article) with the term in the headline, with its counts, lengths and rank as a one-word query
      // ranks it (search.ts): that word's title tier is then an index scan in rank order, not a scan of its hits.
      // The headline's lexemes with all their positions (queryLexemes: not the whole tsvector unnested, 3.6x slower);
      // a position past BODY_POSITION_BASE is the body count.
      sql: `CREATE TABLE ${s}.title_postings AS
              SELECT p.*, ${titlePostingRankSql('p', 't', 'f')} AS rank
              FROM (SELECT u.lexeme ${C} AS term, a.slug, u.positions[1]::integer AS title_count,
                           CASE WHEN cardinality(u.positions) > 1
                                THEN u.positions[2] - ${BODY_POSITION_BASE} ELSE 0 END AS body_count,
                           a.headline_length, a.body_length
                    FROM ${s}.articles a
                    CROSS JOIN LATERAL ${queryLexemes('a.terms', "tsvector_to_array(ts_filter(a.terms, '{a}'))")} u) p
              JOIN ${s}.search_terms t ON t.term = p.term
              CROSS JOIN (SELECT count(*) FILTER (WHERE headline_length > 0) AS headline_documents,
                                 coalesce(sum(headline_length), 0) AS headline_total,
                                 count(*) FILTER (WHERE body_length > 0) AS body_documents,
                                 coalesce(sum(body_length), 0) AS body_total
                          FROM ${s}.articles) f;
            CREATE INDEX ON ${s}.title_postings (term, rank DESC, slug)`,
    },
    {
      label: 'term article counts',
      after: ['title postings'],
      // Articles holding each term in the headline or the body: a one-word query's count without reading its hits.
      sql: `ALTER TABLE ${s}.search_terms ADD COLUMN articles integer;
            UPDATE ${s}.search_terms SET articles = headline + body;
            UPDATE ${s}.search_terms t SET articles = t.articles - b.both
            FROM (SELECT term, count(*)::integer AS both FROM ${s}.title_postings WHERE body_count > 0 GROUP BY term) b
            WHERE b.term = t.term`,
    },
    {
      label: 'statistics',
      sql: `ANALYZE ${s}.articles, ${s}.entities, ${s}.mentions, ${s}.article_entities, ${s}.entity_periods, ${s}.corpus_periods, ${s}.co_mentions, ${s}.search_terms, ${s}.title_postings, ${s}.claims, ${s}.match_forms`,
    },
  ];
}
