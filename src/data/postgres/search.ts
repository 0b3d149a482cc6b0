/**
 * Search on PostgreSQL with the memory index's answers: the same words (its tokenizer wrote the tsvectors), the
 * same prefix expansion (chosen here from the term table exactly as search-index.ts chooses), the same BM25 with
 * tiers. The database finds and ranks the hits (GIN index, then the score in SQL); the scores of the hits shown
 * are recomputed here in the memory index's order of additions, so they are equal to the last bit.
 */
import type { OffsetWindow, SearchTarget } from '../contract.js';
import { ENTITY_TYPES } from '../entity-types.js';
import { MAX_EXPANSION_POSTINGS, MAX_EXPANSIONS_PER_WORD, MIN_PREFIX_LENGTH } from '../memory/search-index.js';
import { foldForSearch, MAX_QUERY_WORDS } from '../memory/text-index.js';
import type { FieldStats } from './facts.js';
import { BODY_POSITION_BASE, lexeme, tsqueryOf } from './search-terms.js';
import type { Params } from './sql.js';

// The memory index's ranking constants (search-index.ts).
const K1 = 1.2;
const B = 0.7;
const DELTA = 0.5;
const PREFIX_WEIGHT = 0.375;
const EXACT_TIER = 2_000_000;
const TITLE_TIER = 1_000_000;
const BOOST = { names: 8, headline: 3, body: 1 } as const;

type Field = 'names' | 'headline' | 'body';

export interface TermStats {
  term: string;
  weight: number;
  /** Documents holding the term, per field. */
  df: Record<Field, number>;
  /** Articles holding the term in the headline or the body. */
  articles: number;
  field?: FieldStats;
}

export interface Expansion {
  /** The query's words as matched: the rarest first, each with its terms (itself, then the longer words taken). */
  words: { word: string; terms: TermStats[]; postings: number }[];
  /** Null when a word matches nothing: then nothing matches. */
  tsquery: string | null;
}

type Run = <R extends Record<string, unknown>>(sql: string, values: unknown[]) => Promise<R[]>;

/**
 * The terms each list of words matches in `fields` (one statement for all lists), chosen as SearchIndex.expand
 * chooses them: the word itself, and for words of MIN_PREFIX_LENGTH or more the most frequent longer words that
 * begin with it, at most MAX_EXPANSIONS_PER_WORD, within the query's share of MAX_EXPANSION_POSTINGS.
 */
