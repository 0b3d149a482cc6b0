/**
 * The full-text index over entity names and aliases, article headlines and bodies: an inverted
 * index in typed arrays, built once per store, with BM25 ranking in tiers and highlights.
 *
 * Why not a library: MiniSearch (used until the 100,000-article benchmark) keeps a Map per term
 * per field with an entry per document, so indexing 100,000 bodies took ~85 s and most of the
 * 2.9 GB RSS, and every search ranked every hit (2.7 s for a common word). FlexSearch measured
 * no better. Here a posting is one 32-bit integer, and a search ranks only the page it returns.
 */
import type { ArticleRecord, EntityRecord } from './records.js';
import { entityKeyString } from './records.js';
import type { SearchField, SearchHighlight, SearchHit, SearchTarget } from './source.js';

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
function scanWords(
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

/** Calls `onTerm` with each word of `text`, folded (see foldForSearch and scanWords). */
export function forEachTerm(text: string, onTerm: (term: string) => void): void {
  scanWords(text, (start, end, _hash, needsFolding) => {
    const word = text.slice(start, end);
    if (!needsFolding) onTerm(word.toLowerCase());
    // Rare: fold, then split again (a mark or a surrogate pair may have been inside).
    else for (const match of foldForSearch(word).matchAll(WORDS)) onTerm(match[0]);
  });
}

/**
 * The indexed terms, numbered in order of first appearance: an open-addressing hash table over
 * char codes, so a word already known is found without cutting it out of the body as a string.
 */
class TermTable {
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

  /** The number of a folded term, or -1 when it is not indexed. */
  find(term: string): number {
    const hash = hashOf(term);
    const mask = this.slots.length - 1;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const id = this.slots[slot] as number;
      if (id === -1) return -1;
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

/** The distinct folded words of a query, in order. */
export function queryTerms(query: string): string[] {
  const terms: string[] = [];
  forEachTerm(query, (term) => {
    if (!terms.includes(term)) terms.push(term);
  });
  return terms;
}

/** Highlights listed per field of one hit, at most: enough to show where, without copying a long body. */
const MAX_HIGHLIGHTS_PER_FIELD = 5;
/** Ranking tiers: an exact name or alias, then a match in a name, alias or headline, then body only. */
const EXACT_TIER = 2_000_000;
const TITLE_TIER = 1_000_000;

/** True when the plain word `text.slice(start, end)`, lower-cased, begins with `term`. */
function plainWordStartsWith(text: string, start: number, end: number, term: string): boolean {
  if (term.length > end - start) return false;
  for (let k = 0; k < term.length; k++) {
    let code = text.charCodeAt(start + k);
    if (code <= 90 && code >= 65) code += 32;
    if (code !== term.charCodeAt(k)) return false;
  }
  return true;
}

/**
 * The first whole words of `text` that begin with one of `terms` (folded), with their offsets in
 * `text`. Reads only as far as the last highlight it returns, so a long body costs little.
 */
export function highlightWords(
  text: string,
  terms: readonly string[],
  field: SearchField,
  alias: string | null = null,
): SearchHighlight[] {
  const found: SearchHighlight[] = [];
  const wanted = terms.filter(Boolean);
  if (wanted.length === 0) return found;
  scanWords(text, (start, end, _hash, needsFolding) => {
    if (found.length === MAX_HIGHLIGHTS_PER_FIELD) return false;
    const matches = needsFolding
      ? [...foldForSearch(text.slice(start, end)).matchAll(WORDS)].some(([word]) =>
          wanted.some((term) => word.startsWith(term)),
        )
      : wanted.some((term) => plainWordStartsWith(text, start, end, term));
    if (matches) found.push({ field, alias, text: text.slice(start, end), start, end });
    return found.length < MAX_HIGHLIGHTS_PER_FIELD;
  });
  return found;
}

/** The indexed fields, with their weight in the score (a name match counts most). */
const FIELDS = [
  { name: 'names', boost: 8, title: true },
  { name: 'headline', boost: 3, title: true },
  { name: 'body', boost: 1, title: false },
] as const;
type FieldNumber = 0 | 1 | 2;
const NAMES: FieldNumber = 0;
const HEADLINE: FieldNumber = 1;
const BODY: FieldNumber = 2;

/** BM25 parameters (the usual ones), with BM25+'s lower bound so long documents still score. */
const K1 = 1.2;
const B = 0.7;
const DELTA = 0.5;
/** A word that only begins with the query's word counts for less, the more so the longer it is. */
const PREFIX_WEIGHT = 0.375;

/** A posting packs the document number (24 bits) and the term's count in the field (8 bits, saturating). */
const TF_BITS = 8;
const TF_MAX = (1 << TF_BITS) - 1;
const MAX_DOCUMENTS = 2 ** (32 - TF_BITS);

const TYPE_CODES: readonly SearchTarget[] = ['Article', 'Person', 'Organization', 'Event'];

/** Growable posting lists of one field: one Uint32Array per term, doubled as it fills, trimmed at the end. */
class FieldPostings {
  lists: Uint32Array[] = [];
  sizes: number[] = [];
  /** The document a term was last seen in, and where its posting is, so repeats only bump the count. */
  private lastDocument: number[] = [];
  private lastSlot: number[] = [];
  readonly lengths: Uint32Array;
  documentsWithField = 0;
  totalLength = 0;

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

  /** Drops the build-time bookkeeping and the unused tail of each list. */
  finish(): void {
    this.lists = this.lists.map((list, termId) => list.slice(0, this.sizes[termId]));
    this.lastDocument = [];
    this.lastSlot = [];
  }
}

export class SearchIndex {
  /** Folded names and aliases, to the document numbers of the entities that bear them. */
  private readonly exactNames = new Map<string, number[]>();
  private readonly entities: Map<string, EntityRecord>;
  private readonly articles: Map<string, ArticleRecord>;
  /** Per document number: its type (index into TYPE_CODES) and slug. Entities first, then articles. */
  private readonly documentType: Uint8Array;
  private readonly documentSlug: string[];
  private readonly termTable = new TermTable();
  /** Every indexed term, sorted, for prefix lookups by binary search. */
  private readonly sortedTerms: string[];
  private readonly fields: FieldPostings[];
  /** Per-search scratch, reused (a search runs synchronously, so never two at once): see search(). */
  private readonly matchedTerms: Uint8Array;
  private readonly scores: Float64Array;
  private readonly inTitle: Uint8Array;

  constructor(entities: readonly EntityRecord[], articles: readonly ArticleRecord[]) {
    this.entities = new Map(entities.map((e) => [entityKeyString(e), e]));
    this.articles = new Map(articles.map((a) => [`Article:${a.slug}`, a]));

    const documentCount = entities.length + articles.length;
    if (documentCount > MAX_DOCUMENTS) throw new Error(`the search index holds at most ${MAX_DOCUMENTS} documents`);
    this.documentType = new Uint8Array(documentCount);
    this.documentSlug = new Array(documentCount);
    this.fields = FIELDS.map(() => new FieldPostings(documentCount));
    let document = 0;
    for (const entity of entities) {
      this.documentType[document] = TYPE_CODES.indexOf(entity.type);
      this.documentSlug[document] = entity.slug;
      for (const name of [entity.name, ...entity.aliases]) {
        this.indexText(NAMES, document, name);
        const folded = foldForSearch(name).trim();
        const bearers = this.exactNames.get(folded) ?? [];
        if (!bearers.includes(document)) bearers.push(document);
        this.exactNames.set(folded, bearers);
      }
      document++;
    }
    for (const article of articles) {
      this.documentType[document] = 0;
      this.documentSlug[document] = article.slug;
      this.indexText(HEADLINE, document, article.headline);
      this.indexText(BODY, document, article.body);
      document++;
    }
    for (const field of this.fields) field.finish();
    this.sortedTerms = [...this.termTable.terms].sort();
    this.matchedTerms = new Uint8Array(documentCount);
    this.scores = new Float64Array(documentCount);
    this.inTitle = new Uint8Array(documentCount);
  }

  private indexText(fieldNumber: FieldNumber, document: number, text: string): void {
    const field = this.fields[fieldNumber] as FieldPostings;
    const table = this.termTable;
    const before = field.lengths[document] as number;
    let length = before;
    scanWords(text, (start, end, hash, needsFolding) => {
      if (!needsFolding) {
        field.add(table.idOfPlain(text, start, end, hash), document);
        length++;
        return;
      }
      for (const match of foldForSearch(text.slice(start, end)).matchAll(WORDS)) {
        field.add(table.idOf(match[0]), document);
        length++;
      }
    });
    if (before === 0 && length > 0) field.documentsWithField++;
    field.lengths[document] = length;
    field.totalLength += length - before;
  }

  /** Indexed terms that begin with `prefix`, each with its weight (1 for the word itself). */
  private expand(prefix: string): { termId: number; weight: number }[] {
    const terms = this.sortedTerms;
    let low = 0;
    let high = terms.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((terms[middle] as string) < prefix) low = middle + 1;
      else high = middle;
    }
    const expanded: { termId: number; weight: number }[] = [];
    for (let i = low; i < terms.length && (terms[i] as string).startsWith(prefix); i++) {
      const term = terms[i] as string;
      const extra = term.length - prefix.length;
      const weight = extra === 0 ? 1 : (PREFIX_WEIGHT * prefix.length) / (prefix.length + 0.3 * extra);
      expanded.push({ termId: this.termTable.find(term), weight });
    }
    return expanded;
  }

  /**
   * The documents containing every word of `query` (each as a prefix), in `fields`, of the wanted
   * types; with their scores in this.scores and title matches in this.inTitle. The caller must call
   * reset() with the returned list when done with them.
   */
  private match(terms: readonly string[], fields: readonly FieldNumber[], wanted: Set<number> | null): number[] {
    const { matchedTerms, scores, inTitle } = this;
    let candidates: number[] = [];
    terms.forEach((term, termNumber) => {
      if (termNumber > 0 && candidates.length === 0) return;
      for (const { termId, weight } of this.expand(term)) {
        for (const fieldNumber of fields) {
          const field = this.fields[fieldNumber] as FieldPostings;
          const list = field.lists[termId];
          if (!list || list.length === 0) continue;
          const { boost, title } = FIELDS[fieldNumber];
          const documents = field.documentsWithField;
          const idf = Math.log(1 + (documents - list.length + 0.5) / (list.length + 0.5));
          const averageLength = field.totalLength / Math.max(1, documents);
          for (let i = 0; i < list.length; i++) {
            const posting = list[i] as number;
            const document = posting >>> TF_BITS;
            const seen = matchedTerms[document] as number;
            if (seen === termNumber) {
              // First match of this query word in the document.
              if (termNumber === 0) {
                if (wanted && !wanted.has(documentType(this.documentType, document))) continue;
                candidates.push(document);
              }
              matchedTerms[document] = termNumber + 1;
            } else if (seen !== termNumber + 1) continue; // Missed an earlier word: not a hit.
            const tf = posting & TF_MAX;
            const lengthRatio = (field.lengths[document] as number) / averageLength;
            const saturated = (tf * (K1 + 1)) / (tf + K1 * (1 - B + B * lengthRatio));
            scores[document] = (scores[document] as number) + boost * weight * idf * (saturated + DELTA);
            if (title) inTitle[document] = 1;
          }
        }
      }
      if (termNumber > 0) {
        // Documents that missed this word are out: clear their scratch now, keep the rest.
        const kept: number[] = [];
        for (const document of candidates) {
          if (matchedTerms[document] === termNumber + 1) kept.push(document);
          else {
            matchedTerms[document] = 0;
            scores[document] = 0;
            inTitle[document] = 0;
          }
        }
        candidates = kept;
      }
    });
    return candidates;
  }

  private reset(documents: readonly number[]): void {
    for (const document of documents) {
      this.matchedTerms[document] = 0;
      this.scores[document] = 0;
      this.inTitle[document] = 0;
    }
  }

  /** Slugs of the articles whose headline or body contain every word of `text` (each as a prefix). */
  articleSlugs(text: string): Set<string> {
    const candidates = this.match(queryTerms(text), [HEADLINE, BODY], new Set([0]));
    const slugs = new Set(candidates.map((document) => this.documentSlug[document] as string));
    this.reset(candidates);
    return slugs;
  }

  /** The number of hits for `query`, and the best `limit` of them, best first (ties by slug). */
  search(
    query: string,
    types: readonly SearchTarget[] | null | undefined,
    limit: number,
  ): { totalCount: number; hits: SearchHit[] } {
    const terms = queryTerms(query);
    if (terms.length === 0) return { totalCount: 0, hits: [] };
    const wanted = types && types.length > 0 ? new Set(types.map((type) => TYPE_CODES.indexOf(type))) : null;
    const candidates = this.match(terms, [NAMES, HEADLINE, BODY], wanted);
    const exact = this.exactNames.get(foldForSearch(query).trim()) ?? [];
    const scoreOf = (document: number): number => {
      const tier = exact.includes(document) ? EXACT_TIER : this.inTitle[document] ? TITLE_TIER : 0;
      return tier + (this.scores[document] as number);
    };
    const best = topByScore(candidates, scoreOf, (document) => this.documentSlug[document] as string, limit);
    const hits = best.map(
      ({ item: document, score }): SearchHit => ({
        type: TYPE_CODES[documentType(this.documentType, document)] as SearchTarget,
        slug: this.documentSlug[document] as string,
        score,
        terms,
      }),
    );
    this.reset(candidates);
    return { totalCount: candidates.length, hits };
  }

  /** Where a hit matched: in the entity's name and aliases, or the article's headline and body. */
  highlights(hit: SearchHit): SearchHighlight[] {
    const id = `${hit.type}:${hit.slug}`;
    const terms = hit.terms;
    const entity = this.entities.get(id);
    if (entity) {
      return [
        ...highlightWords(entity.name, terms, 'NAME'),
        ...entity.aliases.flatMap((alias) => highlightWords(alias, terms, 'ALIAS', alias)),
      ];
    }
    const article = this.articles.get(id);
    if (!article) return [];
    return [...highlightWords(article.headline, terms, 'HEADLINE'), ...highlightWords(article.body, terms, 'BODY')];
  }
}

function documentType(types: Uint8Array, document: number): number {
  return types[document] as number;
}

/**
 * The best `limit` items by score (then by name, ascending), best first: a bounded min-heap, so
 * ranking 30,000 hits for a page of 20 costs a pass over the hits, not a sort of them all.
 */
export function topByScore<T>(
  items: readonly T[],
  scoreOf: (item: T) => number,
  nameOf: (item: T) => string,
  limit: number,
): { item: T; score: number }[] {
  type Entry = { item: T; score: number };
  // a ranks below b: lower score, or the same score and a later name.
  const below = (a: Entry, b: Entry) =>
    a.score < b.score || (a.score === b.score && nameOf(a.item).localeCompare(nameOf(b.item)) > 0);
  const heap: Entry[] = [];
  const capacity = Math.max(0, Math.min(limit, items.length));
  if (capacity === 0) return [];
  const siftDown = (from: number) => {
    for (let i = from; ; ) {
      const left = 2 * i + 1;
      const right = left + 1;
      let lowest = i;
      if (left < heap.length && below(heap[left] as Entry, heap[lowest] as Entry)) lowest = left;
      if (right < heap.length && below(heap[right] as Entry, heap[lowest] as Entry)) lowest = right;
      if (lowest === i) return;
      [heap[i], heap[lowest]] = [heap[lowest] as Entry, heap[i] as Entry];
      i = lowest;
    }
  };
  for (const item of items) {
    const entry = { item, score: scoreOf(item) };
    if (heap.length < capacity) {
      heap.push(entry);
      for (let i = heap.length - 1; i > 0; ) {
        const parent = (i - 1) >>> 1;
        if (!below(heap[i] as Entry, heap[parent] as Entry)) break;
        [heap[i], heap[parent]] = [heap[parent] as Entry, heap[i] as Entry];
        i = parent;
      }
    } else if (below(heap[0] as Entry, entry)) {
      heap[0] = entry;
      siftDown(0);
    }
  }
  return heap.sort((a, b) => (below(a, b) ? 1 : below(b, a) ? -1 : 0));
}
