/**
 * The data contract's own tests, for any backend: `describeContract(name, makeSource)` loads a small corpus whose
 * orders are easy to get wrong (ordering-corpus.ts), asks `makeSource` for a NewsDataSource over it (given both
 * the fixture directory and the Dataset the loader made of it: a backend imports whichever it reads), and checks
 * what src/data/contract.ts promises: every list in the order its OrderKey describes (checked against orders
 * worked out by hand, and against the contract's position functions over the Dataset), every window of every list
 * (keyset `after`/`before`, forward and backward, empty pages, walks page by page both ways) with its totalCount
 * and hasBefore/hasAfter, batch calls answered in query order, search by offset window with highlights computed
 * from the query, and topEntities' ranking. The memory store runs it in tests/ordering.test.ts; a backend adds a
 * test file that calls it with its own factory.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ArticleListQuery,
  type ArticleOrderField,
  articleOrderKey,
  articlePosition,
  CO_MENTIONS,
  type CoMention,
  coMentionPosition,
  comparePositions,
  type EntityListQuery,
  type EntityOrderField,
  entityOrderKey,
  entityPosition,
  foldText,
  MENTIONS_IN_ARTICLE,
  MENTIONS_OF_ENTITY,
  mentionInArticlePosition,
  mentionOfEntityPosition,
  type NewsDataSource,
  type Page,
  type Position,
  type SortDirection,
  TOP_ENTITIES,
  topEntityPosition,
  type Window,
} from '../../src/data/contract.js';
import { ENTITY_TYPE_INFO, ENTITY_TYPES, type EntityType } from '../../src/data/entity-types.js';
import { allEntities, type Dataset, loadDataset } from '../../src/data/load-fixtures.js';
import { type EntityRecord, entityKeyString, type MentionRecord } from '../../src/data/records.js';
import { EXPECTED_ORDERS, writeOrderingCorpus } from './ordering-corpus.js';

/** What a backend is built from: the fixture directory, and the Dataset the loader read from it. */
export interface ContractFixture {
  directory: string;
  dataset: Dataset;
}

export interface ContractOptions {
  /** Releases what the source holds (a connection pool), after the suite. */
  close?: (source: NewsDataSource) => Promise<void>;
}

/** A window over a whole list: every list of the corpus is shorter. */
const WHOLE: Window = { size: 100, direction: 'FORWARD', count: true };

/** One list of the corpus: how to load pages of it, and what it holds, in order, with each item's position. */
interface ListCase<T> {
  name: string;
  directions: readonly SortDirection[];
  /** One page per window, in one batch call. */
  load: (windows: readonly Window[]) => Promise<Page<T>[]>;
  idOf: (item: T) => string;
  expected: { id: string; position: Position }[];
}

/** The page a window selects of an expected list, by the contract's definition (a scan, not a search). */
function expectedPage<T>(list: ListCase<T>, window: Window) {
  const compare = (a: Position, b: Position) => comparePositions(a, b, list.directions);
  const { after, before } = window;
  const range = list.expected.filter(
    (entry) => (!after || compare(entry.position, after) > 0) && (!before || compare(entry.position, before) < 0),
  );
  const page =
    window.direction === 'FORWARD' ? range.slice(0, window.size) : range.slice(Math.max(0, range.length - window.size));
  const exists = (test: (position: Position) => boolean) => list.expected.some((entry) => test(entry.position));
  let hasBefore: boolean;
  let hasAfter: boolean;
  if (window.direction === 'FORWARD') {
    hasBefore = after ? exists((p) => compare(p, after) <= 0) : false;
    const last = page.at(-1)?.position ?? after;
    hasAfter = last ? exists((p) => compare(p, last) > 0) : list.expected.length > 0;
  } else {
    hasAfter = before ? exists((p) => compare(p, before) >= 0) : false;
    const first = page[0]?.position ?? before;
    hasBefore = first ? exists((p) => compare(p, first) < 0) : list.expected.length > 0;
  }
  return { ids: page.map((entry) => entry.id), hasBefore, hasAfter };
}

