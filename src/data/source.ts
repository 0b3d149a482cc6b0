/**
 * The asynchronous batch interface every backend implements. Each method takes many keys and
 * answers in key order, with null (or an empty list) for a key it does not know, so that
 * DataLoader can sit directly on top of it and another store can replace the JSON one. A method that may do
 * much work takes the request's RequestWork: it checks the request's deadline as it goes.
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

export type SearchTarget = 'Article' | EntityType;
export type SearchField = 'NAME' | 'ALIAS' | 'HEADLINE' | 'BODY';

/** Where a search matched: the matched text and its offsets in the field it came from. */
export interface SearchHighlight {
  field: SearchField;
  /** The alias matched, when `field` is ALIAS (offsets are into it). */
  alias: string | null;
  text: string;
  start: number;
  end: number;
}

export interface SearchHit {
  type: SearchTarget;
  slug: string;
  score: number;
  /** The indexed terms that matched (folded), from which highlights are computed for the hits shown. */
  terms: string[];
}

export interface SearchResults {
  totalCount: number;
  hits: SearchHit[];
}

export type SortDirection = 'ASC' | 'DESC';

/** Which articles, in which order. Every condition must hold. */
export interface ArticleQuery {
  /** Entity keys (`Person:slug`): the article mentions all of them. */
  mentions?: readonly string[] | null;
  /** The publication date overlaps [publishedFrom, publishedTo] (reduced-precision dates). */
  publishedFrom?: string | null;
  publishedTo?: string | null;
  /** Words that must all occur in the headline or body (case- and accent-insensitive, by prefix). */
  text?: string | null;
  /** Default: newest first. */
  order?: { field: 'PUBLISHED_AT' | 'HEADLINE'; direction: SortDirection } | null;
}

export type EntityOrderField = 'NAME' | 'ARTICLE_COUNT' | 'MENTION_COUNT' | 'START_DATE';

/** Which entities of one type, in which order. Conditions that do not apply to the type are ignored. */
export interface EntityQuery {
  type: EntityType;
  /** Case- and accent-insensitive substring of the name or an alias. */
  nameContains?: string | null;
  /** Persons: holds this nationality (ISO 3166-1 alpha-2). */
  nationality?: string | null;
  /** Persons: affiliated with this organization (slug). */
  affiliatedWith?: string | null;
  /** Mentioned in this article (slug). Without an order, entities then come in order of first mention. */
  mentionedIn?: string | null;
  /** Organizations and events: kind. */
  kind?: string | null;
  /** Organizations: country (ISO 3166-1 alpha-2). */
  country?: string | null;
  /** Organizations: part of this organization (slug), directly or through intermediate units. */
  partOf?: string | null;
  /** Events: dates overlap [from, to] (reduced-precision dates); undated events never match a window. */
  from?: string | null;
  to?: string | null;
  /** Events: this organization (slug) was involved. */
  involves?: string | null;
  /** Events: case- and accent-insensitive substring of the location. */
  location?: string | null;
  /** Default: by name (or by first mention with `mentionedIn`). */
  order?: { field: EntityOrderField; direction: SortDirection } | null;
}

/** Counts over the whole corpus: articles, entities of each type (`persons`…), mentions and relationships. */
export type CorpusStats = {
  articles: number;
  mentions: number;
  relationships: number;
  /** Claims of attribute values (issue 14). */
  claims: number;
} & { [T in EntityType as EntityPlural<T>]: number };

/** One batch method per entity type (`personsBySlug`…): records by slug, null for an unknown slug. */
type EntitiesBySlug = {
  [T in EntityType as `${EntityPlural<T>}BySlug`]: (slugs: readonly string[]) => Promise<(EntityRecordOf<T> | null)[]>;
};

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

/**
 * What the cost model needs to know of the data to price a query before it runs: the 99th-percentile length of
 * each list a query can ask for whole (at least 1) and the longest, the most search highlights a hit has, and the days of the first and last article (where an open
 * timeline starts and ends). Computed once per data version.
 */
export interface CostFacts {
  listLengths: Readonly<Record<RelationshipList, number>>;
  /** The longest of each list (at least 1): what the node cap, a bound on the objects returned, reads. */
  longestLists: Readonly<Record<RelationshipList, number>>;
  /** The most highlights one search hit can have (5 per field: headline and body, or the name and each alias). */
  highlightsPerHit: number;
  /** "YYYY-MM-DD" of the first and last article; null for an empty corpus. */
  published: { first: string; last: string } | null;
}

export interface NewsDataSource extends EntitiesBySlug {
  /** Content hash of the data this source serves. */
  readonly version: string;

