/**
 * docs/data-format.md tells a user how to bring their own corpus: its minimal example must be what the
 * validator accepts, and what it shows the validator printing must be what it prints, for the valid example
 * and for the broken one.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, describe, expect, it } from 'vitest';
import { dataSchema } from '../scripts/print-data-schemas.js';
import { FIXTURE_FILES, type FixtureFileName } from '../src/data/fixture-schemas.js';
import { FixtureError, type FixtureProblem, formatProblem, loadDataset } from '../src/data/load-fixtures.js';
import { COUNTRY_CODES } from '../src/data/vocabulary.js';

const ROOT = path.resolve(import.meta.dirname, '..');
const doc = readFileSync(path.join(ROOT, 'docs/data-format.md'), 'utf8');
const FILE_NAMES = Object.keys(FIXTURE_FILES) as FixtureFileName[];

/** The doc's fenced blocks, with the words after the language (```json articles.json). */
const blocks = [...doc.matchAll(/^```(\w+)([^\n]*)\n([\s\S]*?)\n```$/gm)].map(([, language, info, text]) => ({
  language,
  name: (info ?? '').trim(),
  text: text ?? '',
}));
/** The example's records, by file: the ```json blocks named after a fixture file. */
const exampleFiles = new Map(
  blocks.filter((block) => block.language === 'json').map((block) => [block.name, JSON.parse(block.text) as unknown[]]),
);
/** The files the shell snippet writes as `[]`. */
const emptyFiles = (() => {
  const snippet = blocks.find((block) => block.language === 'sh')?.text ?? '';
  const list = /for file in ([^;]+);/.exec(snippet)?.[1] ?? '';
  return list
    .trim()
    .split(/\s+/)
    .map((name) => `${name}.json`);
})();
/** The validator's output the doc shows, as patterns: `…` stands for any text. */
const shownOutputs = blocks
  .filter((block) => block.language === 'text')
  .map((block) => {
    const escaped = block.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replaceAll('…', '.+');
    return new RegExp(`^${escaped}$`);
  });

const temporary = mkdtempSync(path.join(tmpdir(), 'newsgraph-data-format-'));
afterAll(() => rmSync(temporary, { recursive: true, force: true }));

/** Writes the doc's example into a fresh `<name>/my-corpus`, with `change` applied to its records first. */
async function writeExample(name: string, change: (files: Map<string, unknown[]>) => void = () => {}) {
  const files = new Map<string, unknown[]>();
  for (const [file, records] of exampleFiles) files.set(file, structuredClone(records));
  for (const file of emptyFiles) files.set(file, []);
  change(files);
  const directory = path.join(temporary, name, 'my-corpus');
  await mkdir(directory, { recursive: true });
  for (const [file, records] of files) writeFileSync(path.join(directory, file), `${JSON.stringify(records)}\n`);
  return directory;
}

/** `npm run validate -- DIR`, as the doc says to run it (the script itself, without npm's banner). */
function validate(directory: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', 'scripts/validate-data.ts', directory],
      { cwd: ROOT, timeout: 20_000 },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

async function problemsOf(directory: string): Promise<FixtureProblem[]> {
  try {
    await loadDataset(directory);
  } catch (error) {
    if (error instanceof FixtureError) return error.problems;
    throw error;
  }
  return [];
}

describe('docs/data-format.md', () => {
  it('lists every fixture file, and its example writes each one: records in three, [] in the rest', () => {
    const tableFiles = [...doc.matchAll(/^\| `([a-z-]+\.json)` \|/gm)].map(([, file]) => file);
    expect(tableFiles.slice(0, FILE_NAMES.length)).toEqual(FILE_NAMES);
    expect([...exampleFiles.keys()]).toEqual(['articles.json', 'persons.json', 'claims.json']);
    expect([...exampleFiles.keys(), ...emptyFiles].sort()).toEqual([...FILE_NAMES].sort());
    expect(shownOutputs).toHaveLength(2);
  });

  it('has a minimal example the validator accepts, printing what the doc shows', async () => {
    const { code, stdout, stderr } = await validate(await writeExample('valid'));
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(shownOutputs[0] as RegExp);
  });

  it('has an example whose mentions are the two the doc describes, with offsets into the body', async () => {
    const data = await loadDataset(await writeExample('mentions'));
    const body = data.articles[0]?.body ?? '';
    expect(data.mentions.map(({ text, start, end }) => [text, body.slice(start, end)])).toEqual([
      ['Ana Lima', 'Ana Lima'],
      ['Lima', 'Lima'],
    ]);
    expect(data.mentions.map((mention) => mention.entity)).toEqual([
      { type: 'Person', slug: 'ana-lima' },
      { type: 'Person', slug: 'ana-lima' },
    ]);
  });

  it('has an example that the published JSON Schemas accept too', () => {
    const ajv = new Ajv2020({ strict: true });
    for (const file of FILE_NAMES) {
      const records = exampleFiles.get(file) ?? [];
      expect(ajv.validate(dataSchema(file), records), `${file}: ${ajv.errorsText()}`).toBe(true);
    }
  });

  it('shows truly how the validator refuses the example without aliases: file, record and field named', async () => {
    const directory = await writeExample('no-aliases', (files) => {
      const [person] = files.get('persons.json') as Record<string, unknown>[];
      delete person?.aliases;
    });
    const { code, stdout, stderr } = await validate(directory);
    expect(code).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim()).toMatch(shownOutputs[1] as RegExp);
  });

  it('says truly that every file is required, even empty', async () => {
    const directory = await writeExample('missing-file', (files) => files.delete('events.json'));
    const problems = await problemsOf(directory);
    expect(problems.map(formatProblem)).toEqual(['events.json: file is missing']);
    expect(doc).toContain('`events.json: file is missing`');
  });

  it('says truly that a misspelt field, a blank name, an unmentioned entity and a withdrawn country code are refused, by file, record and field', async () => {
    const directory = await writeExample('broken', (files) => {
      const [person] = files.get('persons.json') as Record<string, unknown>[];
      files.set('persons.json', [
        { ...person, nationality: ['PE'] },
        { ...person, slug: 'blank', name: '  ' },
        { ...person, slug: 'nobody', name: 'Nobody Here', aliases: [], title: null },
        { ...person, slug: 'withdrawn', nationalities: ['PE', 'UK'] },
      ]);
    });
    // Each record's own problems first, then those found across records.
    expect(await problemsOf(directory)).toEqual([
      { file: 'persons.json', record: '[0] (slug "ana-lima")', field: 'nationality', message: 'is not a known field' },
      { file: 'persons.json', record: '[1] (slug "blank")', field: 'name', message: 'must not be empty' },
      {
        file: 'persons.json',
        record: '[3] (slug "withdrawn")',
        field: 'nationalities.1',
        message: 'must be an ISO 3166-1 alpha-2 country code in capitals, like "IR"',
      },
      {
        file: 'persons.json',
        record: '[2] (slug "nobody")',
        field: 'name',
        message: 'neither the name nor any alias occurs in any article body: every entity must be mentioned',
      },
    ]);
    expect(COUNTRY_CODES).toHaveLength(249);
  });
});
