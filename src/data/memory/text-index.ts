/**
 * Building the full-text index: the word scanner shared with queries and highlights, the term table,
 * and posting lists in typed arrays. Pure functions over plain data, so the build can run in a
 * worker thread (src/data/text-index-worker.ts) while the rest of the store is built.
 */

/** Lower case without diacritics, so "Azízi" finds "Azizi". */
export function foldForSearch(text: string): string {
  // Most text is plain ASCII: skip Unicode normalization for it (indexing folds every body).
  if (!NON_ASCII.test(text)) return text.toLowerCase();
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}
const NON_ASCII = /[\u0080-\uffff]/;

const WORDS = /[\p{L}\p{N}]+/gu;

/** What a UTF-16 code unit is to the word scanner (filled lazily outside ASCII). */
const SEPARATOR = 1;
const PLAIN = 2; // an ASCII letter or digit
const FOLDED = 3; // another letter, digit or combining mark: folding may change or remove it
const CHARACTER_CLASS = new Uint8Array(0x10000);
const WORD_OR_MARK = /^[\p{L}\p{N}\p{M}]$/u;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

function characterClass(code: number): number {
  let kind = CHARACTER_CLASS[code] as number;
  if (kind === 0) {
    if (code < 0x80) kind = /^[a-z0-9]$/i.test(String.fromCharCode(code)) ? PLAIN : SEPARATOR;
    // Half of a surrogate pair: judged with its other half once the word is folded.
    else if (code >= 0xd800 && code <= 0xdfff) kind = FOLDED;
    else kind = WORD_OR_MARK.test(String.fromCharCode(code)) ? FOLDED : SEPARATOR;
    CHARACTER_CLASS[code] = kind;
  }
  return kind;
}

/** FNV-1a of a (folded) term: the same value scanWords computes for a plain word while reading it. */
function hashOf(term: string): number {
  let hash = FNV_OFFSET;
  for (let i = 0; i < term.length; i++) hash = Math.imul(hash ^ term.charCodeAt(i), FNV_PRIME);
  return hash;
}

/**
 * Finds the words of `text`: runs of letters and digits, so punctuation and spaces separate words
 * ("U.S." is "u" and "s", "Israel-Gaza" is two words). Calls `onWord` with each word's bounds, the
 * hash of its lower-cased form, and whether it needs folding (accents, other scripts). A scan over
 * char codes that cuts no strings, since indexing reads every body: a Unicode regex over whole
 * bodies cost more than the rest of indexing. `onWord` may return false to stop.
 */
export function scanWords(
  text: string,
  onWord: (start: number, end: number, hash: number, needsFolding: boolean) => unknown,
): void {
  let start = -1;
  let hash = FNV_OFFSET;
  let needsFolding = false;
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    const kind = characterClass(code);
    if (kind === SEPARATOR) {
      if (start >= 0 && onWord(start, i, hash, needsFolding) === false) return;
      start = -1;
      continue;
    }
    if (start < 0) {
      start = i;
      hash = FNV_OFFSET;
      needsFolding = false;
    }
    if (kind === FOLDED) needsFolding = true;
    else {
      if (code <= 90 && code >= 65) code += 32; // lower case
      hash = Math.imul(hash ^ code, FNV_PRIME);
    }
  }
  if (start >= 0) onWord(start, text.length, hash, needsFolding);
}

/**
 * The terms of a word scanWords marked as needing folding (accents, other scripts): folded, then split again,
 * since a combining mark or a surrogate pair inside it may not be a letter once folded. Rare in practice.
 */
export function foldedTerms(word: string): string[] {
  return Array.from(foldForSearch(word).matchAll(WORDS), (match) => match[0]);
}

/** Calls `onTerm` with each word of `text`, folded (see foldForSearch and scanWords). */
export function forEachTerm(text: string, onTerm: (term: string) => void): void {
  scanWords(text, (start, end, _hash, needsFolding) => {
    const word = text.slice(start, end);
    if (!needsFolding) onTerm(word.toLowerCase());
    else for (const term of foldedTerms(word)) onTerm(term);
  });
}

/**
 * The indexed terms, numbered in order of first appearance: an open-addressing hash table over
 * char codes, so a word already known is found without cutting it out of the body as a string.
 */
export class TermTable {
  readonly terms: string[] = [];
  private slots = new Int32Array(1 << 16).fill(-1);
  private hashes: number[] = [];

  get size(): number {
    return this.terms.length;
  }

