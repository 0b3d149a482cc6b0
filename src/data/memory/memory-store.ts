/**
 * The embedded store: a validated Dataset held in memory, with every index the schema needs built once at
 * start-up, answering the contract (src/data/contract.ts) without scanning mentions per request. Every list is
 * held (or made, for a filter) in its order, sorted by the contract's keys, and a window is found in it by binary
 * search on positions (src/data/windows.ts).
 */
import { ClaimIndex } from '../claims.js';
import {
  type ArticleListQuery,
  type ArticleOrderField,
  articleOrderKey,
  articleOrderOf,
  articlePosition,
  type ClaimFilter,
  CO_MENTIONS,
  type CoMention,
  type CorpusStats,
  type CostFacts,
  comparePositions,
  dateSortKey,
  type EntityCount,
  type EntityFilterOf,
  type EntityListQuery,
  type EntityOrderField,
  entityOrderKey,
  entityOrderOf,
  MENTIONS_IN_ARTICLE,
  MENTIONS_OF_ENTITY,
  type MentionCounts,
  mentionInArticlePosition,
  mentionOfEntityPosition,
  type NewsDataSource,
  type OffsetWindow,
  type OrderKey,
  type Page,
  type Position,
  QueryLimitError,
  type RelationshipList,
  type SearchHighlight,
  type SearchHit,
  type SearchResults,
  type SearchTarget,
  type SortDirection,
  type TimeBucket,
  TOP_ENTITIES,
  textSortKey,
  type Window,
} from '../contract.js';
import {
  bucketCount,
  buckets,
  type DayRange,
  dayRange,
  lowerBound,
  overlaps,
  upperBound,
  windowRange,
} from '../dates.js';
import { ENTITY_TYPES, type EntityRecordOf, type EntityType } from '../entity-types.js';
import { allEntities, corpusStatsOf, type Dataset, entitiesOf } from '../load-fixtures.js';
import { type MatchCandidate, type MatchQuery, prepareName, rankCandidates, scoreCandidate } from '../match.js';
import {
  type ArticleRecord,
  type ClaimRecord,
  type EntityKey,
  type EntityRecord,
  type EventRecord,
  entityKeyString,
  type MentionRecord,
} from '../records.js';
import type { RequestWork } from '../request-work.js';
import { emptyPage, pageAt, pageOfSorted } from '../windows.js';
import { MatchIndex } from './match-index.js';
import { MAX_HIGHLIGHTS_PER_FIELD, SearchIndex, SearchIndexBuild } from './search-index.js';
import { foldForSearch, queryTerms } from './text-index.js';

function groupBy<T>(items: readonly T[], keysOf: (item: T) => string[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    for (const key of keysOf(item)) {
      const group = groups.get(key);
      if (group) group.push(item);
      else groups.set(key, [item]);
    }
  }
  return groups;
}

function lookupMany<T>(index: ReadonlyMap<string, T>, keys: readonly string[]): (T | null)[] {
  return keys.map((key) => index.get(key) ?? null);
}

function bySlug<T extends { slug: string }>(records: readonly T[]): Map<string, T> {
  return new Map(records.map((record) => [record.slug, record]));
}

function groupsFor<T>(index: ReadonlyMap<string, T[]>, keys: readonly string[]): T[][] {
  return keys.map((key) => index.get(key) ?? []);
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** `items` sorted by `compare` in place: one pass when they already are (the loader's lists nearly always). */
function sortedBy<T>(items: T[], compare: (a: T, b: T) => number): T[] {
  for (let k = 1; k < items.length; k++) {
    if (compare(items[k - 1] as T, items[k] as T) > 0) return items.sort(compare);
  }
  return items;
}

/** Mentions in an article in reading order (MENTIONS_IN_ARTICLE): by start, the longest first, then entity key. */
function compareMentionsInArticle(a: MentionRecord, b: MentionRecord): number {
  return a.start - b.start || b.end - a.end || byCodeUnits(entityKeyString(a.entity), entityKeyString(b.entity));
}

/** The entities an article mentions, by their first mention then slug (FIRST_MENTION), with where that is. */
interface ArticleEntities {
  keys: EntityKey[];
  firsts: number[];
}

function articleEntities(keys: EntityKey[], firsts: number[]): ArticleEntities {
  const compare = (i: number, j: number) =>
    (firsts[i] as number) - (firsts[j] as number) ||
    byCodeUnits((keys[i] as EntityKey).slug, (keys[j] as EntityKey).slug) ||
    byCodeUnits((keys[i] as EntityKey).type, (keys[j] as EntityKey).type);
  // Taken in reading order, they nearly always are in order already (ties at one offset are rare).
  let sorted = true;
  for (let k = 1; k < keys.length && sorted; k++) sorted = compare(k - 1, k) <= 0;
  if (sorted) return { keys, firsts };
  const order = Array.from(keys.keys()).sort(compare);
  return { keys: order.map((i) => keys[i] as EntityKey), firsts: order.map((i) => firsts[i] as number) };
}

/** Newest first (PUBLISHED_AT DESC): a reduced-precision date sorts before the fuller dates it contains. Ties by slug. */
function newestFirst(a: ArticleRecord, b: ArticleRecord): number {
  return byCodeUnits(b.publishedAt, a.publishedAt) || byCodeUnits(a.slug, b.slug);
}

const slugAt = (records: readonly { slug: string }[]) => (i: number) => (records[i] as { slug: string }).slug;

/**
 * A number per date that orders "2014", "2024-11", "2024-11-15" and "2024-11-15T05:14" as their text
 * does (a shorter date before the longer ones it begins), or NaN for any other text.
 */
function dateOrdinal(date: string): number {
  const match = /^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2}))?)?)?$/.exec(date);
  if (!match) return Number.NaN;
  let ordinal = Number(match[1]);
  for (let k = 2; k <= 5; k++) ordinal = ordinal * 101 + (match[k] === undefined ? 0 : Number(match[k]) + 1);
  return ordinal;
}

/**
 * The indexes of `articles`, newest first by publication date (ties by index), sorted natively as numbers:
 * the rank of the date and the index packed into one float. Null if a date is not in ISO form (then the
 * comparison sorts them all).
 */
function byPublication(articles: readonly ArticleRecord[]): number[] | null {
  const count = articles.length;
  const ordinals = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const ordinal = dateOrdinal((articles[i] as ArticleRecord).publishedAt);
    if (Number.isNaN(ordinal)) return null;
    ordinals[i] = ordinal;
  }
  const sorted = ordinals.slice().sort();
  const scale = 2 ** Math.ceil(Math.log2(count + 1));
  const packed = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    // Rank: how many dates are older. Newest first, so the packed key counts down from the newest.
    let low = 0;
    let high = count;
    const ordinal = ordinals[i] as number;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((sorted[mid] as number) < ordinal) low = mid + 1;
      else high = mid;
    }
    packed[i] = (count - low) * scale + i;
  }
  packed.sort();
  const order = Array.from(packed, (key) => key % scale);
  // Articles of one date by slug (by code units: as localeCompare orders slugs).
  const slugOf = (i: number) => (articles[i] as ArticleRecord).slug;
  for (let from = 0; from < count; ) {
    let to = from + 1;
    const date = Math.floor((packed[from] as number) / scale);
    while (to < count && Math.floor((packed[to] as number) / scale) === date) to++;
    if (to - from > 1) {
      const run = order.slice(from, to).sort((i, j) => byCodeUnits(slugOf(i), slugOf(j)) || i - j);
      for (let k = from; k < to; k++) order[k] = run[k - from] as number;
    }
    from = to;
  }
  return order;
}

