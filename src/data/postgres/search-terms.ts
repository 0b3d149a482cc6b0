/**
 * Search terms as PostgreSQL stores them: each document's folded words (the memory index's tokenizer,
 * forEachTerm, so both backends find the same documents) as a tsvector, one lexeme per term, whose positions
 * carry the term's count in each field, weighted by field: `'word':3A,258D` is three times in a title field
 * (A: an article's headline; B: an entity's names) and twice in the body (D, counted from 256). Positions are
 * not word positions: no query here uses phrase operators, and one or two positions per lexeme keep the GIN
 * index and the rows small. The BM25 scores of the memory index (search-index.ts) are computed from them.
 */
import { forEachTerm } from '../memory/text-index.js';

/** The memory index's per-field count saturates at 255 (8 bits). */
const TF_MAX = 255;
/** Body counts are stored from here (positions must differ from a title count's in the same lexeme). */
export const BODY_POSITION_BASE = 256;

export type FieldWeight = 'A' | 'B' | 'D';

/** Counts of each folded term of `texts`, and the number of words in all (the field's length). */
export function termCounts(texts: readonly string[]): { counts: Map<string, number>; length: number } {
  const counts = new Map<string, number>();
  let length = 0;
  for (const text of texts) {
    forEachTerm(text, (term) => {
      counts.set(term, Math.min(TF_MAX, (counts.get(term) ?? 0) + 1));
      length++;
    });
  }
  return { counts, length };
}

function lexeme(term: string): string {
  return `'${term.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

/** A tsvector literal of one title field (weight A or B) and optionally a body (weight D). */
export function tsvectorOf(title: Map<string, number>, titleWeight: 'A' | 'B', body?: Map<string, number>): string {
  const terms = new Set([...title.keys(), ...(body?.keys() ?? [])]);
  const parts: string[] = [];
  for (const term of terms) {
    const positions: string[] = [];
    const inTitle = title.get(term);
    if (inTitle) positions.push(`${inTitle}${titleWeight}`);
    const inBody = body?.get(term);
    if (inBody) positions.push(`${BODY_POSITION_BASE + inBody}D`);
    parts.push(`${lexeme(term)}:${positions.join(',')}`);
  }
  return parts.join(' ');
}

/** A tsquery literal: every group must match, any term of a group (terms as stored: folded words). */
export function tsqueryOf(groups: readonly (readonly string[])[]): string {
  return groups.map((terms) => `(${terms.map(lexeme).join(' | ')})`).join(' & ');
}
