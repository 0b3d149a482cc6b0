/**
 * data-schemas/ publishes the fixture format as JSON Schema, printed from the zod schemas the loader uses: it
 * must match the code, describe every field, accept the repository's own data, and accept exactly the records
 * zod accepts, so a user's JSON Schema validator and the loader never disagree about one record.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  DATA_FORMAT_DOC,
  DATA_SCHEMA_DIRECTORY,
  dataFormatReference,
  dataSchema,
  dataSchemaFileName,
  FIXTURE_FILE_NAMES,
  printedDataSchemas,
  REFERENCE_BEGIN,
  REFERENCE_END,
} from '../scripts/print-data-schemas.js';
import { FIXTURE_FILES, type FixtureFileName } from '../src/data/fixture-schemas.js';

const DATA = path.resolve(import.meta.dirname, '../data');
const ajv = new Ajv2020({ allErrors: true, strict: true });
const fileValidators = new Map<FixtureFileName, ValidateFunction>(
  FIXTURE_FILE_NAMES.map((file) => [file, ajv.compile(dataSchema(file))]),
);
const validatorOf = (file: FixtureFileName) => fileValidators.get(file) as ValidateFunction;
const realRecords = (file: FixtureFileName): Record<string, unknown>[] =>
  JSON.parse(readFileSync(path.join(DATA, file), 'utf8'));

/** One field's zod schema and the JSON Schema validator of the same field, printed from it. */
function fieldPair(file: FixtureFileName, field: string): { zod: z.ZodType; accepts: (value: unknown) => boolean } {
  const record = FIXTURE_FILES[file];
  const zod = ((record as z.ZodObject).shape as Record<string, z.ZodType>)[field] as z.ZodType;
  const properties = (dataSchema(file).items as { properties: Record<string, object> }).properties;
  const validate = ajv.compile(properties[field] as object);
  return { zod, accepts: (value) => validate(value) as boolean };
}

/** The values among `values` on which zod and the JSON Schema disagree (none, when they agree). */
function disagreements(file: FixtureFileName, field: string, values: unknown[]): unknown[] {
  const { zod, accepts } = fieldPair(file, field);
  return values.filter((value) => zod.safeParse(value).success !== accepts(value));
}

const pad = (n: number, width: number) => String(n).padStart(width, '0');
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('data-schemas/', () => {
  it('is exactly what the code prints (run `npm run schema:data` after changing src/data/fixture-schemas.ts)', () => {
    const printed = printedDataSchemas();
    expect(readdirSync(DATA_SCHEMA_DIRECTORY).sort()).toEqual([...printed.keys()].sort());
    for (const [name, text] of printed) {
      expect(readFileSync(path.join(DATA_SCHEMA_DIRECTORY, name), 'utf8'), name).toBe(text);
    }
  });

  it('has one schema per fixture file the loader reads', () => {
    expect([...printedDataSchemas().keys()].sort()).toEqual(
      (Object.keys(FIXTURE_FILES) as FixtureFileName[]).map(dataSchemaFileName).sort(),
    );
  });

  it('describes every file, record and field, and says what the loader checks beyond it', () => {
    const missing: string[] = [];
    const walk = (node: Record<string, unknown>, where: string) => {
      const properties = (node.properties ?? {}) as Record<string, Record<string, unknown>>;
      for (const [field, property] of Object.entries(properties)) {
        if (typeof property.description !== 'string' || !property.description.trim()) missing.push(`${where}.${field}`);
        const items = property.items as Record<string, unknown> | undefined;
        if (items?.type === 'object') walk(items, `${where}.${field}[]`);
      }
    };
    for (const file of FIXTURE_FILE_NAMES) {
      const schema = dataSchema(file);
      const record = schema.items as Record<string, unknown>;
      expect(schema.title).toBe(file);
      expect(schema.description).toContain('checked by the loader');
      if (typeof record.description !== 'string' || !record.description.trim()) missing.push(`${file} record`);
      walk(record, file);
    }
    expect(missing).toEqual([]);
  });

  it('accepts every file in data/', () => {
    for (const file of FIXTURE_FILE_NAMES) {
      const validate = validatorOf(file);
      const valid = validate(realRecords(file));
      expect(valid ? null : ajv.errorsText(validate.errors), file).toBeNull();
    }
  });

  it('refuses what the loader refuses in one record: a missing, unknown or mistyped field, a bad kind', () => {
    const person = realRecords('persons.json')[0] as Record<string, unknown>;
    const { aliases: _, ...withoutAliases } = person;
    const validate = validatorOf('persons.json');
    expect(validate([withoutAliases])).toBe(false);
    expect(validate([{ ...person, nationality: 'IR' }])).toBe(false);
    expect(validate([{ ...person, nationalities: 'IR' }])).toBe(false);
    expect(validate([{ ...person, nationalities: ['UK'] }])).toBe(false);
    expect(validate([{ ...person, name: ' \t ' }])).toBe(false);
    expect(validate(person)).toBe(false);
    const organization = realRecords('organizations.json')[0] as Record<string, unknown>;
    expect(validatorOf('organizations.json')([{ ...organization, kind: 'COMPANY' }])).toBe(false);
    const affiliation = realRecords('affiliations.json')[0] as Record<string, unknown>;
    expect(validatorOf('affiliations.json')([{ ...affiliation, evidence: [] }])).toBe(false);
    expect(validatorOf('affiliations.json')([])).toBe(true);
  });
});

