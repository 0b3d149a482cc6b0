/**
 * loadDataset reads each fixture file in windows: a file with a syntax error is still reported as
 * JSON.parse of its whole text reports it, naming the file, and a file of many windows loads to the
 * same records as one JSON.parse, with record problems naming file, record and field as before.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FixtureError, type FixtureProblem, loadDataset } from '../src/data/load-fixtures.js';
import { editedFixtures } from './helpers.js';

const directories: string[] = [];
afterAll(async () => {
  await Promise.all(directories.map((directory) => rm(directory, { recursive: true, force: true })));
});

async function fixtures(file: string, edit: (records: Record<string, unknown>[]) => unknown): Promise<string> {
  const directory = await editedFixtures(file, edit);
  directories.push(directory);
  return directory;
}

async function problemsOf(directory: string): Promise<FixtureProblem[]> {
  const error = await loadDataset(directory).then(
    () => new Error('loadDataset accepted the bad fixtures'),
    (rejection: unknown) => rejection,
  );
  expect(error).toBeInstanceOf(FixtureError);
  return (error as FixtureError).problems;
}

function jsonParseMessage(text: string): string {
  try {
    JSON.parse(text);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the text is valid JSON');
}

/** `count` valid articles of about `bodyLength` characters each, with curly quotes (so not Latin-1). */
function paddingArticles(count: number, bodyLength: number): Record<string, unknown>[] {
  const sentence = 'Officials said the plan, “as written”, was the council’s [draft] {final} \\ version. ';
  return Array.from({ length: count }, (_, i) => ({
    slug: `padding-article-${i}`,
    headline: `Padding article ${i}`,
    publishedAt: `20${10 + (i % 15)}-0${1 + (i % 9)}-1${i % 10}`,
    publishedAtText: 'some day',
    source: `padding-${i}.txt`,
    body: sentence.repeat(Math.ceil(bodyLength / sentence.length)).trim(),
  }));
}

describe('a fixture file that is not a JSON array', () => {
  it.each([
    ['a trailing comma', (text: string) => text.replace(/\]\s*$/, ',]')],
    ['a missing comma between records', (text: string) => text.replace('},', '}')],
    ['a truncated file', (text: string) => text.slice(0, Math.floor(text.length / 2))],
    ['data after the array', (text: string) => `${text} []`],
    ['an unclosed string', (text: string) => text.slice(0, text.lastIndexOf('"'))],
    ['a raw line break in a string', (text: string) => text.replace('"slug": "', '"slug": "\n')],
    ['a byte order mark', (text: string) => `\ufeff${text}`],
    ['an empty file', () => ''],
  ])('with %s is reported, naming the file, as JSON.parse reports the whole text', async (_what, edit) => {
    const original = await readFile(path.join(import.meta.dirname, '../data/articles.json'), 'utf8');
    const text = edit(original);
    const problems = await problemsOf(await fixtures('articles.json', () => text));
    // No articles, so every entity is also reported as never mentioned; the file's own problem comes first.
    expect(problems[0]).toEqual({
      file: 'articles.json',
      record: null,
      field: null,
      message: `is not valid JSON: ${jsonParseMessage(text)}`,
    });
    expect(problems.filter((p) => p.file === 'articles.json')).toHaveLength(1);
  });

  it('that is valid JSON but not an array is reported as such', async () => {
    const problems = await problemsOf(await fixtures('persons.json', (records) => JSON.stringify({ records })));
    expect(problems).toContainEqual({
      file: 'persons.json',
      record: null,
      field: null,
      message: 'must be a JSON array of records',
    });
  });
});

describe('a fixture file larger than one window (16 MB)', () => {
  it('loads the records JSON.parse gives, reports problems by record, and versions every byte', async () => {
    const padding = paddingArticles(4200, 4500);
    const big = await fixtures('articles.json', (records) => JSON.stringify([...records, ...padding]));
    const text = await readFile(path.join(big, 'articles.json'), 'utf8');
    expect(Buffer.byteLength(text)).toBeGreaterThan(18 * 1024 * 1024);

    const data = await loadDataset(big);
    // (Compared as text: a failure would otherwise print megabytes.)
    expect(JSON.stringify(data.articles) === JSON.stringify(JSON.parse(text))).toBe(true);

    // A change near the end of the file changes the version.
    const lastRecord = padding.at(-1) as Record<string, string>;
    const lastSlug = lastRecord.slug;
    const lastSource = `"source":"${lastRecord.source}"`;
    expect(text.includes(lastSource)).toBe(true);
    await writeFile(path.join(big, 'articles.json'), text.replace(lastSource, `"source":"${lastSlug}.text"`));
    const changed = await loadDataset(big);
    expect(changed.version).not.toBe(data.version);

    // Bad records past the first window are reported by index and slug, as before.
    const last = padding.length + 1;
    await writeFile(
      path.join(big, 'articles.json'),
      text.replace(`"publishedAt":"${lastRecord.publishedAt}","publishedAtText":"some day",${lastSource}`, '"x":1'),
    );
    const problems = await problemsOf(big);
    expect(problems).toHaveLength(4);
    expect(problems).toEqual(
      expect.arrayContaining([
        {
          file: 'articles.json',
          record: `[${last}] (slug "${lastSlug}")`,
          field: 'x',
          message: 'is not a known field',
        },
        {
          file: 'articles.json',
          record: `[${last}] (slug "${lastSlug}")`,
          field: 'publishedAt',
          message: expect.stringMatching(/required/),
        },
        {
          file: 'articles.json',
          record: `[${last}] (slug "${lastSlug}")`,
          field: 'publishedAtText',
          message: expect.stringMatching(/required/),
        },
        {
          file: 'articles.json',
          record: `[${last}] (slug "${lastSlug}")`,
          field: 'source',
          message: expect.stringMatching(/required/),
        },
      ]),
    );
  }, 60_000);
});
