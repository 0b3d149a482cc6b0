/**
 * The per-request context: the data source, a fresh set of DataLoaders, so every relationship is
 * fetched with one batch call per level of a query and nothing is cached across requests, and the
 * request's RequestWork (its deadline, checked before every batch load).
 */
import DataLoader from 'dataloader';
import type { EntityKey, EntityRecord } from './data/records.js';
import { RequestWork } from './data/request-work.js';
import type { ArticleQuery, EntityQuery, NewsDataSource } from './data/source.js';

export interface ContextOptions {
  /** Batch loads (the default). Off only to measure the naive cost in benchmarks. */
  batch?: boolean;
}

/**
 * A batch load that checks the request's deadline first, dispatched as DataLoader does, except that a
 * request that has run for a while lets the event loop turn first (health checks, other requests).
 */
function deadlineOptions<K>(
  batchLoad: (keys: readonly K[]) => Promise<unknown[]>,
  work: RequestWork,
): [(keys: readonly K[]) => Promise<unknown[]>, (dispatch: () => void) => void] {
  const checked = (keys: readonly K[]) => {
    try {
      work.check();
    } catch (error) {
      return Promise.reject(error);
    }
    return batchLoad(keys);
  };
  const schedule = (dispatch: () => void) => work.scheduleBatch(dispatch);
  return [checked, schedule];
}

function loader<V>(batchLoad: (keys: readonly string[]) => Promise<V[]>, options: ContextOptions, work: RequestWork) {
  const [checked, schedule] = deadlineOptions(batchLoad, work);
  // Results come back in key order with null (or []) for unknown keys, never an Error.
  return new DataLoader<string, V>(checked as typeof batchLoad, {
    batch: options.batch ?? true,
    batchScheduleFn: schedule,
  });
}

/** A loader keyed by a query object: equal queries (same JSON) share one load within a request. */
function queryLoader<Q, V>(
  batchLoad: (queries: readonly Q[]) => Promise<V[]>,
  options: ContextOptions,
  work: RequestWork,
) {
  const [checked, schedule] = deadlineOptions(batchLoad, work);
  return new DataLoader<Q, V, string>(checked as typeof batchLoad, {
    batch: options.batch ?? true,
    batchScheduleFn: schedule,
    cacheKeyFn: (query) => JSON.stringify(query),
  });
}

/** The value a batch method of the source gives per key. */
type ValueOf<M extends keyof NewsDataSource> = NewsDataSource[M] extends (keys: never) => Promise<(infer V)[]>
  ? V
  : never;

/**
 * The request's DataLoaders, each made on first use: a query touches a few of them, and a request answered
 * without running a resolver (a cached answer) makes none.
 */
export class Loaders {
  #article?: DataLoader<string, ValueOf<'articlesBySlug'>>;
  #person?: DataLoader<string, ValueOf<'personsBySlug'>>;
  #organization?: DataLoader<string, ValueOf<'organizationsBySlug'>>;
  #event?: DataLoader<string, ValueOf<'eventsBySlug'>>;
  #affiliationsByPerson?: DataLoader<string, ValueOf<'affiliationsByPerson'>>;
  #affiliationsByOrganization?: DataLoader<string, ValueOf<'affiliationsByOrganization'>>;
  #participationsByPerson?: DataLoader<string, ValueOf<'participationsByPerson'>>;
  #participationsByEvent?: DataLoader<string, ValueOf<'participationsByEvent'>>;
  #involvementsByOrganization?: DataLoader<string, ValueOf<'involvementsByOrganization'>>;
  #involvementsByEvent?: DataLoader<string, ValueOf<'involvementsByEvent'>>;
  #organizationRelationsByOrganization?: DataLoader<string, ValueOf<'organizationRelationsByOrganization'>>;
  #eventRelationsByEvent?: DataLoader<string, ValueOf<'eventRelationsByEvent'>>;
  #mentionsByArticle?: DataLoader<string, ValueOf<'mentionsByArticle'>>;
  #mentionsByEntity?: DataLoader<string, ValueOf<'mentionsByEntity'>>;
  #entitiesByArticle?: DataLoader<string, ValueOf<'entitiesByArticle'>>;
  #mentionCountsByEntity?: DataLoader<string, ValueOf<'mentionCountsByEntity'>>;
  #coMentionsByEntity?: DataLoader<string, ValueOf<'coMentionsByEntity'>>;
  #articleQuery?: DataLoader<ArticleQuery, readonly string[], string>;
  #entityQuery?: DataLoader<EntityQuery, readonly string[], string>;

  constructor(
    private readonly source: NewsDataSource,
    private readonly options: ContextOptions = {},
    private readonly work: RequestWork = new RequestWork(),
  ) {}