/** Dense numbers for entity keys, one per `type:slug`, found by key object (the loader shares one per entity). */
class EntityNumbering {
  readonly keys: string[] = [];
  private readonly byString = new Map<string, number>();
  private readonly byObject = new Map<EntityKey, number>();

  of(key: EntityKey): number {
    let n = this.byObject.get(key);
    if (n === undefined) {
      const keyString = entityKeyString(key);
      n = this.byString.get(keyString);
      if (n === undefined) {
        n = this.keys.length;
        this.keys.push(keyString);
        this.byString.set(keyString, n);
      }
      this.byObject.set(key, n);
    }
    return n;
  }
}

/**
 * Articles in date order as parallel arrays: the day each was published, and the running total of
 * mentions, so the articles and mentions in any window are two binary searches away.
 */
class TimeIndex {
  readonly days: string[] = [];
  private readonly mentionTotals: number[] = [0];

  add(day: string, mentions: number) {
    this.days.push(day);
    this.mentionTotals.push((this.mentionTotals[this.mentionTotals.length - 1] as number) + mentions);
  }

  countIn(first: string, last: string): MentionCounts {
    const from = lowerBound(this.days, first);
    const to = upperBound(this.days, last);
    return {
      articleCount: Math.max(0, to - from),
      mentionCount: Math.max(0, (this.mentionTotals[to] ?? 0) - (this.mentionTotals[from] ?? 0)),
    };
  }
}

interface MentionIndexes {
  mentionsByArticle: Map<string, MentionRecord[]>;
  mentionsByEntity: Map<string, MentionRecord[]>;
  articlesByEntity: Map<string, string[]>;
  entitiesByArticle: Map<string, ArticleEntities>;
  countsByEntity: Map<string, MentionCounts>;
}

/**
 * The mention indexes, and the time indexes (filled in), of a Dataset as loadDataset returns it: article
 * slugs unique, and each article's mentions together in data.mentions and sorted by start. Null when that
 * is not so. Entities are numbered once (by their key objects, which the loader shares), so no `type:slug`
 * string is built per mention; each entity's mentions are put in order (newest article first, then by
 * start, as a stable sort would) by a counting sort over the articles newest first, and each entity's time
 * index is read off its mentions backwards.
 */
function indexMentions(
  data: Dataset,
  newestFirstOrder: readonly number[],
  corpusTime: TimeIndex,
  timeByEntity: Map<string, TimeIndex>,
): MentionIndexes | null {
  const { articles, mentions } = data;
  const articleIndex = new Map<string, number>();
  for (let a = 0; a < articles.length; a++) articleIndex.set((articles[a] as ArticleRecord).slug, a);
  // Each article's mentions are data.mentions[runStart[a], runEnd[a]).
  const runStart = new Int32Array(articles.length);
  const runEnd = new Int32Array(articles.length);
  const numbering = new EntityNumbering();
  const entityOf = new Int32Array(mentions.length);
  const articleOf = new Int32Array(mentions.length);
  let article = -1;
  for (let i = 0; i < mentions.length; i++) {
    const m = mentions[i] as MentionRecord;
    entityOf[i] = numbering.of(m.entity);
    if (i > 0 && m.article === (mentions[i - 1] as MentionRecord).article) {
      if (m.start < (mentions[i - 1] as MentionRecord).start) return null;
      articleOf[i] = article;
      continue;
    }
    if (article !== -1) runEnd[article] = i;
    const a = articleIndex.get(m.article);
    if (a === undefined || runEnd[a] !== 0) return null; // unknown, or a second run of the same article
    article = a;
    articleOf[i] = a;
    runStart[a] = i;
    runEnd[a] = -1; // open
  }
  if (article !== -1) runEnd[article] = mentions.length;
  const entityCount = numbering.keys.length;

  const mentionsByArticle = new Map<string, MentionRecord[]>();
  const entitiesByArticle = new Map<string, ArticleEntities>();
  const seenIn = new Int32Array(entityCount).fill(-1);
  const perEntity = new Int32Array(entityCount);
  for (let a = 0; a < articles.length; a++) {
    const start = runStart[a] as number;
    const end = runEnd[a] as number;
    if (end === 0) continue;
    const slug = (articles[a] as ArticleRecord).slug;
    mentionsByArticle.set(slug, sortedBy(mentions.slice(start, end), compareMentionsInArticle));
    // The article's entities, where each is first mentioned.
    const keys: EntityKey[] = [];
    const firsts: number[] = [];
    for (let i = start; i < end; i++) {
      const n = entityOf[i] as number;
      perEntity[n] = (perEntity[n] as number) + 1;
      if (seenIn[n] === a) continue;
      seenIn[n] = a;
      keys.push((mentions[i] as MentionRecord).entity);
      firsts.push((mentions[i] as MentionRecord).start);
    }
    entitiesByArticle.set(slug, articleEntities(keys, firsts));
  }

  // Counting sort of the mentions by entity, the articles taken newest first.
  const offset = new Int32Array(entityCount + 1);
  for (let n = 0; n < entityCount; n++) offset[n + 1] = (offset[n] as number) + (perEntity[n] as number);
  const next = offset.slice(0, entityCount);
  const byEntity = new Int32Array(mentions.length);
  for (const a of newestFirstOrder) {
    for (let i = runStart[a] as number, end = runEnd[a] as number; i < end; i++) {
      const n = entityOf[i] as number;
      const at = next[n] as number;
      byEntity[at] = i;
      next[n] = at + 1;
    }
  }
  const days = articles.map((a) => dayRange(a.publishedAt).first);
  const mentionsByEntity = new Map<string, MentionRecord[]>();
  const articlesByEntity = new Map<string, string[]>();
  const countsByEntity = new Map<string, MentionCounts>();
  for (let n = 0; n < entityCount; n++) {
    const from = offset[n] as number;
    const to = offset[n + 1] as number;
    if (from === to) continue;
    const key = numbering.keys[n] as string;
    const entityMentions: MentionRecord[] = new Array(to - from);
    // Grouped by article: the distinct articles are where the article changes.
    const entityArticles: string[] = [];
    let last = -1;
    for (let k = from; k < to; k++) {
      const i = byEntity[k] as number;
      const m = mentions[i] as MentionRecord;
      entityMentions[k - from] = m;
      if (articleOf[i] === last) continue;
      last = articleOf[i] as number;
      entityArticles.push(m.article);
    }
    mentionsByEntity.set(key, entityMentions);
    articlesByEntity.set(key, entityArticles);
    countsByEntity.set(key, { articleCount: entityArticles.length, mentionCount: to - from });
    // Oldest article first: the mentions backwards, one entry per article with its count.
    const time = new TimeIndex();
    for (let k = to - 1; k >= from; ) {
      const a = articleOf[byEntity[k] as number] as number;
      let count = 0;
      for (; k >= from && articleOf[byEntity[k] as number] === a; k--) count++;
      time.add(days[a] as string, count);
    }
    timeByEntity.set(key, time);
  }
  for (let r = newestFirstOrder.length - 1; r >= 0; r--) {
    const a = newestFirstOrder[r] as number;
    corpusTime.add(days[a] as string, (runEnd[a] as number) - (runStart[a] as number));
  }
  return { mentionsByArticle, mentionsByEntity, articlesByEntity, entitiesByArticle, countsByEntity };
}

