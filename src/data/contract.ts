/**
 * The data contract, version 2 (issue 11): what every backend implements, so that a database can implement it.
 *
 * - Every list call takes its window and answers only the page's items, each with its position in the list's
 *   order, plus `totalCount`. Nothing ships a whole list across the interface (the unpaged relationship lists of
 *   the schema, 0–6 items each, are whole by definition and stay batch-by-key).
 * - Each entity type has its own query shape (EntityFilterOf<T>).
 * - The ordering rules (default orders, tie-breaks, reduced-precision dates, accent and case folding, undated
 *   last) are written once, here (ORDERING and the key functions below); every backend sorts by these keys and
 *   is tested against them. A backend stores the keys (a database as columns, compared by code units / COLLATE "C").
 * - A position is the item's sort key in its list's order: [...order values, tie-break]. The API layer turns a
 *   position into an opaque cursor bound to its list and order, so a cursor from one list is refused by another.
 *
 * Every batch method answers in key (query) order, with null or an empty page for what it does not know.
 *
 * Changes from the draft (b0d9775), made while moving the memory store and the schema onto it:
 * 1. Page.hasBefore/hasAfter are defined for every window, an empty page included (see Page).
 * 2. Mentions in an article: [start, end DESC, entity key] (at one start the longest mention first, as the loader
 *    has always ordered them and the API has always answered), not [start, end, entity key].
 * 3. Every order's key is written down as data (OrderKey: its name, what each part holds, each part's direction;
 *    articleOrderKey, entityOrderKey, MENTIONS_OF_ENTITY, MENTIONS_IN_ARTICLE, CO_MENTIONS), so the API checks a
 *    cursor's position against it before a backend sees it (a backend may bind the values to typed parameters),
 *    and a backend reads its directions instead of restating them.
 * 4. The defaults are functions (articleOrderOf, entityOrderOf): FIRST_MENTION with `mentionedIn`, NAME otherwise.
 * 5. The position of an item as functions of its record (articlePosition, entityPosition, mentionOfEntityPosition,
 *    mentionInArticlePosition, coMentionPosition): the rules executable, what the contract tests compare against.
 * 6. topEntities' ranking, ties included, is written down (TOP_ENTITIES, topEntityPosition).
 * 7. How text parts compare in a database (code units, and where COLLATE "C" differs), in comparePositions.
 */

import type { TimeInterval } from './dates.js';
import type { EntityPlural, EntityRecordOf, EntityType } from './entity-types.js';
import {
  type AffiliationRecord,
  type ArticleRecord,
  type EntityKey,
  type EventRelationRecord,
  entityKeyString,
  type InvolvementRecord,
  type MentionRecord,
  type OrganizationRelationRecord,
  type ParticipationRecord,
} from './records.js';
import type { RequestWork } from './request-work.js';

// ───────────────────────────── windows and pages ─────────────────────────────

/** One value of a sort key: text keys compare by UTF-16 code units, numbers numerically, null sorts last. */
export type SortValue = string | number | null;

/**
 * Where an item sits in its list's order: the values of the order's key, then the tie-break (the slug, or the
 * entity key string). Two items of one list never have equal positions.
 */
export type Position = readonly SortValue[];

/**
 * Which page of a list a request wants (keyset): the items strictly after `after` and strictly before `before`
 * (either may be absent), then the first `size` of them (FORWARD) or the last `size` (BACKWARD). The API passes
 * only positions of cursors it issued for the same list and order, checked against the order's OrderKey (as many
 * parts, each of its kind): a backend need not check them again.
 */
export interface Window {
  size: number;
  direction: 'FORWARD' | 'BACKWARD';
  after?: Position | null;
  before?: Position | null;
  /** Whether the caller needs `totalCount` (a database counts only when asked); a backend may answer it anyway. */
  count?: boolean;
}

export interface PageItem<T> {
  item: T;
  position: Position;
}

