/**
 * The per-request context: the data source and a fresh set of DataLoaders, so every
 * relationship is fetched with one batch call per level of a query and nothing is cached
 * across requests.
 */
import DataLoader from 'dataloader';
import type { EntityKey, EntityRecord } from './data/records.js';
import type { ArticleQuery, EntityQuery, NewsDataSource } from './data/source.js';

export interface ContextOptions {
  /** Batch loads (the default). Off only to measure the naive cost in benchmarks. */
  batch?: boolean;
}

function loader<V>(batchLoad: (keys: readonly string[]) => Promise<V[]>, options: ContextOptions) {
  // Results come back in key order with null (or []) for unknown keys, never an Error.
  return new DataLoader<string, V>(batchLoad, { batch: options.batch ?? true });
}

/** A loader keyed by a query object: equal queries (same JSON) share one load within a request. */
function queryLoader<Q, V>(batchLoad: (queries: readonly Q[]) => Promise<V[]>, options: ContextOptions) {
  return new DataLoader<Q, V, string>(batchLoad, {
    batch: options.batch ?? true,
    cacheKeyFn: (query) => JSON.stringify(query),
  });
}

export function createLoaders(source: NewsDataSource, options: ContextOptions = {}) {
  const loaders = {
    article: loader((slugs) => source.articlesBySlug(slugs), options),
    person: loader((slugs) => source.personsBySlug(slugs), options),
    organization: loader((slugs) => source.organizationsBySlug(slugs), options),
    event: loader((slugs) => source.eventsBySlug(slugs), options),
    affiliationsByPerson: loader((slugs) => source.affiliationsByPerson(slugs), options),
    affiliationsByOrganization: loader((slugs) => source.affiliationsByOrganization(slugs), options),
    participationsByPerson: loader((slugs) => source.participationsByPerson(slugs), options),
    participationsByEvent: loader((slugs) => source.participationsByEvent(slugs), options),
    involvementsByOrganization: loader((slugs) => source.involvementsByOrganization(slugs), options),
    involvementsByEvent: loader((slugs) => source.involvementsByEvent(slugs), options),
    organizationRelationsByOrganization: loader((slugs) => source.organizationRelationsByOrganization(slugs), options),
    eventRelationsByEvent: loader((slugs) => source.eventRelationsByEvent(slugs), options),
    mentionsByArticle: loader((slugs) => source.mentionsByArticle(slugs), options),
    mentionsByEntity: loader((keys) => source.mentionsByEntity(keys), options),
    entitiesByArticle: loader((slugs) => source.entitiesByArticle(slugs), options),
    mentionCountsByEntity: loader((keys) => source.mentionCountsByEntity(keys), options),
    coMentionsByEntity: loader((keys) => source.coMentionsByEntity(keys), options),
    articleQuery: queryLoader<ArticleQuery, readonly string[]>((queries) => source.queryArticles(queries), options),
    entityQuery: queryLoader<EntityQuery, readonly string[]>((queries) => source.queryEntities(queries), options),
  };
  return {
    ...loaders,
    /** Loads a Person, Organization or Event through the loader of its type. */
    entity(key: EntityKey): Promise<EntityRecord | null> {
      if (key.type === 'Person') return loaders.person.load(key.slug);
      if (key.type === 'Organization') return loaders.organization.load(key.slug);
      return loaders.event.load(key.slug);
    },
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

export interface Context {
  source: NewsDataSource;
  loaders: Loaders;
}

export function createContext(source: NewsDataSource, options: ContextOptions = {}): Context {
  return { source, loaders: createLoaders(source, options) };
}