  get article() {
    this.#article ??= loader((slugs) => this.source.articlesBySlug(slugs), this.options, this.work);
    return this.#article;
  }
  get person() {
    this.#person ??= loader((slugs) => this.source.personsBySlug(slugs), this.options, this.work);
    return this.#person;
  }
  get organization() {
    this.#organization ??= loader((slugs) => this.source.organizationsBySlug(slugs), this.options, this.work);
    return this.#organization;
  }
  get event() {
    this.#event ??= loader((slugs) => this.source.eventsBySlug(slugs), this.options, this.work);
    return this.#event;
  }
  get affiliationsByPerson() {
    this.#affiliationsByPerson ??= loader((slugs) => this.source.affiliationsByPerson(slugs), this.options, this.work);
    return this.#affiliationsByPerson;
  }
  get affiliationsByOrganization() {
    this.#affiliationsByOrganization ??= loader(
      (slugs) => this.source.affiliationsByOrganization(slugs),
      this.options,
      this.work,
    );
    return this.#affiliationsByOrganization;
  }
  get participationsByPerson() {
    this.#participationsByPerson ??= loader(
      (slugs) => this.source.participationsByPerson(slugs),
      this.options,
      this.work,
    );
    return this.#participationsByPerson;
  }
  get participationsByEvent() {
    this.#participationsByEvent ??= loader(
      (slugs) => this.source.participationsByEvent(slugs),
      this.options,
      this.work,
    );
    return this.#participationsByEvent;
  }
  get involvementsByOrganization() {
    this.#involvementsByOrganization ??= loader(
      (slugs) => this.source.involvementsByOrganization(slugs),
      this.options,
      this.work,
    );
    return this.#involvementsByOrganization;
  }
  get involvementsByEvent() {
    this.#involvementsByEvent ??= loader((slugs) => this.source.involvementsByEvent(slugs), this.options, this.work);
    return this.#involvementsByEvent;
  }
  get organizationRelationsByOrganization() {
    this.#organizationRelationsByOrganization ??= loader(
      (slugs) => this.source.organizationRelationsByOrganization(slugs),
      this.options,
      this.work,
    );
    return this.#organizationRelationsByOrganization;
  }
  get eventRelationsByEvent() {
    this.#eventRelationsByEvent ??= loader(
      (slugs) => this.source.eventRelationsByEvent(slugs),
      this.options,
      this.work,
    );
    return this.#eventRelationsByEvent;
  }
  get mentionsByArticle() {
    this.#mentionsByArticle ??= loader((slugs) => this.source.mentionsByArticle(slugs), this.options, this.work);
    return this.#mentionsByArticle;
  }
  get mentionsByEntity() {
    this.#mentionsByEntity ??= loader((keys) => this.source.mentionsByEntity(keys), this.options, this.work);
    return this.#mentionsByEntity;
  }
  get entitiesByArticle() {
    this.#entitiesByArticle ??= loader((slugs) => this.source.entitiesByArticle(slugs), this.options, this.work);
    return this.#entitiesByArticle;
  }
  get mentionCountsByEntity() {
    this.#mentionCountsByEntity ??= loader((keys) => this.source.mentionCountsByEntity(keys), this.options, this.work);
    return this.#mentionCountsByEntity;
  }
  get coMentionsByEntity() {
    this.#coMentionsByEntity ??= loader(
      (keys) => this.source.coMentionsByEntity(keys, this.work),
      this.options,
      this.work,
    );
    return this.#coMentionsByEntity;
  }
  get articleQuery() {
    this.#articleQuery ??= queryLoader<ArticleQuery, readonly string[]>(
      (queries) => this.source.queryArticles(queries, this.work),
      this.options,
      this.work,
    );
    return this.#articleQuery;
  }
  get entityQuery() {
    this.#entityQuery ??= queryLoader<EntityQuery, readonly string[]>(
      (queries) => this.source.queryEntities(queries, this.work),
      this.options,
      this.work,
    );
    return this.#entityQuery;
  }

  /** Loads a Person, Organization or Event through the loader of its type. */
  entity(key: EntityKey): Promise<EntityRecord | null> {
    if (key.type === 'Person') return this.person.load(key.slug);
    if (key.type === 'Organization') return this.organization.load(key.slug);
    return this.event.load(key.slug);
  }
}

export function createLoaders(source: NewsDataSource, options: ContextOptions = {}): Loaders {
  return new Loaders(source, options);
}

export interface Context {
  source: NewsDataSource;
  /** The version of the data this request is answered from: the plugins read it here, and only here. */
  dataVersion: string;
  loaders: Loaders;
  /** The request's deadline (started by the execution-timeout plugin), text-match memo and work counters. */
  work: RequestWork;
}

export function createContext(source: NewsDataSource, options: ContextOptions = {}): Context {
  const work = new RequestWork();
  return { source, dataVersion: source.version, loaders: new Loaders(source, options, work), work };
}

/** The request's context from the arguments an executor is called with (graphql types it `unknown`). */
export function contextOf(args: { contextValue?: unknown }): Context {
  return args.contextValue as Context;
}