/** A page of a list, in the list's order whatever the window's direction. */
export interface Page<T> {
  items: PageItem<T>[];
  /** Items in the whole list (all filters applied, no window); -1 when the window did not ask (`count: false`). */
  totalCount: number;
  /**
   * Whether the whole list (filters applied, no window) has items before the page's first item / after its last.
   * For an empty page, where the page would have been: going FORWARD it starts just after `after` (or at the start
   * of the list), going BACKWARD it ends just before `before` (or at the end of the list). So going FORWARD,
   * hasBefore is whether an item sorts at or before `after` (false without `after`), and hasAfter whether an item
   * sorts after the page's last item (for an empty page: after `after`, or any item without `after`); going
   * BACKWARD the mirror image (hasAfter: an item at or after `before`; hasBefore: an item before the page's first,
   * or for an empty page before `before`, or any item without `before`). Relay's hasPreviousPage/hasNextPage.
   */
  hasBefore: boolean;
  hasAfter: boolean;
}

/** Search pages by offset: a ranking by relevance is not a stable keyset order. */
export interface OffsetWindow {
  offset: number;
  size: number;
}

// ───────────────────────────── ordering rules (written once) ─────────────────────────────

export type SortDirection = 'ASC' | 'DESC';

/**
 * Accent and case folding, for matching (`nameContains`, `location`, search) and for name sort keys: NFKD,
 * combining marks removed, lower case (locale-independent), whitespace runs as one space, trimmed.
 */
export function foldText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * The sort key of a name or headline: folded (foldText), with every run of digits left-padded to 12 digits so
 * that "Unit 9" sorts before "Unit 10". Compared by code units; equal keys are broken by the tie-break.
 */
export function textSortKey(text: string): string {
  return foldText(text).replace(/\d+/g, (digits) => digits.replace(/^0+(?=\d)/, '').padStart(12, '0'));
}

/**
 * The sort key of a reduced-precision date ("2014", "2024-11", "2024-11-15", "2024-11-15T05:14"): the text
 * itself, which orders a shorter date before the fuller dates it contains, then by code units. Null for none.
 */
export function dateSortKey(date: string | null | undefined): string | null {
  return date ? date : null;
}

/**
 * Compares two positions value by value: text by UTF-16 code units, numbers numerically, null after any value.
 * A database compares the text parts with COLLATE "C" (bytes of UTF-8, that is code points): the same order for
 * every key textSortKey makes except private-use characters and U+FFFD against characters beyond U+FFFF, which
 * no fixture holds.
 */
export function comparePositions(a: Position, b: Position, directions: readonly SortDirection[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? null;
    const y = b[i] ?? null;
    if (x === y) continue;
    // Null (undated) last in either direction.
    if (x === null) return 1;
    if (y === null) return -1;
    const sign = (directions[i] ?? 'ASC') === 'ASC' ? 1 : -1;
    return sign * (x < y ? -1 : 1);
  }
  return 0;
}

/**
 * Every list's orders, written once: for each order, the key's parts and their directions (the last part is
 * the tie-break, always ascending). `reversed` directions are the order's DESC variant for the first part only.
 *
 * Articles: PUBLISHED_AT [dateSortKey(publishedAt), slug] (default DESC: newest first); HEADLINE
 *   [textSortKey(headline), slug] (default ASC).
 * Entities: NAME [textSortKey(name), slug] (default ASC); ARTICLE_COUNT / MENTION_COUNT [count, textSortKey(name),
 *   slug] (the count in the asked direction, then name A–Z); START_DATE (events) [dateSortKey(startDate) — null,
 *   undated, last in either direction —, textSortKey(name), slug]; FIRST_MENTION (the default with `mentionedIn`)
 *   [offset of the first mention in that article, slug].
 * Mentions of an entity: newest article first [dateSortKey(article publishedAt) DESC, article slug, start].
 * Mentions in an article: reading order [start, end DESC (the longest first), entity key string].
 * Co-mentions of an entity: [sharedArticles DESC, textSortKey(other's name), other's entity key string].
 * Claims (issue 14) follow the same pattern: [asOf date DESC, article slug, start].
 */
export const ORDERING = {
  articles: { PUBLISHED_AT: 'DESC', HEADLINE: 'ASC' },
  entities: { NAME: 'ASC', ARTICLE_COUNT: 'DESC', MENTION_COUNT: 'DESC', START_DATE: 'ASC', FIRST_MENTION: 'ASC' },
} as const;