/** What a page says, in the shape expectedPage answers. */
function pageSays<T>(list: ListCase<T>, page: Page<T>) {
  return { ids: page.items.map(({ item }) => list.idOf(item)), hasBefore: page.hasBefore, hasAfter: page.hasAfter };
}

function sortedEntries<R>(
  records: readonly R[],
  idOf: (record: R) => string,
  positionOf: (record: R) => Position,
  directions: readonly SortDirection[],
) {
  return records
    .map((record) => ({ id: idOf(record), position: positionOf(record) }))
    .sort((a, b) => comparePositions(a.position, b.position, directions));
}

/** The facts of the corpus a backend must agree on, computed from the Dataset alone. */
function corpusFacts(data: Dataset) {
  const counts = new Map<string, { articleCount: number; mentionCount: number }>();
  const articlesOf = new Map<string, Set<string>>();
  for (const mention of data.mentions) {
    const key = entityKeyString(mention.entity);
    const articles = articlesOf.get(key) ?? new Set();
    articles.add(mention.article);
    articlesOf.set(key, articles);
    counts.set(key, { articleCount: articles.size, mentionCount: (counts.get(key)?.mentionCount ?? 0) + 1 });
  }
  const entities = new Map(allEntities(data).map((entity) => [entityKeyString(entity), entity]));
  const publishedAt = new Map(data.articles.map((article) => [article.slug, article.publishedAt]));
  /** Where each entity is first mentioned in each article. */
  const firstMention = (article: string, key: string) =>
    Math.min(
      ...data.mentions.filter((m) => m.article === article && entityKeyString(m.entity) === key).map((m) => m.start),
    );
  const coMentions = (key: string): CoMention[] => {
    const shared = new Map<string, number>();
    for (const article of articlesOf.get(key) ?? []) {
      const others = new Set(data.mentions.filter((m) => m.article === article).map((m) => entityKeyString(m.entity)));
      for (const other of others) if (other !== key) shared.set(other, (shared.get(other) ?? 0) + 1);
    }
    return [...shared].map(([other, sharedArticles]) => {
      const entity = entities.get(other) as EntityRecord;
      return { entity: { type: entity.type, slug: entity.slug }, sharedArticles };
    });
  };
  return { counts, articlesOf, entities, publishedAt, firstMention, coMentions };
}

const mentionId = (mention: MentionRecord) =>
  `${mention.article}:${mention.start}-${mention.end}:${entityKeyString(mention.entity)}`;

