/**
 * MemoryStore's start-up indexes: the orders its fast sorts make are exactly the contract's (sorted by
 * comparePositions over the contract's positions), and the mention indexes built for a Dataset as the loader
 * returns it equal those of the general path (entity key objects not shared, mentions listed in another order,
 * duplicate article slugs).
 */
import { describe, expect, it } from 'vitest';
import {
  type ArticleOrderField,
  articleOrderKey,
  articlePosition,
  comparePositions,
  entityOrderKey,
  entityPosition,
  type SortDirection,
  type Window,
} from '../src/data/contract.js';
import { type Dataset, loadDataset } from '../src/data/load-fixtures.js';
import { MemoryStore } from '../src/data/memory/memory-store.js';
import type { ArticleRecord, EntityKey, PersonRecord } from '../src/data/records.js';
import { DATA_DIR, editedFixtures } from './helpers.js';

/** A window over a whole list (every list here is shorter). */
const ALL: Window = { size: 1_000_000, direction: 'FORWARD' };

/** The items of the pages, whole lists as the store orders them. */
function itemsOf<T>(pages: { items: { item: T }[] }[]): T[][] {
  return pages.map((page) => page.items.map(({ item }) => item));
}

/** Article slugs in an order, as the contract defines it. */
function articlesBy(articles: readonly ArticleRecord[], field: ArticleOrderField, direction: SortDirection): string[] {
  const { directions } = articleOrderKey({ field, direction });
  return [...articles]
    .sort((a, b) => comparePositions(articlePosition(a, field), articlePosition(b, field), directions))
    .map((a) => a.slug);
}

function article(slug: string, headline: string, publishedAt: string): ArticleRecord {
  return { slug, headline, publishedAt, publishedAtText: publishedAt, source: `${slug}.txt`, body: headline };
}

function person(slug: string, name: string): PersonRecord {
  return { type: 'Person', slug, name, aliases: [], description: null, nationalities: [] };
}

const HEADLINES = [
  'Item 10 of the list',
  'item 9 of the list',
  'Item 9 of the list',
  'Émile speaks',
  'emile speaks',
  'Emile Speaks',
  '[draft] a plan',
  '_under score',
  '~ tilde',
  '10 things',
  '9 things',
  'Zebra crossing',
  'zebra crossing',
  'Ägypten',
  'agypten',
  '“Quoted” headline',
  'Iran’s plan',
  'Irans plan',
  'Iran-plan',
  'a',
  'A',
  '',
];
const DATES = ['2024', '2024-11', '2024-11-15', '2024-11-15T05:14', '2024-11-15T05:14', '2023-12-31', '2025-01'];

/** The curated data with extra articles and persons whose order is easy to get wrong. */
async function trickyDataset(): Promise<Dataset> {
  const data = await loadDataset(DATA_DIR);
  const extra = HEADLINES.flatMap((headline, i) =>
    DATES.slice(0, 1 + (i % DATES.length)).map((date, k) =>
      article(`extra-${String.fromCharCode(122 - ((i * 7 + k) % 26))}-${i}-${k}`, headline, date),
    ),
  );
  const persons = HEADLINES.map((name, i) => person(`person-${String.fromCharCode(97 + ((i * 5) % 26))}-${i}`, name));
  return { ...data, articles: [...data.articles, ...extra], persons: [...data.persons, ...persons] };
}

describe('MemoryStore orders', () => {
  it('lists articles by date and by headline, both ways, exactly as the contract sorts them', async () => {
    const data = await trickyDataset();
    const store = new MemoryStore(data);
    const orders = [
      ['PUBLISHED_AT', 'DESC'],
      ['PUBLISHED_AT', 'ASC'],
      ['HEADLINE', 'ASC'],
      ['HEADLINE', 'DESC'],
    ] as const;
    const lists = itemsOf(
      await store.listArticles(
        orders.map(([field, direction]) => ({ filter: {}, order: { field, direction }, window: ALL })),
      ),
    );
    // The tie-break (the slug) ascends in either direction: a DESC order is not the ASC order reversed.
    orders.forEach(([field, direction], i) => {
      expect(lists[i], `${field} ${direction}`).toEqual(articlesBy(data.articles, field, direction));
    });
    expect(lists[1]).not.toEqual([...(lists[0] ?? [])].reverse());
  });

  it('lists entities by name exactly as the contract sorts them', async () => {
    const data = await trickyDataset();
    const store = new MemoryStore(data);
    const { directions } = entityOrderKey({ field: 'NAME', direction: 'ASC' });
    const byName = [...data.persons]
      .sort((a, b) => comparePositions(entityPosition(a, 'NAME'), entityPosition(b, 'NAME'), directions))
      .map((p) => p.slug);
    expect(itemsOf(await store.listPersons([{ filter: {}, window: ALL }]))[0]).toEqual(byName);
  });

  it('keeps a stable order for dates it cannot read as ISO dates', async () => {
    const data = await loadDataset(DATA_DIR);
    const odd = [article('b', 'B', 'not a date'), article('a', 'A', 'not a date'), article('c', 'C', '2024-01-01')];
    const store = new MemoryStore({ ...data, articles: [...data.articles, ...odd] });
    const expected = articlesBy([...data.articles, ...odd], 'PUBLISHED_AT', 'DESC');
    expect(itemsOf(await store.listArticles([{ filter: {}, window: ALL }]))[0]).toEqual(expected);
  });
});