export async function expandQuery(
  run: Run,
  schema: string,
  lists: string[][],
  fields: readonly Field[],
): Promise<Expansion[]> {
  const all = [...new Set(lists.flat())];
  if (all.length === 0) return lists.map(() => ({ words: [], tsquery: null }));
  const rows = await run<{
    word: string;
    term: string;
    names: number;
    headline: number;
    body: number;
    articles: number;
    exact: boolean;
  }>(
    `SELECT w.word, t.term, t.names, t.headline, t.body, t.articles, true AS exact
     FROM unnest($1::text[]) AS w(word) JOIN ${schema}.search_terms t ON t.term = w.word
     UNION ALL
     SELECT w.word, t.term, t.names, t.headline, t.body, t.articles, false
     FROM unnest($1::text[]) AS w(word) JOIN ${schema}.search_terms t
       ON t.term COLLATE "C" > w.word AND t.term COLLATE "C" < w.word || chr(1114111)
     WHERE char_length(w.word) >= $2`,
    [all, MIN_PREFIX_LENGTH],
  );
  const byWord = new Map<string, { exact: TermStats | null; longer: TermStats[] }>();
  for (const row of rows) {
    const entry = byWord.get(row.word) ?? { exact: null, longer: [] };
    byWord.set(row.word, entry);
    const stats: TermStats = {
      term: row.term,
      weight: 1,
      df: { names: row.names, headline: row.headline, body: row.body },
      articles: row.articles,
    };
    if (row.exact) entry.exact = stats;
    else entry.longer.push(stats);
  }
  const postingsOf = (stats: TermStats) => fields.reduce((sum, field) => sum + stats.df[field], 0);
  return lists.map((list) => {
    const words = list.length > MAX_QUERY_WORDS ? list.slice(0, MAX_QUERY_WORDS) : list;
    const budget = Math.floor(MAX_EXPANSION_POSTINGS / Math.max(1, words.length));
    const expanded = words.map((word) => {
      const found = byWord.get(word);
      const terms: TermStats[] = found?.exact ? [{ ...found.exact, weight: 1 }] : [];
      let postings = found?.exact ? postingsOf(found.exact) : 0;
      if (word.length >= MIN_PREFIX_LENGTH && found) {
        const longer = found.longer
          .filter((t) => t.term.startsWith(word) && t.term.length !== word.length)
          .map((t) => ({ stats: t, postings: postingsOf(t) }))
          .sort((a, b) => b.postings - a.postings || (a.stats.term < b.stats.term ? -1 : 1));
        let taken = 0;
        let spent = 0;
        for (const candidate of longer) {
          if (taken === MAX_EXPANSIONS_PER_WORD) break;
          if (candidate.postings === 0 || spent + candidate.postings > budget) continue;
          const extra = candidate.stats.term.length - word.length;
          terms.push({ ...candidate.stats, weight: (PREFIX_WEIGHT * word.length) / (word.length + 0.3 * extra) });
          taken++;
          spent += candidate.postings;
        }
        postings += spent;
      }
      return { word, terms, postings };
    });
    expanded.sort((a, b) => a.postings - b.postings);
    const tsquery = expanded.some((w) => w.terms.length === 0)
      ? null
      : tsqueryOf(expanded.map((w) => w.terms.map((t) => t.term)));
    return { words: expanded, tsquery };
  });
}

function idf(stats: FieldStats, df: number): number {
  return df > 0 ? Math.log(1 + (stats.documents - df + 0.5) / (df + 0.5)) : 0;
}

function average(stats: FieldStats): number {
  return stats.totalLength / Math.max(1, stats.documents);
}

const tfTitle = `CASE WHEN u.weights[1] IN ('A', 'B') THEN u.positions[1] ELSE 0 END`;
/** The same of an article's lexeme re-weighted to B (queryLexemes): the positions alone tell the fields apart. */
const articleTfTitle = `CASE WHEN u.positions[1] < ${BODY_POSITION_BASE} THEN u.positions[1] ELSE 0 END`;
const articleTfBody = `CASE WHEN u.positions[cardinality(u.positions)] > ${BODY_POSITION_BASE} THEN u.positions[cardinality(u.positions)] - ${BODY_POSITION_BASE} ELSE 0 END`;

/**
 * An article's lexemes of `terms` (a text[]), with their positions: their weights set to B (no article has B) and
 * only B kept, in C, rather than unnesting the whole tsvector (~215 lexemes) and joining: about 3.6x faster.
 */
export function queryLexemes(tsvector: string, terms: string): string {
  return `unnest(ts_filter(setweight(${tsvector}, 'b', ${terms}), '{b}'))`;
}

/** BM25+ of one field in SQL, as search-index.ts computes it (the title field of entities is their names). */
function fieldScoreSql(
  tf: string,
  length: string,
  boost: number,
  weight: string,
  idf: string,
  average: string,
): string {
  const saturated = `(${tf})::float8 * ${K1 + 1} / ((${tf})::float8 + ${K1} * (${1 - B} + ${B} * ${length}::float8 / ${average}))`;
  return `CASE WHEN (${tf}) > 0 THEN ${boost} * ${weight} * ${idf} * (${saturated} + ${DELTA}) ELSE 0 END`;
}

function fieldScore(tf: string, length: string, boost: number, idfColumn: string, stats: FieldStats): string {
  return fieldScoreSql(tf, length, boost, 'qt.weight', idfColumn, String(average(stats)));
}