/** The directions of each part of an order's key, tie-break included (see ORDERING). */
export function keyDirections(parts: number, first: SortDirection): SortDirection[] {
  return [first, ...Array.from({ length: parts - 1 }, () => 'ASC' as const)];
}

/** What one part of a position holds: a string; a whole number (≥ 0); a dateSortKey (a string, or null for none). */
export type KeyPart = 'text' | 'integer' | 'date';

/**
 * The key of one order of one list: a name (what a cursor records, so that a cursor is refused by another order),
 * what each part of a position holds, and each part's direction (the input of comparePositions).
 */
export interface OrderKey {
  name: string;
  parts: readonly KeyPart[];
  directions: readonly SortDirection[];
}

const ARTICLE_KEY_PARTS: Record<ArticleOrderField, readonly KeyPart[]> = {
  PUBLISHED_AT: ['date', 'text'],
  HEADLINE: ['text', 'text'],
};

const ENTITY_KEY_PARTS: Record<EntityOrderField | 'FIRST_MENTION', readonly KeyPart[]> = {
  NAME: ['text', 'text'],
  ARTICLE_COUNT: ['integer', 'text', 'text'],
  MENTION_COUNT: ['integer', 'text', 'text'],
  START_DATE: ['date', 'text', 'text'],
  FIRST_MENTION: ['integer', 'text'],
};

function orderKey(field: string, direction: SortDirection, parts: readonly KeyPart[]): OrderKey {
  return { name: `${field} ${direction}`, parts, directions: keyDirections(parts.length, direction) };
}

/** Every order's key in both directions, made once: a page of 20 articles asks for 40 of them. */
function keysByDirection<F extends string>(
  parts: Record<F, readonly KeyPart[]>,
): Record<F, Record<SortDirection, OrderKey>> {
  return Object.fromEntries(
    (Object.entries(parts) as [F, readonly KeyPart[]][]).map(([field, fieldParts]) => [
      field,
      { ASC: orderKey(field, 'ASC', fieldParts), DESC: orderKey(field, 'DESC', fieldParts) },
    ]),
  ) as Record<F, Record<SortDirection, OrderKey>>;
}

const ARTICLE_KEYS = keysByDirection(ARTICLE_KEY_PARTS);
const ENTITY_KEYS = keysByDirection(ENTITY_KEY_PARTS);

/** The order an article query asks for, its default (PUBLISHED_AT DESC) filled in. */
export function articleOrderOf(query: Pick<ArticleListQuery, 'order'>): {
  field: ArticleOrderField;
  direction: SortDirection;
} {
  return query.order ?? NEWEST_FIRST;
}

const NEWEST_FIRST = { field: 'PUBLISHED_AT', direction: ORDERING.articles.PUBLISHED_AT } as const;

/** The order an entity query asks for, its default filled in: FIRST_MENTION with `mentionedIn`, else NAME ASC. */
export function entityOrderOf(query: { filter: SharedEntityFilter; order?: EntityListQuery<EntityType>['order'] }): {
  field: EntityOrderField | 'FIRST_MENTION';
  direction: SortDirection;
} {
  if (query.order) return query.order;
  return query.filter.mentionedIn ? BY_FIRST_MENTION : BY_NAME;
}

const BY_FIRST_MENTION = { field: 'FIRST_MENTION', direction: ORDERING.entities.FIRST_MENTION } as const;
const BY_NAME = { field: 'NAME', direction: ORDERING.entities.NAME } as const;

export function articleOrderKey(order: { field: ArticleOrderField; direction: SortDirection }): OrderKey {
  return ARTICLE_KEYS[order.field][order.direction];
}

export function entityOrderKey(order: {
  field: EntityOrderField | 'FIRST_MENTION';
  direction: SortDirection;
}): OrderKey {
  return ENTITY_KEYS[order.field][order.direction];
}

/** Mentions of an entity: [dateSortKey(article's publishedAt) DESC, article slug, start]. */
export const MENTIONS_OF_ENTITY: OrderKey = {
  name: 'NEWEST_ARTICLE_FIRST',
  parts: ['date', 'text', 'integer'],
  directions: ['DESC', 'ASC', 'ASC'],
};

