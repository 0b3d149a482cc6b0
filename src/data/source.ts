/**
 * The asynchronous batch interface every backend implements. Each method takes many keys and
 * answers in key order, with null (or an empty list) for a key it does not know, so that
 * DataLoader can sit directly on top of it and another store can replace the JSON one.
 */
import type {
  AffiliationRecord,
  ArticleRecord,
  EntityKey,
  EventRecord,
  EventRelationRecord,
  InvolvementRecord,
  MentionRecord,
  OrganizationRecord,
  OrganizationRelationRecord,
  ParticipationRecord,
  PersonRecord,
} from './records.js';

export type SearchTarget = 'Article' | EntityKey['type'];

export interface SearchHit {
  type: SearchTarget;
  slug: string;
  score: number;
}

export interface NewsDataSource {
  /** Content hash of the data this source serves. */
  readonly version: string;

  articlesBySlug(slugs: readonly string[]): Promise<(ArticleRecord | null)[]>;
  personsBySlug(slugs: readonly string[]): Promise<(PersonRecord | null)[]>;
  organizationsBySlug(slugs: readonly string[]): Promise<(OrganizationRecord | null)[]>;
  eventsBySlug(slugs: readonly string[]): Promise<(EventRecord | null)[]>;

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
  /** Slugs of the articles that mention each entity, newest first. */
  articleSlugsByEntity(entityKeys: readonly string[]): Promise<string[][]>;
  /** The entities each article mentions, in order of first mention. */
  entitiesByArticle(articleSlugs: readonly string[]): Promise<EntityKey[][]>;

  /** All article slugs, newest first. */
  listArticleSlugs(): Promise<readonly string[]>;
  /** All slugs of one entity type, by name. */
  listEntitySlugs(type: EntityKey['type']): Promise<readonly string[]>;

  /** Full-text search over names, aliases, headlines and bodies, best match first. */
  search(query: string): Promise<SearchHit[]>;
}