/** idf() in SQL, of a document frequency and a field's documents (integer columns). */
function idfSql(documents: string, df: string): string {
  return `CASE WHEN ${df} > 0 THEN ln(1 + (${documents} - ${df} + 0.5::float8) / (${df} + 0.5::float8)) ELSE 0 END`;
}

/**
 * The import's rank of a title posting `p` (title_count, body_count, headline_length, body_length) of term `t`
 * (search_terms) in the corpus whose field totals are `f` (headline_/body_ documents and total): the rank that
 * rankingSql gives an article for a query of that one term, tier included, so singleTermSql can read a window
 * of the title tier in index order. The hits' scores are still computed in scoreHit.
 */
export function titlePostingRankSql(p: string, t: string, f: string): string {
  const averageOf = (field: 'headline' | 'body') =>
    `(${f}.${field}_total::float8 / greatest(1, ${f}.${field}_documents)::float8)`;
  const field = (name: 'headline' | 'body', count: string) =>
    fieldScoreSql(
      `${p}.${count}`,
      `${p}.${name}_length`,
      BOOST[name],
      '1',
      idfSql(`${f}.${name}_documents`, `${t}.${name}`),
      averageOf(name),
    );
  return `(${TITLE_TIER} + (${field('headline', 'title_count')} + ${field('body', 'body_count')}))`;
}

function once(make: () => string): () => string {
  let made: string | null = null;
  return () => {
    made ??= make();
    return made;
  };
}

/**
 * The ranking statement: the documents matching every word, scored with tiers, the window's hits with the
 * terms they matched (for the exact scores), and the count of all hits (on every row, or one row of nulls when
 * the window is past the last hit). A query of one term (one word that took no longer words) with articles
 * wanted reads its articles' title tier from the title postings in rank order and its count from the term's
 * row (see singleTermParts); any other query ranks all its hits.
 */
