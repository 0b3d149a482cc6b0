/**
 * The ordering rules of the data contract (src/data/contract.ts), written once: accent and case folding, numbers
 * in names by value, reduced-precision dates, undated last, ties; then the contract's backend-neutral suite
 * (tests/contract/data-contract.ts) run on the memory store, as a PostgreSQL backend runs it on its own.
 */
import { describe, expect, it } from 'vitest';
import {
  comparePositions,
  dateSortKey,
  entityOrderKey,
  entityOrderOf,
  foldText,
  MENTIONS_IN_ARTICLE,
  type Position,
  type SortDirection,
  textSortKey,
} from '../src/data/contract.js';
import { loadStore } from '../src/data/load-store.js';
import { MemoryStore } from '../src/data/memory/memory-store.js';
import { describeContract } from './contract/data-contract.js';

const sortedBy = (positions: Position[], directions: readonly SortDirection[]) =>
  [...positions].sort((a, b) => comparePositions(a, b, directions));

describe('foldText', () => {
  it('folds accents, case and compatibility forms, and collapses white space', () => {
    expect(foldText('  Émile\u00a0 ÇA\tva ')).toBe('emile ca va');
    expect(foldText('Ｕｎｉｔ ﬁve')).toBe('unit five'); // full-width letters, the fi ligature
    expect(foldText('Zoë')).toBe(foldText('ZOE'));
    expect(foldText('İstanbul')).toBe('istanbul'); // locale-independent lower case
  });
});

describe('textSortKey', () => {
  it('orders numbers in text by value, leading zeros aside', () => {
    const names = ['Unit 100', 'Unit 10', 'unit 9', 'Unit 009', 'Unit 9 Command', 'Unit'];
    const sorted = [...names].sort((a, b) => comparePositions([textSortKey(a)], [textSortKey(b)], ['ASC']));
    expect(sorted).toEqual(['Unit', 'unit 9', 'Unit 009', 'Unit 9 Command', 'Unit 10', 'Unit 100']);
    expect(textSortKey('Unit 009')).toBe(textSortKey('unit 9'));
  });

  it('makes names that differ only by accents or case equal, so the tie-break decides', () => {
    expect(textSortKey('Émile Durand')).toBe(textSortKey('EMILE  durand'));
    expect(textSortKey('Ägypten') < textSortKey('Zebra')).toBe(true);
  });
});

describe('dateSortKey and comparePositions', () => {
  it('sorts a shorter date before the fuller dates it contains, then by the text', () => {
    const dates = ['2024-11-15T05:14', '2025-01', '2024', '2024-11-15', '2024-11', '2024-11-01', '2023-12-31'];
    const sorted = sortedBy(
      dates.map((date) => [dateSortKey(date)]),
      ['ASC'],
    ).map(([date]) => date);
    expect(sorted).toEqual([
      '2023-12-31',
      '2024',
      '2024-11',
      '2024-11-01',
      '2024-11-15',
      '2024-11-15T05:14',
      '2025-01',
    ]);
    expect(dateSortKey(null)).toBeNull();
    expect(dateSortKey('')).toBeNull();
  });

  it('puts undated (null) last in either direction, then breaks ties by the next parts, ascending', () => {
    const positions: Position[] = [
      [null, 'meeting b', 'b'],
      ['2024', 'summit', 's'],
      [null, 'meeting a', 'a'],
      ['2025', 'gala', 'g'],
    ];
    const ascending = entityOrderKey({ field: 'START_DATE', direction: 'ASC' }).directions;
    const descending = entityOrderKey({ field: 'START_DATE', direction: 'DESC' }).directions;
    expect(sortedBy(positions, ascending).map((p) => p[2])).toEqual(['s', 'g', 'a', 'b']);
    expect(sortedBy(positions, descending).map((p) => p[2])).toEqual(['g', 's', 'a', 'b']);
  });

  it('compares numbers as numbers and each part in its own direction', () => {
    // Mentions in an article: by start, the longest first, then by entity key.
    const mentions: Position[] = [
      [14, 20, 'Organization:o-unit-9'],
      [10, 12, 'Person:b'],
      [14, 28, 'Organization:o-unit-9-command'],
      [9, 100, 'Person:a'],
    ];
    expect(sortedBy(mentions, MENTIONS_IN_ARTICLE.directions).map((p) => p[2])).toEqual([
      'Person:a',
      'Person:b',
      'Organization:o-unit-9-command',
      'Organization:o-unit-9',
    ]);
    expect(comparePositions([2, 'a'], [10, 'a'], ['ASC', 'ASC'])).toBeLessThan(0);
    expect(comparePositions(['x', 'a'], ['x', 'a'], ['DESC', 'ASC'])).toBe(0);
  });

  it('defaults an entity list to first mention within an article, else to name', () => {
    expect(entityOrderOf({ filter: { mentionedIn: 'a' } })).toEqual({ field: 'FIRST_MENTION', direction: 'ASC' });
    expect(entityOrderOf({ filter: {} })).toEqual({ field: 'NAME', direction: 'ASC' });
    expect(entityOrderOf({ filter: { mentionedIn: 'a' }, order: { field: 'NAME', direction: 'DESC' } })).toEqual({
      field: 'NAME',
      direction: 'DESC',
    });
  });
});

describeContract('memory store, loaded from the directory', ({ directory }) => loadStore(directory));
describeContract('memory store, built from the Dataset', ({ dataset }) => new MemoryStore(dataset));
