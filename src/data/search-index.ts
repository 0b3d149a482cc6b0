/**
 * The full-text index (MiniSearch, built once at start-up) over entity names and aliases,
 * article headlines and bodies, with tiered ranking and highlights.
 */
import MiniSearch from 'minisearch';
import type { ArticleRecord, EntityRecord } from './records.js';
import { entityKeyString } from './records.js';
import type { SearchField, SearchHighlight, SearchHit, SearchTarget } from './source.js';

/** Lower case without diacritics, so "Azízi" finds "Azizi". */
export function foldForSearch(text: string): string {
  // Most terms are plain ASCII: skip Unicode normalization for them (indexing folds millions of terms).
  if (ASCII.test(text)) return text.toLowerCase();
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}
const ASCII = /^\p{ASCII}*$/u;

const WORD = /[\p{L}\p{N}]/u;
/** Highlights listed per field of one hit, at most: enough to show where, without copying a long body. */
const MAX_HIGHLIGHTS_PER_FIELD = 5;
/** Ranking tiers: an exact name or alias, then a match in a name, alias or headline, then body only. */
const EXACT_TIER = 2_000_000;
const TITLE_TIER = 1_000_000;

interface SearchDocument {
  id: string;
  type: SearchTarget;
  slug: string;
  names: string;
  headline: string;
  body: string;
}

/** The folded text with, for each folded character, the index of the original character it came from. */
function foldWithOffsets(text: string): { folded: string; offsets: number[] } {
  let folded = '';
  const offsets: number[] = [];
  for (let i = 0; i < text.length; ) {
    const char = String.fromCodePoint(text.codePointAt(i) ?? 0);
    const foldedChar = foldForSearch(char);
    for (let k = 0; k < foldedChar.length; k++) offsets.push(i);
    folded += foldedChar;
    i += char.length;
  }
  offsets.push(text.length);
  return { folded, offsets };
}

/** Whole words of `text` that begin with one of `terms` (folded), with offsets into `text`. */
export function highlightWords(
  text: string,
  terms: readonly string[],
  field: SearchField,
  alias: string | null = null,
): SearchHighlight[] {
  const { folded, offsets } = foldWithOffsets(text);
  const found: SearchHighlight[] = [];
  const seen = new Set<number>();
  for (const term of terms) {
    if (!term) continue;
    for (let at = folded.indexOf(term); at !== -1; at = folded.indexOf(term, at + 1)) {
      if (at > 0 && WORD.test(folded[at - 1] ?? '')) continue;
      let endAt = at + term.length;
      while (endAt < folded.length && WORD.test(folded[endAt] ?? '')) endAt++;
      const start = offsets[at] ?? 0;
      if (seen.has(start)) continue;
      seen.add(start);
      const end = offsets[endAt] ?? text.length;
      found.push({ field, alias, text: text.slice(start, end), start, end });
    }
  }
  return found.sort((a, b) => a.start - b.start).slice(0, MAX_HIGHLIGHTS_PER_FIELD);
}

export class SearchIndex {
  private readonly index: MiniSearch<SearchDocument>;
  private readonly exactNames: Map<string, Set<string>>;
  private readonly entities: Map<string, EntityRecord>;
  private readonly articles: Map<string, ArticleRecord>;

  constructor(entities: readonly EntityRecord[], articles: readonly ArticleRecord[]) {
    this.entities = new Map(entities.map((e) => [entityKeyString(e), e]));
    this.articles = new Map(articles.map((a) => [`Article:${a.slug}`, a]));
    this.exactNames = new Map();
    for (const entity of entities) {
      for (const name of [entity.name, ...entity.aliases]) {
        const folded = foldForSearch(name).trim();
        const keys = this.exactNames.get(folded) ?? new Set();
        keys.add(entityKeyString(entity));
        this.exactNames.set(folded, keys);
      }
    }
    this.index = new MiniSearch<SearchDocument>({
      fields: ['names', 'headline', 'body'],
      storeFields: ['type', 'slug'],
      processTerm: (term) => foldForSearch(term),
      searchOptions: { boost: { names: 8, headline: 3, body: 1 }, prefix: true, combineWith: 'AND' },
    });
    this.index.addAll([
      ...entities.map((e) => ({
        id: entityKeyString(e),
        type: e.type,
        slug: e.slug,
        names: [e.name, ...e.aliases].join('\n'),
        headline: '',
        body: '',
      })),
      ...articles.map((a) => ({
        id: `Article:${a.slug}`,
        type: 'Article' as const,
        slug: a.slug,
        names: '',
        headline: a.headline,
        body: a.body,
      })),
    ]);
  }

  /** Ids (`Article:slug`) of the articles whose headline or body contain all words of `text`. */
  articleIds(text: string): Set<string> {
    return new Set(
      this.index
        .search(text, { fields: ['headline', 'body'], filter: (result) => result.type === 'Article' })
        .map((result) => String(result.id)),
    );
  }

  search(query: string, types?: readonly SearchTarget[] | null): SearchHit[] {
    const wanted = types && types.length > 0 ? new Set(types) : null;
    const exact = this.exactNames.get(foldForSearch(query).trim()) ?? new Set<string>();
    const hits = this.index
      .search(query, wanted ? { filter: (result) => wanted.has(result.type as SearchTarget) } : undefined)
      .map((result): SearchHit => {
        const id = String(result.id);
        const inTitle = Object.values(result.match).some(
          (fields) => fields.includes('names') || fields.includes('headline'),
        );
        const tier = exact.has(id) ? EXACT_TIER : inTitle ? TITLE_TIER : 0;
        return {
          type: result.type as SearchTarget,
          slug: result.slug as string,
          score: tier + result.score,
          terms: Object.keys(result.match),
        };
      });
    return hits.sort((a, b) => b.score - a.score || a.slug.localeCompare(b.slug));
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
