/**
 * Search terms as PostgreSQL stores them: each document's folded words (the memory index's tokenizer,
 * forEachTerm, so both backends find the same documents) as a tsvector, one lexeme per term, whose positions
 * carry the term's count in each field, weighted by field: `'word':3A,258D` is three times in a title field
 * (A: an article's headline; B: an entity's names) and twice in the body (D, counted from 256). Positions are
 * not word positions: no query here uses phrase operators, and one or two positions per lexeme keep the GIN
 * index and the rows small. The BM25 scores of the memory index (search-index.ts) are computed from them.
 */
import { textIndexInput } from '../memory/search-index.js';
import { buildTextIndex, forEachTerm, type TextIndexData, TF_BITS, TF_MAX } from '../memory/text-index.js';
import type { ArticleRecord, EntityRecord } from '../records.js';

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

export function lexeme(term: string): string {
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

/**
 * Every document's terms, from the memory index's own build (buildTextIndex: its char-code scanner and term table,
 * several times faster than folding word by word), turned around from posting lists into per-document lists:
 * documents are the entities (names and aliases) and then the articles (headline and body), as textIndexInput
 * numbers them. Gives each document's tsvector, each term's document frequency per field, and the fields' totals.
 */
export class DocumentTerms {
  readonly terms: string[];
  readonly fields: TextIndexData['fields'];
  /** Per document, its entries [start[d], start[d + 1]) in `entryTerm` / `entryCount` (count | field << 8). */
  private readonly start: Uint32Array;
  private readonly entryTerm: Uint32Array;
  private readonly entryCount: Uint16Array;

  constructor(entities: readonly EntityRecord[], articles: readonly ArticleRecord[]) {
    const input = textIndexInput(entities, articles);
    const built = buildTextIndex(input);
    this.terms = built.terms;
    this.fields = built.fields;
    const documents = input.documentCount;
    const perDocument = new Uint32Array(documents + 1);
    for (const field of built.fields) {
      for (let i = 0; i < field.postings.length; i++) {
        const slot = ((field.postings[i] as number) >>> TF_BITS) + 1;
        perDocument[slot] = (perDocument[slot] as number) + 1;
      }
    }
    for (let d = 0; d < documents; d++)
      perDocument[d + 1] = (perDocument[d + 1] as number) + (perDocument[d] as number);
    this.start = perDocument;
    const total = perDocument[documents] as number;
    this.entryTerm = new Uint32Array(total);
    this.entryCount = new Uint16Array(total);
    const next = perDocument.slice(0, documents);
    built.fields.forEach((field, fieldNumber) => {
      for (let term = 0; term < built.terms.length; term++) {
        for (let i = field.offsets[term] as number, end = field.offsets[term + 1] as number; i < end; i++) {
          const posting = field.postings[i] as number;
          const document = posting >>> TF_BITS;
          const at = next[document] as number;
          this.entryTerm[at] = term;
          this.entryCount[at] = (posting & TF_MAX) | (fieldNumber << 8);
          next[document] = at + 1;
        }
      }
    });
  }

  /** The tsvector literal of document `d`: names weight B, headline A, body D from BODY_POSITION_BASE. */
  tsvector(document: number): string {
    const parts: string[] = [];
    for (let i = this.start[document] as number, end = this.start[document + 1] as number; i < end; i++) {
      const packed = this.entryCount[i] as number;
      const count = packed & 0xff;
      const field = packed >>> 8;
      const position = field === 2 ? `${BODY_POSITION_BASE + count}D` : `${count}${field === 0 ? 'B' : 'A'}`;
      parts.push(`${lexeme(this.terms[this.entryTerm[i] as number] as string)}:${position}`);
    }
    return parts.join(' ');
  }

  /** Words in field `field` (0 names, 1 headline, 2 body) of document `d`: BM25's document length. */
  length(field: 0 | 1 | 2, document: number): number {
    return this.fields[field].lengths[document] as number;
  }

  /** Documents holding term `t` in each field. */
  frequencies(term: number): [number, number, number] {
    return this.fields.map((field) => (field.offsets[term + 1] as number) - (field.offsets[term] as number)) as [
      number,
      number,
      number,
    ];
  }
}