/** The same indexes for any Dataset (duplicate article slugs, mentions of unknown articles), the slow way. */
function indexMentionsOfAnyDataset(
  data: Dataset,
  articleOrder: readonly string[],
  articles: ReadonlyMap<string, ArticleRecord>,
  corpusTime: TimeIndex,
  timeByEntity: Map<string, TimeIndex>,
): MentionIndexes {
  const articleRank = new Map(articleOrder.map((slug, i) => [slug, i]));
  const mentionsByEntity = groupBy(data.mentions, (m) => [entityKeyString(m.entity)]);
  for (const list of mentionsByEntity.values()) {
    list.sort((a, b) => (articleRank.get(a.article) ?? 0) - (articleRank.get(b.article) ?? 0) || a.start - b.start);
  }
  const articlesByEntity = new Map(
    [...mentionsByEntity].map(([key, list]) => [key, [...new Set(list.map((m) => m.article))]]),
  );
  const mentionsByArticle = groupBy(data.mentions, (m) => [m.article]);
  for (const list of mentionsByArticle.values()) sortedBy(list, compareMentionsInArticle);
  const entitiesByArticle = new Map(
    [...mentionsByArticle].map(([article, list]) => {
      const firstMention = new Map<string, MentionRecord>();
      for (const m of list)
        if (!firstMention.has(entityKeyString(m.entity))) firstMention.set(entityKeyString(m.entity), m);
      const firsts = [...firstMention.values()];
      return [
        article,
        articleEntities(
          firsts.map((m) => m.entity),
          firsts.map((m) => m.start),
        ),
      ];
    }),
  );
  const countsByEntity = new Map(
    [...mentionsByEntity].map(([key, list]) => [
      key,
      { articleCount: articlesByEntity.get(key)?.length ?? 0, mentionCount: list.length },
    ]),
  );
  // Oldest first, so each TimeIndex is built in ascending order of days.
  for (const slug of [...articleOrder].reverse()) {
    const article = articles.get(slug) as ArticleRecord;
    const day = dayRange(article.publishedAt).first;
    const mentions = mentionsByArticle.get(slug) ?? [];
    corpusTime.add(day, mentions.length);
    const perEntity = new Map<string, number>();
    for (const m of mentions)
      perEntity.set(entityKeyString(m.entity), (perEntity.get(entityKeyString(m.entity)) ?? 0) + 1);
    for (const [key, count] of perEntity) {
      const time = timeByEntity.get(key) ?? new TimeIndex();
      timeByEntity.set(key, time);
      time.add(day, count);
    }
  }
  return { mentionsByArticle, mentionsByEntity, articlesByEntity, entitiesByArticle, countsByEntity };
}

/** The 99th-percentile length (nearest rank) and the longest of the non-empty lists among `lists`, at least 1. */
function listLengths(lists: Iterable<{ length: number }>): { p99: number; longest: number } {
  const lengths = [...lists].map((list) => list.length).filter((n) => n > 0);
  if (lengths.length === 0) return { p99: 1, longest: 1 };
  lengths.sort((a, b) => a - b);
  return {
    p99: Math.max(1, lengths[Math.ceil(lengths.length * 0.99) - 1] as number),
    longest: lengths.at(-1) as number,
  };
}

/** The relationship indexes a query can ask for whole, by the cost model's names. */
const WHOLE_LISTS = [
  'affiliationsByPerson',
  'affiliationsByOrganization',
  'participationsByPerson',
  'participationsByEvent',
  'involvementsByOrganization',
  'involvementsByEvent',
  'organizationRelations',
  'eventRelations',
] as const satisfies readonly RelationshipList[];

function computeCostFacts(
  index: { [K in (typeof WHOLE_LISTS)[number]]: Map<string, { evidence: unknown[] }[]> },
  newestFirst: (ArticleRecord | undefined)[],
  mostAliases: number,
  claims: ClaimIndex,
): CostFacts {
  const claimLists = claims.lists();
  const asLists = (lengths: number[]) => lengths.map((length) => ({ length }));
  const lengths = {
    ...Object.fromEntries(WHOLE_LISTS.map((name) => [name, listLengths(index[name].values())])),
    claimsByEntity: listLengths(asLists(claimLists.byEntity)),
    claimsByArticle: listLengths(asLists(claimLists.byArticle)),
    claimEvidence: listLengths(asLists(claimLists.evidence)),
  } as Record<
    (typeof WHOLE_LISTS)[number] | 'claimsByEntity' | 'claimsByArticle' | 'claimEvidence',
    { p99: number; longest: number }
  >;
  const evidence = listLengths(
    WHOLE_LISTS.flatMap((name) =>
      [...index[name].values()].flatMap((group) => group.map((relationship) => relationship.evidence)),
    ),
  );
  const of = (pick: 'p99' | 'longest') =>
    ({
      ...Object.fromEntries(Object.entries(lengths).map(([name, length]) => [name, length[pick]])),
      evidence: evidence[pick],
    }) as Record<RelationshipList, number>;
  const newest = newestFirst[0];
  const oldest = newestFirst.at(-1);
  return {
    listLengths: of('p99'),
    longestLists: of('longest'),
    // An article's headline and body; an entity's name and each of its aliases.
    highlightsPerHit: MAX_HIGHLIGHTS_PER_FIELD * Math.max(2, 1 + mostAliases),
    published:
      newest && oldest ? { first: dayRange(oldest.publishedAt).first, last: dayRange(newest.publishedAt).first } : null,
  };
}

/** What a query's conditions need computed once, not per entity: the folded location, the date window. */
interface PreparedConditions {
  locationNeedle: string | null;
  window: DayRange | null;
}

/** A list of slugs in its order, and how to read a slug's position in it. */
interface OrderedSlugs {
  slugs: readonly string[];
  positionOf: (slug: string) => Position;
}

