/**
 * The synthetic corpus generator (scripts/generate-corpus.ts): the fixture loader accepts what it writes,
 * record counts grow with N, the same seed gives the same bytes, articles have news-like lengths and dates,
 * mentions are heavy-tailed, and the command line refuses bad arguments with its usage and exit code 2.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CORPUS_FILES,
  type CorpusSummary,
  generateCorpus,
  MAX_WORDS,
  MIN_WORDS,
  parseArguments,
  poolSizes,
} from '../scripts/generate-corpus.js';
import { type Dataset, FixtureError, formatProblem, loadDataset } from '../src/data/load-fixtures.js';

const ROOT = path.resolve(import.meta.dirname, '..');
/** English month names, as the generator writes dates ("March 3, 2024"). */
const MONTHS = Array.from({ length: 12 }, (_, month) =>
  new Date(Date.UTC(2000, month, 1)).toLocaleString('en-US', { month: 'long', timeZone: 'UTC' }),
);

let workspace = '';
beforeAll(async () => {
  workspace = await mkdtemp(path.join(tmpdir(), 'newsgraph-corpus-'));
});
afterAll(async () => {
  await rm(workspace, { recursive: true, force: true });
});

/** Generates into a fresh directory of the workspace. */
async function generate(articles: number, seed: number, name = `n${articles}-s${seed}`) {
  const out = path.join(workspace, name);
  const progress: number[] = [];
  const summary = await generateCorpus({
    articles,
    seed,
    out,
    onProgress: ({ articlesWritten }) => progress.push(articlesWritten),
  });
  return { out, summary, progress };
}

/** loadDataset, failing with every problem listed rather than just "FixtureError". */
async function load(directory: string): Promise<Dataset> {
  try {
    return await loadDataset(directory);
  } catch (error) {
    if (error instanceof FixtureError) {
      throw new Error(`loadDataset refused the corpus:\n${error.problems.map(formatProblem).join('\n')}`);
    }
    throw error;
  }
}

const readFiles = (directory: string) => Promise.all(CORPUS_FILES.map((file) => readFile(path.join(directory, file))));

const relationshipCount = (counts: CorpusSummary['counts']) =>
  counts['affiliations.json'] +
  counts['participations.json'] +
  counts['involvements.json'] +
  counts['organization-relations.json'] +
  counts['event-relations.json'];