/** Every list of the corpus: articles and entities in every order, filtered or not; mentions; co-mentions. */
function listCases(source: NewsDataSource, data: Dataset): ListCase<unknown>[] {
  const facts = corpusFacts(data);
  const cases: ListCase<unknown>[] = [];
  const add = <T>(list: ListCase<T>) => cases.push(list as ListCase<unknown>);

  const articleOrders: [ArticleOrderField, SortDirection][] = [
    ['PUBLISHED_AT', 'DESC'],
    ['PUBLISHED_AT', 'ASC'],
    ['HEADLINE', 'ASC'],
    ['HEADLINE', 'DESC'],
  ];
  const articleFilters: [string, ArticleListQuery['filter'], (slug: string) => boolean][] = [
    ['all', {}, () => true],
    [
      'mentioning Unit 100',
      { mentions: ['Organization:o-unit-100'] },
      (slug) => facts.articlesOf.get('Organization:o-unit-100')?.has(slug) ?? false,
    ],
    [
      'with the word "unit"',
      { text: 'unit' },
      (slug) => {
        const article = data.articles.find((a) => a.slug === slug);
        return /(^|[^\p{L}\p{N}])unit/u.test(foldText(`${article?.headline} ${article?.body}`));
      },
    ],
  ];
  for (const [field, direction] of articleOrders) {
    for (const [label, filter, keeps] of articleFilters) {
      const key = articleOrderKey({ field, direction });
      add<string>({
        name: `articles ${label}, ${key.name}`,
        directions: key.directions,
        load: (windows) =>
          source.listArticles(windows.map((window) => ({ filter, order: { field, direction }, window }))),
        idOf: (slug) => slug,
        expected: sortedEntries(
          data.articles.filter((a) => keeps(a.slug)),
          (a) => a.slug,
          (a) => articlePosition(a, field),
          key.directions,
        ),
      });
    }
  }

  const listOf = <T extends EntityType>(type: T) =>
    ((queries: readonly EntityListQuery<T>[]) =>
      (
        source[
          `list${ENTITY_TYPE_INFO[type].plural.replace(/^./, (c) => c.toUpperCase())}` as keyof NewsDataSource
        ] as (queries: readonly EntityListQuery<T>[]) => Promise<Page<string>[]>
      ).call(source, queries)) as (queries: readonly EntityListQuery<T>[]) => Promise<Page<string>[]>;
  const entityOrders: [EntityOrderField, SortDirection][] = [
    ['NAME', 'ASC'],
    ['NAME', 'DESC'],
    ['ARTICLE_COUNT', 'DESC'],
    ['ARTICLE_COUNT', 'ASC'],
    ['MENTION_COUNT', 'DESC'],
    ['MENTION_COUNT', 'ASC'],
    ['START_DATE', 'ASC'],
    ['START_DATE', 'DESC'],
  ];
  for (const type of ENTITY_TYPES) {
    const records = allEntities(data).filter((entity) => entity.type === type);
    const list = listOf(type);
    const positionOf = (entity: EntityRecord, field: EntityOrderField) =>
      entityPosition(entity as EntityRecord & { startDate?: string | null }, field, {
        counts: facts.counts.get(entityKeyString(entity)),
      });
    for (const [field, direction] of entityOrders) {
      if (field === 'START_DATE' && type !== 'Event') continue;
      const key = entityOrderKey({ field, direction });
      add<string>({
        name: `${ENTITY_TYPE_INFO[type].plural}, ${key.name}`,
        directions: key.directions,
        load: (windows) => list(windows.map((window) => ({ filter: {}, order: { field, direction }, window }))),
        idOf: (slug) => slug,
        expected: sortedEntries(
          records,
          (e) => e.slug,
          (e) => positionOf(e, field),
          key.directions,
        ),
      });
    }
    // A filter on names: folded substring of the name or an alias.
    for (const needle of ['UNIT 9', 'durand', 'e']) {
      const key = entityOrderKey({ field: 'NAME', direction: 'ASC' });
      add<string>({
        name: `${ENTITY_TYPE_INFO[type].plural} whose name contains "${needle}"`,
        directions: key.directions,
        load: (windows) => list(windows.map((window) => ({ filter: { nameContains: needle }, window }))),
        idOf: (slug) => slug,
        expected: sortedEntries(
          records.filter((e) => [e.name, ...e.aliases].some((name) => foldText(name).includes(foldText(needle)))),
          (e) => e.slug,
          (e) => positionOf(e, 'NAME'),
          key.directions,
        ),
      });
    }
    // Mentioned in an article: by first mention, or in an order asked for.
    for (const article of data.articles) {
      const mentioned = records.filter((e) => facts.articlesOf.get(entityKeyString(e))?.has(article.slug));
      const first = entityOrderKey({ field: 'FIRST_MENTION', direction: 'ASC' });
      add<string>({
        name: `${ENTITY_TYPE_INFO[type].plural} in ${article.slug}, ${first.name}`,
        directions: first.directions,
        load: (windows) => list(windows.map((window) => ({ filter: { mentionedIn: article.slug }, window }))),
        idOf: (slug) => slug,
        expected: sortedEntries(
          mentioned,
          (e) => e.slug,
          (e) =>
            entityPosition(e, 'FIRST_MENTION', { firstMention: facts.firstMention(article.slug, entityKeyString(e)) }),
          first.directions,
        ),
      });
      const byName = entityOrderKey({ field: 'NAME', direction: 'DESC' });
      add<string>({
        name: `${ENTITY_TYPE_INFO[type].plural} in ${article.slug}, ${byName.name}`,
        directions: byName.directions,
        load: (windows) =>
          list(
            windows.map((window) => ({
              filter: { mentionedIn: article.slug },
              order: { field: 'NAME', direction: 'DESC' },
              window,
            })),
          ),
        idOf: (slug) => slug,
        expected: sortedEntries(
          mentioned,
          (e) => e.slug,
          (e) => positionOf(e, 'NAME'),
          byName.directions,
        ),
      });
    }
  }

  for (const entity of allEntities(data)) {
    const key = entityKeyString(entity);
    add<MentionRecord>({
      name: `mentions of ${key}`,
      directions: MENTIONS_OF_ENTITY.directions,
      load: (windows) => source.listMentionsOfEntity(windows.map((window) => ({ entity: key, window }))),
      idOf: mentionId,
      expected: sortedEntries(
        data.mentions.filter((m) => entityKeyString(m.entity) === key),
        mentionId,
        (m) => mentionOfEntityPosition(m, facts.publishedAt.get(m.article) ?? ''),
        MENTIONS_OF_ENTITY.directions,
      ),
    });
    add<CoMention>({
      name: `co-mentions of ${key}`,
      directions: CO_MENTIONS.directions,
      load: (windows) => source.listCoMentions(windows.map((window) => ({ entity: key, window }))),
      idOf: (coMention) => `${entityKeyString(coMention.entity)}×${coMention.sharedArticles}`,
      expected: sortedEntries(
        facts.coMentions(key),
        (c) => `${entityKeyString(c.entity)}×${c.sharedArticles}`,
        (c) => coMentionPosition(c, facts.entities.get(entityKeyString(c.entity))?.name ?? ''),
        CO_MENTIONS.directions,
      ),
    });
  }
  for (const article of data.articles) {
    add<MentionRecord>({
      name: `mentions in ${article.slug}`,
      directions: MENTIONS_IN_ARTICLE.directions,
      load: (windows) => source.listMentionsInArticle(windows.map((window) => ({ article: article.slug, window }))),
      idOf: mentionId,
      expected: sortedEntries(
        data.mentions.filter((m) => m.article === article.slug),
        mentionId,
        mentionInArticlePosition,
        MENTIONS_IN_ARTICLE.directions,
      ),
    });
  }
  return cases;
}