/** `items` sorted by their positions (each computed once). */
function sortByPositions<T>(
  items: readonly T[],
  positionOf: (item: T) => Position,
  directions: readonly SortDirection[],
): T[] {
  return items
    .map((item) => ({ item, position: positionOf(item) }))
    .sort((a, b) => comparePositions(a.position, b.position, directions))
    .map(({ item }) => item);
}

/**
 * The DESC variant of a list sorted by [key ASC, slug ASC]: its runs of one key in reverse, each run kept in slug
 * order (the tie-break always ascends).
 */
function reverseRuns(slugs: readonly string[], keyOf: (slug: string) => string): string[] {
  const reversed: string[] = new Array(slugs.length);
  let to = 0;
  for (let end = slugs.length; end > 0; ) {
    const key = keyOf(slugs[end - 1] as string);
    let start = end - 1;
    while (start > 0 && keyOf(slugs[start - 1] as string) === key) start--;
    for (let i = start; i < end; i++) reversed[to++] = slugs[i] as string;
    end = start;
  }
  return reversed;
}

/** Whether an entity filter has a condition beyond `mentionedIn` (which picks the base list, not a condition). */
function hasConditions(filter: object): boolean {
  for (const name in filter) {
    if (name !== 'mentionedIn' && (filter as Record<string, unknown>)[name] != null) return true;
  }
  return false;
}

export class MemoryStore implements NewsDataSource {
  readonly version: string;
  private readonly data: Dataset;
  private readonly articles: Map<string, ArticleRecord>;
  private readonly entities: { [T in EntityType]: Map<string, EntityRecordOf<T>> };
  private readonly entitiesByKey: Map<string, EntityRecord>;
  /** Article slugs newest first (PUBLISHED_AT DESC). */
  private readonly articleOrder: string[];
  /** Article slugs in each order asked for, by its key's name: sorted on first request (few ask for the others). */
  private readonly articleOrders = new Map<string, string[]>();
  /** textSortKey of each article's headline, by slug: made with the first headline order. */
  private headlineKeys: Map<string, string> | null = null;
  /** textSortKey of each entity's name, by type and slug. */
  private readonly nameKeys: Record<EntityType, Map<string, string>>;
  /** Each type's slugs by name (NAME ASC). */
  private readonly entityNameOrder: Record<EntityType, string[]>;
  private readonly index: {
    affiliationsByPerson: Map<string, Dataset['affiliations']>;
    affiliationsByOrganization: Map<string, Dataset['affiliations']>;
    participationsByPerson: Map<string, Dataset['participations']>;
    participationsByEvent: Map<string, Dataset['participations']>;
    involvementsByOrganization: Map<string, Dataset['involvements']>;
    involvementsByEvent: Map<string, Dataset['involvements']>;
    organizationRelations: Map<string, Dataset['organizationRelations']>;
    eventRelations: Map<string, Dataset['eventRelations']>;
    mentionsByArticle: Map<string, MentionRecord[]>;
    mentionsByEntity: Map<string, MentionRecord[]>;
    articlesByEntity: Map<string, string[]>;
    entitiesByArticle: Map<string, ArticleEntities>;
  };
  /** Each organization's chain of parents (PART_OF), nearest first. */
  private readonly ancestors: Map<string, string[]>;
  private readonly countsByEntity: Map<string, MentionCounts>;
  private readonly corpusTime = new TimeIndex();
  private readonly timeByEntity = new Map<string, TimeIndex>();
  /** Whole entity lists in a requested order, sorted on first request and kept. */
  private readonly orderCache = new Map<string, string[]>();
  /** topEntities answers by query, kept (bounded): each ranks every entity of the types asked for. */
  private readonly topEntitiesCache = new Map<string, EntityCount[]>();
  /** Entities' names and aliases folded for search, by entity key, made on first use. */
  private readonly foldedNameCache = new Map<string, string[]>();
  /** Positions of the articles in each article order, made on first use. */
  private readonly rankCache = new WeakMap<readonly string[], Map<string, number>>();
  /** Co-mentions are computed for an entity on first request and kept: the data never changes under a store. */
  private readonly coMentionCache = new Map<string, CoMention[]>();
  /** What the cost model reads of the data: computed on first use (one pass over the relationship indexes). */
  private costFactsMemo: CostFacts | null = null;
  /** Claims by entity, by article and in the corpus order (claims.ts). */
  private readonly claims: ClaimIndex;
  /** Every entity's name forms, for matching: built on the first match (match-index.ts). */
  private matchIndexMemo: MatchIndex | null = null;
  /** Settled once the index is built (in a worker thread for a large corpus: see MemoryStore.create). */
  private readonly searchIndex: Promise<SearchIndex>;

  /**
   * Builds the store, then finishes its search index: `build` when one was started early (it must be over
   * this dataset's own entity and article arrays), else one started here. Resolves once both are ready.
   * `new MemoryStore(data)` builds everything in this thread.
   */
  static async create(data: Dataset, build?: SearchIndexBuild): Promise<MemoryStore> {
    const building = build ?? new SearchIndexBuild(allEntities(data), data.articles);
    let finishIndex: (index: Promise<SearchIndex>) => void = () => undefined;
    const searchIndex = new Promise<SearchIndex>((resolve) => {
      finishIndex = resolve;
    });
    let store: MemoryStore;
    try {
      store = new MemoryStore(data, searchIndex);
    } catch (error) {
      building.cancel();
      throw error;
    }
    // This thread's share of the index after the store's other indexes, while the worker does its share.
    finishIndex(building.finish());
    await searchIndex;
    return store;
  }

