/**
 * The full-text index over entity names and aliases, article headlines and bodies: an inverted
 * index in typed arrays, built once per store, with BM25 ranking in tiers and highlights.
 *
 * Why not a library: MiniSearch (used until the 100,000-article benchmark) keeps a Map per term
 * per field with an entry per document, so indexing 100,000 bodies took ~85 s and most of the
 * 2.9 GB RSS, and every search ranked every hit (2.7 s for a common word). FlexSearch measured
 * no better. Here a posting is one 32-bit integer, and a search ranks only the page it returns.
 */
import { Worker } from 'node:worker_threads';
import type { SearchField, SearchHighlight, SearchHit, SearchTarget } from '../contract.js';
import { ENTITY_TYPES } from '../entity-types.js';
import type { ArticleRecord, EntityRecord } from '../records.js';
import { entityKeyString } from '../records.js';
import type { RequestWork } from '../request-work.js';
import { workerScript } from '../worker-module.js';
import {
  buildTextIndex,
  type FieldIndex,
  foldedTerms,
  foldForSearch,
  MAX_QUERY_WORDS,
  mergeTextIndexes,
  queryTerms,
  scanWords,
  type TextIndexData,
  type TextIndexInput,
  TF_BITS,
  TF_MAX,
} from './text-index.js';

/** Highlights listed per field of one hit, at most: enough to show where, without copying a long body. */
export const MAX_HIGHLIGHTS_PER_FIELD = 5;
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

/** True when the folded `word` matches the query word `term`: the same word, or (when long enough) begins with it. */
function wordMatches(word: string, term: string): boolean {
  return term.length >= MIN_PREFIX_LENGTH ? word.startsWith(term) : word === term;
}

/**
 * The first whole words of `text` that match one of `terms` (folded; see wordMatches), with their offsets in
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
      ? foldedTerms(text.slice(start, end)).some((word) => wanted.some((term) => wordMatches(word, term)))
      : wanted.some(
          (term) =>
            (term.length >= MIN_PREFIX_LENGTH || term.length === end - start) &&
            plainWordStartsWith(text, start, end, term),
        );
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
/**
 * Shorter query words match whole words only: as prefixes, "a" or "th" would each match a large share of
 * the vocabulary, and a query of many such words scanned most of the index once per word.
 */
export const MIN_PREFIX_LENGTH = 3;
/** A query word matches at most this many longer words that begin with it: the most frequent ones. */
export const MAX_EXPANSIONS_PER_WORD = 50;
/**
 * The postings of longer words (prefix matches) one query may scan, shared equally by its words: what a word
 * cannot fit, it does not match. Whole words are always matched; MAX_QUERY_WORDS bounds them.
 */
export const MAX_EXPANSION_POSTINGS = 2_000_000;
/** Postings scanned between two looks at the request's deadline. */
const POSTINGS_PER_CHECK = 16_384;

const TYPE_CODES: readonly SearchTarget[] = ['Article', ...ENTITY_TYPES];

/** Below this much body text, a worker thread costs more (start-up, copying the text) than it saves. */
const WORKER_ABOVE_CHARACTERS = 20_000_000;

/** What the index reads: entities' names and aliases, then articles' headlines and bodies. */
export function textIndexInput(entities: readonly EntityRecord[], articles: readonly ArticleRecord[]): TextIndexInput {
  return {
    documentCount: entities.length + articles.length,
    names: entities.map((entity) => [entity.name, ...entity.aliases]),
    headlines: { firstDocument: entities.length, texts: articles.map((article) => article.headline) },
    bodies: { firstDocument: entities.length, texts: articles.map((article) => article.body) },
  };
}

/** The index worker's bootstrap (see workerScript). */
const WORKER_BOOTSTRAP = workerScript(import.meta.url, 'text-index-worker');

interface WorkerBuild {
  result: Promise<TextIndexData>;
  cancel(): void;
}

