/**
 * The full-text index on its own (tokenizing, matching, ranking only the page asked for) and through
 * the API on a generated corpus large enough for ranking and paging to matter.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCorpus } from '../scripts/generate-corpus.js';
import { highlightWords, SearchIndex, topByScore } from '../src/data/memory/search-index.js';
import { forEachTerm, queryTerms } from '../src/data/memory/text-index.js';
import type { ArticleRecord, EntityRecord } from '../src/data/records.js';
import { createTestApi, DATA_DIR } from './helpers.js';

const execFileAsync = promisify(execFile);

const terms = (text: string) => {
  const found: string[] = [];
  forEachTerm(text, (term) => found.push(term));
  return found;
};

const article = (slug: string, headline: string, body: string): ArticleRecord =>
  ({ slug, headline, body, publishedAt: '2024-01-01' }) as unknown as ArticleRecord;
const person = (slug: string, name: string, aliases: string[] = []): EntityRecord =>
  ({ type: 'Person', slug, name, aliases }) as unknown as EntityRecord;

describe('words', () => {
  it('splits on spaces and punctuation, lower-cases and drops accents', () => {
    expect(terms('The U.S. and Iran’s Quds-Force, 2024!')).toEqual([
      'the',
      'u',
      's',
      'and',
      'iran',
      's',
      'quds',
      'force',
      '2024',
    ]);
    expect(terms('Majid AZÍZI met Trucíos in Perú')).toEqual(['majid', 'azizi', 'met', 'trucios', 'in', 'peru']);
    // Decomposed accents (a combining mark after the letter) fold the same as precomposed ones.
    expect(terms('Azi\u0301zi')).toEqual(['azizi']);
    expect(terms('Straße Ελλάδα 東京')).toEqual(['straße', 'ελλαδα', '東京']);
    // Letters outside the Basic Multilingual Plane stay words; emoji separate them.
    expect(terms('𝐀bc😀def')).toEqual(['𝐀bc'.normalize('NFD').toLowerCase(), 'def']);
    expect(terms(' \n\t—…')).toEqual([]);
  });

  it('gives the same words for a query as for the text it was written from', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), (text) => {
        expect(queryTerms(text)).toEqual([...new Set(terms(text))]);
      }),
    );
  });
});

describe('SearchIndex', () => {
  const entities = [person('majid-azizi', 'Majid Azizi', ['Azizi']), person('aziz-khan', 'Aziz Khan')];
  const articles = [
    article('a1', 'Plot in Peru', 'Majid Azizi was arrested in Lima. Peru said the plot failed.'),
    article('a2', 'Iran denies', 'Iran denies any plot. Azizi is a member of the Quds Force.'),
    article('a3', 'Weather', 'Rain in Lima, sun in Cusco. Peruvian officials said nothing of Azizi.'),
  ];
  const index = new SearchIndex(entities, articles);

  it('matches every word of the query, each as a prefix, and counts every hit', () => {
    expect(index.search('azizi', null, 10).totalCount).toBe(4);
    expect(index.search('aziz', null, 10).totalCount).toBe(5);
    expect(index.search('azizi lima', null, 10).hits.map((h) => h.slug)).toEqual(['a1', 'a3']);
    expect(index.search('azizi zanzibar', null, 10)).toEqual({ totalCount: 0, hits: [] });
    expect(index.search('...', null, 10)).toEqual({ totalCount: 0, hits: [] });
    expect(index.articleSlugs('peru')).toEqual(new Set(['a1', 'a3']));
    expect(index.articleSlugs('azizi quds')).toEqual(new Set(['a2']));
  });

  it('ranks exact names, then title matches, then bodies, and returns only `limit` hits', () => {
    const all = index.search('azizi', null, 10);
    expect(all.hits.map((h) => `${h.type}:${h.slug}`).slice(0, 1)).toEqual(['Person:majid-azizi']);
    const scores = all.hits.map((h) => h.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(all.hits.slice(1).every((h) => h.type === 'Article')).toBe(true);
    const two = index.search('azizi', null, 2);
    expect(two.totalCount).toBe(4);
    expect(two.hits).toEqual(all.hits.slice(0, 2));
    expect(index.search('azizi', ['Article'], 10).hits.map((h) => h.type)).toEqual(['Article', 'Article', 'Article']);
    expect(index.search('azizi', null, 0)).toEqual({ totalCount: 4, hits: [] });
  });

  it('leaves no trace of one search in the next', () => {
    const first = index.search('lima', null, 10);
    index.search('azizi lima quds', null, 10);
    index.search('a', ['Person'], 1);
    expect(index.search('lima', null, 10)).toEqual(first);
  });
});

describe('highlightWords', () => {
  it('gives whole words that begin with a term, with offsets into the original text, at most 5', () => {
    const text = 'In Perú, AZÍZI met Azi\u0301zi’s aide; azizis? Azizi. Azizi! Azizi';
    const found = highlightWords(text, ['azizi', 'per'], 'BODY');
    expect(found.map((h) => h.text)).toEqual(['Perú', 'AZÍZI', 'Azi\u0301zi', 'azizis', 'Azizi']);
    for (const h of found) expect(text.slice(h.start, h.end)).toBe(h.text);
    expect(highlightWords('Peruvian', ['peru'], 'NAME')).toEqual([
      { field: 'NAME', alias: null, text: 'Peruvian', start: 0, end: 8 },
    ]);
    expect(highlightWords('superuser', ['peru'], 'NAME')).toEqual([]);
  });
});

describe('topByScore', () => {
  it('equals a full sort by score, then by name, cut to the limit', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ name: fc.string({ maxLength: 3 }), score: fc.integer({ min: 0, max: 5 }) }), {
          maxLength: 60,
        }),
        fc.nat(70),
        (items, limit) => {
          const expected = [...items]
            .sort((a, b) => b.score - a.score || a.name.localeCompare(b.name))
            .slice(0, limit)
            .map((item) => [item.score, item.name]);
          const actual = topByScore(
            items,
            (item) => item.score,
            (item) => item.name,
            limit,
          ).map(({ item, score }) => [score, item.name]);
          expect(actual).toEqual(expected);
        },
      ),
    );
  });
});

describe('search over 400 generated articles, through the API', () => {
  let workspace: string;
  let api: Awaited<ReturnType<typeof createTestApi>>;
  let corpus: string;
  beforeAll(async () => {
    workspace = await mkdtemp(path.join(tmpdir(), 'newsgraph-search-'));
    const out = path.join(workspace, 'corpus');
    await generateCorpus({ articles: 400, seed: 7, out });
    corpus = out;
    api = await createTestApi(out);
  });
  afterAll(async () => {
    await rm(workspace, { recursive: true, force: true });
  });

  type Page = {
    search: {
      totalCount: number;
      edges: { cursor: string; score: number; node: { __typename: string; slug: string } }[];
      pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean };
    };
  };
  const page = (args: string) =>
    api.data<Page>(`{ search(query: "the", ${args}) {
      totalCount
      edges { cursor score node { __typename ... on Article { slug } ... on Person { slug } ... on Organization { slug } ... on Event { slug } } }
      pageInfo { hasNextPage hasPreviousPage }
    } }`);

  it('pages through a common word by cursors to exactly the ranking of one big page', async () => {
    const whole = (await page('first: 100')).search;
    expect(whole.totalCount).toBeGreaterThan(300);
    const ranking = whole.edges.map((e) => e.node.slug);
    const scores = whole.edges.map((e) => e.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));

    const walked: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 5; i++) {
      const { search }: Page = await page(`first: 20${after ? `, after: "${after}"` : ''}`);
      expect(search.totalCount).toBe(whole.totalCount);
      walked.push(...search.edges.map((e) => e.node.slug));
      after = search.edges.at(-1)?.cursor ?? null;
    }
    expect(walked).toEqual(ranking);
  });

  it('answers `last` and `before` from the end of the whole ranking', async () => {
    const whole = (await page('first: 100')).search;
    const tail = (await page('last: 3')).search;
    expect(tail.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: true });
    expect(tail.edges).toHaveLength(3);
    const before = (await page(`last: 5, before: "${whole.edges[50]?.cursor}"`)).search;
    expect(before.edges.map((e) => e.node.slug)).toEqual(whole.edges.slice(45, 50).map((e) => e.node.slug));
  });

  it('built in two halves, one in a worker thread, answers exactly as built in one piece', async () => {
    for (const directory of [DATA_DIR, corpus]) {
      const { stdout } = await execFileAsync(
        process.execPath,
        [
          '--import',
          'tsx',
          'tests/support/compare-index-builds.ts',
          directory,
          'azizi',
          'peru lima',
          'the',
          'quds force',
          'minister',
          'a',
        ],
        { cwd: path.resolve(import.meta.dirname, '..') },
      );
      const { same, hits } = JSON.parse(stdout) as { same: boolean; hits: number[] };
      expect(hits.some((count) => count > 0)).toBe(true);
      expect(same).toBe(true);
    }
  });
});