  constructor(data: Dataset, searchIndex?: Promise<SearchIndex>) {
    this.data = data;
    this.version = data.version;
    this.articles = new Map(data.articles.map((a) => [a.slug, a]));
    this.entities = {
      Person: bySlug(data.persons),
      Organization: bySlug(data.organizations),
      Event: bySlug(data.events),
    };
    const entities = allEntities(data);
    this.entitiesByKey = new Map(entities.map((e) => [entityKeyString(e), e]));

    const newestFirstOrder =
      byPublication(data.articles) ??
      Array.from(data.articles.keys()).sort(
        (i, j) => newestFirst(data.articles[i] as ArticleRecord, data.articles[j] as ArticleRecord) || i - j,
      );
    this.articleOrder = newestFirstOrder.map(slugAt(data.articles));
    this.articleOrders.set('PUBLISHED_AT DESC', this.articleOrder);

    const nameKeys = {} as Record<EntityType, Map<string, string>>;
    const nameOrder = {} as Record<EntityType, string[]>;
    for (const type of ENTITY_TYPES) {
      const records: readonly EntityRecord[] = entitiesOf(data, type);
      const keys = records.map((record) => textSortKey(record.name));
      nameKeys[type] = new Map(records.map((record, i) => [record.slug, keys[i] as string]));
      nameOrder[type] = Array.from(records.keys())
        .sort(
          (i, j) =>
            byCodeUnits(keys[i] as string, keys[j] as string) ||
            byCodeUnits((records[i] as EntityRecord).slug, (records[j] as EntityRecord).slug) ||
            i - j,
        )
        .map(slugAt(records));
    }
    this.nameKeys = nameKeys;
    this.entityNameOrder = nameOrder;

    const { mentionsByArticle, mentionsByEntity, articlesByEntity, entitiesByArticle, countsByEntity } =
      (this.articles.size === data.articles.length &&
        indexMentions(data, newestFirstOrder, this.corpusTime, this.timeByEntity)) ||
      indexMentionsOfAnyDataset(data, this.articleOrder, this.articles, this.corpusTime, this.timeByEntity);
    this.countsByEntity = countsByEntity;

    this.index = {
      affiliationsByPerson: groupBy(data.affiliations, (r) => [r.person]),
      affiliationsByOrganization: groupBy(data.affiliations, (r) => [r.organization]),
      participationsByPerson: groupBy(data.participations, (r) => [r.person]),
      participationsByEvent: groupBy(data.participations, (r) => [r.event]),
      involvementsByOrganization: groupBy(data.involvements, (r) => [r.organization]),
      involvementsByEvent: groupBy(data.involvements, (r) => [r.event]),
      organizationRelations: groupBy(data.organizationRelations, (r) => [r.from, r.to]),
      eventRelations: groupBy(data.eventRelations, (r) => [r.from, r.to]),
      mentionsByArticle,
      mentionsByEntity,
      articlesByEntity,
      entitiesByArticle,
    };

    const parentOf = new Map(data.organizationRelations.filter((r) => r.kind === 'PART_OF').map((r) => [r.from, r.to]));
    this.ancestors = new Map(
      data.organizations.map((o) => {
        const chain: string[] = [];
        // The validator rejects PART_OF cycles, so this walk ends.
        for (let next = parentOf.get(o.slug); next !== undefined; next = parentOf.get(next)) chain.push(next);
        return [o.slug, chain];
      }),
    );

    this.claims = new ClaimIndex(data.claims);
    this.searchIndex = searchIndex ?? Promise.resolve(new SearchIndex(entities, data.articles));
  }

  async articlesBySlug(slugs: readonly string[]) {
    return lookupMany(this.articles, slugs);
  }
  async personsBySlug(slugs: readonly string[]) {
    return lookupMany(this.entities.Person, slugs);
  }
  async organizationsBySlug(slugs: readonly string[]) {
    return lookupMany(this.entities.Organization, slugs);
  }
  async eventsBySlug(slugs: readonly string[]) {
    return lookupMany(this.entities.Event, slugs);
  }

  costFacts(): CostFacts {
    this.costFactsMemo ??= computeCostFacts(
      this.index,
      this.articleOrder.map((slug) => this.articles.get(slug)),
      [...this.entitiesByKey.values()].reduce((most, entity) => Math.max(most, entity.aliases.length), 0),
      this.claims,
    );
    return this.costFactsMemo;
  }

  async affiliationsByPerson(slugs: readonly string[]) {
    return groupsFor(this.index.affiliationsByPerson, slugs);
  }
  async affiliationsByOrganization(slugs: readonly string[]) {
    return groupsFor(this.index.affiliationsByOrganization, slugs);
  }
  async participationsByPerson(slugs: readonly string[]) {
    return groupsFor(this.index.participationsByPerson, slugs);
  }
  async participationsByEvent(slugs: readonly string[]) {
    return groupsFor(this.index.participationsByEvent, slugs);
  }
  async involvementsByOrganization(slugs: readonly string[]) {
    return groupsFor(this.index.involvementsByOrganization, slugs);
  }
  async involvementsByEvent(slugs: readonly string[]) {
    return groupsFor(this.index.involvementsByEvent, slugs);
  }
  async organizationRelationsByOrganization(slugs: readonly string[]) {
    return groupsFor(this.index.organizationRelations, slugs);
  }
  async eventRelationsByEvent(slugs: readonly string[]) {
    return groupsFor(this.index.eventRelations, slugs);
  }

  // ───────────────────────────── mentions and co-mentions ─────────────────────────────

  async listMentionsInArticle(queries: readonly { article: string; window: Window }[]): Promise<Page<MentionRecord>[]> {
    return queries.map(({ article, window }) => {
      const mentions = this.index.mentionsByArticle.get(article);
      return mentions
        ? pageOfSorted(mentions, mentionInArticlePosition, MENTIONS_IN_ARTICLE.directions, window)
        : emptyPage();
    });
  }

  async listMentionsOfEntity(queries: readonly { entity: string; window: Window }[]): Promise<Page<MentionRecord>[]> {
    return queries.map(({ entity, window }) => {
      const mentions = this.index.mentionsByEntity.get(entity);
      return mentions
        ? pageOfSorted(mentions, this.mentionOfEntityPositionOf, MENTIONS_OF_ENTITY.directions, window)
        : emptyPage();
    });
  }

  private readonly mentionOfEntityPositionOf = (mention: MentionRecord): Position =>
    mentionOfEntityPosition(mention, this.articles.get(mention.article)?.publishedAt ?? '');

  async listCoMentions(
    queries: readonly { entity: string; window: Window }[],
    work?: RequestWork,
  ): Promise<Page<CoMention>[]> {
    return queries.map(({ entity, window }) => {
      let coMentions = this.coMentionCache.get(entity);
      if (!coMentions) {
        work?.check(); // reads every article that mentions the entity
        coMentions = this.computeCoMentions(entity);
        this.coMentionCache.set(entity, coMentions);
      }
      return pageOfSorted(coMentions, this.coMentionPositionOf, CO_MENTIONS.directions, window);
    });
  }

  /** coMentionPosition, with the name's sort key made once per entity. */
  private readonly coMentionPositionOf = (coMention: CoMention): Position => [
    coMention.sharedArticles,
    this.nameKeyOf(coMention.entity),
    entityKeyString(coMention.entity),
  ];

  private nameKeyOf(entity: EntityKey): string {
    return this.nameKeys[entity.type].get(entity.slug) ?? textSortKey(entity.slug);
  }

  private computeCoMentions(key: string): CoMention[] {
    const shared = new Map<string, { entity: EntityKey; sharedArticles: number }>();
    for (const article of this.index.articlesByEntity.get(key) ?? []) {
      for (const other of this.index.entitiesByArticle.get(article)?.keys ?? []) {
        const otherKey = entityKeyString(other);
        if (otherKey === key) continue;
        const entry = shared.get(otherKey) ?? { entity: other, sharedArticles: 0 };
        entry.sharedArticles++;
        shared.set(otherKey, entry);
      }
    }
    return sortByPositions([...shared.values()], this.coMentionPositionOf, CO_MENTIONS.directions);
  }

  // ───────────────────────────── search ─────────────────────────────

