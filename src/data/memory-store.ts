/**
 * The embedded store: a validated Dataset held in memory, with every index the schema needs
 * built once at start-up, answering the batch interface without scanning per request.
 */
import MiniSearch from 'minisearch';
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
import type { NewsDataSource, SearchHit, SearchTarget } from './source.js';

/** Lower case without diacritics, so "Azízi" finds "Azizi". */
export function foldForSearch(text: string): string {
  return text.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

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

/** Newest first; a reduced-precision date sorts before the fuller dates it contains. Ties by slug. */
function newestFirst(a: ArticleRecord, b: ArticleRecord): number {
  return b.publishedAt.localeCompare(a.publishedAt) || a.slug.localeCompare(b.slug);
}

interface SearchDocument {
  id: string;
  type: SearchTarget;
  slug: string;
  names: string;
  headline: string;
  body: string;
}

export class MemoryStore implements NewsDataSource {
  readonly version: string;
  private readonly articles: Map<string, ArticleRecord>;
  private readonly persons: Map<string, PersonRecord>;
  private readonly organizations: Map<string, OrganizationRecord>;
  private readonly events: Map<string, EventRecord>;
  private readonly articleOrder: string[];
  private readonly entityOrder: Record<EntityType, string[]>;
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
  /** Exact names and aliases, folded, to rank exact matches above partial ones. */
  private readonly exactNames: Map<string, string[]>;
  private readonly searchIndex: MiniSearch<SearchDocument>;

  constructor(data: Dataset) {
    this.version = data.version;
    this.articles = new Map(data.articles.map((a) => [a.slug, a]));
    this.persons = new Map(data.persons.map((r) => [r.slug, r]));
    this.organizations = new Map(data.organizations.map((r) => [r.slug, r]));
    this.events = new Map(data.events.map((r) => [r.slug, r]));
    this.articleOrder = [...data.articles].sort(newestFirst).map((a) => a.slug);
    const byName = (records: EntityRecord[]) =>
      [...records].sort((a, b) => a.name.localeCompare(b.name) || a.slug.localeCompare(b.slug)).map((r) => r.slug);
    this.entityOrder = {
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

    const entities = [...data.persons, ...data.organizations, ...data.events];
    const byFoldedName = groupBy(entities, (e) => [...new Set([e.name, ...e.aliases].map(foldForSearch))]);
    this.exactNames = new Map([...byFoldedName].map(([name, list]) => [name, list.map(entityKeyString)]));
    this.searchIndex = new MiniSearch<SearchDocument>({
      fields: ['names', 'headline', 'body'],
      storeFields: ['type', 'slug'],
      processTerm: (term) => foldForSearch(term),
      searchOptions: { boost: { names: 8, headline: 3, body: 1 }, prefix: true, combineWith: 'AND' },
    });
    this.searchIndex.addAll([
      ...entities.map((e) => ({
        id: entityKeyString(e),
        type: e.type,
        slug: e.slug,
        names: [e.name, ...e.aliases].join(' \n '),
        headline: '',
        body: '',
      })),
      ...data.articles.map((a) => ({
        id: `Article:${a.slug}`,
        type: 'Article' as const,
        slug: a.slug,
        names: '',
        headline: a.headline,
        body: a.body,
      })),
    ]);
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
  async articleSlugsByEntity(keys: readonly string[]) {
    return groupsFor(this.index.articlesByEntity, keys);
  }
  async entitiesByArticle(slugs: readonly string[]) {
    return groupsFor(this.index.entitiesByArticle, slugs);
  }

  async listArticleSlugs() {
    return this.articleOrder;
  }
  async listEntitySlugs(type: EntityType) {
    return this.entityOrder[type];
  }

  async search(query: string): Promise<SearchHit[]> {
    const folded = foldForSearch(query.trim());
    // Exact name or alias matches outrank everything; the index ranks the rest.
    const exact = new Set(this.exactNames.get(folded) ?? []);
    const hits = this.searchIndex.search(query).map((hit) => ({
      type: hit.type as SearchTarget,
      slug: hit.slug as string,
      score: exact.has(String(hit.id)) ? hit.score + 1000 : hit.score,
    }));
    return hits.sort((a, b) => b.score - a.score || a.slug.localeCompare(b.slug));
  }
}