/** Builds an index in a worker thread; the posting arrays come back transferred, not copied. */
function buildInWorker(input: TextIndexInput): WorkerBuild {
  // The texts are copied to the worker here, synchronously.
  const worker = new Worker(WORKER_BOOTSTRAP, { eval: true, workerData: input });
  const result = new Promise<TextIndexData>((resolve, reject) => {
    worker.once('message', (data: TextIndexData) => {
      resolve(data);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the search index worker exited with code ${code}`)));
  });
  // A build nobody finishes (its data was refused) must not end the process with an unhandled rejection.
  result.catch(() => undefined);
  return { result, cancel: () => void worker.terminate() };
}

export class SearchIndex {
  /** Folded names and aliases, to the document numbers of the entities that bear them. */
  private readonly exactNames = new Map<string, number[]>();
  private readonly entities: Map<string, EntityRecord>;
  private readonly articles: Map<string, ArticleRecord>;
  /** Per document number: its type (index into TYPE_CODES) and slug. Entities first, then articles. */
  private readonly documentType: Uint8Array;
  private readonly documentSlug: string[];
  private readonly termIds: Map<string, number>;
  /** Every indexed term, sorted, for prefix lookups by binary search. */
  private readonly sortedTerms: string[];
  private readonly fields: TextIndexData['fields'];
  /** Per-search scratch, reused (a search runs synchronously, so never two at once): see search(). */
  private readonly matchedTerms: Uint8Array;
  private readonly scores: Float64Array;
  private readonly inTitle: Uint8Array;

  /** Indexes in this thread, or takes an index built elsewhere from `textIndexInput(entities, articles)`. */
  constructor(entities: readonly EntityRecord[], articles: readonly ArticleRecord[], built?: TextIndexData) {
    this.entities = new Map(entities.map((e) => [entityKeyString(e), e]));
    this.articles = new Map(articles.map((a) => [`Article:${a.slug}`, a]));
    const data = built ?? buildTextIndex(textIndexInput(entities, articles));
    const documentCount = entities.length + articles.length;
    if (data.fields.some((field) => field.lengths.length !== documentCount)) {
      throw new Error('the built search index does not match the documents');
    }
    this.fields = data.fields;
    this.termIds = new Map(data.terms.map((term, id) => [term, id]));
    this.sortedTerms = [...data.terms].sort();
    this.documentType = new Uint8Array(documentCount);
    this.documentSlug = new Array(documentCount);
    entities.forEach((entity, document) => {
      this.documentType[document] = TYPE_CODES.indexOf(entity.type);
      this.documentSlug[document] = entity.slug;
      for (const name of [entity.name, ...entity.aliases]) {
        const folded = foldForSearch(name).trim();
        const bearers = this.exactNames.get(folded) ?? [];
        if (!bearers.includes(document)) bearers.push(document);
        this.exactNames.set(folded, bearers);
      }
    });
    articles.forEach((article, i) => {
      this.documentSlug[entities.length + i] = article.slug;
    });
    this.matchedTerms = new Uint8Array(documentCount);
    this.scores = new Float64Array(documentCount);
    this.inTitle = new Uint8Array(documentCount);
  }

  /** Builds the index (see SearchIndexBuild: in two threads for a large corpus). */
  static build(
    entities: readonly EntityRecord[],
    articles: readonly ArticleRecord[],
    options: SearchIndexBuildOptions = {},
  ): Promise<SearchIndex> {
    return new SearchIndexBuild(entities, articles, options).finish();
  }

  /** Postings of `termId` in `fields`: how many documents a scan of the term reads. */
  private postingsOf(termId: number, fields: readonly FieldNumber[]): number {
    let count = 0;
    for (const fieldNumber of fields) {
      const offsets = (this.fields[fieldNumber] as FieldIndex).offsets;
      count += (offsets[termId + 1] as number) - (offsets[termId] as number);
    }
    return count;
  }

  /**
   * The indexed terms a query word matches, each with its weight (1 for the word itself), and the postings
   * they hold in `fields`. A word of MIN_PREFIX_LENGTH or more characters also matches longer words that begin
   * with it: the most frequent ones, at most MAX_EXPANSIONS_PER_WORD of them, within `budget` postings.
   */
  private expand(
    word: string,
    fields: readonly FieldNumber[],
    budget: number,
    work: RequestWork | undefined,
  ): { terms: { termId: number; weight: number }[]; postings: number } {
    const exact = this.termIds.get(word);
    const terms = exact === undefined ? [] : [{ termId: exact, weight: 1 }];
    let postings = exact === undefined ? 0 : this.postingsOf(exact, fields);
    if (word.length < MIN_PREFIX_LENGTH) return { terms, postings };
    const sorted = this.sortedTerms;
    let low = 0;
    let high = sorted.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((sorted[middle] as string) < word) low = middle + 1;
      else high = middle;
    }
    const longer: { termId: number; term: string; postings: number }[] = [];
    for (let i = low; i < sorted.length && (sorted[i] as string).startsWith(word); i++) {
      work?.tick();
      const term = sorted[i] as string;
      if (term.length === word.length) continue; // the word itself
      const termId = this.termIds.get(term) as number;
      longer.push({ termId, term, postings: this.postingsOf(termId, fields) });
    }
    if (work) work.counts.termsExamined += longer.length;
    longer.sort((a, b) => b.postings - a.postings || (a.term < b.term ? -1 : 1));
    let taken = 0;
    let spent = 0;
    for (const candidate of longer) {
      if (taken === MAX_EXPANSIONS_PER_WORD) break;
      if (candidate.postings === 0 || spent + candidate.postings > budget) continue;
      const extra = candidate.term.length - word.length;
      terms.push({
        termId: candidate.termId,
        weight: (PREFIX_WEIGHT * word.length) / (word.length + 0.3 * extra),
      });
      taken++;
      spent += candidate.postings;
    }
    postings += spent;
    return { terms, postings };
  }

  /**
   * The documents containing every word of `query` (see expand), in `fields`, of the wanted types; with
   * their scores in this.scores and title matches in this.inTitle. The caller must call reset() with the
   * returned list when done with them. The rarest word is matched first, so the candidates shrink early and
   * the match ends as soon as none are left. Checks the request's deadline as it scans.
   */
  private match(
    words: string[],
    fields: readonly FieldNumber[],
    wanted: Set<number> | null,
    work: RequestWork | undefined,
  ): number[] {
    const { matchedTerms, scores, inTitle } = this;
    // The API refuses longer queries (MAX_QUERY_WORDS); a caller that did not check gets the first words only.
    if (words.length > MAX_QUERY_WORDS) words = words.slice(0, MAX_QUERY_WORDS);
    const budget = Math.floor(MAX_EXPANSION_POSTINGS / Math.max(1, words.length));
    const expanded = words
      .map((word) => this.expand(word, fields, budget, work))
      .sort((a, b) => a.postings - b.postings);
    let candidates: number[] = [];
    try {
      for (let termNumber = 0; termNumber < expanded.length; termNumber++) {
        if (termNumber > 0 && candidates.length === 0) break;
        for (const { termId, weight } of (expanded[termNumber] as (typeof expanded)[number]).terms) {
          if (work) work.counts.termsScanned++;
          for (const fieldNumber of fields) {
            const field = this.fields[fieldNumber] as FieldIndex;
            const from = field.offsets[termId] as number;
            const to = field.offsets[termId + 1] as number;
            const postings = field.postings;
            if (to === from) continue;
            work?.tick();
            if (work) work.counts.postingsScanned += to - from;
            const { boost, title } = FIELDS[fieldNumber];
            const documents = field.documentsWithField;
            const idf = Math.log(1 + (documents - (to - from) + 0.5) / (to - from + 0.5));
            const averageLength = field.totalLength / Math.max(1, documents);
            for (let chunk = from; chunk < to; chunk += POSTINGS_PER_CHECK) {
              if (chunk > from) work?.check();
              const chunkEnd = Math.min(to, chunk + POSTINGS_PER_CHECK);
              for (let i = chunk; i < chunkEnd; i++) {
                const posting = postings[i] as number;
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
      }
    } catch (error) {
      // Stopped mid-scan (the deadline): the scratch must be clean for the next search.
      this.reset(candidates);
      throw error;
    }
    return candidates;
  }

  private reset(documents: readonly number[]): void {
    for (const document of documents) {
      this.matchedTerms[document] = 0;
      this.scores[document] = 0;
      this.inTitle[document] = 0;
    }
  }

  /** Slugs of the articles whose headline or body contain every word of `text` (see expand). */
  articleSlugs(text: string, work?: RequestWork): Set<string> {
    if (work) work.counts.textScans++;
    const candidates = this.match(queryTerms(text), [HEADLINE, BODY], new Set([0]), work);
    const slugs = new Set(candidates.map((document) => this.documentSlug[document] as string));
    this.reset(candidates);
    return slugs;
  }

  /** The number of hits for `query`, and the best `limit` of them, best first (ties by slug). */
  search(
    query: string,
    types: readonly SearchTarget[] | null | undefined,
    limit: number,
    work?: RequestWork,
  ): { totalCount: number; hits: SearchHit[] } {
    const terms = queryTerms(query);
    if (terms.length === 0) return { totalCount: 0, hits: [] };
    if (work) work.counts.textScans++;
    const wanted = types && types.length > 0 ? new Set(types.map((type) => TYPE_CODES.indexOf(type))) : null;
    const candidates = this.match(terms, [NAMES, HEADLINE, BODY], wanted, work);
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
      }),
    );
    this.reset(candidates);
    return { totalCount: candidates.length, hits };
  }

  /**
   * Where a hit matched the query's `terms` (queryTerms of the query): in the entity's name and aliases, or the
   * article's headline and body.
   */
  highlights(hit: SearchHit, terms: readonly string[]): SearchHighlight[] {
    const id = `${hit.type}:${hit.slug}`;
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

export interface SearchIndexBuildOptions {
  /** Build in this thread only, up to this many characters of body text (default 20 million). */
  workerAbove?: number;
  /** The share of the body text the worker indexes (default one half). */
  workerShare?: number;
}

/**
 * A search index under construction. With enough text to pay for a thread, the constructor hands a
 * share of the bodies to a worker thread at once, and finish() indexes the rest in this thread and
 * merges the two: on two cores, about half the time. Start it as soon as the documents are known
 * (loadDataset's onIndexable), and the worker runs while this thread finishes loading and building
 * the store: then give the worker the larger share. Otherwise everything is built in finish().
 */
export class SearchIndexBuild {
  private readonly input: TextIndexInput;
  /** Bodies before this index are this thread's; the rest are the worker's. */
  private readonly split: number;
  private readonly worker: WorkerBuild | null;

  constructor(
    private readonly entities: readonly EntityRecord[],
    private readonly articles: readonly ArticleRecord[],
    options: SearchIndexBuildOptions = {},
  ) {
    this.input = textIndexInput(entities, articles);
    const bodies = this.input.bodies.texts;
    let characters = 0;
    for (const body of bodies) characters += body.length;
    if (characters <= (options.workerAbove ?? WORKER_ABOVE_CHARACTERS)) {
      this.split = bodies.length;
      this.worker = null;
      return;
    }
    // Split by characters, not by articles: bodies vary in length.
    const ours = characters * (1 - (options.workerShare ?? 0.5));
    let split = 0;
    for (let behind = 0; split < bodies.length && behind < ours; split++) behind += (bodies[split] as string).length;
    this.split = split;
    this.worker = buildInWorker({
      documentCount: this.input.documentCount,
      names: [],
      headlines: { firstDocument: this.input.documentCount, texts: [] },
      bodies: { firstDocument: this.input.bodies.firstDocument + split, texts: bodies.slice(split) },
    });
  }

  /** Indexes this thread's share, waits for the worker's, and merges them. */
  async finish(): Promise<SearchIndex> {
    const { input, worker } = this;
    const ours = buildTextIndex({
      ...input,
      bodies: { ...input.bodies, texts: input.bodies.texts.slice(0, this.split) },
    });
    const built = worker ? mergeTextIndexes(ours, await worker.result) : ours;
    return new SearchIndex(this.entities, this.articles, built);
  }

  /** Stops the worker (the data was refused after the build started). */
  cancel(): void {
    this.worker?.cancel();
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
