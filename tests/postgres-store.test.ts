/**
 * The PostgreSQL store against the contract's rules: every list walked page by page in both directions equals the
 * records sorted by the contract's position functions (comparePositions), every filter selects what the records
 * say, search finds and scores exactly what the memory index does, aggregates count what the records hold, and
 * every batch is one statement. On PGlite (npm test) or on a PostgreSQL server (NEWSGRAPH_TEST_DATABASE_URL).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCorpus } from '../scripts/generate-corpus.js';
import {
  articleOrderKey,
  articlePosition,
  CO_MENTIONS,
  claimPosition,
  comparePositions,
  dateSortKey,
  type EntityOrderField,
  entityOrderKey,
  entityPosition,
  foldText,
  MENTIONS_IN_ARTICLE,
  MENTIONS_OF_ENTITY,
  mentionInArticlePosition,
  mentionOfEntityPosition,
  type OrderKey,
  type Page,
  type Position,
  type SortDirection,
  type Window,
} from '../src/data/contract.js';
import { bucketCount, dayRange, overlaps, windowRange } from '../src/data/dates.js';
import { ENTITY_TYPES, type EntityType } from '../src/data/entity-types.js';
import { allEntities, type Dataset, entitiesOf, loadDataset } from '../src/data/load-fixtures.js';
import { MemoryStore } from '../src/data/memory/memory-store.js';
import { SearchIndex } from '../src/data/memory/search-index.js';
import { forEachTerm, queryTerms } from '../src/data/memory/text-index.js';
import type { PostgresSource } from '../src/data/postgres/source.js';
import { entityKeyString, type MentionRecord } from '../src/data/records.js';
import { DATA_DIR } from './helpers.js';
import { currentSource, importInto, startTestDatabase, type TestDatabase } from './support/postgres.js';

const CORPUS_DIR = `/tmp/newsgraph-pg-store-${process.pid}`;

let database: TestDatabase;
const stores: { name: string; data: Dataset; source: PostgresSource; end: () => Promise<void> }[] = [];

beforeAll(async () => {
  database = await startTestDatabase();
  await generateCorpus({ articles: 300, seed: 7, out: CORPUS_DIR });
}, 120_000);

afterAll(async () => {
  for (const store of stores) await store.end();
  await database?.close();
});

/** Imports a directory and opens a store on it (the one current then: import in order, read at once). */
async function storeOf(name: string, directory: string) {
  const data = await loadDataset(directory);
  await importInto(database, data, { keep: 5 });
  const { source, pool } = await currentSource(database);
  const store = { name, data, source, end: () => pool.end() };
  stores.push(store);
  return store;
}

/** Every item of a list, walked with pages of `size` forward (or backward), checking the page flags on the way. */
async function walk<T>(fetch: (window: Window) => Promise<Page<T>>, size: number, direction: 'FORWARD' | 'BACKWARD') {
  const items: { item: T; position: Position }[] = [];
  let cursor: Position | null = null;
  for (let guard = 0; guard < 10_000; guard++) {
    const window: Window =
      direction === 'FORWARD'
        ? { size, direction, after: cursor, count: true }
        : { size, direction, before: cursor, count: true };
    const page = await fetch(window);
    if (direction === 'FORWARD') {
      items.push(...page.items);
      expect(page.hasBefore).toBe(cursor !== null && items.length > page.items.length);
      if (!page.hasAfter) return { items, total: page.totalCount };
      cursor = page.items.at(-1)?.position ?? null;
    } else {
      items.unshift(...page.items);
      expect(page.hasAfter).toBe(cursor !== null && items.length > page.items.length);
      if (!page.hasBefore) return { items, total: page.totalCount };
      cursor = page.items[0]?.position ?? null;
    }
  }
  throw new Error('the walk did not end');
}

function sortedBy<T>(items: T[], position: (item: T) => Position, key: OrderKey): T[] {
  return [...items].sort((a, b) => comparePositions(position(a), position(b), key.directions));
}