describe('the JSON Schemas accept exactly what zod accepts', () => {
  const years = [0, 1, 4, 99, 100, 400, 1600, 1900, 2000, 2023, 2024, 2100, 9996, 9999];
  const days = years.flatMap((year) =>
    range(0, 13).flatMap((month) => range(0, 32).map((day) => `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`)),
  );
  const months = years.flatMap((year) => range(0, 13).map((month) => `${pad(year, 4)}-${pad(month, 2)}`));
  const yearsOnly = [...years.map((year) => pad(year, 4)), '24', '02024', '+2024', '-0001', '２０２４'];
  const malformed = ['', ' 2024', '2024 ', '2024-1', '2024-01-1', '2024/01/01', '2024-01-01Z', '20240101', null, 2024];

  it('on dates: every day of 14 years, leap years and 0000 included, at every precision', () => {
    const values = [...yearsOnly, ...months, ...days, ...malformed];
    expect(disagreements('events.json', 'startDate', values)).toEqual([]);
    expect(disagreements('articles.json', 'publishedAt', values)).toEqual([]);
  });

  it('on publication times: every hour and minute, and their near misses', () => {
    const times = range(0, 25).flatMap((hour) => range(0, 61).map((minute) => `T${pad(hour, 2)}:${pad(minute, 2)}`));
    const values = ['2024-02-29', '2023-02-29', '2024-11', '2024'].flatMap((date) => times.map((time) => date + time));
    values.push('2024-07-13T23:03:00', '2024-07-13T2303', '2024-07-13T23:3', '2024-07-13 23:03', '2024-07-13T');
    expect(disagreements('articles.json', 'publishedAt', values)).toEqual([]);
  });

  it('on country codes: every pair of letters, either case', () => {
    const letters = range(65, 90).map((c) => String.fromCharCode(c));
    const pairs = letters.flatMap((a) => letters.map((b) => a + b));
    const values = [...pairs, ...pairs.map((pair) => pair.toLowerCase()), 'IRN', 'I', '', ' IR', null];
    expect(disagreements('organizations.json', 'country', values)).toEqual([]);
    expect(
      disagreements(
        'persons.json',
        'nationalities',
        values.map((value) => [value]),
      ),
    ).toEqual([]);
  });

  it('on text: every one-character string of the Basic Multilingual Plane, alone and around a letter', () => {
    const characters = range(0, 0xffff).map((c) => String.fromCharCode(c));
    const values = [...characters, ...characters.map((c) => `${c}a${c}`), '', 'a', 0, null];
    expect(disagreements('articles.json', 'headline', values)).toEqual([]);
  });

  it('on slugs and kinds', () => {
    const values = ['a', 'a-b', 'a--b', '-a', 'a-', 'A', 'a_b', 'é', '1-2-3', 'a b', ''];
    expect(disagreements('affiliations.json', 'person', values)).toEqual([]);
    const kinds = ['PLOT', 'ARREST', 'MEETING', 'OTHER', 'plot', 'PART_OF', 'GOVERNMENT', ''];
    expect(disagreements('events.json', 'kind', kinds)).toEqual([]);
    expect(disagreements('organizations.json', 'kind', kinds)).toEqual([]);
    expect(disagreements('organization-relations.json', 'kind', kinds)).toEqual([]);
  });

  it('on whole records of every file: the real ones, each changed at random', () => {
    const tricky = fc.oneof(
      fc.jsonValue(),
      fc.constantFrom('', ' ', '\u00a0', 'IR', 'UK', '2024-02-29', '2023-02-29', 'PLOT', 'PART_OF', 'a-b', 'A-B'),
      fc.array(fc.constantFrom('IR', 'UK', ' ', 'x', { article: 'a', quote: 'q' }, { article: 'a' })),
    );
    for (const file of FIXTURE_FILE_NAMES) {
      const records = realRecords(file);
      const keys = Object.keys(records[0] as object);
      const changed = fc
        .tuple(
          fc.constantFrom(...records),
          fc.constantFrom(...keys, 'unknownField'),
          fc.oneof(fc.constant('delete' as const), fc.constant('set' as const)),
          tricky,
        )
        .map(([record, key, change, value]) => {
          const copy: Record<string, unknown> = { ...record };
          if (change === 'delete') delete copy[key];
          else copy[key] = value;
          return copy;
        });
      const validate = validatorOf(file);
      fc.assert(
        fc.property(changed, (record) => {
          expect(validate([record]), JSON.stringify(record)).toBe(FIXTURE_FILES[file].safeParse(record).success);
        }),
        { numRuns: 300 },
      );
    }
  });
});

describe('docs/data-format.md', () => {
  it('has the field reference the code prints (run `npm run schema:data`)', () => {
    const doc = readFileSync(DATA_FORMAT_DOC, 'utf8');
    const begin = doc.indexOf(REFERENCE_BEGIN);
    const end = doc.indexOf(REFERENCE_END);
    expect(begin).toBeGreaterThan(-1);
    expect(doc.slice(begin, end + REFERENCE_END.length)).toBe(dataFormatReference());
  });
});
