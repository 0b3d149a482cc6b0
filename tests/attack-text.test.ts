/**
 * Issue 9, defect 2: text filters and search cost seconds of CPU at almost no cost points. Sent over HTTP on
 * a generated corpus; the work is read from the request's RequestWork counters (the data source is wrapped
 * to catch the RequestWork each request passes it), never from the clock.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCorpus } from '../scripts/generate-corpus.js';
import type { NewsDataSource } from '../src/data/contract.js';
import { type Dataset, loadDataset } from '../src/data/load-fixtures.js';
import { MemoryStore } from '../src/data/memory/memory-store.js';
import { MAX_EXPANSION_POSTINGS, MAX_EXPANSIONS_PER_WORD, SearchIndex } from '../src/data/memory/search-index.js';
import { forEachTerm, MAX_QUERY_WORDS } from '../src/data/memory/text-index.js';
import type { ArticleRecord } from '../src/data/records.js';
import { DeadlineExceededError, RequestWork } from '../src/data/request-work.js';
import { TEXT_ARGUMENT_COST } from '../src/plugins/cost.js';
import type { NewsYoga } from '../src/yoga.js';
import { testApp } from './helpers.js';

const ARTICLES = 1_500;
/** One- and two-letter words, as in the attack (60 of them, all different). */
const SHORT_WORDS = Array.from({ length: 60 }, (_, i) =>
  i < 26 ? String.fromCharCode(97 + i) : String.fromCharCode(97 + (i % 26), 97 + ((i * 7) % 26)),
);

let workspace = '';
let dataset: Dataset;
let store: MemoryStore;
/** The RequestWork of every data-source call that took one, in order. */
const works: RequestWork[] = [];
let yoga: NewsYoga;

async function query(document: string) {
  works.length = 0;
  const response = await yoga.fetch('http://localhost/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query: document }),
  });
  const body = (await response.json()) as {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
    extensions?: { cost?: { requested: number } };
  };
  const work = works[0];
  expect(works.every((w) => w === work)).toBe(true); // one RequestWork per request
  return { status: response.status, ...body, counts: work?.counts };
}

/** The folded words of an article's headline and body. */
const wordsOf = (slug: string): string[] => {
  const article = dataset.articles.find((a) => a.slug === slug);
  const words: string[] = [];
  if (article) for (const text of [article.headline, article.body]) forEachTerm(text, (word) => words.push(word));
  return words;
};

beforeAll(async () => {
  workspace = await mkdtemp(path.join(tmpdir(), 'newsgraph-attack-text-'));
  await generateCorpus({ articles: ARTICLES, seed: 9, out: workspace });
  dataset = await loadDataset(workspace);
  store = new MemoryStore(dataset);
  // Passes every call through, noting the RequestWork of the calls that take one.
  const source = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const work = args.find((arg): arg is RequestWork => typeof arg === 'object' && arg !== null && 'counts' in arg);
        if (work) works.push(work);
        return value.apply(target, args);
      };
    },
  }) as NewsDataSource;
  ({ yoga } = testApp(source));
}, 30_000);

afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

describe('a text filter under 100 parents', () => {
  it('refuses the attack (60 one- and two-letter words) with BAD_USER_INPUT, before any scan', async () => {
    const text = SHORT_WORDS.join(' ');
    const result = await query(
      `{ persons(first: 100) { nodes { articles(first: 0, filter: { text: "${text}" }) { totalCount } } } }`,
    );
    expect(result.data).toBeNull();
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.message).toContain(`at most ${MAX_QUERY_WORDS} different words`);
    expect(result.counts?.textScans ?? 0).toBe(0);
  });

  it('scans the index once for the most words allowed, whole words only, and prices the filter per parent', async () => {
    const text = SHORT_WORDS.slice(0, MAX_QUERY_WORDS).join(' ');
    const result = await query(
      `{ persons(first: 100) { nodes { slug articles(first: 0, filter: { text: "${text}" }) { totalCount } } } }`,
    );
    expect(result.errors).toBeUndefined();
    const counts = result.counts as RequestWork['counts'];
    expect(counts.textScans).toBe(1); // not once per person
    expect(counts.termsExamined).toBe(0); // words under 3 letters are not prefixes
    expect(counts.termsScanned).toBeLessThanOrEqual(MAX_QUERY_WORDS);
    // At most one posting per word, field (headline, body) and article.
    expect(counts.postingsScanned).toBeLessThanOrEqual(MAX_QUERY_WORDS * 2 * ARTICLES);
    // the persons connection 2 + 100 × (a person 1 + its articles connection 2 + text), the text priced per parent.
    expect(result.extensions?.cost?.requested).toBe(2 + 100 * (1 + 2 + TEXT_ARGUMENT_COST));
  });

  it('answers each parent as its own list intersected with the matches, whole words for short words', async () => {
    type Data = {
      persons: {
        nodes: {
          slug: string;
          all: { totalCount: number; nodes: { slug: string }[] };
          matching: { totalCount: number; nodes: { slug: string }[] };
        }[];
      };
    };
    const result = await query(`{ persons(first: 10) { nodes {
      slug
      all: articles(first: 50) { totalCount nodes { slug } }
      matching: articles(first: 50, filter: { text: "of the" }) { totalCount nodes { slug } }
    } } }`);
    expect(result.errors).toBeUndefined();
    expect(result.counts?.textScans).toBe(1);
    let checked = 0;
    for (const person of (result.data as Data).persons.nodes) {
      if (person.all.totalCount > 50) continue; // its whole list is not in the page
      // "of" and "the" as whole words ("often" or "there" do not count), in the list's own order.
      const expected = person.all.nodes
        .map((node) => node.slug)
        .filter((slug) => ['of', 'the'].every((word) => wordsOf(slug).includes(word)));
      expect(
        person.matching.nodes.map((node) => node.slug),
        person.slug,
      ).toEqual(expected);
      expect(person.matching.totalCount).toBe(expected.length);
      if (expected.length > 0) checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(5);
  });
});

