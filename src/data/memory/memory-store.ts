/**
 * The embedded store: a validated Dataset held in memory, with every index the schema needs
 * built once at start-up, answering the batch interface without scanning mentions per request.
 */
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
import {
  byEntityType,
  ENTITY_TYPE_INFO,
  ENTITY_TYPES,
  type EntityPlural,
  type EntityRecordOf,
  type EntityType,
} from '../entity-types.js';
import { allEntities, type Dataset, entitiesOf } from '../load-fixtures.js';
import {
  type ArticleRecord,
  type EntityKey,
  type EntityRecord,
  type EventRecord,
  entityKeyString,
  type MentionRecord,
} from '../records.js';
import type { RequestWork } from '../request-work.js';
import { MAX_HIGHLIGHTS_PER_FIELD, SearchIndex, SearchIndexBuild } from './search-index.js';
import {
  type ArticleQuery,
  type CoMention,
  type CorpusStats,
  type CostFacts,
  type EntityCount,
  type EntityQuery,
  type MentionCounts,
  type NewsDataSource,
  QueryLimitError,
  type RelationshipList,
  type SearchHighlight,
  type SearchHit,
  type SearchTarget,
  type TimeBucket,
} from '../contract.js';
import { foldForSearch } from './text-index.js';

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

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

/** Newest first; a reduced-precision date sorts before the fuller dates it contains. Ties by slug. */
function newestFirst(a: ArticleRecord, b: ArticleRecord): number {
  return b.publishedAt.localeCompare(a.publishedAt) || a.slug.localeCompare(b.slug);
}

function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
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

function byHeadline(a: ArticleRecord, b: ArticleRecord): number {
  return collator.compare(a.headline, b.headline) || a.slug.localeCompare(b.slug);
}

function byEntityName(a: EntityRecord, b: EntityRecord): number {
  return collator.compare(a.name, b.name) || a.slug.localeCompare(b.slug);
}

/** Indexes by `texts` in lower case, then slug, by code units: close to the collator's order, far cheaper. */
function lowerCaseOrder<T extends { slug: string }>(records: readonly T[], text: (record: T) => string): number[] {
  const folded = records.map((record) => text(record).toLowerCase());
  const slugs = records.map((r) => r.slug);
  return Array.from(records.keys()).sort(
    (i, j) =>
      byCodeUnits(folded[i] as string, folded[j] as string) ||
      byCodeUnits(slugs[i] as string, slugs[j] as string) ||
      i - j,
  );
}

/**
 * The indexes of `items` in the order a stable sort by `compare` would put them, at a fraction of the calls
 * to `compare` (a locale-aware comparison is slow): `guess` is an order found more cheaply, which should
 * agree with `compare` on nearly every pair, and an insertion pass with `compare` puts right whatever it
 * got wrong, at one call per item when nothing is. Past a budget of moves (or with no guess) it sorts by
 * `compare` from scratch.
 */