describe('generateCorpus', () => {
  let corpus: { out: string; summary: CorpusSummary; progress: number[] };
  let data: Dataset;
  beforeAll(async () => {
    corpus = await generate(200, 7);
    data = await load(corpus.out);
  });

  it('writes the ten fixture files, which loadDataset accepts with no problems', () => {
    const { counts } = corpus.summary;
    expect(Object.keys(counts)).toEqual([...CORPUS_FILES]);
    expect(data.articles).toHaveLength(200);
    expect(data.persons).toHaveLength(counts['persons.json']);
    expect(data.organizations).toHaveLength(counts['organizations.json']);
    expect(data.events).toHaveLength(counts['events.json']);
    expect(data.affiliations).toHaveLength(counts['affiliations.json']);
    expect(data.participations).toHaveLength(counts['participations.json']);
    expect(data.involvements).toHaveLength(counts['involvements.json']);
    expect(data.organizationRelations).toHaveLength(counts['organization-relations.json']);
    expect(data.eventRelations).toHaveLength(counts['event-relations.json']);
    expect(data.claims).toHaveLength(counts['claims.json']);
    for (const file of CORPUS_FILES) expect(counts[file], file).toBeGreaterThan(0);
    expect(corpus.summary.droppedQuotes).toBe(0);
  });

  it('reports progress every tenth of the articles', () => {
    expect(corpus.progress).toEqual([20, 40, 60, 80, 100, 120, 140, 160, 180, 200]);
  });

  it('writes articles of 300-1,200 words in paragraphs, with consistent dates and unique slugs', () => {
    for (const article of data.articles) {
      const words = article.body.trim().split(/\s+/).length;
      expect(words, article.slug).toBeGreaterThanOrEqual(MIN_WORDS);
      expect(words, article.slug).toBeLessThanOrEqual(MAX_WORDS);
      const paragraphs = article.body.split('\n\n');
      expect(paragraphs.length).toBeGreaterThan(2);
      for (const paragraph of paragraphs) expect(paragraph).toMatch(/^\S[^\n]*\S$/);
      expect(article.source).toMatch(/^synthetic-\d{6}\.txt$/);

      const match = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2}))?$/.exec(article.publishedAt);
      expect(match, article.publishedAt).not.toBeNull();
      const [, year, month, day, hours, minutes] = match as RegExpExecArray;
      let text = `${MONTHS[Number(month) - 1]} ${Number(day)}, ${year}`;
      if (hours !== undefined) text += ` | ${Number(hours) % 12 || 12}:${minutes} ${Number(hours) < 12 ? 'am' : 'pm'}`;
      expect(article.publishedAtText).toBe(text);
    }
    expect(new Set(data.articles.map((a) => a.slug)).size).toBe(200);
    const years = new Set(data.articles.map((a) => a.publishedAt.slice(0, 4)));
    expect(years.size).toBeGreaterThanOrEqual(5);
    expect(data.articles.some((a) => a.publishedAt.includes('T'))).toBe(true);
    expect(data.articles.some((a) => !a.publishedAt.includes('T'))).toBe(true);
  });

  it('mentions every entity, a few of them in far more articles than the median one', () => {
    const articlesOf = new Map<string, Set<string>>();
    for (const mention of data.mentions) {
      const key = `${mention.entity.type}:${mention.entity.slug}`;
      const set = articlesOf.get(key) ?? new Set<string>();
      set.add(mention.article);
      articlesOf.set(key, set);
    }
    expect(articlesOf.size).toBe(data.persons.length + data.organizations.length + data.events.length);
    const counts = [...articlesOf.values()].map((set) => set.size).sort((a, b) => b - a);
    const top = counts[0] as number;
    const median = counts[Math.floor(counts.length / 2)] as number;
    expect(top).toBeGreaterThanOrEqual(0.25 * data.articles.length);
    expect(top).toBeGreaterThanOrEqual(8 * median);
    expect(counts.at(-1)).toBeGreaterThanOrEqual(1);
  });

  it('gives entities names and aliases that never contain one another as whole words', () => {
    const entities = [...data.persons, ...data.organizations, ...data.events];
    const texts = entities.flatMap((entity) => [entity.name, ...entity.aliases].map((text) => ({ entity, text })));
    const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    for (const inner of texts) {
      const pattern = new RegExp(`(?<![\\p{L}\\p{N}])${escapeRegExp(inner.text)}(?![\\p{L}\\p{N}])`, 'u');
      for (const outer of texts) {
        if (outer.entity === inner.entity) continue;
        expect(pattern.test(outer.text), `"${inner.text}" in "${outer.text}"`).toBe(false);
      }
    }
    expect(new Set(entities.map((e) => `${e.type}:${e.name}`)).size).toBe(entities.length);
    expect(data.persons.some((p) => p.aliases.length > 0)).toBe(true);
    expect(data.events.some((e) => e.startDate !== null && e.endDate !== null)).toBe(true);
  });

  it('quotes evidence from the bodies, sometimes from several articles for one relationship', () => {
    const bodies = new Map(data.articles.map((a) => [a.slug, a.body]));
    const relationships = [
      ...data.affiliations,
      ...data.participations,
      ...data.involvements,
      ...data.organizationRelations,
      ...data.eventRelations,
    ];
    let quotes = 0;
    for (const relationship of relationships) {
      for (const evidence of relationship.evidence) {
        expect(bodies.get(evidence.article)?.slice(evidence.start, evidence.end)).toBe(evidence.quote);
        quotes++;
      }
      const articles = relationship.evidence.map((e) => e.article);
      expect(new Set(articles).size).toBe(articles.length);
    }
    expect(quotes).toBe(corpus.summary.quotes);
    expect(relationships.some((r) => r.evidence.length > 1)).toBe(true);
    expect(data.organizationRelations.some((r) => r.kind === 'PART_OF')).toBe(true);
  });

  it('states every attribute value in an article, some single values disagreeing, the field the newest', () => {
    expect(data.claims).toHaveLength(corpus.summary.counts['claims.json']);
    const properties = new Set(data.claims.map((claim) => claim.property));
    expect([...properties].sort()).toEqual(
      ['AGE', 'COUNTRY', 'END_DATE', 'LOCATION', 'NATIONALITY', 'ROLE_DESCRIPTION', 'START_DATE', 'TITLE'].sort(),
    );
    const bodies = new Map(data.articles.map((a) => [a.slug, a.body]));
    for (const claim of data.claims) {
      for (const e of claim.evidence) expect(bodies.get(claim.article)?.slice(e.start, e.end)).toBe(e.quote);
    }
    // Disagreements: the older value superseded, the entity showing the newer (the loader accepted the corpus).
    const superseded = data.claims.filter((claim) => claim.superseded);
    expect(superseded.length).toBeGreaterThan(0);
    for (const old of superseded) {
      const newer = data.claims.find(
        (claim) =>
          claim.entity.slug === old.entity.slug &&
          claim.property === old.property &&
          !claim.superseded &&
          claim.value !== old.value,
      );
      expect(newer && newer.asOf >= old.asOf).toBe(true);
    }
    expect(data.persons.some((p) => p.age !== null) && data.persons.some((p) => p.title !== null)).toBe(true);
  });

  it('grows the record counts with N', async () => {
    const small = await generate(50, 3);
    const large = await generate(500, 3);
    await load(large.out);
    expect(small.summary.counts['articles.json']).toBe(50);
    expect(large.summary.counts['articles.json']).toBe(500);
    const sizes = poolSizes(500);
    expect(large.summary.counts['persons.json']).toBe(sizes.persons);
    expect(large.summary.counts['organizations.json']).toBe(sizes.organizations);
    expect(large.summary.counts['events.json']).toBe(sizes.events);
    for (const file of CORPUS_FILES) {
      expect(large.summary.counts[file], file).toBeGreaterThan(small.summary.counts[file]);
    }
    expect(relationshipCount(large.summary.counts)).toBeGreaterThanOrEqual(3 * relationshipCount(small.summary.counts));
    expect(poolSizes(100_000)).toEqual({ persons: 20_000, organizations: 5_000, events: 5_000 });
  });

  it('writes byte-identical files for the same N and seed, and different ones for another seed', async () => {
    const [again, other] = await Promise.all([generate(200, 7, 'again'), generate(200, 8, 'other')]);
    const [first, second, third] = await Promise.all([
      readFiles(corpus.out),
      readFiles(again.out),
      readFiles(other.out),
    ]);
    CORPUS_FILES.forEach((file, i) => {
      expect((first[i] as Buffer).equals(second[i] as Buffer), file).toBe(true);
    });
    expect((first[0] as Buffer).equals(third[0] as Buffer)).toBe(false);
    expect((first[1] as Buffer).equals(third[1] as Buffer)).toBe(false);
  });
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runGenerator(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/generate-corpus.ts', ...args], {
      cwd: ROOT,
      timeout: 20_000,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('generate-corpus command line', () => {
  const out = path.join(tmpdir(), 'newsgraph-corpus-never-written');
  const badArguments: [string[], RegExp][] = [
    [[], /--articles is required/],
    [['--out', out], /--articles is required/],
    [['--articles', '0', '--out', out], /--articles must be an integer from 1/],
    [['--articles', 'ten', '--out', out], /--articles must be an integer from 1/],
    [['--articles', '2.5', '--out', out], /--articles must be an integer from 1/],
    [['--articles', '1000001', '--out', out], /--articles must be an integer from 1/],
    [['--articles', '5', '--seed', '1.5', '--out', out], /--seed must be an integer/],
    [['--articles', '5', '--seed', 'abc', '--out', out], /--seed must be an integer/],
    [['--articles', '5', '--seed', '99999999999999999999', '--out', out], /--seed must be an integer/],
    [['--articles', '5'], /--out is required/],
    [['--articles', '5', '--out', out, '--colour'], /colour/],
    [['--articles', '5', '--out', out, 'extra'], /extra/],
    [['--articles', '5', '--out', 'data'], /must not be data\//],
  ];

  it.each(badArguments)('refuses %j', (args, message) => {
    expect(parseArguments(args)).toMatch(message);
  });

  it('accepts --articles, --seed (default 1) and --out', () => {
    expect(parseArguments(['--articles', '12', '--out', 'x'])).toEqual({
      articles: 12,
      seed: 1,
      out: path.resolve('x'),
    });
    expect(parseArguments(['--articles=3', '--seed=-4', '--out', '/tmp/y'])).toEqual({
      articles: 3,
      seed: -4,
      out: '/tmp/y',
    });
    expect(parseArguments(['--help'])).toBe('help');
  });

  it('exits 2 with its usage on bad arguments', async () => {
    const runs = await Promise.all([
      runGenerator([]),
      runGenerator(['--articles', '5', '--seed', '1.5', '--out', out]),
      runGenerator(['--articles', '5', '--out', out, '--colour']),
    ]);
    for (const run of runs) {
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/^generate-corpus: .+\n\nusage: npm run generate -- --articles N/);
      expect(run.stdout).toBe('');
    }
    await expect(readFile(path.join(out, 'articles.json'))).rejects.toThrow();
  });

  it('writes the same files as generateCorpus and prints a one-line summary', async () => {
    const out = path.join(workspace, 'cli');
    const [run, direct] = await Promise.all([
      runGenerator(['--articles', '30', '--seed', '11', '--out', out]),
      generate(30, 11, 'cli-direct'),
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^\S+cli: 30 articles, \d+ persons, .* quotes, \d+ claims; [\d.]+ MB in [\d.]+ s\n$/);
    const [viaCli, viaFunction] = await Promise.all([readFiles(out), readFiles(direct.out)]);
    CORPUS_FILES.forEach((file, i) => {
      expect((viaCli[i] as Buffer).equals(viaFunction[i] as Buffer), file).toBe(true);
    });
  });
});
