/**
 * The loader's fast checks only ever vouch for what zod accepts, and then give exactly zod's output
 * (fields in the schema's order, strings trimmed); they decline (INVALID) in every other case, and
 * zod then decides and words the problems.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FAST_FIXTURE_CHECKS, FIXTURE_FILES, type FixtureFileName, INVALID } from '../src/data/fixture-schemas.js';
import { DATA_DIR } from './helpers.js';

const FILES = Object.keys(FIXTURE_FILES) as FixtureFileName[];

/** Field values of every kind the schemas take, valid and not, including ones only trimming makes valid. */
const fieldValue = fc.oneof(
  fc.constantFrom(
    'majid-azizi',
    'Majid-Azizi',
    'a--b',
    '',
    ' ',
    ' padded ',
    '\u00a0nbsp\ufeff',
    'text',
    '2024',
    '2024-11',
    '2024-02-30',
    '2024-07-13',
    '2024-03-08T23:03',
    '2024-03-08T24:00',
    'IR',
    'UK',
    'ir',
    'GOVERNMENT',
    'PLOT',
    'PART_OF',
    'OTHER',
    'other',
  ),
  fc.constantFrom(null, 0, 1.5, true, false, undefined, {}, [], ['IR'], ['x', ' y '], [' '], [null]),
  fc.string({ maxLength: 6 }),
  fc.array(fc.record({ article: fc.constantFrom('a', 'A', ' a'), quote: fc.constantFrom('q', ' q ', '', 7) })),
);

/** Valid records of each file, from the curated data, to vary. */
const CURATED: Record<string, Record<string, unknown>[]> = {};
for (const file of FILES) CURATED[file] = JSON.parse(await readFile(path.join(DATA_DIR, file), 'utf8'));

/** A value varied: padded with white space (which zod trims), or replaced by another value. */
function vary(value: unknown) {
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant(value) },
    { weight: 1, arbitrary: fc.constant(typeof value === 'string' ? ` ${value}\n` : value) },
    {
      weight: 1,
      arbitrary: fc.constant(Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? `${v} ` : v)) : value),
    },
    { weight: 1, arbitrary: fieldValue },
  );
}

/** Curated records of `file` with some fields varied, and sometimes one missing, one extra, or reordered. */
function recordFor(file: FixtureFileName) {
  return fc.constantFrom(...(CURATED[file] as Record<string, unknown>[])).chain((base) =>
    fc
      .tuple(
        fc.tuple(...Object.values(base).map(vary)),
        fc.constantFrom('same', 'same', 'same', 'missing', 'extra', 'reversed', 'undefined'),
      )
      .map(([values, change]) => {
        let entries: [string, unknown][] = Object.keys(base).map((key, i) => [key, values[i]]);
        if (change === 'missing') entries = entries.slice(1);
        if (change === 'extra') entries.push(['extra', 'value']);
        if (change === 'reversed') entries.reverse();
        if (change === 'undefined') entries[0] = [entries[0]?.[0] as string, undefined];
        return Object.fromEntries(entries);
      }),
  );
}

function zodOutput(file: FixtureFileName, raw: unknown): string | null {
  const result = FIXTURE_FILES[file].safeParse(raw);
  return result.success ? JSON.stringify(result.data) : null;
}

describe('the fast checks of the fixture records', () => {
  it('check the same fields as the zod schemas', () => {
    expect(Object.keys(FAST_FIXTURE_CHECKS).sort()).toEqual([...FILES].sort());
  });

  it.each(FILES)('%s: vouch only for what zod accepts, with zod’s output', (file) => {
    let vouched = 0;
    let declined = 0;
    fc.assert(
      fc.property(recordFor(file), (raw) => {
        const copy = structuredClone(raw);
        const fast = FAST_FIXTURE_CHECKS[file](raw);
        expect(raw).toEqual(copy); // the input is left as it was
        if (fast === INVALID) {
          declined++;
          return;
        }
        vouched++;
        expect(JSON.stringify(fast)).toBe(zodOutput(file, raw));
      }),
      { numRuns: 2000 },
    );
    expect(vouched).toBeGreaterThan(100);
    expect(declined).toBeGreaterThan(100);
  });

  it.each(FILES)('%s: vouch for every record of the curated data', (file) => {
    for (const raw of CURATED[file] as unknown[]) {
      const fast = FAST_FIXTURE_CHECKS[file](raw);
      expect(fast).not.toBe(INVALID);
      expect(JSON.stringify(fast)).toBe(zodOutput(file, raw));
    }
  });

  it('trims as zod does, and leaves the record as it was', () => {
    const raw = {
      slug: 'majid-azizi',
      name: ' Majid Azizi\u00a0',
      aliases: ['Azizi ', 'M. Azizi'],
      description: null,
      nationalities: ['IR'],
      age: 56,
      title: null,
    };
    const fast = FAST_FIXTURE_CHECKS['persons.json'](raw);
    expect(fast).toEqual({ ...raw, name: 'Majid Azizi', aliases: ['Azizi', 'M. Azizi'] });
    expect(raw.name).toBe(' Majid Azizi\u00a0');
    expect(raw.aliases).toEqual(['Azizi ', 'M. Azizi']);
  });
});
