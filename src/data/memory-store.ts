/**
 * The embedded store: a validated Dataset held in memory, with every index the schema needs
 * built once at start-up, answering the batch interface without scanning mentions per request.
 */
import {
  bucketCount,
  bucketEnd,
  bucketStart,
  dayRange,
  lowerBound,
  nextBucketStart,
  overlaps,
  upperBound,
  windowRange,
} from './dates.js';
import type { Dataset } from './load-fixtures.js';
import {
  type ArticleRecord,
  type EntityKey,
  type EntityRecord,
  type EntityType,
  type EventRecord,
  entityKeyString,
  type MentionRecord,
  type OrganizationRecord,
  type PersonRecord,
} from './records.js';
import { SearchIndex } from './search-index.js';
import { foldForSearch } from './text-index.js';
import {
  type ArticleQuery,
  type CoMention,
  type CorpusStats,
  type EntityCount,
  type EntityQuery,
  type MentionCounts,
  type NewsDataSource,
  QueryLimitError,
  type SearchHighlight,
  type SearchHit,
  type SearchTarget,
  type TimeBucket,
} from './source.js';

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

function groupsFor<T>(index: ReadonlyMap<string, T[]>, keys: readonly string[]): T[][] {
  return keys.map((key) => index.get(key) ?? []);
}

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