function sortedLike<T>(items: readonly T[], compare: (a: T, b: T) => number, guess: number[] | null): number[] {
  const at = (i: number) => items[i] as T;
  // Ties by original position: a stable sort by `compare`, as a total order.
  const exact = (i: number, j: number) => compare(at(i), at(j)) || i - j;
  if (!guess) return Array.from(items.keys()).sort(exact);
  const order = guess;
  let budget = 4 * items.length + 64;
  for (let k = 1; k < order.length; k++) {
    const item = order[k] as number;
    let j = k - 1;
    if (exact(order[j] as number, item) <= 0) continue;
    while (j >= 0 && exact(order[j] as number, item) > 0) {
      order[j + 1] = order[j] as number;
      j--;
      if (--budget < 0) return Array.from(items.keys()).sort(exact);
    }
    order[j + 1] = item;
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
  entitiesByArticle: Map<string, EntityKey[]>;
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
  const entitiesByArticle = new Map<string, EntityKey[]>();
  const seenIn = new Int32Array(entityCount).fill(-1);
  const perEntity = new Int32Array(entityCount);
  for (let a = 0; a < articles.length; a++) {
    const start = runStart[a] as number;
    const end = runEnd[a] as number;
    if (end === 0) continue;
    const slug = (articles[a] as ArticleRecord).slug;
    mentionsByArticle.set(slug, mentions.slice(start, end));
    // The article's entities, in the order of their first mention.
    const keys: EntityKey[] = [];
    for (let i = start; i < end; i++) {
      const n = entityOf[i] as number;
      perEntity[n] = (perEntity[n] as number) + 1;
      if (seenIn[n] === a) continue;
      seenIn[n] = a;
      keys.push((mentions[i] as MentionRecord).entity);
    }
    entitiesByArticle.set(slug, keys);
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
  const entitiesByArticle = new Map(
    [...mentionsByArticle].map(([article, list]) => {
      const firstMention = new Map<string, EntityKey>();
      for (const m of list)
        if (!firstMention.has(entityKeyString(m.entity))) firstMention.set(entityKeyString(m.entity), m.entity);
      return [article, [...firstMention.values()]];
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
): CostFacts {
  const lengths = Object.fromEntries(WHOLE_LISTS.map((name) => [name, listLengths(index[name].values())])) as Record<
    (typeof WHOLE_LISTS)[number],
    { p99: number; longest: number }
  >;
  const evidence = listLengths(
    WHOLE_LISTS.flatMap((name) =>
      [...index[name].values()].flatMap((group) => group.map((relationship) => relationship.evidence)),
    ),
  );
  const of = (pick: 'p99' | 'longest') =>
    ({
      ...Object.fromEntries(WHOLE_LISTS.map((name) => [name, lengths[name][pick]])),
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

export class MemoryStore implements NewsDataSource {
  readonly version: string;
  private readonly data: Dataset;
  private readonly articles: Map<string, ArticleRecord>;
  private readonly entities: { [T in EntityType]: Map<string, EntityRecordOf<T>> };
  private readonly entitiesByKey: Map<string, EntityRecord>;
  /** Article slugs newest first. */
  private readonly articleOrder: string[];
  /** Article slugs by headline: sorted on first request (few queries ask for it, and it is the costlier sort). */
  private headlineOrder: string[] | null = null;
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
    entitiesByArticle: Map<string, EntityKey[]>;
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
  /** Positions of the articles in articleOrder and the headline order, made on first use. */
  private readonly rankCache = new WeakMap<readonly string[], Map<string, number>>();
  /** Co-mentions are computed for an entity on first request and kept: the data never changes under a store. */
  private readonly coMentionCache = new Map<string, CoMention[]>();
  /** What the cost model reads of the data: computed on first use (one pass over the relationship indexes). */
  private costFactsMemo: CostFacts | null = null;
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

    const newestFirstOrder = sortedLike(data.articles, newestFirst, byPublication(data.articles));
    this.articleOrder = newestFirstOrder.map(slugAt(data.articles));
    const byName = (records: EntityRecord[]) => {
      const guess = lowerCaseOrder(records, (r) => r.name);
      return sortedLike(records, byEntityName, guess).map(slugAt(records));
    };
    this.entityNameOrder = byEntityType((type) => byName(entitiesOf(data, type)));

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

    this.searchIndex = searchIndex ?? Promise.resolve(new SearchIndex(entities, data.articles));
  }

  private get articleHeadlineOrder(): string[] {
    const articles = this.data.articles;
    this.headlineOrder ??= sortedLike(
      articles,
      byHeadline,
      lowerCaseOrder(articles, (a) => a.headline),
    ).map(slugAt(articles));
    return this.headlineOrder;
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
  async mentionsByArticle(slugs: readonly string[]) {
    return groupsFor(this.index.mentionsByArticle, slugs);
  }
  async mentionsByEntity(keys: readonly string[]) {
    return groupsFor(this.index.mentionsByEntity, keys);
  }
  async entitiesByArticle(slugs: readonly string[]) {
    return groupsFor(this.index.entitiesByArticle, slugs);
  }

  async search(query: string, types: readonly SearchTarget[] | null | undefined, limit: number, work?: RequestWork) {
    const index = await this.searchIndex;
    work?.check();
    return index.search(query, types, limit, work);
  }

  async searchHighlights(hits: readonly SearchHit[]): Promise<SearchHighlight[][]> {
    const index = await this.searchIndex;
    return hits.map((hit) => index.highlights(hit));
  }

  async queryArticles(queries: readonly ArticleQuery[], work?: RequestWork): Promise<(readonly string[])[]> {
    const index = queries.some((query) => query.text) ? await this.searchIndex : null;
    return queries.map((query) => {
      work?.check(); // a query may read every article
      return this.selectArticles(query, index, work);
    });
  }

  /** The articles matching a text filter: scanned once per request (a filter under 100 parents is one text). */
  private textMatches(searchIndex: SearchIndex, text: string, work: RequestWork | undefined): ReadonlySet<string> {
    const known = work?.textMatches.get(text);
    if (known) return known;
    const slugs = searchIndex.articleSlugs(text, work);
    work?.textMatches.set(text, slugs);
    return slugs;
  }

  /** Position of each article in an order (newest first, or by headline), made on first use. */
  private rankIn(order: readonly string[]): Map<string, number> {
    let ranks = this.rankCache.get(order);
    if (!ranks) {
      ranks = new Map(order.map((slug, i) => [slug, i]));
      this.rankCache.set(order, ranks);
    }
    return ranks;
  }

  private selectArticles(
    query: ArticleQuery,
    searchIndex: SearchIndex | null,
    work: RequestWork | undefined,
  ): readonly string[] {
    const newestFirst = !query.order || (query.order.field === 'PUBLISHED_AT' && query.order.direction === 'DESC');
    const window =
      query.publishedFrom || query.publishedTo ? windowRange(query.publishedFrom, query.publishedTo) : null;
    const inWindow = (slug: string) =>
      !window || overlaps(dayRange((this.articles.get(slug) as ArticleRecord).publishedAt), window);
    // Fast paths in the default order: the whole list is an index already; an entity's articles are too.
    if (newestFirst && !query.text) {
      if (!query.mentions?.length) return window ? this.articleOrder.filter(inWindow) : this.articleOrder;
      const lists = query.mentions
        .map((key) => this.index.articlesByEntity.get(key) ?? [])
        .sort((a, b) => a.length - b.length);
      const others = lists.slice(1).map((list) => new Set(list));
      const smallest = lists[0] ?? [];
      if (others.length === 0 && !window) return smallest;
      return smallest.filter((slug) => others.every((set) => set.has(slug)) && inWindow(slug));
    }
    // Narrow to the smallest candidate set first: the articles of the least-mentioned entity.
    let candidates: ReadonlySet<string> | null = null;
    const mentionLists = (query.mentions ?? [])
      .map((key) => this.index.articlesByEntity.get(key) ?? [])
      .sort((a, b) => a.length - b.length);
    for (const list of mentionLists) {
      candidates = candidates ? new Set(list.filter((slug) => candidates?.has(slug))) : new Set(list);
    }
    if (query.text) {
      const bySlug = this.textMatches(searchIndex as SearchIndex, query.text, work);
      candidates = candidates ? new Set([...candidates].filter((slug) => bySlug.has(slug))) : bySlug;
    }
    const field = query.order?.field ?? 'PUBLISHED_AT';
    const ascending = (query.order?.direction ?? (field === 'PUBLISHED_AT' ? 'DESC' : 'ASC')) === 'ASC';
    const order = field === 'HEADLINE' ? this.articleHeadlineOrder : this.articleOrder;
    // The order is newest first, or headline A–Z: reversed for oldest first and Z–A.
    const reversed = (field === 'PUBLISHED_AT') === ascending;
    if (candidates && candidates.size * 8 < order.length) {
      // A few candidates (an entity's articles, a rare word): sort them rather than walk the whole order.
      const ranks = this.rankIn(order);
      const sign = reversed ? -1 : 1;
      return [...candidates]
        .filter(inWindow)
        .sort((a, b) => sign * ((ranks.get(a) as number) - (ranks.get(b) as number)));
    }
    const ordered = reversed ? [...order].reverse() : order;
    return ordered.filter((slug) => (!candidates || candidates.has(slug)) && inWindow(slug));
  }

  async queryEntities(queries: readonly EntityQuery[], work?: RequestWork): Promise<(readonly string[])[]> {
    return queries.map((query) => {
      work?.check(); // a query may read every entity of its type
      return this.selectEntities(query);
    });
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

  private selectEntities(query: EntityQuery): readonly string[] {
    const unfiltered =
      !query.mentionedIn &&
      !query.nameContains &&
      !query.nationality &&
      !query.affiliatedWith &&
      !query.kind &&
      !query.country &&
      !query.partOf &&
      !query.from &&
      !query.to &&
      !query.involves &&
      !query.location;
    if (unfiltered) {
      // The whole list, in a given order: sorted once per store, then an index like the name order.
      if (!query.order) return this.entityNameOrder[query.type];
      const key = `${query.type}:${query.order.field}:${query.order.direction}`;
      const ordered =
        this.orderCache.get(key) ?? this.orderEntities(query.type, this.entityNameOrder[query.type], query.order);
      this.orderCache.set(key, ordered);
      return ordered;
    }
    const base = query.mentionedIn
      ? (this.index.entitiesByArticle.get(query.mentionedIn) ?? [])
          .filter((k) => k.type === query.type)
          .map((k) => k.slug)
      : this.entityNameOrder[query.type];
    const nameNeedle = query.nameContains ? foldForSearch(query.nameContains) : null;
    const matchesType = this.typeFilters[query.type] as (
      entity: EntityRecord,
      slug: string,
      query: EntityQuery,
      prepared: PreparedConditions,
    ) => boolean;
    const prepared: PreparedConditions = {
      locationNeedle: query.location ? foldForSearch(query.location) : null,
      window: query.from || query.to ? windowRange(query.from, query.to) : null,
    };
    const selected = base.filter((slug) => {
      const entity = this.entitiesByKey.get(`${query.type}:${slug}`);
      if (!entity) return false;
      if (nameNeedle && !this.foldedNames(`${query.type}:${slug}`, entity).some((n) => n.includes(nameNeedle)))
        return false;
      return matchesType(entity, slug, query, prepared);
    });
    return query.order ? this.orderEntities(query.type, selected, query.order) : selected;
  }

  /**
   * The conditions of a query that only one type has (nationality, kind, dates…), one entry per type. Made once
   * per store, not per query: a page of articles runs one query per article and type.
   */
  private readonly typeFilters: {
    [T in EntityType]: (
      entity: EntityRecordOf<T>,
      slug: string,
      query: EntityQuery,
      prepared: PreparedConditions,
    ) => boolean;
  } = {
    Person: (person, slug, query) => {
      if (query.nationality && !person.nationalities.includes(query.nationality)) return false;
      return (
        !query.affiliatedWith ||
        (this.index.affiliationsByPerson.get(slug)?.some((a) => a.organization === query.affiliatedWith) ?? false)
      );
    },
    Organization: (organization, slug, query) => {
      if (query.kind && organization.kind !== query.kind) return false;
      if (query.country && organization.country !== query.country) return false;
      return !query.partOf || (this.ancestors.get(slug)?.includes(query.partOf) ?? false);
    },
    Event: (event, slug, query, { locationNeedle, window }) => {
      if (query.kind && event.kind !== query.kind) return false;
      if (locationNeedle && !foldForSearch(event.location ?? '').includes(locationNeedle)) return false;
      if (query.involves && !this.index.involvementsByEvent.get(slug)?.some((i) => i.organization === query.involves))
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

  private orderEntities(type: EntityType, slugs: string[], order: NonNullable<EntityQuery['order']>): string[] {
    const sign = order.direction === 'ASC' ? 1 : -1;
    const entity = (slug: string) => this.entitiesByKey.get(`${type}:${slug}`) as EntityRecord;
    const counts = (slug: string) => this.countsByEntity.get(`${type}:${slug}`) ?? { articleCount: 0, mentionCount: 0 };
    const byName = (a: string, b: string) => collator.compare(entity(a).name, entity(b).name) || a.localeCompare(b);
    const compare: (a: string, b: string) => number =
      order.field === 'ARTICLE_COUNT'
        ? (a, b) => sign * (counts(a).articleCount - counts(b).articleCount) || byName(a, b)
        : order.field === 'MENTION_COUNT'
          ? (a, b) => sign * (counts(a).mentionCount - counts(b).mentionCount) || byName(a, b)
          : order.field === 'START_DATE'
            ? (a, b) => {
                const [x, y] = [entity(a), entity(b)] as EventRecord[];
                // Undated events come last in either direction.
                if (!x?.startDate || !y?.startDate)
                  return (x?.startDate ? -1 : 0) + (y?.startDate ? 1 : 0) || byName(a, b);
                return sign * dayRange(x.startDate).first.localeCompare(dayRange(y.startDate).first) || byName(a, b);
              }
            : (a, b) => sign * byName(a, b);
    return [...slugs].sort(compare);
  }

  async stats(): Promise<CorpusStats> {
    const d = this.data;
    const entityCounts = Object.fromEntries(
      ENTITY_TYPES.map((type) => [ENTITY_TYPE_INFO[type].plural, entitiesOf(d, type).length]),
    ) as { [T in EntityType as EntityPlural<T>]: number };
    return {
      articles: d.articles.length,
      ...entityCounts,
      mentions: d.mentions.length,
      relationships:
        d.affiliations.length +
        d.participations.length +
        d.involvements.length +
        d.organizationRelations.length +
        d.eventRelations.length,
    };
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

  private rankEntities(query: {
    types: readonly EntityType[];
    from?: string | null;
    to?: string | null;
    limit: number;
  }) {
    const window = windowRange(query.from, query.to);
    const ranked: (EntityCount & { name: string })[] = [];
    for (const type of query.types) {
      for (const slug of this.entityNameOrder[type]) {
        const key = `${type}:${slug}`;
        const counts = this.timeByEntity.get(key)?.countIn(window.first, window.last);
        if (!counts || counts.articleCount === 0) continue;
        ranked.push({ entity: { type, slug }, name: this.entitiesByKey.get(key)?.name ?? slug, ...counts });
      }
    }
    ranked.sort(
      (a, b) =>
        b.articleCount - a.articleCount ||
        b.mentionCount - a.mentionCount ||
        collator.compare(a.name, b.name) ||
        entityKeyString(a.entity).localeCompare(entityKeyString(b.entity)),
    );
    return ranked.slice(0, query.limit).map(({ name: _name, ...count }) => count);
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

  async coMentionsByEntity(keys: readonly string[], work?: RequestWork): Promise<CoMention[][]> {
    return keys.map((key) => {
      let coMentions = this.coMentionCache.get(key);
      if (!coMentions) {
        work?.check(); // reads every article that mentions the entity
        coMentions = this.computeCoMentions(key);
        this.coMentionCache.set(key, coMentions);
      }
      return coMentions;
    });
  }

  private computeCoMentions(key: string): CoMention[] {
    const shared = new Map<string, { entity: EntityKey; sharedArticles: number }>();
    for (const article of this.index.articlesByEntity.get(key) ?? []) {
      for (const other of this.index.entitiesByArticle.get(article) ?? []) {
        const otherKey = entityKeyString(other);
        if (otherKey === key) continue;
        const entry = shared.get(otherKey) ?? { entity: other, sharedArticles: 0 };
        entry.sharedArticles++;
        shared.set(otherKey, entry);
      }
    }
    const name = (entity: EntityKey) => this.entitiesByKey.get(entityKeyString(entity))?.name ?? entity.slug;
    return [...shared.values()].sort(
      (a, b) =>
        b.sharedArticles - a.sharedArticles ||
        collator.compare(name(a.entity), name(b.entity)) ||
        entityKeyString(a.entity).localeCompare(entityKeyString(b.entity)),
    );
  }
}