  /** What the cost model reads of the data (see CostFacts); synchronous: prices are computed before execution. */
  costFacts(): CostFacts;

  articlesBySlug(slugs: readonly string[]): Promise<(ArticleRecord | null)[]>;

  affiliationsByPerson(personSlugs: readonly string[]): Promise<AffiliationRecord[][]>;
  affiliationsByOrganization(organizationSlugs: readonly string[]): Promise<AffiliationRecord[][]>;
  participationsByPerson(personSlugs: readonly string[]): Promise<ParticipationRecord[][]>;
  participationsByEvent(eventSlugs: readonly string[]): Promise<ParticipationRecord[][]>;
  involvementsByOrganization(organizationSlugs: readonly string[]): Promise<InvolvementRecord[][]>;
  involvementsByEvent(eventSlugs: readonly string[]): Promise<InvolvementRecord[][]>;
  /** Relations in which the organization is either end. */
  organizationRelationsByOrganization(organizationSlugs: readonly string[]): Promise<OrganizationRelationRecord[][]>;
  /** Relations in which the event is either end. */
  eventRelationsByEvent(eventSlugs: readonly string[]): Promise<EventRelationRecord[][]>;

  /** Mentions in each article, in reading order. */
  mentionsByArticle(articleSlugs: readonly string[]): Promise<MentionRecord[][]>;
  /** Mentions of each entity (keys as `Person:slug`), newest article first, then reading order. */
  mentionsByEntity(entityKeys: readonly string[]): Promise<MentionRecord[][]>;
  /** The entities each article mentions, in order of first mention. */
  entitiesByArticle(articleSlugs: readonly string[]): Promise<EntityKey[][]>;

  /**
   * Full-text search over names, aliases, headlines and bodies; `types` restricts what is found.
   * Answers how many things match and the best `limit` of them, best first (a page needs only its
   * own and the ones before it ranked).
   */
  search(
    query: string,
    types: readonly SearchTarget[] | null | undefined,
    limit: number,
    work?: RequestWork,
  ): Promise<SearchResults>;
  /** Where each hit matched; asked only for the hits a page shows, since finding words in long bodies costs. */
  searchHighlights(hits: readonly SearchHit[]): Promise<SearchHighlight[][]>;

  /** Slugs of the articles each query selects, in its order (a text filter is matched once per `work`). */
  queryArticles(queries: readonly ArticleQuery[], work?: RequestWork): Promise<(readonly string[])[]>;
  /** Slugs of the entities each query selects, in its order. */
  queryEntities(queries: readonly EntityQuery[], work?: RequestWork): Promise<(readonly string[])[]>;

  /** Counts over the whole corpus. */
  stats(): Promise<CorpusStats>;
  /** How many articles mention each entity, and how many times in all. */
  mentionCountsByEntity(entityKeys: readonly string[]): Promise<MentionCounts[]>;
  /** Entities ranked by the number of articles published in the window that mention them. */
  topEntities(query: {
    types: readonly EntityType[];
    from?: string | null;
    to?: string | null;
    limit: number;
  }): Promise<EntityCount[]>;
  /**
   * Articles and mentions per bucket (of one entity, or of all), empty buckets included, in order.
   * Throws QueryLimitError beyond `maxBuckets`.
   */
  timeline(query: {
    interval: TimeInterval;
    from?: string | null;
    to?: string | null;
    entity?: string | null;
    maxBuckets: number;
  }): Promise<TimeBucket[]>;
  /** For each entity, the other entities mentioned in the same articles, strongest first. */
  coMentionsByEntity(entityKeys: readonly string[], work?: RequestWork): Promise<CoMention[][]>;

  // ───────────── claims and matching (issue 14) ─────────────

  /** Each entity's claims (keys `Person:slug`), newest article first: [asOf DESC, article slug, quote start]. */
  claimsByEntity(entityKeys: readonly string[]): Promise<ClaimRecord[][]>;
  /** Each article's claims, in reading order (by the first quote's offset). */
  claimsByArticle(articleSlugs: readonly string[]): Promise<ClaimRecord[][]>;
  /** The claims each filter selects, newest article first (as claimsByEntity orders them). */
  queryClaims(filters: readonly ClaimFilter[]): Promise<ClaimRecord[][]>;
  /**
   * Ranked candidates for each name an outside system holds, best first, `limit` at most, none under
   * MIN_CANDIDATE_SCORE (src/data/match.ts). A backend finds the candidates its own way (an index of names, or
   * pg_trgm); every backend scores them with match.ts, so scores agree across backends.
   */
  match(queries: readonly MatchQuery[], work?: RequestWork): Promise<MatchCandidate[][]>;
}
