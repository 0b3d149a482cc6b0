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
 */

import type { ClaimFilter } from './claims.js';
import type { TimeInterval } from './dates.js';
import type { EntityPlural, EntityRecordOf, EntityType } from './entity-types.js';
import type { MatchCandidate, MatchQuery } from './match.js';
import type {
  AffiliationRecord,
  ArticleRecord,
  ClaimRecord,
  EntityKey,
  EventRelationRecord,
  InvolvementRecord,
  MentionRecord,
  OrganizationRelationRecord,
  ParticipationRecord,
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
 * (either may be absent), then the first `size` of them (FORWARD) or the last `size` (BACKWARD).
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
  /** Whether the list has items before the first of the page / after the last (within the whole list). */
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

/** Compares two positions value by value: text by code units, numbers numerically, null after any value. */
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
 * Mentions in an article: reading order [start, end, entity key string].
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
  /** Claims of attribute values (issue 14). */
  claims: number;
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
  | 'evidence'
  // Claims (issue 14): an entity's and an article's claims, and the quotes of one claim.
  | 'claimsByEntity'
  | 'claimsByArticle'
  | 'claimEvidence';

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

  // Paged lists: one page per query, in query order.
  listArticles(queries: readonly ArticleListQuery[], work?: RequestWork): Promise<Page<string>[]>;
  /** Mentions in an article, reading order. */
  listMentionsInArticle(queries: readonly { article: string; window: Window }[]): Promise<Page<MentionRecord>[]>;
  /** Mentions of an entity (`Person:slug`), newest article first, then reading order. */
  listMentionsOfEntity(queries: readonly { entity: string; window: Window }[]): Promise<Page<MentionRecord>[]>;
  /** The other entities mentioned in the same articles as an entity, strongest first. */
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

  // ───────────── claims and matching (issue 14) ─────────────

  /**
   * Each entity's claims (keys `Person:slug`), whole (a few per entity), newest article first: the claim order
   * below. A claim's `superseded` is as the loader computed it (claims.ts).
   */
  claimsByEntity(entityKeys: readonly string[]): Promise<ClaimRecord[][]>;
  /** Each article's claims, whole, in reading order (by the first quote's offset, then the claim order). */
  claimsByArticle(articleSlugs: readonly string[]): Promise<ClaimRecord[][]>;
  /**
   * The claims a filter selects, paged. Claim order: newest article first, a position being claimPosition(claim)
   * (claims.ts): [asOf DESC, article slug, first quote's start, entity key, property rank, value text].
   */
  listClaims(queries: readonly { filter: ClaimFilter; window: Window }[]): Promise<Page<ClaimRecord>[]>;
  /**
   * Ranked candidates for each name, best first, `limit` at most, none under MIN_CANDIDATE_SCORE (match.ts).
   * Candidate retrieval is the backend's (the memory store's name index; pg_trgm similarity in PostgreSQL);
   * scoring is shared (scoreCandidate in match.ts), so every backend ranks alike.
   */
  match(queries: readonly MatchQuery[], work?: RequestWork): Promise<MatchCandidate[][]>;
}