/** Mentions in an article: [start, end DESC, entity key string]. */
export const MENTIONS_IN_ARTICLE: OrderKey = {
  name: 'READING',
  parts: ['integer', 'integer', 'text'],
  directions: ['ASC', 'DESC', 'ASC'],
};

/** Co-mentions of an entity: [sharedArticles DESC, textSortKey(other's name), other's entity key string]. */
export const CO_MENTIONS: OrderKey = {
  name: 'STRONGEST_FIRST',
  parts: ['integer', 'text', 'text'],
  directions: ['DESC', 'ASC', 'ASC'],
};

/**
 * topEntities' ranking (in the window asked): [articleCount DESC, mentionCount DESC, textSortKey(name), entity key
 * string]. A ranking, not a paged list: no cursor ever carries it.
 */
export const TOP_ENTITIES: OrderKey = {
  name: 'MOST_ARTICLES',
  parts: ['integer', 'integer', 'text', 'text'],
  directions: ['DESC', 'DESC', 'ASC', 'ASC'],
};

// ───────────────────────────── positions of records ─────────────────────────────

/** An article's position in an article list ordered by `field`. */
export function articlePosition(
  article: Pick<ArticleRecord, 'slug' | 'headline' | 'publishedAt'>,
  field: ArticleOrderField,
): Position {
  return field === 'HEADLINE'
    ? [textSortKey(article.headline), article.slug]
    : [dateSortKey(article.publishedAt), article.slug];
}

/**
 * An entity's position in an entity list ordered by `field`: `counts` for ARTICLE_COUNT and MENTION_COUNT (its
 * mentions in the whole corpus), `firstMention` for FIRST_MENTION (the start of its first mention in the article
 * of `mentionedIn`).
 */
export function entityPosition(
  entity: { slug: string; name: string; startDate?: string | null },
  field: EntityOrderField | 'FIRST_MENTION',
  facts: { counts?: MentionCounts; firstMention?: number } = {},
): Position {
  switch (field) {
    case 'NAME':
      return [textSortKey(entity.name), entity.slug];
    case 'ARTICLE_COUNT':
      return [facts.counts?.articleCount ?? 0, textSortKey(entity.name), entity.slug];
    case 'MENTION_COUNT':
      return [facts.counts?.mentionCount ?? 0, textSortKey(entity.name), entity.slug];
    case 'START_DATE':
      return [dateSortKey(entity.startDate), textSortKey(entity.name), entity.slug];
    case 'FIRST_MENTION':
      return [facts.firstMention ?? 0, entity.slug];
  }
}

/** A mention's position among its entity's mentions; `publishedAt` is its article's. */
export function mentionOfEntityPosition(mention: MentionRecord, publishedAt: string): Position {
  return [dateSortKey(publishedAt), mention.article, mention.start];
}

/** A mention's position among its article's mentions. */
export function mentionInArticlePosition(mention: MentionRecord): Position {
  return [mention.start, mention.end, entityKeyString(mention.entity)];
}

/** A co-mention's position among an entity's co-mentions; `name` is the other entity's. */
export function coMentionPosition(coMention: CoMention, name: string): Position {
  return [coMention.sharedArticles, textSortKey(name), entityKeyString(coMention.entity)];
}

/** An entity's place in topEntities' ranking (TOP_ENTITIES); `name` is the entity's. */
export function topEntityPosition(count: EntityCount, name: string): Position {
  return [count.articleCount, count.mentionCount, textSortKey(name), entityKeyString(count.entity)];
}

// ───────────────────────────── queries ─────────────────────────────

export type ArticleOrderField = keyof typeof ORDERING.articles;
export type EntityOrderField = Exclude<keyof typeof ORDERING.entities, 'FIRST_MENTION'>;

/** Which articles. Every condition must hold. */
export interface ArticleFilter {
  /** Entity keys (`Person:slug`): the article mentions all of them. */
  mentions?: readonly string[] | null;
  /** The publication date overlaps [publishedFrom, publishedTo] (reduced-precision dates, as dates.ts reads them). */
  publishedFrom?: string | null;
  publishedTo?: string | null;
  /** Words that must all occur in the headline or body (folded, by prefix; see the text rules of issue 9). */
  text?: string | null;
}