export function rankingSql(
  schema: string,
  expansion: Expansion,
  stats: Record<Field, FieldStats>,
  wanted: ReadonlySet<SearchTarget>,
  query: string,
  window: OffsetWindow,
  params: Params,
): string {
  const rows = expansion.words.flatMap((w) => w.terms);
  // Placeholders are added when first used: a statement must use every parameter it sends (or its type is unknown).
  const qt = once(
    () =>
      `unnest(${params.add(
        rows.map((t) => t.term),
        'text[]',
      )}, ${params.add(
        rows.map((t) => t.weight),
        'float8[]',
      )}, ${params.add(
        rows.map((t) => idf(stats.names, t.df.names)),
        'float8[]',
      )}, ${params.add(
        rows.map((t) => idf(stats.headline, t.df.headline)),
        'float8[]',
      )}, ${params.add(
        rows.map((t) => idf(stats.body, t.df.body)),
        'float8[]',
      )}) AS qt(term, weight, idf_names, idf_headline, idf_body)`,
  );
  const tsquery = once(() => params.add(expansion.tsquery, 'tsquery'));
  const terms = params.add([...new Set(rows.map((t) => t.term))], 'text[]');
  const article = (condition: string) => `SELECT 'Article'::text AS type, a.slug, false AS exact,
        a.headline_length AS length_title, a.body_length AS length_body, a.terms, s.score, s.in_title
      FROM ${schema}.articles a CROSS JOIN LATERAL (
        SELECT sum(${fieldScore(articleTfTitle, 'a.headline_length', BOOST.headline, 'qt.idf_headline', stats.headline)}
                 + ${fieldScore(articleTfBody, 'a.body_length', BOOST.body, 'qt.idf_body', stats.body)}) AS score,
               bool_or((${articleTfTitle}) > 0) AS in_title
        FROM ${queryLexemes('a.terms', terms)} u JOIN ${qt()} ON qt.term = u.lexeme) s
      WHERE a.terms @@ ${tsquery()} AND ${condition}`;
  const entityTypes = ENTITY_TYPES.filter((type) => wanted.has(type));
  // Every entity hit matched in its names: a title match.
  const entities = entityTypes.length
    ? `SELECT e.type, e.slug, ${params.add(foldForSearch(query).trim(), 'text')} = ANY(e.exact_names) AS exact,
        e.names_length AS length_title, 0 AS length_body, e.terms, s.score, true AS in_title
      FROM ${schema}.entities e CROSS JOIN LATERAL (
        SELECT sum(${fieldScore(tfTitle, 'e.names_length', BOOST.names, 'qt.idf_names', stats.names)}) AS score
        FROM unnest(e.terms) u JOIN ${qt()} ON qt.term = u.lexeme) s
      WHERE e.terms @@ ${tsquery()} AND e.type = ANY(${params.add(entityTypes, 'text[]')})`
    : null;
  const rank = (of: string) =>
    `(CASE WHEN ${of}exact THEN ${EXACT_TIER} WHEN ${of}in_title THEN ${TITLE_TIER} ELSE 0 END + ${of}score)`;
  const matched = (
    of: string,
  ) => `(SELECT json_agg(json_build_object('lexeme', u.lexeme, 'positions', u.positions, 'weights', u.weights))
       FROM unnest(${of}terms) u WHERE u.lexeme = ANY(${terms}))`;
  const end = once(() => params.add(window.offset + window.size, 'integer'));
  const page = `ORDER BY rank DESC, slug COLLATE "C" LIMIT ${params.add(window.size, 'integer')}
             OFFSET ${params.add(window.offset, 'integer')}`;
  const single = rows.length === 1 ? (rows[0] as TermStats) : null;
  if (single && wanted.has('Article')) {
    const term = params.add(single.term, 'text');
    const posting = `(SELECT 1 FROM ${schema}.title_postings p WHERE p.term = ${term} AND p.slug = a.slug)`;
    const entityHits =
      entities ??
      `SELECT NULL::text AS type, NULL::text AS slug, false AS exact, 0 AS length_title,
        0 AS length_body, NULL::tsvector AS terms, 0::float8 AS score, true AS in_title WHERE false`;
    // The title tier's window: its entities, and the best `end` of its articles by the import's rank (the same
    // sum as article(), so the same order); then the body-only articles, ranked only when those do not fill it.
    // When the headlines alone fill it, that branch is left out of the statement: its estimated cost (all the
    // term's hits) would otherwise make the planner compile the plan (JIT) for a scan it never runs.
    const bodyOnly =
      single.df.headline < window.offset + window.size
        ? `UNION ALL
        SELECT type, slug, exact, length_title, length_body, terms, NULL::json, ${rank('')}
        FROM (${article(`NOT EXISTS ${posting}`)}) body
        WHERE (SELECT count(*) FROM entity_hits) + ${params.add(single.df.headline, 'integer')} < ${end()}`
        : '';
    return `WITH entity_hits AS MATERIALIZED (${entityHits}),
      hits AS (
        SELECT type, slug, exact, length_title, length_body, terms, NULL::json AS matched, ${rank('')} AS rank
        FROM entity_hits
        UNION ALL
        (SELECT 'Article', p.slug, false, p.headline_length, p.body_length, NULL::tsvector,
           json_build_array(json_build_object('lexeme', p.term,
             'positions', CASE WHEN p.body_count > 0 THEN ARRAY[p.title_count, ${BODY_POSITION_BASE} + p.body_count]
                               ELSE ARRAY[p.title_count] END,
             'weights', CASE WHEN p.body_count > 0 THEN ARRAY['A', 'D'] ELSE ARRAY['A'] END)),
           p.rank
         FROM ${schema}.title_postings p WHERE p.term = ${term} ORDER BY p.rank DESC, p.slug LIMIT ${end()})
        ${bodyOnly}),
      page AS (SELECT * FROM hits ${page})
    SELECT c.total, p.type, p.slug, p.exact, p.length_title, p.length_body, coalesce(p.matched, ${matched('p.')}) AS matched
    FROM (SELECT (SELECT count(*) FROM entity_hits) + ${params.add(single.articles, 'integer')} AS total) c
    LEFT JOIN page p ON true
    ORDER BY p.rank DESC, p.slug COLLATE "C"`;
  }
  const titled: string[] = [];
  const counts: string[] = [];
  // A title match (a headline, for articles) of any of the terms: the documents ranked above every body-only one.
  const inTitle = wanted.has('Article')
    ? params.add([...new Set(rows.map((t) => t.term))].map((term) => `${lexeme(term)}:A`).join(' | '), 'tsquery')
    : '';
  if (wanted.has('Article')) {
    titled.push(article(`a.terms @@ ${inTitle}`));
    counts.push(`(SELECT count(*) FROM ${schema}.articles a WHERE a.terms @@ ${tsquery()})`);
  }
  if (entities) {
    titled.push(entities);
    counts.push(
      `(SELECT count(*) FROM ${schema}.entities e WHERE e.terms @@ ${tsquery()} AND e.type = ANY(${params.add(entityTypes, 'text[]')}))`,
    );
  }
  // Body-only articles are scored only when the title matches do not fill the window (a one-time filter).
  const bodyOnly = wanted.has('Article')
    ? ` UNION ALL SELECT * FROM (${article(`NOT (a.terms @@ ${inTitle})`)}) body
         WHERE (SELECT count(*) FROM titled) < ${end()}`
    : '';
  return `WITH titled AS MATERIALIZED (${titled.join(' UNION ALL ')}),
    hits AS (SELECT *, ${rank('')} AS rank FROM (SELECT * FROM titled${bodyOnly}) h),
    page AS (SELECT * FROM hits ${page})
    SELECT c.total, p.type, p.slug, p.exact, p.length_title, p.length_body, ${matched('p.')} AS matched
    FROM (SELECT ${counts.join(' + ')} AS total) c LEFT JOIN page p ON true
    ORDER BY p.rank DESC, p.slug COLLATE "C"`;
}