  async search(
    query: string,
    types: readonly SearchTarget[] | null | undefined,
    window: OffsetWindow,
    work?: RequestWork,
  ): Promise<SearchResults> {
    const index = await this.searchIndex;
    work?.check();
    // Only the hits up to the window's end are ranked out of the matches.
    const { totalCount, hits } = index.search(query, types, window.offset + window.size, work);
    return { totalCount, hits: window.offset > 0 ? hits.slice(window.offset) : hits };
  }

  async searchHighlights(requests: readonly { query: string; hit: SearchHit }[]): Promise<SearchHighlight[][]> {
    const index = await this.searchIndex;
    const termsOf = new Map<string, string[]>();
    return requests.map(({ query, hit }) => {
      let terms = termsOf.get(query);
      if (!terms) {
        terms = queryTerms(query);
        termsOf.set(query, terms);
      }
      return index.highlights(hit, terms);
    });
  }

  // ───────────────────────────── articles ─────────────────────────────

  async listArticles(queries: readonly ArticleListQuery[], work?: RequestWork): Promise<Page<string>[]> {
    const index = queries.some((query) => query.filter.text) ? await this.searchIndex : null;
    return queries.map((query) => {
      work?.check(); // a query may read every article
      const order = articleOrderOf(query);
      const slugs = this.selectArticles(query, order, index, work);
      return pageOfSorted(slugs, this.articlePositionOf(order.field), articleOrderKey(order).directions, query.window);
    });
  }

  /** articlePosition by slug, with the headline's sort key made once per article. */
  private articlePositionOf(field: ArticleOrderField): (slug: string) => Position {
    if (field === 'PUBLISHED_AT') return this.publishedAtPosition;
    const keys = this.headlineKeysBySlug();
    return (slug: string): Position => [keys.get(slug) ?? '', slug];
  }

  private readonly publishedAtPosition = (slug: string): Position =>
    articlePosition(this.articles.get(slug) as ArticleRecord, 'PUBLISHED_AT');

  private headlineKeysBySlug(): Map<string, string> {
    this.headlineKeys ??= new Map(this.data.articles.map((article) => [article.slug, textSortKey(article.headline)]));
    return this.headlineKeys;
  }

  /** The article slugs in an order (see ORDERING), sorted on first request and kept. */
  private articlesInOrder(order: { field: ArticleOrderField; direction: SortDirection }): string[] {
    const name = articleOrderKey(order).name;
    let slugs = this.articleOrders.get(name);
    if (slugs) return slugs;
    if (order.field === 'PUBLISHED_AT') {
      slugs = reverseRuns(this.articleOrder, (slug) => this.articles.get(slug)?.publishedAt ?? '');
    } else if (order.direction === 'DESC') {
      const keys = this.headlineKeysBySlug();
      slugs = reverseRuns(
        this.articlesInOrder({ field: 'HEADLINE', direction: 'ASC' }),
        (slug) => keys.get(slug) ?? '',
      );
    } else {
      const keys = this.headlineKeysBySlug();
      slugs = [...this.articles.keys()].sort(
        (a, b) => byCodeUnits(keys.get(a) as string, keys.get(b) as string) || byCodeUnits(a, b),
      );
    }
    this.articleOrders.set(name, slugs);
    return slugs;
  }

  /** The articles matching a text filter: scanned once per request (a filter under 100 parents is one text). */
  private textMatches(searchIndex: SearchIndex, text: string, work: RequestWork | undefined): ReadonlySet<string> {
    const known = work?.textMatches.get(text);
    if (known) return known;
    const slugs = searchIndex.articleSlugs(text, work);
    work?.textMatches.set(text, slugs);
    return slugs;
  }

  /** Position of each article in an order, made on first use. */
  private rankIn(order: readonly string[]): Map<string, number> {
    let ranks = this.rankCache.get(order);
    if (!ranks) {
      ranks = new Map(order.map((slug, i) => [slug, i]));
      this.rankCache.set(order, ranks);
    }
    return ranks;
  }

  /** The slugs of the articles a query selects, in its order. */
  private selectArticles(
    query: ArticleListQuery,
    order: { field: ArticleOrderField; direction: SortDirection },
    searchIndex: SearchIndex | null,
    work: RequestWork | undefined,
  ): readonly string[] {
    const { filter } = query;
    const newestFirst = order.field === 'PUBLISHED_AT' && order.direction === 'DESC';
    const window =
      filter.publishedFrom || filter.publishedTo ? windowRange(filter.publishedFrom, filter.publishedTo) : null;
    const inWindow = (slug: string) =>
      !window || overlaps(dayRange((this.articles.get(slug) as ArticleRecord).publishedAt), window);
    // Fast paths in the default order: the whole list is an index already; an entity's articles are too.
    if (newestFirst && !filter.text) {
      if (!filter.mentions?.length) return window ? this.articleOrder.filter(inWindow) : this.articleOrder;
      const lists = filter.mentions
        .map((key) => this.index.articlesByEntity.get(key) ?? [])
        .sort((a, b) => a.length - b.length);
      const others = lists.slice(1).map((list) => new Set(list));
      const smallest = lists[0] ?? [];
      if (others.length === 0 && !window) return smallest;
      return smallest.filter((slug) => others.every((set) => set.has(slug)) && inWindow(slug));
    }
    // Narrow to the smallest candidate set first: the articles of the least-mentioned entity.
    let candidates: ReadonlySet<string> | null = null;
    const mentionLists = (filter.mentions ?? [])
      .map((key) => this.index.articlesByEntity.get(key) ?? [])
      .sort((a, b) => a.length - b.length);
    for (const list of mentionLists) {
      candidates = candidates ? new Set(list.filter((slug) => candidates?.has(slug))) : new Set(list);
    }
    if (filter.text) {
      const bySlug = this.textMatches(searchIndex as SearchIndex, filter.text, work);
      candidates = candidates ? new Set([...candidates].filter((slug) => bySlug.has(slug))) : bySlug;
    }
    const ordered = this.articlesInOrder(order);
    if (!candidates && !window) return ordered;
    if (candidates && candidates.size * 8 < ordered.length) {
      // A few candidates (an entity's articles, a rare word): sort them rather than walk the whole order.
      const ranks = this.rankIn(ordered);
      return [...candidates].filter(inWindow).sort((a, b) => (ranks.get(a) as number) - (ranks.get(b) as number));
    }
    return ordered.filter((slug) => (!candidates || candidates.has(slug)) && inWindow(slug));
  }

  // ───────────────────────────── entities ─────────────────────────────

  async listPersons(queries: readonly EntityListQuery<'Person'>[], work?: RequestWork): Promise<Page<string>[]> {
    return this.listEntities('Person', queries, work);
  }
  async listOrganizations(
    queries: readonly EntityListQuery<'Organization'>[],
    work?: RequestWork,
  ): Promise<Page<string>[]> {
    return this.listEntities('Organization', queries, work);
  }
  async listEvents(queries: readonly EntityListQuery<'Event'>[], work?: RequestWork): Promise<Page<string>[]> {
    return this.listEntities('Event', queries, work);
  }