export interface ArticleListQuery {
  filter: ArticleFilter;
  /** Default: PUBLISHED_AT DESC. */
  order?: { field: ArticleOrderField; direction: SortDirection } | null;
  window: Window;
}

/** What every entity type can be filtered by. */
export interface SharedEntityFilter {
  /** Folded substring of the name or an alias. */
  nameContains?: string | null;
  /** Mentioned in this article (slug). Without an order, entities then come in order of first mention. */
  mentionedIn?: string | null;
}

/** Each entity type's own filter conditions. */
export interface EntityFilters {
  Person: SharedEntityFilter & {
    /** Holds this nationality (ISO 3166-1 alpha-2). */
    nationality?: string | null;
    /** Affiliated with this organization (slug). */
    affiliatedWith?: string | null;
  };
  Organization: SharedEntityFilter & {
    kind?: string | null;
    /** ISO 3166-1 alpha-2. */
    country?: string | null;
    /** Part of this organization (slug), directly or through intermediate units. */
    partOf?: string | null;
  };
  Event: SharedEntityFilter & {
    kind?: string | null;
    /** Dates overlap [from, to] (reduced-precision dates); undated events never match a window. */
    from?: string | null;
    to?: string | null;
    /** This organization (slug) was involved. */
    involves?: string | null;
    /** Folded substring of the location. */
    location?: string | null;
  };
}
export type EntityFilterOf<T extends EntityType> = EntityFilters[T];

export interface EntityListQuery<T extends EntityType> {
  filter: EntityFilterOf<T>;
  /** Default: NAME ASC, or first mention with `mentionedIn`. START_DATE applies to events only. */
  order?: { field: EntityOrderField; direction: SortDirection } | null;
  window: Window;
}

/** One list method per entity type (`listPersons`…): slugs of the page, in the order asked. */
type EntityLists = {
  [T in EntityType as `list${Capitalize<EntityPlural<T>>}`]: (
    queries: readonly EntityListQuery<T>[],
    work?: RequestWork,
  ) => Promise<Page<string>[]>;
};

/** One batch method per entity type (`personsBySlug`…): records by slug, null for an unknown slug. */
type EntitiesBySlug = {
  [T in EntityType as `${EntityPlural<T>}BySlug`]: (slugs: readonly string[]) => Promise<(EntityRecordOf<T> | null)[]>;
};

// ───────────────────────────── search ─────────────────────────────

export type SearchTarget = 'Article' | EntityType;
export type SearchField = 'NAME' | 'ALIAS' | 'HEADLINE' | 'BODY';

/** A thing search found: no backend internals. Ranking tiers: exact name or alias, then name/alias/headline, then body. */
export interface SearchHit {
  type: SearchTarget;
  slug: string;
  /** Relevance, higher first; comparable within one result list only. */
  score: number;
}

export interface SearchResults {
  totalCount: number;
  /** The window's hits, best first. */
  hits: SearchHit[];
}

/** Where a search matched: the matched text and its offsets in the field it came from. */
export interface SearchHighlight {
  field: SearchField;
  /** The alias matched, when `field` is ALIAS (offsets are into it). */
  alias: string | null;
  text: string;
  start: number;
  end: number;
}

// ───────────────────────────── aggregates ─────────────────────────────

export type CorpusStats = {
  articles: number;
  mentions: number;
  relationships: number;
} & { [T in EntityType as EntityPlural<T>]: number };

export interface MentionCounts {
  articleCount: number;
  mentionCount: number;
}

export interface EntityCount extends MentionCounts {
  entity: EntityKey;
}

export interface TimeBucket extends MentionCounts {
  /** First day of the bucket, "YYYY-MM-DD". */
  start: string;
  /** Last day of the bucket, "YYYY-MM-DD". */
  end: string;
}

export interface CoMention {
  entity: EntityKey;
  sharedArticles: number;
}

/** A request the store refuses as too large to answer (for example, too many timeline buckets). */
export class QueryLimitError extends Error {
  override name = 'QueryLimitError';
}

