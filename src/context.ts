/**
 * The per-request context: the data source, a fresh set of DataLoaders, so every relationship is
 * fetched with one batch call per level of a query and nothing is cached across requests, and the
 * request's RequestWork (its deadline, checked before every batch load).
 */
import DataLoader from 'dataloader';
import type { EntityListQuery, NewsDataSource, Page } from './data/contract.js';
import {
  byEntityType,
  ENTITY_TYPE_INFO,
  ENTITY_TYPES,
  type EntityNoun,
  type EntityPlural,
  type EntityRecordOf,
  type EntityType,
} from './data/entity-types.js';
import type { EntityKey, EntityRecord } from './data/records.js';
import { RequestWork } from './data/request-work.js';

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

/** "Persons" from "persons". */
function capitalized<W extends string>(word: W): Capitalize<W> {
  return (word.charAt(0).toUpperCase() + word.slice(1)) as Capitalize<W>;
}

/** Each entity type's list loader (`personList`) and the list method it calls (`listPersons`). */
const ENTITY_LIST_LOADERS = Object.fromEntries(
  ENTITY_TYPES.map((type) => [
    `${ENTITY_TYPE_INFO[type].noun}List`,
    `list${capitalized(ENTITY_TYPE_INFO[type].plural)}`,
  ]),
) as { [T in EntityType as `${EntityNoun<T>}List`]: `list${Capitalize<EntityPlural<T>>}` };

/**
 * The request's DataLoaders, by name, and the source's batch method each one calls. A list loader is keyed by
 * its query (window included) and caches by the query's JSON (QUERY_LOADERS), so equal queries share one load
 * within a request, and the lists of N parents are one call to the source.
 */
const LOADER_METHODS = {
  article: 'articlesBySlug',
  ...(Object.fromEntries(
    ENTITY_TYPES.map((type) => [ENTITY_TYPE_INFO[type].noun, `${ENTITY_TYPE_INFO[type].plural}BySlug`]),
  ) as { [T in EntityType as EntityNoun<T>]: `${EntityPlural<T>}BySlug` }),
  affiliationsByPerson: 'affiliationsByPerson',
  affiliationsByOrganization: 'affiliationsByOrganization',
  participationsByPerson: 'participationsByPerson',
  participationsByEvent: 'participationsByEvent',
  involvementsByOrganization: 'involvementsByOrganization',
  involvementsByEvent: 'involvementsByEvent',
  organizationRelationsByOrganization: 'organizationRelationsByOrganization',
  eventRelationsByEvent: 'eventRelationsByEvent',
  mentionCountsByEntity: 'mentionCountsByEntity',
  articleList: 'listArticles',
  ...ENTITY_LIST_LOADERS,
  mentionsInArticle: 'listMentionsInArticle',
  mentionsOfEntity: 'listMentionsOfEntity',
  coMentions: 'listCoMentions',
} as const satisfies Record<string, BatchMethod>;

/** Each entity type's list loader's name. */
const LIST_LOADER_OF = byEntityType((type) => `${ENTITY_TYPE_INFO[type].noun}List` as LoaderName);

const QUERY_LOADERS: ReadonlySet<LoaderName> = new Set<LoaderName>([
  'articleList',
  ...(Object.keys(ENTITY_LIST_LOADERS) as LoaderName[]),
  'mentionsInArticle',
  'mentionsOfEntity',
  'coMentions',
]);

/** A batch method of the source: many keys in (and the request's work, if it wants it), one value per key out. */
type BatchMethod = {
  [M in keyof NewsDataSource]: NewsDataSource[M] extends (
    keys: readonly never[],
    work?: RequestWork,
  ) => Promise<unknown[]>
    ? M
    : never;
}[keyof NewsDataSource];
type KeyOf<M extends BatchMethod> = Parameters<NewsDataSource[M]>[0] extends readonly (infer K)[] ? K : never;
type ValueOf<M extends BatchMethod> = Awaited<ReturnType<NewsDataSource[M]>> extends (infer V)[] ? V : never;