  private listEntities<T extends EntityType>(
    type: T,
    queries: readonly EntityListQuery<T>[],
    work: RequestWork | undefined,
  ): Page<string>[] {
    return queries.map((query) => {
      work?.check(); // a query may read every entity of its type
      const order = entityOrderOf(query);
      const key = entityOrderKey(order);
      const { mentionedIn } = query.filter;
      if (mentionedIn && order.field === 'FIRST_MENTION' && !hasConditions(query.filter)) {
        return this.entitiesMentionedIn(type, mentionedIn, key, query.window);
      }
      const { slugs, positionOf } = this.selectEntities(type, query, order.field, key);
      return pageOfSorted(slugs, positionOf, key.directions, query.window);
    });
  }

  /**
   * The entities of a type an article mentions, by first mention (FIRST_MENTION), in the window: each article's
   * list of a page of articles, read straight off the article's index.
   */
  private entitiesMentionedIn(type: EntityType, article: string, key: OrderKey, window: Window): Page<string> {
    const entities = this.index.entitiesByArticle.get(article);
    if (!entities) return emptyPage();
    const known = this.entities[type];
    const slugs: string[] = [];
    const firsts: number[] = [];
    for (let i = 0; i < entities.keys.length; i++) {
      const entity = entities.keys[i] as EntityKey;
      if (entity.type !== type || !known.has(entity.slug)) continue;
      slugs.push(entity.slug);
      firsts.push(entities.firsts[i] as number);
    }
    return pageAt(
      slugs.length,
      (i) => slugs[i] as string,
      (i) => [firsts[i] as number, slugs[i] as string],
      key.directions,
      window,
    );
  }

  /** An entity's name and aliases folded for search, made once per entity (a name filter reads every entity). */
  private foldedNames(key: string, entity: EntityRecord): string[] {
    let folded = this.foldedNameCache.get(key);
    if (!folded) {
      folded = [entity.name, ...entity.aliases].map(foldForSearch);
      this.foldedNameCache.set(key, folded);
    }
    return folded;
  }

  /** The position functions of each type and order (but FIRST_MENTION, which depends on the article), made once. */
  private readonly entityPositionFns = new Map<string, (slug: string) => Position>();

  /** entityPosition by slug, with the name's sort key made once per entity; `firsts` for FIRST_MENTION. */
  private entityPositionOf(
    type: EntityType,
    field: EntityOrderField | 'FIRST_MENTION',
    firsts: ReadonlyMap<string, number> | null,
  ): (slug: string) => Position {
    if (field === 'FIRST_MENTION') return (slug) => [firsts?.get(slug) ?? 0, slug];
    const cacheKey = `${type} ${field}`;
    let positionOf = this.entityPositionFns.get(cacheKey);
    if (!positionOf) {
      positionOf = this.makeEntityPositionOf(type, field);
      this.entityPositionFns.set(cacheKey, positionOf);
    }
    return positionOf;
  }

  private makeEntityPositionOf(type: EntityType, field: EntityOrderField): (slug: string) => Position {
    const names = this.nameKeys[type];
    const name = (slug: string) => names.get(slug) ?? '';
    const counts = (slug: string) => this.countsByEntity.get(`${type}:${slug}`) ?? { articleCount: 0, mentionCount: 0 };
    switch (field) {
      case 'NAME':
        return (slug) => [name(slug), slug];
      case 'ARTICLE_COUNT':
        return (slug) => [counts(slug).articleCount, name(slug), slug];
      case 'MENTION_COUNT':
        return (slug) => [counts(slug).mentionCount, name(slug), slug];
      case 'START_DATE':
        return (slug) => [
          dateSortKey((this.entitiesByKey.get(`${type}:${slug}`) as Partial<EventRecord> | undefined)?.startDate),
          name(slug),
          slug,
        ];
    }
  }

  private selectEntities<T extends EntityType>(
    type: T,
    query: EntityListQuery<T>,
    field: EntityOrderField | 'FIRST_MENTION',
    key: OrderKey,
  ): OrderedSlugs {
    const filter: EntityFilterOf<T> = query.filter;
    const article = filter.mentionedIn ? this.index.entitiesByArticle.get(filter.mentionedIn) : null;
    let firsts: Map<string, number> | null = null;
    if (filter.mentionedIn) {
      firsts = new Map();
      article?.keys.forEach((entity, i) => {
        if (entity.type === type) firsts?.set(entity.slug, article.firsts[i] as number);
      });
    }
    const positionOf = this.entityPositionOf(type, field, firsts);
    if (!firsts && !hasConditions(filter)) {
      // The whole list, in a given order: sorted once per store, then an index like the name order.
      if (key.name === 'NAME ASC') return { slugs: this.entityNameOrder[type], positionOf };
      const cacheKey = `${type}:${key.name}`;
      let slugs = this.orderCache.get(cacheKey);
      if (!slugs) {
        slugs = sortByPositions(this.entityNameOrder[type], positionOf, key.directions);
        this.orderCache.set(cacheKey, slugs);
      }
      return { slugs, positionOf };
    }
    // The base list is in FIRST_MENTION order (mentionedIn) or NAME ASC.
    const base = firsts ? [...firsts.keys()] : this.entityNameOrder[type];
    const nameNeedle = filter.nameContains ? foldForSearch(filter.nameContains) : null;
    const matchesType = this.typeFilters[type] as (
      entity: EntityRecord,
      slug: string,
      filter: EntityFilterOf<T>,
      prepared: PreparedConditions,
    ) => boolean;
    const conditions = filter as { location?: string | null; from?: string | null; to?: string | null };
    const prepared: PreparedConditions = {
      locationNeedle: conditions.location ? foldForSearch(conditions.location) : null,
      window: conditions.from || conditions.to ? windowRange(conditions.from, conditions.to) : null,
    };
    const selected = base.filter((slug) => {
      const entity = this.entities[type].get(slug) as EntityRecord | undefined;
      if (!entity) return false;
      if (nameNeedle && !this.foldedNames(`${type}:${slug}`, entity).some((n) => n.includes(nameNeedle))) return false;
      return matchesType(entity, slug, filter, prepared);
    });
    const inBaseOrder = key.name === (firsts ? 'FIRST_MENTION ASC' : 'NAME ASC');
    return { slugs: inBaseOrder ? selected : sortByPositions(selected, positionOf, key.directions), positionOf };
  }