function countsOf(data: Dataset) {
  const counts = new Map<string, { articleCount: number; mentionCount: number; articles: Set<string> }>();
  for (const m of data.mentions) {
    const key = entityKeyString(m.entity);
    const entry = counts.get(key) ?? { articleCount: 0, mentionCount: 0, articles: new Set<string>() };
    entry.mentionCount++;
    entry.articles.add(m.article);
    entry.articleCount = entry.articles.size;
    counts.set(key, entry);
  }
  return counts;
}

const DIRECTIONS: SortDirection[] = ['ASC', 'DESC'];

describe.each([
  ['the fixtures', () => DATA_DIR],
  ['a generated corpus of 300 articles', () => CORPUS_DIR],
])('PostgreSQL store over %s', (name, directory) => {
  let store: Awaited<ReturnType<typeof storeOf>>;
  beforeAll(async () => {
    store = await storeOf(name, directory());
  }, 120_000);

  it('lists articles in every order, forward and backward, as the contract sorts them, with their count', async () => {
    const { data, source } = store;
    for (const field of ['PUBLISHED_AT', 'HEADLINE'] as const) {
      for (const direction of DIRECTIONS) {
        const key = articleOrderKey({ field, direction });
        const expected = sortedBy(data.articles, (a) => articlePosition(a, field), key).map((a) => a.slug);
        for (const walkDirection of ['FORWARD', 'BACKWARD'] as const) {
          const { items, total } = await walk(
            async (window) =>
              (await source.listArticles([{ filter: {}, order: { field, direction }, window }]))[0] as Page<string>,
            7,
            walkDirection,
          );
          expect(items.map((i) => i.item)).toEqual(expected);
          expect(total).toBe(data.articles.length);
          for (const { item, position } of items) {
            expect(position).toEqual(articlePosition(data.articles.find((a) => a.slug === item) as never, field));
          }
        }
      }
    }
  });

  it('lists each entity type in every order as the contract sorts them (counts from the mentions, undated last)', async () => {
    const { data, source } = store;
    const counts = countsOf(data);
    for (const type of ENTITY_TYPES) {
      const fields: EntityOrderField[] = [
        'NAME',
        'ARTICLE_COUNT',
        'MENTION_COUNT',
        ...(type === 'Event' ? (['START_DATE'] as const) : []),
      ];
      for (const field of fields) {
        for (const direction of DIRECTIONS) {
          const key = entityOrderKey({ field, direction });
          const position = (e: { slug: string; name: string; startDate?: string | null }) =>
            entityPosition(e, field, {
              counts: counts.get(`${type}:${e.slug}`) ?? { articleCount: 0, mentionCount: 0 },
            });
          const expected = sortedBy(entitiesOf(data, type) as { slug: string; name: string }[], position, key);
          const list = (window: Window) =>
            (
              source[`list${type === 'Person' ? 'Persons' : type === 'Organization' ? 'Organizations' : 'Events'}`] as (
                q: unknown[],
              ) => Promise<Page<string>[]>
            )([{ filter: {}, order: { field, direction }, window }]).then((pages) => pages[0] as Page<string>);
          const { items, total } = await walk(list, 9, 'FORWARD');
          expect(items.map((i) => i.item)).toEqual(expected.map((e) => e.slug));
          expect(items.map((i) => i.position)).toEqual(expected.map(position));
          expect(total).toBe(expected.length);
          const backward = await walk(list, 4, 'BACKWARD');
          expect(backward.items.map((i) => i.item)).toEqual(expected.map((e) => e.slug));
        }
      }
    }
  });

  it('filters articles by mentions, dates and text as the records say', async () => {
    const { data, source } = store;
    const counts = [...countsOf(data).entries()].sort((a, b) => b[1].articleCount - a[1].articleCount);
    const [busiest, second] = counts.map(([key]) => key);
    const mentions = [busiest as string, second as string];
    const mentionedBy = (key: string) =>
      new Set(data.mentions.filter((m) => entityKeyString(m.entity) === key).map((m) => m.article));
    const first = data.articles.map((a) => a.publishedAt).sort()[Math.floor(data.articles.length / 3)] as string;
    const window = windowRange(first.slice(0, 7), null);
    const expected = data.articles
      .filter((a) => mentions.every((k) => mentionedBy(k).has(a.slug)) && overlaps(dayRange(a.publishedAt), window))
      .sort((a, b) =>
        comparePositions(articlePosition(a, 'PUBLISHED_AT'), articlePosition(b, 'PUBLISHED_AT'), ['DESC', 'ASC']),
      )
      .map((a) => a.slug);
    const [page] = await source.listArticles([
      {
        filter: { mentions, publishedFrom: first.slice(0, 7) },
        window: { size: 100, direction: 'FORWARD', count: true },
      },
    ]);
    expect(page?.items.map((i) => i.item)).toEqual(expected.slice(0, 100));
    expect(page?.totalCount).toBe(expected.length);
    // Text: the memory index's own matching decides.
    const index = new SearchIndex(allEntities(data), data.articles);
    const word = data.articles[0]?.headline.split(/\s+/).find((w) => w.length > 4) ?? 'plot';
    for (const text of [
      word,
      word.slice(0, 4),
      `${word} ${data.articles[1]?.headline.split(/\s+/)[0]}`,
      'zzzznothing',
    ]) {
      const matching = index.articleSlugs(text);
      const [byText] = await source.listArticles([
        { filter: { text }, window: { size: 100, direction: 'FORWARD', count: true } },
      ]);
      expect(new Set(byText?.items.map((i) => i.item))).toEqual(new Set([...matching].slice(0, 100)));
      expect(byText?.totalCount).toBe(matching.size);
    }
  });

  it('filters entities by each condition of their type as the records say', async () => {
    const { data, source } = store;
    const all = (type: EntityType, filter: Record<string, unknown>) =>
      (
        source[`list${type === 'Person' ? 'Persons' : type === 'Organization' ? 'Organizations' : 'Events'}`] as (
          q: unknown[],
        ) => Promise<Page<string>[]>
      )([{ filter, window: { size: 100, direction: 'FORWARD', count: true } }]).then((pages) =>
        (pages[0] as Page<string>).items.map((i) => i.item),
      );
    const byName = (type: EntityType, keep: (e: never) => boolean) =>
      sortedBy(
        entitiesOf(data, type).filter(keep as never) as { slug: string; name: string }[],
        (e) => entityPosition(e, 'NAME'),
        entityOrderKey({ field: 'NAME', direction: 'ASC' }),
      ).map((e) => e.slug);
    const person = data.persons.find((p) => p.nationalities.length > 0) ?? data.persons[0];
    const needle = (person?.name ?? 'a').slice(1, 4).toUpperCase();
    expect(await all('Person', { nameContains: needle })).toEqual(
      byName('Person', (p: { name: string; aliases: string[] }) =>
        [p.name, ...p.aliases].some((n) => foldText(n).includes(foldText(needle))),
      ),
    );
    const nationality = person?.nationalities[0] ?? 'IR';
    expect(await all('Person', { nationality })).toEqual(
      byName('Person', (p: { nationalities: string[] }) => p.nationalities.includes(nationality)),
    );
    const affiliation = data.affiliations[0];
    if (affiliation) {
      expect(await all('Person', { affiliatedWith: affiliation.organization })).toEqual(
        byName('Person', (p: { slug: string }) =>
          data.affiliations.some((a) => a.person === p.slug && a.organization === affiliation.organization),
        ),
      );
    }
    const organization = data.organizations.find((o) => o.country) ?? data.organizations[0];
    expect(await all('Organization', { kind: organization?.kind, country: organization?.country })).toEqual(
      byName(
        'Organization',
        (o: { kind: string; country: string | null }) =>
          o.kind === organization?.kind && o.country === organization?.country,
      ),
    );
    const partOf = data.organizationRelations.find((r) => r.kind === 'PART_OF');
    if (partOf) {
      const parents = new Map(
        data.organizationRelations.filter((r) => r.kind === 'PART_OF').map((r) => [r.from, r.to]),
      );
      const within = (slug: string) => {
        for (let next = parents.get(slug); next; next = parents.get(next)) if (next === partOf.to) return true;
        return false;
      };
      expect(await all('Organization', { partOf: partOf.to })).toEqual(
        byName('Organization', (o: { slug: string }) => within(o.slug)),
      );
    }
    const event = data.events.find((e) => e.startDate && e.location) ?? data.events[0];
    const location = (event?.location ?? 'x').slice(0, 3);
    expect(await all('Event', { location })).toEqual(
      byName('Event', (e: { location: string | null }) => foldText(e.location ?? '').includes(foldText(location))),
    );
    const year = (event?.startDate ?? '2024').slice(0, 4);
    expect(await all('Event', { from: year, to: year })).toEqual(
      byName(
        'Event',
        (e: { startDate: string | null; endDate: string | null }) =>
          !!e.startDate &&
          overlaps(
            { first: dayRange(e.startDate).first, last: dayRange(e.endDate ?? e.startDate).last },
            windowRange(year, year),
          ),
      ),
    );
    const involvement = data.involvements[0];
    if (involvement) {
      expect(await all('Event', { involves: involvement.organization })).toEqual(
        byName('Event', (e: { slug: string }) =>
          data.involvements.some((i) => i.event === e.slug && i.organization === involvement.organization),
        ),
      );
    }
    // Mentioned in an article: in order of first mention.
    const article = data.articles[0]?.slug as string;
    const firstMention = new Map<string, number>();
    for (const m of data.mentions) {
      if (m.article === article && m.entity.type === 'Person' && !firstMention.has(m.entity.slug))
        firstMention.set(m.entity.slug, m.start);
    }
    const expected = [...firstMention].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1)).map(([slug]) => slug);
    expect(await all('Person', { mentionedIn: article })).toEqual(expected);
  });

  it('pages mentions in an article, mentions of an entity and co-mentions in the contract orders', async () => {
    const { data, source } = store;
    const published = new Map(data.articles.map((a) => [a.slug, a.publishedAt]));
    const article = data.articles[0]?.slug as string;
    const inArticle = sortedBy(
      data.mentions.filter((m) => m.article === article),
      mentionInArticlePosition,
      MENTIONS_IN_ARTICLE,
    );
    const walked = await walk(
      async (window) => (await source.listMentionsInArticle([{ article, window }]))[0] as Page<MentionRecord>,
      6,
      'FORWARD',
    );
    expect(walked.items.map((i) => i.item)).toEqual(inArticle);
    const [busiest] = [...countsOf(data).entries()].sort((a, b) => b[1].mentionCount - a[1].mentionCount)[0] ?? [];
    const entity = busiest as string;
    const ofEntity = sortedBy(
      data.mentions.filter((m) => entityKeyString(m.entity) === entity),
      (m) => mentionOfEntityPosition(m, published.get(m.article) as string),
      MENTIONS_OF_ENTITY,
    );
    const back = await walk(
      async (window) => (await source.listMentionsOfEntity([{ entity, window }]))[0] as Page<MentionRecord>,
      11,
      'BACKWARD',
    );
    expect(back.items.map((i) => i.item)).toEqual(ofEntity);
    // Co-mentions: articles shared with each other entity, strongest first.
    const articlesOf = new Map<string, Set<string>>();
    for (const m of data.mentions) {
      const key = entityKeyString(m.entity);
      articlesOf.set(key, (articlesOf.get(key) ?? new Set()).add(m.article));
    }
    const names = new Map(allEntities(data).map((e) => [entityKeyString(e), e.name]));
    const mine = articlesOf.get(entity) as Set<string>;
    const expected = [...articlesOf]
      .filter(([key]) => key !== entity)
      .map(([key, set]) => ({ key, shared: [...set].filter((a) => mine.has(a)).length }))
      .filter((c) => c.shared > 0)
      .map((c) => ({ ...c, position: [c.shared, foldText(names.get(c.key) as string), c.key] as Position }));
    const co = await walk(
      async (window) => (await source.listCoMentions([{ entity, window }]))[0] as Page<never>,
      5,
      'FORWARD',
    );
    expect(co.items.map((i) => i.position.slice(0, 1).concat(i.position.slice(2)))).toEqual(
      sortedBy(expected, (c) => [c.shared, names.get(c.key) as string, c.key], CO_MENTIONS)
        .sort((a, b) => comparePositions(a.position, b.position, CO_MENTIONS.directions))
        .map((c) => [c.shared, c.key]),
    );
  });

  it('finds and scores what the memory search index finds, hit for hit (score, type and slug)', async () => {
    const { data, source } = store;
    const index = new SearchIndex(allEntities(data), data.articles);
    const entity = allEntities(data)[3];
    const queries = [
      entity?.name ?? 'azizi',
      (entity?.name ?? 'azizi').split(' ')[0] as string,
      (entity?.name ?? 'azizi').slice(0, 4),
      data.articles[1]?.headline.split(/\s+/).slice(0, 2).join(' ') ?? 'plot',
      'the',
      'a',
      'zzznotaword',
      'Azízi',
    ];
    for (const query of queries) {
      for (const types of [null, ['Article'], ['Person', 'Event']] as const) {
        const expected = index.search(query, types, 25);
        const found = await source.search(query, types, { offset: 0, size: 25 });
        expect({ query, types, totalCount: found.totalCount }).toEqual({
          query,
          types,
          totalCount: expected.totalCount,
        });
        expect(found.hits).toEqual(expected.hits.map(({ type, slug, score }) => ({ type, slug, score })));
        const highlights = await source.searchHighlights(found.hits.slice(0, 5).map((hit) => ({ query, hit })));
        expect(highlights).toEqual(expected.hits.slice(0, 5).map((hit) => index.highlights(hit, queryTerms(query))));
      }
    }
    // A window past the first page, and past the last hit.
    const all = index.search('the', null, 1_000);
    const second = await source.search('the', null, { offset: 10, size: 10 });
    expect(second.hits.map((h) => h.slug)).toEqual(all.hits.slice(10, 20).map((h) => h.slug));
    const past = await source.search('the', null, { offset: all.totalCount + 5, size: 10 });
    expect(past).toEqual({ totalCount: all.totalCount, hits: [] });
  });

  it('ranks one word from the title postings as the memory index ranks it, at any window, with the same count', async () => {
    const { data, source } = store;
    const index = new SearchIndex(allEntities(data), data.articles);
    // Documents holding each term, per field; the fast path takes a word that is one term (no longer word begins
    // with it), so the words are chosen by what separates its cases: the title tier's size, bodies, names.
    const holders = new Map<string, { headline: number; body: number; names: number }>();
    const count = (texts: readonly string[], field: 'headline' | 'body' | 'names') => {
      const seen = new Set<string>();
      for (const text of texts) forEachTerm(text, (term) => seen.add(term));
      for (const term of seen) {
        const entry = holders.get(term) ?? { headline: 0, body: 0, names: 0 };
        entry[field]++;
        holders.set(term, entry);
      }
    };
    for (const article of data.articles) {
      count([article.headline], 'headline');
      count([article.body], 'body');
    }
    for (const entity of allEntities(data)) count([entity.name, ...entity.aliases], 'names');
    const sorted = [...holders.keys()].sort();
    const oneTerm = (term: string) =>
      /^\p{Ll}+$/u.test(term) && (term.length < 3 || !sorted.some((other) => other !== term && other.startsWith(term)));
    const best = (score: (h: { headline: number; body: number; names: number }) => number) =>
      [...holders]
        .filter(([term, h]) => oneTerm(term) && score(h) > 0)
        .sort((a, b) => score(b[1]) - score(a[1]))[0]?.[0];
    const inHeadlines = best((h) => h.headline);
    const bodiesOnly = best((h) => (h.headline === 0 && h.names === 0 ? h.body : 0));
    const fewHeadlines = best((h) => (h.headline > 0 && h.headline <= 2 ? h.body : 0));
    const inNames = best((h) => (h.names > 0 && h.headline > 0 ? h.names * 1000 + h.headline : 0));
    // A prefix that several words begin with: a word that takes longer words (the exact path of any query).
    const expanded = sorted
      .map((term) => term.slice(0, 4))
      .find((prefix) => prefix.length === 4 && sorted.filter((t) => t.startsWith(prefix)).length > 2);
    const words = { inHeadlines, bodiesOnly, fewHeadlines, inNames, expanded };
    expect(Object.values(words).every(Boolean), JSON.stringify(words)).toBe(true);
    const queries = [
      ...Object.values(words),
      `${inHeadlines} ${bodiesOnly}`,
      `${(inNames as string).toUpperCase()}`,
      'zzznotaword',
    ] as string[];
    for (const query of queries) {
      for (const types of [null, ['Article'], ['Organization', 'Person']] as const) {
        const all = index.search(query, types, 100_000);
        const title = all.hits.filter((hit) => hit.score >= 1_000_000).length;
        const windows = [
          { offset: 0, size: 20 },
          { offset: 3, size: 4 },
          { offset: Math.max(0, title - 2), size: 5 },
          { offset: title + 1, size: 3 },
          { offset: Math.max(0, all.totalCount - 1), size: 5 },
          { offset: all.totalCount + 2, size: 5 },
          { offset: 0, size: 0 },
        ];
        for (const window of windows) {
          const found = await source.search(query, types, window);
          expect({ query, types, window, ...found }).toEqual({
            query,
            types,
            window,
            totalCount: all.totalCount,
            hits: all.hits.slice(window.offset, window.offset + window.size),
          });
        }
      }
    }
  });

  it('answers the aggregates from its rollups as the records count them', async () => {
    const { data, source } = store;
    const counts = countsOf(data);
    expect(await source.stats()).toEqual({
      articles: data.articles.length,
      persons: data.persons.length,
      organizations: data.organizations.length,
      events: data.events.length,
      mentions: data.mentions.length,
      relationships:
        data.affiliations.length +
        data.participations.length +
        data.involvements.length +
        data.organizationRelations.length +
        data.eventRelations.length,
      claims: data.claims.length,
    });
    const keys = [...counts.keys()].slice(0, 5);
    expect(await source.mentionCountsByEntity([...keys, 'Person:nobody'])).toEqual([
      ...keys.map((k) => ({ articleCount: counts.get(k)?.articleCount, mentionCount: counts.get(k)?.mentionCount })),
      { articleCount: 0, mentionCount: 0 },
    ]);
    const published = new Map(data.articles.map((a) => [a.slug, a.publishedAt]));
    const names = new Map(allEntities(data).map((e) => [entityKeyString(e), e.name]));
    const years = [...new Set(data.articles.map((a) => a.publishedAt.slice(0, 4)))].sort();
    for (const window of [{}, { from: years[0], to: years[0] }, { from: years.at(-1) }]) {
      const range = windowRange(window.from, window.to);
      const inWindow = new Map<string, { articles: Set<string>; mentions: number }>();
      for (const m of data.mentions) {
        const day = dayRange(published.get(m.article) as string).first;
        if (day < range.first || day > range.last || m.entity.type === 'Event') continue;
        const key = entityKeyString(m.entity);
        const entry = inWindow.get(key) ?? { articles: new Set(), mentions: 0 };
        entry.articles.add(m.article);
        entry.mentions++;
        inWindow.set(key, entry);
      }
      const expected = [...inWindow]
        .map(([key, e]) => ({
          key,
          position: [e.articles.size, e.mentions, foldText(names.get(key) as string), key] as Position,
        }))
        .sort((a, b) => comparePositions(a.position, b.position, ['DESC', 'DESC', 'ASC', 'ASC']))
        .slice(0, 7)
        .map((e) => ({ key: e.key, articleCount: e.position[0], mentionCount: e.position[1] }));
      const top = await source.topEntities({ types: ['Person', 'Organization'], ...window, limit: 7 });
      expect(
        top.map((t) => ({
          key: entityKeyString(t.entity),
          articleCount: t.articleCount,
          mentionCount: t.mentionCount,
        })),
      ).toEqual(expected);
    }
    // Timeline: every month from the first article to the last, the corpus's and one entity's.
    const entity = keys[0] as string;
    for (const of of [null, entity]) {
      const buckets = await source.timeline({ interval: 'MONTH', entity: of, maxBuckets: 1000 });
      const mentionsIn = data.mentions.filter((m) => !of || entityKeyString(m.entity) === of);
      const articles = new Set(mentionsIn.map((m) => m.article));
      const relevant = of ? data.articles.filter((a) => articles.has(a.slug)) : data.articles;
      const days = relevant.map((a) => dayRange(a.publishedAt).first).sort();
      expect(buckets).toHaveLength(bucketCount({ first: days[0] as string, last: days.at(-1) as string }, 'MONTH'));
      for (const bucket of buckets) {
        const inBucket = relevant.filter((a) => {
          const day = dayRange(a.publishedAt).first;
          return day >= bucket.start && day <= bucket.end;
        });
        expect(bucket.articleCount).toBe(inBucket.length);
        const slugs = new Set(inBucket.map((a) => a.slug));
        expect(bucket.mentionCount).toBe(mentionsIn.filter((m) => slugs.has(m.article)).length);
      }
    }
    await expect(source.timeline({ interval: 'DAY', from: '2000', to: '2020', maxBuckets: 100 })).rejects.toThrow(
      /more than the 100 allowed/,
    );
  });

  it('reads records and relationship lists by key, in key order, null or empty for unknown keys', async () => {
    const { data, source } = store;
    const slugs = [data.articles[1]?.slug as string, 'no-such-article', data.articles[0]?.slug as string];
    expect(await source.articlesBySlug(slugs)).toEqual(
      slugs.map((slug) => data.articles.find((a) => a.slug === slug) ?? null),
    );
    const persons = [data.persons[2]?.slug as string, 'nobody'];
    expect(await source.personsBySlug(persons)).toEqual([data.persons[2], null]);
    const organization = data.affiliations[0]?.organization as string;
    expect(await source.affiliationsByOrganization([organization, 'none'])).toEqual([
      data.affiliations.filter((a) => a.organization === organization),
      [],
    ]);
    const related = data.organizationRelations[0]?.to;
    if (related) {
      expect(await source.organizationRelationsByOrganization([related])).toEqual([
        data.organizationRelations.filter((r) => r.from === related || r.to === related),
      ]);
    }
    const event = data.events[0]?.slug as string;
    expect(await source.eventsBySlug([event])).toEqual([data.events[0]]);
    expect(await source.eventRelationsByEvent([event])).toEqual([
      data.eventRelations.filter((r) => r.from === event || r.to === event),
    ]);
    expect(await source.participationsByEvent([event])).toEqual([data.participations.filter((r) => r.event === event)]);
    expect(source.costFacts().published?.first).toBe(
      dayRange([...data.articles].map((a) => a.publishedAt).sort()[0] as string).first,
    );
  });

  it('answers claims, matches and the cost facts as the memory store does (issue 14)', async () => {
    const { data, source } = store;
    const memory = new MemoryStore(data);
    expect(source.costFacts()).toEqual(memory.costFacts());
    const entityKeys = [...allEntities(data).map(entityKeyString), 'Person:nobody'];
    expect(await source.claimsByEntity(entityKeys)).toEqual(await memory.claimsByEntity(entityKeys));
    const slugs = [...data.articles.map((a) => a.slug), 'no-such-article'];
    expect(await source.claimsByArticle(slugs)).toEqual(await memory.claimsByArticle(slugs));
    const claims = data.claims.slice(0, 40);
    const queries = [
      { filter: {}, window: { size: 1_000, direction: 'FORWARD' as const, count: true } },
      ...claims.map((claim) => ({
        filter: { entity: entityKeyString(claim.entity), property: claim.property },
        window: { size: 2, direction: 'BACKWARD' as const, count: true },
      })),
      ...claims.map((claim) => ({
        filter: { article: claim.article },
        window: { size: 2, direction: 'FORWARD' as const, after: claimPosition(claim) },
      })),
    ];
    expect(await source.listClaims(queries)).toEqual(await memory.listClaims(queries));
    // Every entity's name, its first word, and a near miss of it (a letter dropped), with and without context.
    const names = allEntities(data)
      .slice(0, 60)
      .flatMap((e) => [e.name, e.name.split(' ')[0] as string, e.name.slice(0, 2) + e.name.slice(3)]);
    const matches = names.map((name, i) => ({ name, limit: 20, context: i % 4 === 0 ? 'the government' : null }));
    expect(await source.match(matches)).toEqual(await memory.match(matches));
  });

  it('answers any batch in one statement, whatever its size', async () => {
    const { data, source } = store;
    const window: Window = { size: 3, direction: 'FORWARD', count: true };
    const calls: [string, () => Promise<unknown>, number][] = [
      ['articlesBySlug', () => source.articlesBySlug(data.articles.map((a) => a.slug)), 1],
      [
        'listArticles',
        () => source.listArticles(data.persons.map((p) => ({ filter: { mentions: [`Person:${p.slug}`] }, window }))),
        1,
      ],
      [
        'listArticles with text',
        () =>
          source.listArticles([
            { filter: { text: 'the' }, window },
            { filter: { text: 'a' }, window },
          ]),
        2,
      ],
      [
        'listPersons',
        () => source.listPersons(data.articles.map((a) => ({ filter: { mentionedIn: a.slug }, window }))),
        1,
      ],
      [
        'listMentionsInArticle',
        () => source.listMentionsInArticle(data.articles.map((a) => ({ article: a.slug, window }))),
        1,
      ],
      [
        'listCoMentions',
        () => source.listCoMentions(data.persons.map((p) => ({ entity: `Person:${p.slug}`, window }))),
        1,
      ],
      ['affiliationsByPerson', () => source.affiliationsByPerson(data.persons.map((p) => p.slug)), 1],
      ['mentionCountsByEntity', () => source.mentionCountsByEntity(data.persons.map((p) => `Person:${p.slug}`)), 1],
      ['search', () => source.search('the', null, { offset: 0, size: 10 }), 2],
      ['claimsByEntity', () => source.claimsByEntity(data.persons.map((p) => `Person:${p.slug}`)), 1],
      ['claimsByArticle', () => source.claimsByArticle(data.articles.map((a) => a.slug)), 1],
      [
        'listClaims',
        () => source.listClaims(data.persons.map((p) => ({ filter: { entity: `Person:${p.slug}` }, window }))),
        1,
      ],
      ['match', () => source.match(data.persons.map((p) => ({ name: p.name, limit: 5 }))), 1],
      ['match with context', () => source.match([{ name: 'the', context: 'the a', limit: 5 }]), 2],
      ['stats', () => source.stats(), 0],
    ];
    for (const [label, call, statements] of calls) {
      const before = source.statements;
      await call();
      expect({ label, statements: source.statements - before }).toEqual({ label, statements });
    }
  });
});

it('keeps dateSortKey as the stored key: reduced precision sorts before the fuller dates it contains', () => {
  expect(['2024-11-15', '2024', '2024-11'].map(dateSortKey).sort()).toEqual(['2024', '2024-11', '2024-11-15']);
});
