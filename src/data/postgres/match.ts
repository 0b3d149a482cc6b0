/**
 * Matching on PostgreSQL (issue 14): the candidates of a name retrieved in SQL exactly as the memory store's
 * MatchIndex retrieves them (match-index.ts), so that the same candidates reach the shared scoreCandidate and the
 * answers are the memory store's. The import writes every entity's name forms in the memory index's order with
 * the same keys (match key, sorted content words, content words, padded trigrams of the key); a query seeks them
 * by B-tree (keys) and GIN (words, trigrams) with the memory index's weights and caps.
 *
 * Why not pg_trgm's similarity: pg_trgm cuts each word into trigrams of its own, the memory index cuts the whole
 * key ("  majid azizi "), so trigrams across a space ("d a") would be missing and near misses would find other
 * candidates. Stored trigram arrays give the same sets, and a GIN index on them the same speed.
 */
import { allowedEdits, nameForms, type PreparedName, prepareName } from '../match.js';
import { MAX_CANDIDATE_FORMS, MAX_WORD_POSTINGS, trigrams } from '../memory/match-index.js';
import { type EntityRecord, entityKeyString } from '../records.js';
import type { Params } from './sql.js';

/**
 * A trigram as stored: itself, or when it holds a surrogate (a trigram of a key with characters beyond U+FFFF may
 * cut one in half, which PostgreSQL's UTF-8 text cannot hold) its JSON string, longer than any trigram.
 */
export function gramText(gram: string): string {
  return /[\uD800-\uDFFF]/.test(gram) ? JSON.stringify(gram) : gram;
}

/** The rows of match_forms: every name form of every entity, numbered as MatchIndex numbers them. */
export function* matchFormRows(entities: readonly EntityRecord[]) {
  let ord = 0;
  for (const entity of entities) {
    for (const form of nameForms(entity)) {
      const prepared = prepareName(form.text);
      yield [
        ord++,
        entityKeyString(entity),
        entity.type,
        prepared.key,
        prepared.sorted,
        [...new Set(prepared.content)],
        trigrams(prepared.key).map(gramText),
      ];
    }
  }
}

/**
 * The statement's branch selecting the candidate entities of one name (MatchIndex.candidates): forms with the
 * same key or sorted key (weight 1,000 each), each content word in common (100 each; at most MAX_WORD_POSTINGS
 * forms per key or word, the first by number), and for a name long enough for a near miss the forms sharing
 * enough of its trigrams (weight: how many); the MAX_CANDIDATE_FORMS forms of most weight (ties by number), then
 * their entities of `types`. Answers `key` (the entity key) and `record`.
 */
export function candidatesSql(
  schema: string,
  query: PreparedName,
  types: readonly string[] | null,
  params: Params,
): string {
  const forms = `${schema}.match_forms`;
  const postings = params.add(MAX_WORD_POSTINGS, 'integer');
  const hits = [
    `SELECT ord, 1000 AS weight FROM (SELECT ord FROM ${forms} WHERE key = ${params.add(query.key, 'text')}
       ORDER BY ord LIMIT ${postings}) k`,
    `SELECT ord, 1000 FROM (SELECT ord FROM ${forms} WHERE sorted = ${params.add(query.sorted, 'text')}
       ORDER BY ord LIMIT ${postings}) s`,
    `SELECT x.ord, 100 FROM unnest(${params.add([...new Set(query.content)], 'text[]')}) AS w(word)
       CROSS JOIN LATERAL (SELECT ord FROM ${forms} WHERE words @> ARRAY[w.word] ORDER BY ord LIMIT ${postings}) x`,
  ];
  // A near miss may be up to two characters shorter than the name (as MatchIndex reckons).
  const edits = allowedEdits(query.key.length + 2);
  if (edits > 0) {
    const grams = trigrams(query.key).map(gramText);
    const least = Math.max(1, grams.length - 3 * edits); // an edit changes at most three trigrams
    const asked = params.add(grams, 'text[]');
    hits.push(
      `SELECT ord, shared FROM (SELECT f.ord, (SELECT count(*) FROM unnest(f.grams) g WHERE g = ANY(${asked}))::integer AS shared
         FROM ${forms} f WHERE f.grams && ${asked}) t WHERE shared >= ${params.add(least, 'integer')}`,
    );
  }
  const ofTypes = types ? ` WHERE f.type = ANY(${params.add(types, 'text[]')})` : '';
  return `SELECT DISTINCT f.entity AS key FROM (
      SELECT ord, sum(weight) AS weight FROM (${hits.join(' UNION ALL ')}) h
      GROUP BY ord ORDER BY weight DESC, ord LIMIT ${params.add(MAX_CANDIDATE_FORMS, 'integer')}
    ) r JOIN ${forms} f ON f.ord = r.ord${ofTypes}`;
}