/** Newest first; a reduced-precision date sorts before the fuller dates it contains. Ties by slug. */
function newestFirst(a: ArticleRecord, b: ArticleRecord): number {
  return b.publishedAt.localeCompare(a.publishedAt) || a.slug.localeCompare(b.slug);
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
    this.mentionTotals.push((this.mentionTotals.at(-1) ?? 0) + mentions);
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

export class MemoryStore implements NewsDataSource {
  readonly version: string;
  private readonly data: Dataset;
  private readonly articles: Map<string, ArticleRecord>;
  private readonly persons: Map<string, PersonRecord>;
  private readonly organizations: Map<string, OrganizationRecord>;
  private readonly events: Map<string, EventRecord>;
  private readonly entitiesByKey: Map<string, EntityRecord>;
  /** Article slugs newest first, and by headline. */
  private readonly articleOrder: string[];
  private readonly articleHeadlineOrder: string[];
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
  /** Co-mentions are computed for an entity on first request and kept: the data never changes under a store. */
  private readonly coMentionCache = new Map<string, CoMention[]>();
  /** Settled once the index is built (in a worker thread for a large corpus: see MemoryStore.create). */
  private readonly searchIndex: Promise<SearchIndex>;

  /**
   * Builds the store, and the search index in a worker thread meanwhile when the corpus is large,
   * resolving once both are ready. `new MemoryStore(data)` builds everything in this thread.
   */
  static async create(data: Dataset): Promise<MemoryStore> {
    const searchIndex = SearchIndex.build([...data.persons, ...data.organizations, ...data.events], data.articles);
    searchIndex.catch(() => undefined); // if the constructor throws, its error is the one to report
    const store = new MemoryStore(data, searchIndex);
    await searchIndex;
    return store;
  }

  constructor(data: Dataset, searchIndex?: Promise<SearchIndex>) {
    this.data = data;
    this.version = data.version;
    this.articles = new Map(data.articles.map((a) => [a.slug, a]));
    this.persons = new Map(data.persons.map((r) => [r.slug, r]));
    this.organizations = new Map(data.organizations.map((r) => [r.slug, r]));
    this.events = new Map(data.events.map((r) => [r.slug, r]));
    const entities: EntityRecord[] = [...data.persons, ...data.organizations, ...data.events];
    this.entitiesByKey = new Map(entities.map((e) => [entityKeyString(e), e]));

    this.articleOrder = [...data.articles].sort(newestFirst).map((a) => a.slug);
    this.articleHeadlineOrder = [...data.articles]
      .sort((a, b) => collator.compare(a.headline, b.headline) || a.slug.localeCompare(b.slug))
      .map((a) => a.slug);
    const byName = (records: EntityRecord[]) =>
      [...records].sort((a, b) => collator.compare(a.name, b.name) || a.slug.localeCompare(b.slug)).map((r) => r.slug);
    this.entityNameOrder = {
      Person: byName(data.persons),
      Organization: byName(data.organizations),
      Event: byName(data.events),
    };

    const articleRank = new Map(this.articleOrder.map((slug, i) => [slug, i]));
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

    this.countsByEntity = new Map(
      [...mentionsByEntity].map(([key, list]) => [
        key,
        { articleCount: articlesByEntity.get(key)?.length ?? 0, mentionCount: list.length },
      ]),
    );
    // Oldest first, so each TimeIndex is built in ascending order of days.
    for (const slug of [...this.articleOrder].reverse()) {
      const article = this.articles.get(slug) as ArticleRecord;
      const day = dayRange(article.publishedAt).first;
      const mentions = mentionsByArticle.get(slug) ?? [];
      this.corpusTime.add(day, mentions.length);
      const perEntity = new Map<string, number>();
      for (const m of mentions)
        perEntity.set(entityKeyString(m.entity), (perEntity.get(entityKeyString(m.entity)) ?? 0) + 1);
      for (const [key, count] of perEntity) {
        const time = this.timeByEntity.get(key) ?? new TimeIndex();
        this.timeByEntity.set(key, time);
        time.add(day, count);
      }
    }

    this.searchIndex = searchIndex ?? Promise.resolve(new SearchIndex(entities, data.articles));
  }

  async articlesBySlug(slugs: readonly string[]) {
    return lookupMany(this.articles, slugs);
  }
  async personsBySlug(slugs: readonly string[]) {
    return lookupMany(this.persons, slugs);
  }
  async organizationsBySlug(slugs: readonly string[]) {
    return lookupMany(this.organizations, slugs);
  }
  async eventsBySlug(slugs: readonly string[]) {
    return lookupMany(this.events, slugs);
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

  async search(query: string, types: readonly SearchTarget[] | null | undefined, limit: number) {
    return (await this.searchIndex).search(query, types, limit);
  }

  async searchHighlights(hits: readonly SearchHit[]): Promise<SearchHighlight[][]> {
    const index = await this.searchIndex;
    return hits.map((hit) => index.highlights(hit));
  }

  async queryArticles(queries: readonly ArticleQuery[]): Promise<(readonly string[])[]> {
    const index = queries.some((query) => query.text) ? await this.searchIndex : null;
    return queries.map((query) => this.selectArticles(query, index));
  }

  private selectArticles(query: ArticleQuery, searchIndex: SearchIndex | null): readonly string[] {
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
    let candidates: Set<string> | null = null;
    const mentionLists = (query.mentions ?? [])
      .map((key) => this.index.articlesByEntity.get(key) ?? [])
      .sort((a, b) => a.length - b.length);
    for (const list of mentionLists) {
      candidates = candidates ? new Set(list.filter((slug) => candidates?.has(slug))) : new Set(list);
    }
    if (query.text) {
      const bySlug = (searchIndex as SearchIndex).articleSlugs(query.text);
      candidates = candidates ? new Set([...candidates].filter((slug) => bySlug.has(slug))) : bySlug;
    }
    const field = query.order?.field ?? 'PUBLISHED_AT';
    const ascending = (query.order?.direction ?? (field === 'PUBLISHED_AT' ? 'DESC' : 'ASC')) === 'ASC';
    let ordered = field === 'HEADLINE' ? this.articleHeadlineOrder : this.articleOrder;
    // articleOrder is newest first: reverse it for oldest first, and headline order for Z–A.
    if ((field === 'PUBLISHED_AT') === ascending) ordered = [...ordered].reverse();
    return ordered.filter((slug) => (!candidates || candidates.has(slug)) && inWindow(slug));
  }

  async queryEntities(queries: readonly EntityQuery[]): Promise<(readonly string[])[]> {
    return queries.map((query) => this.selectEntities(query));
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
    const locationNeedle = query.location ? foldForSearch(query.location) : null;
    const window = query.from || query.to ? windowRange(query.from, query.to) : null;
    const selected = base.filter((slug) => {
      const entity = this.entitiesByKey.get(`${query.type}:${slug}`);
      if (!entity) return false;
      if (nameNeedle && ![entity.name, ...entity.aliases].some((n) => foldForSearch(n).includes(nameNeedle)))
        return false;
      if (entity.type === 'Person') {
        if (query.nationality && !entity.nationalities.includes(query.nationality)) return false;
        if (
          query.affiliatedWith &&
          !this.index.affiliationsByPerson.get(slug)?.some((a) => a.organization === query.affiliatedWith)
        ) {
          return false;
        }
      }
      if (entity.type === 'Organization') {
        if (query.kind && entity.kind !== query.kind) return false;
        if (query.country && entity.country !== query.country) return false;
        if (query.partOf && !this.ancestors.get(slug)?.includes(query.partOf)) return false;
      }
      if (entity.type === 'Event') {
        if (query.kind && entity.kind !== query.kind) return false;
        if (locationNeedle && !foldForSearch(entity.location ?? '').includes(locationNeedle)) return false;
        if (
          query.involves &&
          !this.index.involvementsByEvent.get(slug)?.some((i) => i.organization === query.involves)
        ) {
          return false;
        }
        if (window) {
          if (!entity.startDate) return false;
          const span = {
            first: dayRange(entity.startDate).first,
            last: dayRange(entity.endDate ?? entity.startDate).last,
          };
          if (!overlaps(span, window)) return false;
        }
      }
      return true;
    });
    return query.order ? this.orderEntities(query.type, selected, query.order) : selected;
  }

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
    return {
      articles: d.articles.length,
      persons: d.persons.length,
      organizations: d.organizations.length,
      events: d.events.length,
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
    const buckets: TimeBucket[] = [];
    for (
      let start = bucketStart(first, query.interval);
      start <= last;
      start = nextBucketStart(start, query.interval)
    ) {
      const end = bucketEnd(start, query.interval);
      buckets.push({ start, end, ...(time?.countIn(start, end) ?? { articleCount: 0, mentionCount: 0 }) });
    }
    return buckets;
  }

  async coMentionsByEntity(keys: readonly string[]): Promise<CoMention[][]> {
    return keys.map((key) => {
      let coMentions = this.coMentionCache.get(key);
      if (!coMentions) {
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