/** The ids of a whole list as the source orders it. */
async function wholeList<T>(list: ListCase<T>): Promise<string[]> {
  const [page] = await list.load([WHOLE]);
  return (page?.items ?? []).map(({ item }) => list.idOf(item));
}

export function describeContract(
  name: string,
  makeSource: (fixture: ContractFixture) => Promise<NewsDataSource> | NewsDataSource,
  options: ContractOptions = {},
): void {
  describe(`the data contract: ${name}`, () => {
    let source: NewsDataSource;
    let data: Dataset;
    let remove: () => Promise<void> = async () => undefined;
    let lists: ListCase<unknown>[];

    beforeAll(async () => {
      const written = await writeOrderingCorpus();
      remove = written.remove;
      data = await loadDataset(written.directory);
      source = await makeSource({ directory: written.directory, dataset: data });
      lists = listCases(source, data);
    }, 120_000);

    afterAll(async () => {
      if (source) await options.close?.(source);
      await remove();
    });

    const list = (name: string) => {
      const found = lists.find((candidate) => candidate.name === name);
      if (!found) throw new Error(`no list named ${name}`);
      return found;
    };

    describe('orders (worked out by hand from the rules)', () => {
      it('articles: reduced-precision dates (a shorter date before the fuller ones), ties by slug', async () => {
        for (const [order, slugs] of Object.entries(EXPECTED_ORDERS.articles)) {
          if (!order.startsWith('PUBLISHED_AT')) continue;
          expect(await wholeList(list(`articles all, ${order}`)), order).toEqual(slugs);
        }
      });

      it('articles: headlines folded (accents, case), numbers by value, ties by slug in either direction', async () => {
        for (const [order, slugs] of Object.entries(EXPECTED_ORDERS.articles)) {
          if (!order.startsWith('HEADLINE')) continue;
          expect(await wholeList(list(`articles all, ${order}`)), order).toEqual(slugs);
        }
      });

      it('entities: names folded and numbered, counts then name then slug, undated events last both ways', async () => {
        for (const type of ENTITY_TYPES) {
          const plural = ENTITY_TYPE_INFO[type].plural as keyof typeof EXPECTED_ORDERS;
          const orders = (EXPECTED_ORDERS[plural] ?? {}) as Record<string, readonly string[]>;
          for (const [order, slugs] of Object.entries(orders)) {
            expect(await wholeList(list(`${plural}, ${order}`)), `${plural} ${order}`).toEqual(slugs);
          }
        }
      });

      it('an article’s entities by first mention (one offset: by slug); its mentions longest first at one offset', async () => {
        expect(await wholeList(list('organizations in a-day, FIRST_MENTION ASC'))).toEqual(
          EXPECTED_ORDERS.organizationsInDay,
        );
        const mentions = await wholeList(list('mentions in a-day'));
        expect(mentions.map((id) => id.split(':').slice(2).join(':'))).toEqual(EXPECTED_ORDERS.mentionsInDay);
      });

      it('an entity’s mentions newest article first (one minute: by slug); co-mentions strongest, then by name', async () => {
        const assembly = await wholeList(list('mentions of Event:assembly'));
        expect(assembly.map((id) => id.split(':')[0])).toEqual(EXPECTED_ORDERS.mentionsOfAssembly);
        const coMentions = await wholeList(list('co-mentions of Organization:o-unit-10'));
        expect(coMentions.map((id) => id.split('×')[0])).toEqual(EXPECTED_ORDERS.coMentionsOfUnit10);
      });
    });

    it('every list holds what the Dataset says, in the order of the contract’s positions, with those positions', async () => {
      expect(lists.length).toBeGreaterThan(100);
      for (const each of lists) {
        const [page] = await each.load([WHOLE]);
        expect(page, each.name).toBeDefined();
        expect(
          page?.items.map(({ item, position }) => ({ id: each.idOf(item), position })),
          each.name,
        ).toEqual(each.expected);
        expect(page?.totalCount, each.name).toBe(each.expected.length);
        expect([page?.hasBefore, page?.hasAfter], each.name).toEqual([false, false]);
      }
    });

    it('walks every list page by page, forward with after and backward with before, without gaps or repeats', async () => {
      for (const each of lists) {
        const ids = each.expected.map((entry) => entry.id);
        for (const size of [1, 2, 3]) {
          const forward: string[] = [];
          let after: Position | null = null;
          for (let pages = 0; pages <= ids.length; pages++) {
            const window: Window = { size, direction: 'FORWARD', after, count: true };
            const [page] = (await each.load([window])) as [Page<unknown>];
            expect(pageSays(each, page), `${each.name}, forward by ${size}`).toEqual(expectedPage(each, window));
            expect(page.totalCount, each.name).toBe(ids.length);
            forward.push(...page.items.map(({ item }) => each.idOf(item)));
            if (!page.hasAfter) break;
            after = page.items.at(-1)?.position ?? null;
          }
          expect(forward, `${each.name}, forward by ${size}`).toEqual(ids);

          const backward: string[] = [];
          let before: Position | null = null;
          for (let pages = 0; pages <= ids.length; pages++) {
            const window: Window = { size, direction: 'BACKWARD', before, count: true };
            const [page] = (await each.load([window])) as [Page<unknown>];
            expect(pageSays(each, page), `${each.name}, backward by ${size}`).toEqual(expectedPage(each, window));
            backward.unshift(...page.items.map(({ item }) => each.idOf(item)));
            if (!page.hasBefore) break;
            before = page.items[0]?.position ?? null;
          }
          expect(backward, `${each.name}, backward by ${size}`).toEqual(ids);
        }
      }
    });

    it('answers every window between two positions, empty pages included, as the contract defines it', async () => {
      for (const each of lists) {
        const positions = [null, ...each.expected.map((entry) => entry.position)];
        const windows: Window[] = [];
        for (const after of positions) {
          for (const before of positions) {
            for (const direction of ['FORWARD', 'BACKWARD'] as const) {
              for (const size of [0, 2]) windows.push({ size, direction, after, before, count: true });
            }
          }
        }
        // One batch call for all of them: pages come back in query order.
        const pages = await each.load(windows);
        expect(pages, each.name).toHaveLength(windows.length);
        windows.forEach((window, i) => {
          const page = pages[i] as Page<unknown>;
          expect(pageSays(each, page), `${each.name} ${JSON.stringify(window)}`).toEqual(expectedPage(each, window));
          expect(page.totalCount, each.name).toBe(each.expected.length);
        });
      }
    });

    it('finds a window from positions that no item has (a cursor from a filtered list, or from older data)', async () => {
      const byName = list('persons, NAME ASC');
      const between: Position[] = [
        ['d', 'zzz'],
        ['emile durand', 'durand-a0'],
        ['zz', ''],
        ['', ''],
      ];
      const windows = between.flatMap((position): Window[] => [
        { size: 3, direction: 'FORWARD', after: position },
        { size: 3, direction: 'BACKWARD', before: position },
      ]);
      const pages = await byName.load(windows);
      windows.forEach((window, i) => {
        expect(pageSays(byName, pages[i] as Page<unknown>), JSON.stringify(window)).toEqual(
          expectedPage(byName, window),
        );
      });
    });

    it('answers a batch in query order, an unknown key with an empty page, totalCount -1 or the count without count', async () => {
      const pages = await source.listMentionsOfEntity([
        { entity: 'Person:agent-9', window: { size: 1, direction: 'FORWARD', count: false } },
        { entity: 'Person:no-such-person', window: WHOLE },
        { entity: 'Organization:o-unit-100', window: { size: 5, direction: 'BACKWARD' } },
      ]);
      expect(pages.map((page) => page.items.map(({ item }) => item.article))).toEqual([
        ['a-new'],
        [],
        ['a-day', 'a-month', 'a-old'],
      ]);
      expect([-1, 3]).toContain(pages[0]?.totalCount);
      expect(pages[1]).toEqual({ items: [], totalCount: 0, hasBefore: false, hasAfter: false });
      expect(await source.listArticles([{ filter: { mentions: ['Person:nobody'] }, window: WHOLE }])).toEqual([
        { items: [], totalCount: 0, hasBefore: false, hasAfter: false },
      ]);
      expect((await source.listCoMentions([{ entity: 'Event:nothing', window: WHOLE }]))[0]?.totalCount).toBe(0);
    });

    describe('search', () => {
      it('pages by offset: every window is the same ranking’s slice, with the same totalCount', async () => {
        const all = await source.search('unit', null, { offset: 0, size: 100 });
        // 4 organizations by name, 6 articles by headline or body.
        expect(all.totalCount).toBe(10);
        expect(all.hits).toHaveLength(10);
        const ranking = all.hits.map((hit) => `${hit.type}:${hit.slug}`);
        for (const size of [1, 3, 4]) {
          const paged: string[] = [];
          for (let offset = 0; offset < ranking.length; offset += size) {
            const page = await source.search('unit', null, { offset, size });
            expect(page.totalCount).toBe(10);
            paged.push(...page.hits.map((hit) => `${hit.type}:${hit.slug}`));
          }
          expect(paged, `by ${size}`).toEqual(ranking);
        }
        expect((await source.search('unit', null, { offset: 10, size: 5 })).hits).toEqual([]);
        expect((await source.search('unit', null, { offset: 0, size: 0 })).totalCount).toBe(10);
      });

      it('ranks an exact name first, then names and headlines, then bodies; restricts to the types asked', async () => {
        const exact = await source.search('Unit 10', null, { offset: 0, size: 10 });
        expect(`${exact.hits[0]?.type}:${exact.hits[0]?.slug}`).toBe('Organization:o-unit-10');
        const all = (await source.search('unit', null, { offset: 0, size: 100 })).hits;
        const scores = all.map((hit) => hit.score);
        expect(scores).toEqual([...scores].sort((a, b) => b - a));
        const titled = new Set([
          'o-unit-9',
          'o-unit-9-command',
          'o-unit-10',
          'o-unit-100',
          'a-month',
          'a-year',
          'a-old',
        ]);
        const firstBodyOnly = all.findIndex((hit) => !titled.has(hit.slug));
        expect(
          all
            .slice(0, firstBodyOnly)
            .map((hit) => hit.slug)
            .sort(),
        ).toEqual([...titled].sort());
        const organizations = await source.search('unit', ['Organization'], { offset: 0, size: 100 });
        expect(organizations.totalCount).toBe(4);
        expect(organizations.hits.every((hit) => hit.type === 'Organization')).toBe(true);
      });

      it('finds across accents and case, and highlights where each hit matched, from the query alone', async () => {
        const { hits } = await source.search('EMILE', null, { offset: 0, size: 100 });
        expect(hits.map((hit) => `${hit.type}:${hit.slug}`).sort()).toEqual(
          ['Article:a-day', 'Article:a-old', 'Article:a-time-1', 'Person:durand-a', 'Person:durand-b'].sort(),
        );
        const highlights = await source.searchHighlights(hits.map((hit) => ({ query: 'EMILE', hit })));
        expect(highlights).toHaveLength(hits.length);
        hits.forEach((hit, i) => {
          const found = highlights[i] ?? [];
          expect(found.length, hit.slug).toBeGreaterThan(0);
          for (const highlight of found) {
            expect(foldText(highlight.text)).toBe('emile');
            const record =
              hit.type === 'Article'
                ? data.articles.find((a) => a.slug === hit.slug)
                : allEntities(data).find((e) => e.type === hit.type && e.slug === hit.slug);
            const field =
              highlight.field === 'HEADLINE'
                ? (record as { headline: string }).headline
                : highlight.field === 'BODY'
                  ? (record as { body: string }).body
                  : highlight.field === 'ALIAS'
                    ? (highlight.alias as string)
                    : (record as { name: string }).name;
            expect(field.slice(highlight.start, highlight.end)).toBe(highlight.text);
          }
        });
      });
    });

    it('ranks topEntities by articles, mentions, name (numbers by value), then key', async () => {
      const facts = corpusFacts(data);
      const top = await source.topEntities({ types: ENTITY_TYPES, limit: 100 });
      const expected = [...facts.counts]
        .map(([key, counts]) => {
          const entity = facts.entities.get(key) as EntityRecord;
          return { entity: { type: entity.type, slug: entity.slug }, ...counts };
        })
        .map((count) => ({
          count,
          position: topEntityPosition(count, facts.entities.get(entityKeyString(count.entity))?.name ?? ''),
        }))
        .sort((a, b) => comparePositions(a.position, b.position, TOP_ENTITIES.directions))
        .map(({ count }) => count);
      expect(top).toEqual(expected);
      expect(top.slice(0, 6).map((count) => count.entity.slug)).toEqual([
        'o-unit-9',
        'o-unit-9-command',
        'o-unit-10',
        'o-unit-100',
        'agent-9',
        'agent-10',
      ]);
    });
  });
}