/** A hit's score as SearchIndex computes it: the same terms, fields and additions, in the same order. */
export function scoreHit(
  row: {
    type: SearchTarget;
    exact: boolean;
    length_title: number;
    length_body: number;
    matched: { lexeme: string; positions: number[]; weights: string[] }[] | null;
  },
  expansion: Expansion,
  stats: Record<Field, FieldStats>,
): number {
  const tf = new Map<string, { title: number; body: number }>();
  for (const { lexeme, positions, weights } of row.matched ?? []) {
    const last = positions.length - 1;
    tf.set(lexeme, {
      title: weights[0] === 'A' || weights[0] === 'B' ? (positions[0] as number) : 0,
      body: weights[last] === 'D' ? (positions[last] as number) - BODY_POSITION_BASE : 0,
    });
  }
  const fields: { field: Field; length: number; of: 'title' | 'body' }[] =
    row.type === 'Article'
      ? [
          { field: 'headline', length: row.length_title, of: 'title' },
          { field: 'body', length: row.length_body, of: 'body' },
        ]
      : [{ field: 'names', length: row.length_title, of: 'title' }];
  let score = 0;
  let inTitle = false;
  for (const word of expansion.words) {
    for (const term of word.terms) {
      const counts = tf.get(term.term);
      if (!counts) continue;
      for (const { field, length, of } of fields) {
        const count = counts[of];
        const df = term.df[field];
        if (count === 0 || df === 0) continue;
        const fieldStats = stats[field];
        const documents = fieldStats.documents;
        const idfValue = Math.log(1 + (documents - df + 0.5) / (df + 0.5));
        const averageLength = fieldStats.totalLength / Math.max(1, documents);
        const lengthRatio = length / averageLength;
        const saturated = (count * (K1 + 1)) / (count + K1 * (1 - B + B * lengthRatio));
        score = score + BOOST[field] * term.weight * idfValue * (saturated + DELTA);
        if (of === 'title') inTitle = true;
      }
    }
  }
  const tier = row.exact ? EXACT_TIER : inTitle ? TITLE_TIER : 0;
  return tier + score;
}
