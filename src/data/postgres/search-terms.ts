/**
 * Search terms as PostgreSQL stores them: each document's folded words (the memory index's tokenizer,
 * forEachTerm, so both backends find the same documents) as a tsvector, one lexeme per term, whose positions
 * carry the term's count in each field, weighted by field: `'word':3A,258D` is three times in a title field
 * (A: an article's headline; B: an entity's names) and twice in the body (D, counted from 256). Positions are
 * not word positions: no query here uses phrase operators, and one or two positions per lexeme keep the GIN
 * index and the rows small. The BM25 scores of the memory index (search-index.ts) are computed from them.
 */
import { foldedTerms, scanWords, TermTable, TF_MAX } from '../memory/text-index.js';

/** Body counts are stored from here (positions must differ from a title count's in the same lexeme). */
export const BODY_POSITION_BASE = 256;

export function lexeme(term: string): string {
  return `'${term.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`;
}

/** A tsquery literal: every group must match, any term of a group (terms as stored: folded words). */
export function tsqueryOf(groups: readonly (readonly string[])[]): string {
  return groups.map((terms) => `(${terms.map(lexeme).join(' | ')})`).join(' & ');
}

/** A field's totals over the documents counted: those with a word in it, and its words in all (BM25's averages). */
export interface FieldTotals {
  documents: number;
  totalLength: number;
}

/** What a TermCounter has counted: its terms, the documents holding each in each field, the fields' totals. */
export interface TermCounts {
  terms: string[];
  /** Per field (0 names, 1 headline, 2 body), per term of `terms`: the documents holding it in that field. */
  frequencies: [Uint32Array, Uint32Array, Uint32Array];
  fields: [FieldTotals, FieldTotals, FieldTotals];
}

/**
 * Counts the terms of documents one at a time, with the memory index's scanner and term table (buildTextIndex's
 * own: a char-code scan that cuts no string for a word it knows), and gives each document's tsvector literal.
 * Documents are an entity (its names and aliases: field 0) or an article (headline: field 1, body: field 2), as
 * textIndexInput numbers the fields. Nothing is kept per document, so a counter per thread can take any share of
 * the documents; their counts are merged with mergeTermCounts.
 */
export class TermCounter {
  private readonly table = new TermTable();
  /** Each term's lexeme literal and its colon, quoted once. */
  private readonly lexemes: string[] = [];
  private frequencies: [Uint32Array, Uint32Array, Uint32Array];
  /** The document being counted: its terms' counts per field (saturating at TF_MAX) and the terms it holds. */
  private counts: [Uint16Array, Uint16Array, Uint16Array];
  private readonly held: number[] = [];
  private readonly fields: [FieldTotals, FieldTotals, FieldTotals] = [
    { documents: 0, totalLength: 0 },
    { documents: 0, totalLength: 0 },
    { documents: 0, totalLength: 0 },
  ];
  /** The word counts of the last document, per field. */
  readonly lengths: [number, number, number] = [0, 0, 0];

  constructor(capacity = 1 << 14) {
    this.frequencies = [new Uint32Array(capacity), new Uint32Array(capacity), new Uint32Array(capacity)];
    this.counts = [new Uint16Array(capacity), new Uint16Array(capacity), new Uint16Array(capacity)];
  }

  /** An entity's tsvector literal (names weight B); `lengths[0]` is then its names' word count. */
  entity(names: readonly string[]): string {
    this.lengths.fill(0);
    for (const name of names) this.addText(0, name);
    return this.finishDocument();
  }

  /** An article's tsvector literal (headline weight A, body D); `lengths[1]`, `lengths[2]` its fields' word counts. */
  article(headline: string, body: string): string {
    this.lengths.fill(0);
    this.addText(1, headline);
    this.addText(2, body);
    return this.finishDocument();
  }

  /** The counts so far (the counter is not to be used after). */
  result(): TermCounts {
    const size = this.table.size;
    return {
      terms: this.table.terms,
      frequencies: this.frequencies.map((f) => f.slice(0, size)) as TermCounts['frequencies'],
      fields: this.fields,
    };
  }