  /**
   * The number of the lower-cased `text.slice(start, end)`, a plain word (ASCII letters and digits)
   * whose hash scanWords computed, added if new.
   */
  idOfPlain(text: string, start: number, end: number, hash: number): number {
    const mask = this.slots.length - 1;
    const length = end - start;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const id = this.slots[slot] as number;
      if (id === -1) return this.insert(slot, text.slice(start, end).toLowerCase(), hash);
      if (this.hashes[id] !== hash) continue;
      const term = this.terms[id] as string;
      if (term.length !== length) continue;
      let same = true;
      for (let k = 0; k < length && same; k++) {
        let code = text.charCodeAt(start + k);
        if (code <= 90 && code >= 65) code += 32;
        same = term.charCodeAt(k) === code;
      }
      if (same) return id;
    }
  }

  /** The number of a folded term, added if new. */
  idOf(term: string): number {
    const hash = hashOf(term);
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const id = this.slots[slot] as number;
      if (id === -1) return this.insert(slot, term, hash);
      if (this.hashes[id] === hash && this.terms[id] === term) return id;
    }
  }

  private insert(slot: number, term: string, hash: number): number {
    const id = this.terms.length;
    this.slots[slot] = id;
    this.terms.push(term);
    this.hashes.push(hash);
    if (this.terms.length * 2 > this.slots.length) this.grow();
    return id;
  }

  private grow(): void {
    this.slots = new Int32Array(this.slots.length * 2).fill(-1);
    const mask = this.slots.length - 1;
    this.hashes.forEach((hash, id) => {
      let slot = hash & mask;
      while (this.slots[slot] !== -1) slot = (slot + 1) & mask;
      this.slots[slot] = id;
    });
  }
}

/**
 * The most distinct words a text filter or search may have: each word is a scan of the index, and more words
 * than this in a query are refused (a headline pasted whole has about 10).
 */
export const MAX_QUERY_WORDS = 16;

/** The distinct folded words of a query, in order. */
export function queryTerms(query: string): string[] {
  const terms: string[] = [];
  forEachTerm(query, (term) => {
    if (!terms.includes(term)) terms.push(term);
  });
  return terms;
}

/** A posting packs the document number (24 bits) and the term's count in the field (8 bits, saturating). */
export const TF_BITS = 8;
export const TF_MAX = (1 << TF_BITS) - 1;
export const MAX_DOCUMENTS = 2 ** (32 - TF_BITS);

/**
 * What to index, or a part of it. Document numbers: the entities (by their names and aliases) first,
 * then the articles. A part may hold only some of the texts, from the document numbers given.
 */
export interface TextIndexInput {
  /** Documents in the whole index. */
  documentCount: number;
  /** Names and aliases of documents 0, 1, …. */
  names: string[][];
  /** Headlines and bodies of the documents from `firstDocument` on. */
  headlines: { firstDocument: number; texts: string[] };
  bodies: { firstDocument: number; texts: string[] };
}

/** One field's posting lists, all in one array: term t's postings are postings[offsets[t]..offsets[t + 1]). */
export interface FieldIndex {
  offsets: Uint32Array;
  postings: Uint32Array;
  /** Words per document in this field (for BM25's length normalization). */
  lengths: Uint32Array;
  documentsWithField: number;
  totalLength: number;
}

/** The built index: terms by number, and the names, headline and body fields, in that order. */
export interface TextIndexData {
  terms: string[];
  fields: [FieldIndex, FieldIndex, FieldIndex];
}

/** Growable posting lists of one field while building: one Uint32Array per term, doubled as it fills. */
class FieldPostings {
  private lists: Uint32Array[] = [];
  private sizes: number[] = [];
  /** The document a term was last seen in, and where its posting is, so repeats only bump the count. */
  private lastDocument: number[] = [];
  private lastSlot: number[] = [];
  private readonly lengths: Uint32Array;
  private documentsWithField = 0;
  private totalLength = 0;

  constructor(documentCount: number) {
    this.lengths = new Uint32Array(documentCount);
  }

  add(termId: number, document: number): void {
    while (this.lists.length <= termId) {
      this.lists.push(new Uint32Array(4));
      this.sizes.push(0);
      this.lastDocument.push(-1);
      this.lastSlot.push(0);
    }
    if (this.lastDocument[termId] === document) {
      const slot = this.lastSlot[termId] as number;
      const list = this.lists[termId] as Uint32Array;
      const posting = list[slot] as number;
      if ((posting & TF_MAX) < TF_MAX) list[slot] = posting + 1;
      return;
    }
    let list = this.lists[termId] as Uint32Array;
    const size = this.sizes[termId] as number;
    if (size === list.length) {
      const grown = new Uint32Array(size * 2);
      grown.set(list);
      list = grown;
      this.lists[termId] = list;
    }
    list[size] = (document << TF_BITS) | 1;
    this.sizes[termId] = size + 1;
    this.lastDocument[termId] = document;
    this.lastSlot[termId] = size;
  }