export type LoaderName = keyof typeof LOADER_METHODS;
type MethodOf<N extends LoaderName> = (typeof LOADER_METHODS)[N];
/** Each loader's precise type: keyed as its batch method is, giving what the method gives per key. */
export type LoaderTable = {
  readonly [N in LoaderName]: DataLoader<KeyOf<MethodOf<N>>, ValueOf<MethodOf<N>>, string>;
};

const LOADER_NAMES = Object.keys(LOADER_METHODS) as LoaderName[];

/**
 * The request's DataLoaders, each made on first use: a query touches a few of them, and a request answered
 * without running a resolver (a cached answer) makes none. `loaders.person` and its siblings (LoaderTable)
 * are getters on the prototype, defined once from LOADER_METHODS below.
 */
class LoaderSet {
  /** The loaders made so far, by name. */
  readonly #made: Partial<Record<LoaderName, LoaderTable[LoaderName]>> = {};

  constructor(
    private readonly source: NewsDataSource,
    private readonly options: ContextOptions,
    private readonly work: RequestWork,
  ) {}

  /** The named loader, made on first use. */
  loader<N extends LoaderName>(name: N): LoaderTable[N] {
    this.#made[name] ??= this.#make(name);
    // What is stored under a name is what #make made for that name.
    return this.#made[name] as LoaderTable[N];
  }

  #make<N extends LoaderName>(name: N): LoaderTable[N] {
    const { source, work } = this;
    const method = source[LOADER_METHODS[name]] as (keys: readonly unknown[], work: RequestWork) => Promise<unknown[]>;
    const [checked, schedule] = deadlineOptions((keys: readonly unknown[]) => method.call(source, keys, work), work);
    // Results come back in key order with null (or []) for unknown keys, never an Error.
    return new DataLoader(checked, {
      batch: this.options.batch ?? true,
      batchScheduleFn: schedule,
      ...(QUERY_LOADERS.has(name) ? { cacheKeyFn: (query: unknown) => JSON.stringify(query) } : {}),
    }) as unknown as LoaderTable[N];
  }

  /** The loader of an entity type's records by slug. */
  ofType<T extends EntityType>(type: T): DataLoader<string, EntityRecordOf<T> | null, string> {
    return this.loader(ENTITY_TYPE_INFO[type].noun) as DataLoader<string, EntityRecordOf<T> | null, string>;
  }

  /** The loader of an entity type's lists (its list method, one page per query). */
  listOfType<T extends EntityType>(type: T): DataLoader<EntityListQuery<T>, Page<string>, string> {
    return this.loader(LIST_LOADER_OF[type]) as unknown as DataLoader<EntityListQuery<T>, Page<string>, string>;
  }

  /** Loads an entity of any type through the loader of its type. */
  entity(key: EntityKey): Promise<EntityRecord | null> {
    return this.ofType(key.type).load(key.slug);
  }
}

for (const name of LOADER_NAMES) {
  Object.defineProperty(LoaderSet.prototype, name, {
    get(this: LoaderSet) {
      return this.loader(name);
    },
  });
}

/** The request's loaders: `loaders.person.load(slug)`, `loaders.entity(key)`. */
export type Loaders = LoaderSet & LoaderTable;

export function createLoaders(
  source: NewsDataSource,
  options: ContextOptions = {},
  work: RequestWork = new RequestWork(),
): Loaders {
  // The table's getters are on the prototype (above), where the class's own type cannot see them.
  return new LoaderSet(source, options, work) as Loaders;
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
  return { source, dataVersion: source.version, loaders: createLoaders(source, options, work), work };
}

/** The request's context from the arguments an executor is called with (graphql types it `unknown`). */
export function contextOf(args: { contextValue?: unknown }): Context {
  return args.contextValue as Context;
}