  private addText(field: 0 | 1 | 2, text: string): void {
    scanWords(text, (start, end, hash, needsFolding) => {
      if (!needsFolding) this.count(field, this.table.idOfPlain(text, start, end, hash));
      else for (const term of foldedTerms(text.slice(start, end))) this.count(field, this.table.idOf(term));
    });
  }

  private count(field: 0 | 1 | 2, term: number): void {
    if (term >= this.counts[0].length) this.grow();
    const [names, headline, body] = this.counts;
    if (names[term] === 0 && headline[term] === 0 && body[term] === 0) this.held.push(term);
    const counts = this.counts[field];
    if ((counts[term] as number) < TF_MAX) counts[term] = (counts[term] as number) + 1;
    this.lengths[field]++;
  }

  private grow(): void {
    const size = this.counts[0].length * 2;
    const grown = <T extends Uint16Array | Uint32Array>(array: T): T => {
      const next = new (array.constructor as new (length: number) => T)(size);
      next.set(array);
      return next;
    };
    this.counts = this.counts.map(grown) as typeof this.counts;
    this.frequencies = this.frequencies.map(grown) as typeof this.frequencies;
  }

  /** The tsvector literal of the document counted since the last one, its lengths in `lengths`; then resets. */
  private finishDocument(): string {
    const [names, headline, body] = this.counts;
    const [inNames, inHeadline, inBody] = this.frequencies;
    // Built by concatenation from cached pieces: this runs for every document, and arrays joined cost twice as much.
    let literal = '';
    for (let i = 0; i < this.held.length; i++) {
      const term = this.held[i] as number;
      const n = names[term] as number;
      const h = headline[term] as number;
      const b = body[term] as number;
      let entry = this.lexemes[term] ?? `${lexeme(this.table.terms[term] as string)}:`;
      this.lexemes[term] = entry;
      if (n > 0) {
        entry += POSITIONS.B[n];
        inNames[term] = (inNames[term] as number) + 1;
        names[term] = 0;
      }
      if (h > 0) {
        entry += n > 0 ? `,${POSITIONS.A[h]}` : POSITIONS.A[h];
        inHeadline[term] = (inHeadline[term] as number) + 1;
        headline[term] = 0;
      }
      if (b > 0) {
        entry += n > 0 || h > 0 ? `,${POSITIONS.D[b]}` : POSITIONS.D[b];
        inBody[term] = (inBody[term] as number) + 1;
        body[term] = 0;
      }
      literal += i > 0 ? ` ${entry}` : entry;
    }
    this.held.length = 0;
    for (let field = 0; field < 3; field++) {
      const totals = this.fields[field] as FieldTotals;
      const length = this.lengths[field] as number;
      if (length > 0) totals.documents++;
      totals.totalLength += length;
    }
    return literal;
  }
}

/** The position of a count in a title field (A, B) or the body (D, from BODY_POSITION_BASE), by count. */
const POSITIONS = {
  A: Array.from({ length: TF_MAX + 1 }, (_, count) => `${count}A`),
  B: Array.from({ length: TF_MAX + 1 }, (_, count) => `${count}B`),
  D: Array.from({ length: TF_MAX + 1 }, (_, count) => `${BODY_POSITION_BASE + count}D`),
};

/** The counts of several counters (threads) as one: each term's documents per field, and the fields' totals. */
export function mergeTermCounts(parts: readonly TermCounts[]): {
  frequencies: Map<string, [number, number, number]>;
  fields: [FieldTotals, FieldTotals, FieldTotals];
} {
  const frequencies = new Map<string, [number, number, number]>();
  const fields: [FieldTotals, FieldTotals, FieldTotals] = [
    { documents: 0, totalLength: 0 },
    { documents: 0, totalLength: 0 },
    { documents: 0, totalLength: 0 },
  ];
  for (const part of parts) {
    part.terms.forEach((term, id) => {
      let sums = frequencies.get(term);
      if (!sums) {
        sums = [0, 0, 0];
        frequencies.set(term, sums);
      }
      sums[0] += part.frequencies[0][id] as number;
      sums[1] += part.frequencies[1][id] as number;
      sums[2] += part.frequencies[2][id] as number;
    });
    part.fields.forEach((totals, field) => {
      (fields[field] as FieldTotals).documents += totals.documents;
      (fields[field] as FieldTotals).totalLength += totals.totalLength;
    });
  }
  return { frequencies, fields };
}