/** The relationship lists a query can ask for whole (without a page size), as the cost model names them. */
export type RelationshipList =
  | 'affiliationsByPerson'
  | 'affiliationsByOrganization'
  | 'participationsByPerson'
  | 'participationsByEvent'
  | 'involvementsByOrganization'
  | 'involvementsByEvent'
  | 'organizationRelations'
  | 'eventRelations'
  | 'evidence';

/** What the cost model reads of the data before a query runs; computed once per data version (synchronous). */
export interface CostFacts {
  listLengths: Readonly<Record<RelationshipList, number>>;
  longestLists: Readonly<Record<RelationshipList, number>>;
  highlightsPerHit: number;
  published: { first: string; last: string } | null;
}

// ───────────────────────────── the contract ─────────────────────────────

export interface NewsDataSource extends EntitiesBySlug, EntityLists {
  /** The version of the data this source serves (a content hash, or the database's dataset version). */
  readonly version: string;
  costFacts(): CostFacts;

  articlesBySlug(slugs: readonly string[]): Promise<(ArticleRecord | null)[]>;

  // The unpaged relationship lists of the schema (small by nature), whole, by key.
  affiliationsByPerson(personSlugs: readonly string[]): Promise<AffiliationRecord[][]>;
  affiliationsByOrganization(organizationSlugs: readonly string[]): Promise<AffiliationRecord[][]>;
  participationsByPerson(personSlugs: readonly string[]): Promise<ParticipationRecord[][]>;
  participationsByEvent(eventSlugs: readonly string[]): Promise<ParticipationRecord[][]>;
  involvementsByOrganization(organizationSlugs: readonly string[]): Promise<InvolvementRecord[][]>;
  involvementsByEvent(eventSlugs: readonly string[]): Promise<InvolvementRecord[][]>;
  organizationRelationsByOrganization(organizationSlugs: readonly string[]): Promise<OrganizationRelationRecord[][]>;
  eventRelationsByEvent(eventSlugs: readonly string[]): Promise<EventRelationRecord[][]>;

  // Paged lists: one page per query, in query order; each list in the order its OrderKey describes.
  /** Article slugs, by articleOrderKey(articleOrderOf(query)). (`listPersons`… by entityOrderKey(entityOrderOf(query)).) */
  listArticles(queries: readonly ArticleListQuery[], work?: RequestWork): Promise<Page<string>[]>;
  /** Mentions in an article, reading order (MENTIONS_IN_ARTICLE). */
  listMentionsInArticle(queries: readonly { article: string; window: Window }[]): Promise<Page<MentionRecord>[]>;
  /** Mentions of an entity (`Person:slug`), newest article first, then reading order (MENTIONS_OF_ENTITY). */
  listMentionsOfEntity(queries: readonly { entity: string; window: Window }[]): Promise<Page<MentionRecord>[]>;
  /** The other entities mentioned in the same articles as an entity, strongest first (CO_MENTIONS). */
  listCoMentions(
    queries: readonly { entity: string; window: Window }[],
    work?: RequestWork,
  ): Promise<Page<CoMention>[]>;

  /** Full-text search; `types` restricts what is found. Only the window's hits are ranked out and returned. */
  search(
    query: string,
    types: readonly SearchTarget[] | null | undefined,
    window: OffsetWindow,
    work?: RequestWork,
  ): Promise<SearchResults>;
  /** Where each hit matched `query`; asked only for the hits a page shows. */
  searchHighlights(requests: readonly { query: string; hit: SearchHit }[]): Promise<SearchHighlight[][]>;

  // Aggregates.
  stats(): Promise<CorpusStats>;
  mentionCountsByEntity(entityKeys: readonly string[]): Promise<MentionCounts[]>;
  /** The `limit` entities of `types` mentioned in the most articles published in the window, ranked by TOP_ENTITIES. */
  topEntities(query: {
    types: readonly EntityType[];
    from?: string | null;
    to?: string | null;
    limit: number;
  }): Promise<EntityCount[]>;
  /** Throws QueryLimitError beyond `maxBuckets`. */
  timeline(query: {
    interval: TimeInterval;
    from?: string | null;
    to?: string | null;
    entity?: string | null;
    maxBuckets: number;
  }): Promise<TimeBucket[]>;
}
