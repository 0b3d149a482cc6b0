/**
 * MemoryStore's start-up indexes: orders found by a cheap sort and put right by the real comparison
 * are exactly the orders of the real comparison, and the mention indexes built for a Dataset as the
 * loader returns it equal those of the general path (entity key objects not shared, mentions listed
 * in another order, duplicate article slugs).
 */
import { describe, expect, it } from 'vitest';
import { type Dataset, loadDataset } from '../src/data/load-fixtures.js';
import { MemoryStore } from '../src/data/memory/memory-store.js';
import type { ArticleRecord, EntityKey, PersonRecord } from '../src/data/records.js';
import { DATA_DIR, editedFixtures } from './helpers.js';

const collator = new Intl.Collator('en', { sensitivity: 'base', numeric: true });

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
  it('lists articles newest first and by headline exactly as the comparisons sort them', async () => {
    const data = await trickyDataset();
    const store = new MemoryStore(data);
    const newestFirst = [...data.articles]
      .sort((a, b) => b.publishedAt.localeCompare(a.publishedAt) || a.slug.localeCompare(b.slug))
      .map((a) => a.slug);
    const byHeadline = [...data.articles]
      .sort((a, b) => collator.compare(a.headline, b.headline) || a.slug.localeCompare(b.slug))
      .map((a) => a.slug);
    const [newest, oldest, headlineAsc, headlineDesc] = await store.queryArticles([
      {},
      { order: { field: 'PUBLISHED_AT', direction: 'ASC' } },
      { order: { field: 'HEADLINE', direction: 'ASC' } },
      { order: { field: 'HEADLINE', direction: 'DESC' } },
    ]);
    expect(newest).toEqual(newestFirst);
    expect(oldest).toEqual([...newestFirst].reverse());
    expect(headlineAsc).toEqual(byHeadline);
    expect(headlineDesc).toEqual([...byHeadline].reverse());
  });

  it('lists entities by name exactly as the collator sorts them', async () => {
    const data = await trickyDataset();
    const store = new MemoryStore(data);
    const byName = [...data.persons]
      .sort((a, b) => collator.compare(a.name, b.name) || a.slug.localeCompare(b.slug))
      .map((p) => p.slug);
    expect((await store.queryEntities([{ type: 'Person' }]))[0]).toEqual(byName);
  });

  it('keeps a stable order for dates it cannot read as ISO dates', async () => {
    const data = await loadDataset(DATA_DIR);
    const odd = [article('b', 'B', 'not a date'), article('a', 'A', 'not a date'), article('c', 'C', '2024-01-01')];
    const store = new MemoryStore({ ...data, articles: [...data.articles, ...odd] });
    const expected = [...data.articles, ...odd]
      .sort((a, b) => b.publishedAt.localeCompare(a.publishedAt) || a.slug.localeCompare(b.slug))
      .map((a) => a.slug);
    expect((await store.queryArticles([{}]))[0]).toEqual(expected);
  });
});

/** Everything the store answers about mentions, for every article and entity. */
async function mentionAnswers(store: MemoryStore, data: Dataset) {
  const slugs = data.articles.map((a) => a.slug);
  const keys = [...data.persons, ...data.organizations, ...data.events].map((e) => `${e.type}:${e.slug}`);
  const normal = (list: readonly { entity: EntityKey }[][]) =>
    list.map((mentions) => mentions.map((m) => ({ ...m, entity: { ...m.entity } })));
  return {
    byEntity: normal(await store.mentionsByEntity(keys)),
    counts: await store.mentionCountsByEntity(keys),
    articles: await store.queryArticles(keys.map((key) => ({ mentions: [key] }))),
    timelines: await Promise.all(keys.map((entity) => store.timeline({ interval: 'MONTH', entity, maxBuckets: 1000 }))),
    corpus: await store.timeline({ interval: 'DAY', maxBuckets: 100_000 }),
    top: await store.topEntities({ types: ['Person', 'Organization', 'Event'], limit: 100 }),
    coMentions: await store.coMentionsByEntity(keys),
    byArticle: normal(await store.mentionsByArticle(slugs)),
    entitiesByArticle: (await store.entitiesByArticle(slugs)).map((list) => list.map((k) => ({ ...k }))),
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

  it('order each entity’s mentions the same when the Dataset lists them in another order', async () => {
    const data = await loadDataset(DATA_DIR);
    const reversed = { ...data, mentions: [...data.mentions].reverse() };
    const expected = await mentionAnswers(new MemoryStore(data), data);
    const answers = await mentionAnswers(new MemoryStore(reversed), reversed);
    // Per article, mentions (and first mentions) follow the Dataset's order: reversed here.
    expect(answers.byArticle).toEqual(expected.byArticle.map((list) => [...list].reverse()));
    const { byArticle: _a, entitiesByArticle: _e, ...rest } = answers;
    const { byArticle: _b, entitiesByArticle: _f, ...expectedRest } = expected;
    expect(rest).toEqual(expectedRest);
  });

  it('still answer for a Dataset with a duplicate article slug or a mention of an unknown article', async () => {
    const data = await loadDataset(DATA_DIR);
    const first = data.articles[0] as ArticleRecord;
    const duplicate = { ...data, articles: [...data.articles, { ...first, publishedAt: '2001' }] };
    const store = new MemoryStore(duplicate);
    expect((await store.mentionsByArticle([first.slug]))[0]?.length).toBeGreaterThan(0);
    const stray = { ...(data.mentions[0] as Dataset['mentions'][number]), article: 'unknown-article' };
    const unknown = { ...data, mentions: [...data.mentions, stray] };
    const other = new MemoryStore(unknown);
    expect((await other.mentionsByArticle(['unknown-article']))[0]).toHaveLength(1);
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