  /** Indexes the words of `text` as part of `document`'s field (a field may be given in several parts). */
  addText(table: TermTable, document: number, text: string): void {
    const before = this.lengths[document] as number;
    let length = before;
    scanWords(text, (start, end, hash, needsFolding) => {
      if (!needsFolding) {
        this.add(table.idOfPlain(text, start, end, hash), document);
        length++;
        return;
      }
      for (const term of foldedTerms(text.slice(start, end))) {
        this.add(table.idOf(term), document);
        length++;
      }
    });
    if (before === 0 && length > 0) this.documentsWithField++;
    this.lengths[document] = length;
    this.totalLength += length - before;
  }

  /** The lists packed into one array, for `termCount` terms. */
  finish(termCount: number): FieldIndex {
    const offsets = new Uint32Array(termCount + 1);
    let total = 0;
    for (let term = 0; term < termCount; term++) {
      offsets[term] = total;
      total += this.sizes[term] ?? 0;
    }
    offsets[termCount] = total;
    const postings = new Uint32Array(total);
    this.lists.forEach((list, term) => {
      postings.set(list.subarray(0, this.sizes[term]), offsets[term]);
    });
    return {
      offsets,
      postings,
      lengths: this.lengths,
      documentsWithField: this.documentsWithField,
      totalLength: this.totalLength,
    };
  }
}

/** Builds the index of `input` (see TextIndexInput for the document numbers). */
export function buildTextIndex(input: TextIndexInput): TextIndexData {
  const { documentCount } = input;
  if (documentCount > MAX_DOCUMENTS) throw new Error(`the search index holds at most ${MAX_DOCUMENTS} documents`);
  const table = new TermTable();
  const names = new FieldPostings(documentCount);
  const headlines = new FieldPostings(documentCount);
  const bodies = new FieldPostings(documentCount);
  input.names.forEach((list, document) => {
    for (const name of list) names.addText(table, document, name);
  });
  input.headlines.texts.forEach((headline, i) => {
    headlines.addText(table, input.headlines.firstDocument + i, headline);
  });
  input.bodies.texts.forEach((body, i) => {
    bodies.addText(table, input.bodies.firstDocument + i, body);
  });
  const termCount = table.size;
  return {
    terms: table.terms,
    fields: [names.finish(termCount), headlines.finish(termCount), bodies.finish(termCount)],
  };
}

/**
 * One index from two built over disjoint documents (two threads' halves): the terms of `b` are
 * renumbered into those of `a`, and each term's postings are `a`'s followed by `b`'s.
 */
export function mergeTextIndexes(a: TextIndexData, b: TextIndexData): TextIndexData {
  const terms = [...a.terms];
  const idInA = new Map(a.terms.map((term, id) => [term, id]));
  const fromB = new Int32Array(b.terms.length);
  b.terms.forEach((term, idInB) => {
    let id = idInA.get(term);
    if (id === undefined) {
      id = terms.length;
      terms.push(term);
    }
    fromB[idInB] = id;
  });
  const bOf = new Int32Array(terms.length).fill(-1);
  fromB.forEach((id, idInB) => {
    bOf[id] = idInB;
  });
  const mergeField = (fa: FieldIndex, fb: FieldIndex): FieldIndex => {
    const offsets = new Uint32Array(terms.length + 1);
    const postings = new Uint32Array(fa.postings.length + fb.postings.length);
    let at = 0;
    for (let id = 0; id < terms.length; id++) {
      offsets[id] = at;
      if (id < a.terms.length) {
        const from = fa.offsets[id] as number;
        const to = fa.offsets[id + 1] as number;
        postings.set(fa.postings.subarray(from, to), at);
        at += to - from;
      }
      const idInB = bOf[id] as number;
      if (idInB >= 0) {
        const from = fb.offsets[idInB] as number;
        const to = fb.offsets[idInB + 1] as number;
        postings.set(fb.postings.subarray(from, to), at);
        at += to - from;
      }
    }
    offsets[terms.length] = at;
    const lengths = new Uint32Array(fa.lengths.length);
    for (let document = 0; document < lengths.length; document++) {
      lengths[document] = (fa.lengths[document] as number) + (fb.lengths[document] as number);
    }
    return {
      offsets,
      postings,
      lengths,
      documentsWithField: fa.documentsWithField + fb.documentsWithField,
      totalLength: fa.totalLength + fb.totalLength,
    };
  };
  return {
    terms,
    fields: [
      mergeField(a.fields[0], b.fields[0]),
      mergeField(a.fields[1], b.fields[1]),
      mergeField(a.fields[2], b.fields[2]),
    ],
  };
}

/** The buffers of a built index, to transfer rather than copy between threads. */
export function transferablesOf(data: TextIndexData): ArrayBuffer[] {
  return data.fields.flatMap((field) => [
    field.offsets.buffer,
    field.postings.buffer,
    field.lengths.buffer,
  ]) as ArrayBuffer[];
}