  /**
   * The conditions of a query that only one type has (nationality, kind, dates…), one entry per type. Made once
   * per store, not per query: a page of articles runs one query per article and type.
   */
  private readonly typeFilters: {
    [T in EntityType]: (
      entity: EntityRecordOf<T>,
      slug: string,
      filter: EntityFilterOf<T>,
      prepared: PreparedConditions,
    ) => boolean;
  } = {
    Person: (person, slug, filter) => {
      if (filter.nationality && !person.nationalities.includes(filter.nationality)) return false;
      return (
        !filter.affiliatedWith ||
        (this.index.affiliationsByPerson.get(slug)?.some((a) => a.organization === filter.affiliatedWith) ?? false)
      );
    },
    Organization: (organization, slug, filter) => {
      if (filter.kind && organization.kind !== filter.kind) return false;
      if (filter.country && organization.country !== filter.country) return false;
      return !filter.partOf || (this.ancestors.get(slug)?.includes(filter.partOf) ?? false);
    },
    Event: (event, slug, filter, { locationNeedle, window }) => {
      if (filter.kind && event.kind !== filter.kind) return false;
      if (locationNeedle && !foldForSearch(event.location ?? '').includes(locationNeedle)) return false;
      if (filter.involves && !this.index.involvementsByEvent.get(slug)?.some((i) => i.organization === filter.involves))
        return false;
      if (window) {
        if (!event.startDate) return false;
        const span = {
          first: dayRange(event.startDate).first,
          last: dayRange(event.endDate ?? event.startDate).last,
        };
        if (!overlaps(span, window)) return false;
      }
      return true;
    },
  };

  // ───────────────────────────── aggregates ─────────────────────────────

  async stats(): Promise<CorpusStats> {
    return corpusStatsOf(this.data);
  }

  async mentionCountsByEntity(keys: readonly string[]): Promise<MentionCounts[]> {
    return keys.map((key) => this.countsByEntity.get(key) ?? { articleCount: 0, mentionCount: 0 });
  }

  async topEntities(query: {
    types: readonly EntityType[];
    from?: string | null;
    to?: string | null;
    limit: number;
  }): Promise<EntityCount[]> {
    const key = JSON.stringify([query.types, query.from ?? null, query.to ?? null, query.limit]);
    const cached = this.topEntitiesCache.get(key);
    if (cached) return cached;
    const ranking = this.rankEntities(query);
    if (this.topEntitiesCache.size >= 256) this.topEntitiesCache.clear(); // bounded: windows are the client's to vary
    this.topEntitiesCache.set(key, ranking);
    return ranking;
  }

  /** The entities of `types` with articles in the window, ranked by TOP_ENTITIES (topEntityPosition). */
  private rankEntities(query: {
    types: readonly EntityType[];
    from?: string | null;
    to?: string | null;
    limit: number;
  }) {
    const window = windowRange(query.from, query.to);
    const ranked: EntityCount[] = [];
    for (const type of query.types) {
      for (const slug of this.entityNameOrder[type]) {
        const counts = this.timeByEntity.get(`${type}:${slug}`)?.countIn(window.first, window.last);
        if (!counts || counts.articleCount === 0) continue;
        ranked.push({ entity: { type, slug }, ...counts });
      }
    }
    // topEntityPosition, with the names' sort keys made once per entity.
    const positionOf = (count: EntityCount): Position => [
      count.articleCount,
      count.mentionCount,
      this.nameKeyOf(count.entity),
      entityKeyString(count.entity),
    ];
    return sortByPositions(ranked, positionOf, TOP_ENTITIES.directions).slice(0, query.limit);
  }

  async timeline(query: {
    interval: 'DAY' | 'WEEK' | 'MONTH' | 'YEAR';
    from?: string | null;
    to?: string | null;
    entity?: string | null;
    maxBuckets: number;
  }): Promise<TimeBucket[]> {
    const time = query.entity ? this.timeByEntity.get(query.entity) : this.corpusTime;
    // An open end stops at the first or last article that counts.
    const first = query.from ? dayRange(query.from).first : time?.days[0];
    const last = query.to ? dayRange(query.to).last : time?.days.at(-1);
    if (!first || !last || first > last) return [];
    const count = bucketCount({ first, last }, query.interval);
    if (count > query.maxBuckets) {
      throw new QueryLimitError(
        `the range ${first} to ${last} has ${count} ${query.interval} buckets, more than the ${query.maxBuckets} allowed: narrow it or use a longer interval`,
      );
    }
    return buckets({ first, last }, query.interval).map(({ first: start, last: end }) => ({
      start,
      end,
      ...(time?.countIn(start, end) ?? { articleCount: 0, mentionCount: 0 }),
    }));
  }

  // ───────────── claims and matching (issue 14) ─────────────

  async claimsByEntity(keys: readonly string[]): Promise<ClaimRecord[][]> {
    return this.claims.ofEntities(keys);
  }
  async claimsByArticle(slugs: readonly string[]): Promise<ClaimRecord[][]> {
    return this.claims.ofArticles(slugs);
  }
  async listClaims(queries: readonly { filter: ClaimFilter; window: Window }[]): Promise<Page<ClaimRecord>[]> {
    return queries.map(({ filter, window }) => this.claims.page(filter, window));
  }

  async match(queries: readonly MatchQuery[], work?: RequestWork): Promise<MatchCandidate[][]> {
    this.matchIndexMemo ??= new MatchIndex(allEntities(this.data));
    const index = this.matchIndexMemo;
    const searchIndex = queries.some((query) => query.context) ? await this.searchIndex : null;
    // The articles of each context word, scanned once for the whole batch (a reconciliation repeats its context).
    const wordArticles = new Map<string, ReadonlySet<string>>();
    return queries.map((query) => {
      work?.check();
      const prepared = prepareName(query.name);
      const types = query.types?.length ? new Set(query.types) : null;
      const shareOf = this.contextShare(query.context, searchIndex, wordArticles, work);
      const scored: MatchCandidate[] = [];
      for (const e of index.candidates(prepared, types)) {
        const candidate = scoreCandidate(prepared, index.input(e, shareOf(index.entity(e))));
        if (candidate) scored.push(candidate);
      }
      return rankCandidates(scored, query.limit);
    });
  }

  /**
   * For a match's context: the largest share of the context's words (each matched as the text filter matches
   * it, by prefix) found in one article that mentions an entity; null without a context.
   */
  private contextShare(
    context: string | null | undefined,
    searchIndex: SearchIndex | null,
    wordArticles: Map<string, ReadonlySet<string>>,
    work: RequestWork | undefined,
  ): (entity: EntityKey) => number | null {
    const words = context && searchIndex ? queryTerms(context) : [];
    if (words.length === 0 || !searchIndex) return () => null;
    const articlesOf = words.map((word) => {
      let articles = wordArticles.get(word);
      if (!articles) {
        articles = searchIndex.articleSlugs(word, work);
        wordArticles.set(word, articles);
      }
      return articles;
    });
    return (entity) => {
      let best = 0;
      for (const article of this.index.articlesByEntity.get(entityKeyString(entity)) ?? []) {
        let found = 0;
        for (const articles of articlesOf) if (articles.has(article)) found++;
        if (found > best) best = found;
        if (best === words.length) break;
      }
      return best / words.length;
    };
  }
}