describe('prefix matching', () => {
  it('matches words that begin with a word of 3 or more letters, as before', async () => {
    // An invented surname: a handful of indexed words begin with its first letters.
    const surname = (dataset.persons[0]?.name ?? '').split(' ').at(-1) as string;
    const prefix = surname.slice(0, 4).toLowerCase();
    const result = await query(`{ articles(first: 0, filter: { text: "${prefix}" }) { totalCount } }`);
    const expected = dataset.articles
      .map((a) => a.slug)
      .filter((slug) => wordsOf(slug).some((w) => w.startsWith(prefix)));
    expect(expected.length).toBeGreaterThan(0);
    expect((result.data as { articles: { totalCount: number } }).articles.totalCount).toBe(expected.length);
  });

  it('expands a common beginning to at most the most frequent words, within the postings budget', async () => {
    const words = ['the', 'con', 'pre', 'sta', 'com', 'par', 'pro', 'res'];
    const result = await query(`{ search(query: "${words.join(' ')}", first: 5) { totalCount } }`);
    expect(result.errors).toBeUndefined();
    const counts = result.counts as RequestWork['counts'];
    expect(counts.textScans).toBe(1);
    expect(counts.termsExamined).toBeGreaterThan(words.length); // these beginnings have many words
    expect(counts.termsScanned).toBeLessThanOrEqual(words.length * (1 + MAX_EXPANSIONS_PER_WORD));
    // Whole words: one posting per word, field (names, headline, body) and document; then the prefix budget.
    const documents = ARTICLES + dataset.persons.length + dataset.organizations.length + dataset.events.length;
    expect(counts.postingsScanned).toBeLessThanOrEqual(words.length * 3 * documents + MAX_EXPANSION_POSTINGS);
  });

  it('refuses a search of more different words than allowed, and accepts repeats of the same words', async () => {
    const tooMany = await query(
      `{ search(query: "${SHORT_WORDS.slice(0, MAX_QUERY_WORDS + 1).join(' ')}") { totalCount } }`,
    );
    expect(tooMany.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(tooMany.counts?.textScans ?? 0).toBe(0);
    const repeated = await query(`{ search(query: "${'the Iran '.repeat(20).trim()}") { totalCount } }`);
    expect(repeated.errors).toBeUndefined();
    expect(repeated.counts?.termsScanned).toBeGreaterThan(0);
  });

  it('prices search and name filters like text filters', async () => {
    const plain = await query('{ search(query: "the", first: 1) { totalCount } }');
    const named = await query('{ persons(first: 1, filter: { nameContains: "a" }) { totalCount } }');
    const unnamed = await query('{ persons(first: 1) { totalCount } }');
    expect(plain.extensions?.cost?.requested).toBe(1 + TEXT_ARGUMENT_COST + 1);
    expect(named.extensions?.cost?.requested).toBe((unnamed.extensions?.cost?.requested ?? 0) + TEXT_ARGUMENT_COST);
  });
});

describe('the prefix caps, on an index with many words of one beginning', () => {
  // 300 articles, each with its own word beginning with "zq" ("zqa0", "zqa1", …), and one word in all of them.
  const articles = Array.from({ length: 300 }, (_, i) => ({
    slug: `a${i}`,
    headline: `Report ${i}`,
    body: `zqa${i} zqcommon text`,
    publishedAt: '2024-01-01',
  })) as unknown as ArticleRecord[];
  const index = new SearchIndex([], articles);

  it('scans at most the most frequent words that begin with the query word', () => {
    const work = new RequestWork();
    const slugs = index.articleSlugs('zqa', work);
    expect(work.counts.termsExamined).toBe(300);
    expect(work.counts.termsScanned).toBe(MAX_EXPANSIONS_PER_WORD);
    expect(slugs.size).toBe(MAX_EXPANSIONS_PER_WORD);
    // The most frequent word of that beginning is always among them.
    expect(index.articleSlugs('zqc', new RequestWork()).size).toBe(300);
  });

  it('matches whole words only under 3 letters', () => {
    const work = new RequestWork();
    expect(index.articleSlugs('zq', work).size).toBe(0);
    expect(work.counts.termsExamined).toBe(0);
  });

  it('stops a scan at the deadline and leaves the index answering correctly after', () => {
    const work = new RequestWork();
    work.expire();
    expect(() => index.articleSlugs('zqcommon text', work)).toThrow(DeadlineExceededError);
    expect(index.articleSlugs('zqcommon text', new RequestWork()).size).toBe(300);
    expect(index.search('zqcommon', null, 5).totalCount).toBe(300);
  });
});
