/**
 * MentionMatcher (hashed words, a regular expression to skip to possible first letters, names grouped
 * by continuation) against the plain algorithm it replaced, kept here as the reference: the same
 * mentions, in the same order, for bodies and names full of edge cases.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MentionMatcher } from '../src/data/mentions.js';
import { type EntityRecord, entityKeyString, type MentionRecord } from '../src/data/records.js';

/** The matcher as it was: every word of the body looked up in a map of first words. */
function referenceMentions(articleSlug: string, body: string, entities: readonly EntityRecord[]): MentionRecord[] {
  const WORD_CHARACTER = /[\p{L}\p{N}]/u;
  const WORDS = /[\p{L}\p{N}]+/gu;
  const FIRST_WORD = /[\p{L}\p{N}]+/u;
  const byFirstWord = new Map<string, { name: string; entity: EntityRecord; firstWordOffset: number }[]>();
  for (const entity of entities) {
    for (const name of new Set([entity.name, ...entity.aliases])) {
      const firstWord = FIRST_WORD.exec(name);
      if (!firstWord) continue;
      const list = byFirstWord.get(firstWord[0]) ?? [];
      list.push({ name, entity, firstWordOffset: firstWord.index });
      byFirstWord.set(firstWord[0], list);
    }
  }
  const isWholeWord = (start: number, end: number) => {
    const before = start > 0 ? body[start - 1] : undefined;
    const after = end < body.length ? body[end] : undefined;
    return !(before && WORD_CHARACTER.test(before)) && !(after && WORD_CHARACTER.test(after));
  };
  const found = new Map<string, MentionRecord[]>();
  for (const word of body.matchAll(WORDS)) {
    for (const { name, entity, firstWordOffset } of byFirstWord.get(word[0]) ?? []) {
      const start = word.index - firstWordOffset;
      const end = start + name.length;
      if (start < 0 || !body.startsWith(name, start) || !isWholeWord(start, end)) continue;
      const key = entityKeyString(entity);
      const list = found.get(key) ?? [];
      list.push({ article: articleSlug, entity: { type: entity.type, slug: entity.slug }, text: name, start, end });
      found.set(key, list);
    }
  }
  const mentions: MentionRecord[] = [];
  for (const matches of found.values()) {
    matches.sort((a, b) => b.end - b.start - (a.end - a.start) || a.start - b.start);
    const taken: MentionRecord[] = [];
    for (const m of matches) if (!taken.some((t) => m.start < t.end && m.end > t.start)) taken.push(m);
    mentions.push(...taken);
  }
  return mentions.sort(
    (a, b) => a.start - b.start || b.end - a.end || entityKeyString(a.entity).localeCompare(entityKeyString(b.entity)),
  );
}

const TYPES = ['Person', 'Organization', 'Event'] as const;

function entity(type: (typeof TYPES)[number], slug: string, name: string, aliases: string[]): EntityRecord {
  const base = { slug, name, aliases, description: null };
  if (type === 'Person') return { type, ...base, nationalities: [], age: null, title: null };
  if (type === 'Organization') return { type, ...base, kind: 'OTHER', country: null };
  return { type, ...base, kind: 'OTHER', startDate: null, endDate: null, location: null };
}

/** Entities whose names share first words ("A", "Ahmed"), so the matcher groups them by continuation. */
function entitiesFrom(pieces: readonly string[], fixedNames: readonly string[]) {
  const name = fc.oneof(
    fc.array(fc.constantFrom(...pieces), { minLength: 1, maxLength: 5 }).map((parts) => parts.join('')),
    fc.constantFrom(...fixedNames),
  );
  return fc.array(
    fc.record({
      type: fc.constantFrom(...TYPES),
      slug: fc.constantFrom('a', 'b', 'c', 'a-b', 'ab', 'd', 'e', 'f'),
      name,
      aliases: fc.array(name, { maxLength: 4 }),
    }),
    { maxLength: 14 },
  );
}

const PIECES = [
  'A',
  'A.',
  ' ',
  '. ',
  'Ahmed',
  'Al',
  'Ali',
  'Iran',
  'Iranian',
  'APEC',
  ' meeting',
  'B',
  'Bo',
  'b',
  '-',
  '’',
  "'",
  '(',
  ')',
  ',',
  '\n',
  'é',
  'e\u0301',
  '2',
  '²',
  'Ω',
  'ǅ',
  '𝐀', // an astral letter: a word character as a whole pair, not as its two halves
  '𝟘',
  '🇮🇷',
  '\uD835', // lone surrogates
  '\uDC00',
];
const NAMES = [
  'A',
  'A.',
  'A. B',
  'A. Bo',
  'A Bo',
  'Ahmed',
  'Ahmed Al',
  'Ahmed Ali',
  'Ahmed 𝐀li',
  'Ahmed Al.',
  '.A',
  '(Iran',
  'Iran',
  'Iran𝐀',
  '𝐀Iran',
  'APEC',
  'APEC meeting',
  'A-B',
  'A 2',
  'é',
];

describe('MentionMatcher', () => {
  it('finds exactly the mentions of the reference algorithm', () => {
    const body = fc.array(fc.constantFrom(...PIECES, ...NAMES), { maxLength: 40 }).map((parts) => parts.join(''));
    fc.assert(
      fc.property(entitiesFrom(PIECES, NAMES), fc.array(body, { minLength: 1, maxLength: 3 }), (records, bodies) => {
        const entities = records.map((r) => entity(r.type, r.slug, r.name, r.aliases));
        const matcher = new MentionMatcher(entities);
        for (const text of bodies) {
          expect(matcher.find('s', text)).toEqual(referenceMentions('s', text, entities));
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('tries only the names that can go on as the body does, among many with one first word', () => {
    const surnames = Array.from({ length: 60 }, (_, i) => `Surname${String.fromCharCode(97 + (i % 26))}${i}`);
    const entities = surnames.flatMap((surname, i) => [
      entity('Person', `ahmed-${i}`, `Ahmed ${surname}`, [`A. ${surname}`]),
      entity('Organization', `org-${i}`, `${surname} Group`, ['A', `A ${surname}`]),
    ]);
    const body = surnames
      .map((s, i) => (i % 3 === 0 ? `Ahmed ${s} met A. ${s}. A ${s}, a ${s} Group.` : `A. ${s}Ahmed ${s}x`))
      .join(' ');
    const mentions = new MentionMatcher(entities).find('s', body);
    expect(mentions.length).toBeGreaterThan(60);
    expect(mentions).toEqual(referenceMentions('s', body, entities));
  });

  it('shares one key object per entity among its mentions', () => {
    const iran = entity('Organization', 'iran', 'Iran', ['Tehran']);
    const mentions = new MentionMatcher([iran]).find('a', 'Iran and Tehran; Iran.');
    expect(mentions).toHaveLength(3);
    expect(new Set(mentions.map((m) => m.entity)).size).toBe(1);
    expect(mentions[0]?.entity).toEqual({ type: 'Organization', slug: 'iran' });
  });

  it('finds nothing without names, and nothing in an empty body', () => {
    expect(new MentionMatcher([]).find('a', 'Iran')).toEqual([]);
    expect(new MentionMatcher([entity('Organization', 'iran', 'Iran', [])]).find('a', '')).toEqual([]);
  });
});