/** Everything the store answers about mentions, for every article and entity. */
async function mentionAnswers(store: MemoryStore, data: Dataset) {
  const slugs = data.articles.map((a) => a.slug);
  const keys = [...data.persons, ...data.organizations, ...data.events].map((e) => `${e.type}:${e.slug}`);
  const normal = (list: readonly { entity: EntityKey }[][]) =>
    list.map((mentions) => mentions.map((m) => ({ ...m, entity: { ...m.entity } })));
  const each = <Q>(queries: Q[]) => queries.map((query) => ({ ...query, window: ALL }));
  return {
    byEntity: normal(itemsOf(await store.listMentionsOfEntity(each(keys.map((entity) => ({ entity })))))),
    counts: await store.mentionCountsByEntity(keys),
    articles: itemsOf(await store.listArticles(each(keys.map((key) => ({ filter: { mentions: [key] } }))))),
    timelines: await Promise.all(keys.map((entity) => store.timeline({ interval: 'MONTH', entity, maxBuckets: 1000 }))),
    corpus: await store.timeline({ interval: 'DAY', maxBuckets: 100_000 }),
    top: await store.topEntities({ types: ['Person', 'Organization', 'Event'], limit: 100 }),
    coMentions: itemsOf(await store.listCoMentions(each(keys.map((entity) => ({ entity }))))),
    byArticle: normal(itemsOf(await store.listMentionsInArticle(each(slugs.map((article) => ({ article })))))),
    entitiesByArticle: await Promise.all(
      slugs.map(async (slug) => [
        itemsOf(await store.listPersons(each([{ filter: { mentionedIn: slug } }]))),
        itemsOf(await store.listOrganizations(each([{ filter: { mentionedIn: slug } }]))),
        itemsOf(await store.listEvents(each([{ filter: { mentionedIn: slug } }]))),
      ]),
    ),
  };
}

describe('MemoryStore mention indexes', () => {
  it('are the same whether the mentions share entity key objects or not', async () => {
    const data = await loadDataset(DATA_DIR);
    const unshared = { ...data, mentions: data.mentions.map((m) => ({ ...m, entity: { ...m.entity } })) };
    expect(await mentionAnswers(new MemoryStore(unshared), unshared)).toEqual(
      await mentionAnswers(new MemoryStore(data), data),
    );
  });

  it('are the same when the Dataset lists the mentions in another order', async () => {
    const data = await loadDataset(DATA_DIR);
    const reversed = { ...data, mentions: [...data.mentions].reverse() };
    // Every list is in the contract's order (an article's mentions in reading order), whatever the Dataset's.
    expect(await mentionAnswers(new MemoryStore(reversed), reversed)).toEqual(
      await mentionAnswers(new MemoryStore(data), data),
    );
  });

  it('still answer for a Dataset with a duplicate article slug or a mention of an unknown article', async () => {
    const data = await loadDataset(DATA_DIR);
    const first = data.articles[0] as ArticleRecord;
    const duplicate = { ...data, articles: [...data.articles, { ...first, publishedAt: '2001' }] };
    const store = new MemoryStore(duplicate);
    const mentionsOf = async (s: MemoryStore, article: string) =>
      (await s.listMentionsInArticle([{ article, window: ALL }]))[0]?.items.length;
    expect(await mentionsOf(store, first.slug)).toBeGreaterThan(0);
    const stray = { ...(data.mentions[0] as Dataset['mentions'][number]), article: 'unknown-article' };
    const unknown = { ...data, mentions: [...data.mentions, stray] };
    const other = new MemoryStore(unknown);
    expect(await mentionsOf(other, 'unknown-article')).toBe(1);
  });
});

describe('loadDataset onIndexable', () => {
  it('hands over the very entity and article arrays the dataset holds, before the load ends', async () => {
    let seen: { entities: readonly unknown[]; articles: readonly unknown[] } | null = null;
    const data = await loadDataset(DATA_DIR, {
      onIndexable: (entities, articles) => {
        seen = { entities, articles };
      },
    });
    expect(seen).not.toBeNull();
    const { entities, articles } = seen as unknown as { entities: unknown[]; articles: unknown[] };
    expect(articles).toBe(data.articles);
    expect(entities).toEqual([...data.persons, ...data.organizations, ...data.events]);
    entities.forEach((entity, i) => {
      expect(entity).toBe([...data.persons, ...data.organizations, ...data.events][i]);
    });
  });

  it('is not called when the files already have problems, and the load still fails', async () => {
    const directory = await editedFixtures('articles.json', (articles) => [...articles, articles[0]]);
    let called = false;
    await expect(
      loadDataset(directory, {
        onIndexable: () => {
          called = true;
        },
      }),
    ).rejects.toThrow(/duplicate slug/);
    expect(called).toBe(false);
  });
});
