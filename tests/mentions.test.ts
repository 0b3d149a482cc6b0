/** findMentions on small synthetic bodies, and the offsets the loader computes on the real data. */
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../src/data/load-fixtures.js';
import { findMentions, MentionMatcher } from '../src/data/mentions.js';
import type { EventRecord, MentionRecord, OrganizationRecord, PersonRecord } from '../src/data/records.js';
import { DATA_DIR } from './helpers.js';

function person(slug: string, name: string, aliases: string[] = []): PersonRecord {
  return { type: 'Person', slug, name, aliases, description: null, nationalities: [], age: null, title: null };
}

function organization(slug: string, name: string, aliases: string[] = []): OrganizationRecord {
  return { type: 'Organization', slug, name, aliases, description: null, kind: 'OTHER', country: null };
}

function event(slug: string, name: string, aliases: string[] = []): EventRecord {
  return {
    type: 'Event',
    slug,
    name,
    aliases,
    description: null,
    kind: 'OTHER',
    startDate: null,
    endDate: null,
    location: null,
  };
}

/** The mentions as [text, start, end] triples, checking each against the body on the way. */
function spans(body: string, mentions: MentionRecord[]): [string, number, number][] {
  for (const m of mentions) expect(body.slice(m.start, m.end)).toBe(m.text);
  return mentions.map((m) => [m.text, m.start, m.end]);
}

const azizi = person('majid-azizi', 'Majid Azizi', ['Azizi']);
const iran = organization('iran', 'Iran', ['Tehran']);

describe('findMentions', () => {
  it('takes the longest of one entity’s names: "Majid Azizi" is one mention, not also "Azizi"', () => {
    const body = 'Police arrested Majid Azizi on Friday. Azizi denies it.';
    expect(findMentions('a', body, [azizi])).toEqual([
      { article: 'a', entity: { type: 'Person', slug: 'majid-azizi' }, text: 'Majid Azizi', start: 16, end: 27 },
      { article: 'a', entity: { type: 'Person', slug: 'majid-azizi' }, text: 'Azizi', start: 39, end: 44 },
    ]);
  });

  it('prefers the longest name whatever the order of name and aliases', () => {
    const body = 'Police arrested Majid Azizi on Friday. Azizi denies it.';
    const reversed = person('majid-azizi', 'Azizi', ['Majid Azizi']);
    expect(spans(body, findMentions('a', body, [reversed]))).toEqual([
      ['Majid Azizi', 16, 27],
      ['Azizi', 39, 44],
    ]);
  });

  it('matches whole words only: not "Iran" in "Iranian", but "Iran" before a curly or straight apostrophe', () => {
    const body = "Iranian officials said Iran’s plan, and Iran's allies, are IranAir-free; 2Iran, Iran2, Iran.";
    expect(spans(body, findMentions('a', body, [iran]))).toEqual([
      ['Iran', 23, 27],
      ['Iran', 40, 44],
      ['Iran', 87, 91],
    ]);
  });

  it('treats accented letters as part of a word', () => {
    const body = 'Perú is not Peru, nor is Perué; but (Peru) is.';
    const peru = organization('peru', 'Peru');
    expect(spans(body, findMentions('a', body, [peru]))).toEqual([
      ['Peru', 12, 16],
      ['Peru', 37, 41],
    ]);
  });

  it('is case-sensitive', () => {
    const body = 'apec, Apec and APEC; also tehran and TEHRAN and Tehran.';
    const apec = organization('apec', 'Asia-Pacific Economic Cooperation', ['APEC']);
    expect(spans(body, findMentions('a', body, [apec, iran]))).toEqual([
      ['APEC', 15, 19],
      ['Tehran', 48, 54],
    ]);
  });

  it('lets mentions of different entities nest: "APEC" inside "APEC meeting"', () => {
    const body = 'Ahead of the APEC meeting in November, APEC members met.';
    const apec = organization('apec', 'Asia-Pacific Economic Cooperation', ['APEC']);
    const meeting = event('apec-meeting-2024', 'APEC meeting in Peru', ['APEC meeting']);
    expect(findMentions('a', body, [apec, meeting])).toEqual([
      { article: 'a', entity: { type: 'Event', slug: 'apec-meeting-2024' }, text: 'APEC meeting', start: 13, end: 25 },
      { article: 'a', entity: { type: 'Organization', slug: 'apec' }, text: 'APEC', start: 13, end: 17 },
      { article: 'a', entity: { type: 'Organization', slug: 'apec' }, text: 'APEC', start: 39, end: 43 },
    ]);
  });

  it('returns mentions sorted by start with offsets into the body, in UTF-16 code units', () => {
    const body = '🇮🇷 Tehran: “Majid Azizi’s arrest” in Peru, said Iran; Azizi was held.';
    const arrest = event('arrest-of-majid-azizi', 'Arrest of Majid Azizi', ['Majid Azizi’s arrest']);
    const peru = organization('peru', 'Peru');
    const mentions = findMentions('b', body, [peru, iran, arrest, azizi]);
    expect(mentions.every((m) => m.article === 'b')).toBe(true);
    expect(spans(body, mentions)).toEqual([
      ['Tehran', 5, 11],
      ['Majid Azizi’s arrest', 14, 34],
      ['Majid Azizi', 14, 25],
      ['Peru', 39, 43],
      ['Iran', 50, 54],
      ['Azizi', 56, 61],
    ]);
    const starts = mentions.map((m) => m.start);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
  });

  it('finds nothing when no name occurs', () => {
    expect(findMentions('a', 'Nothing to see here.', [azizi, iran])).toEqual([]);
  });
});

describe('mentions and evidence offsets in the real data', () => {
  it('every mention’s text is body.slice(start, end), whole-word, sorted by start', async () => {
    const data = await loadDataset(DATA_DIR);
    const bodies = new Map(data.articles.map((a) => [a.slug, a.body]));
    expect(data.mentions.length).toBeGreaterThan(50);
    for (const mention of data.mentions) {
      const body = bodies.get(mention.article);
      expect(body, mention.article).toBeDefined();
      expect(body?.slice(mention.start, mention.end)).toBe(mention.text);
      expect(body?.slice(mention.start - 1, mention.start) ?? '').not.toMatch(/[\p{L}\p{N}]/u);
      expect(body?.slice(mention.end, mention.end + 1) ?? '').not.toMatch(/[\p{L}\p{N}]/u);
    }
    for (const article of data.articles) {
      const starts = data.mentions.filter((m) => m.article === article.slug).map((m) => m.start);
      expect(starts.length).toBeGreaterThan(0);
      expect(starts).toEqual([...starts].sort((a, b) => a - b));
    }
  });

  it('mentions Majid Azizi by his full name without an overlapping "Azizi" mention', async () => {
    const data = await loadDataset(DATA_DIR);
    const azizis = data.mentions.filter((m) => m.entity.type === 'Person' && m.entity.slug === 'majid-azizi');
    const full = azizis.filter((m) => m.text === 'Majid Azizi');
    expect(full.map((m) => m.article).sort()).toEqual([
      'foiling-lima-terror-plot-arrest-of-majid-azizi',
      'irans-alleged-terror-plot-in-peru',
      'irans-alleged-terror-plot-in-peru',
    ]);
    for (const a of azizis) {
      for (const b of azizis) {
        if (a !== b && a.article === b.article) expect(a.start >= b.end || b.start >= a.end).toBe(true);
      }
    }
    const irans = data.mentions.filter((m) => m.entity.type === 'Organization' && m.entity.slug === 'iran');
    expect(irans.every((m) => m.text === 'Iran' || m.text === 'Tehran')).toBe(true);
  });

  it('every evidence quote is body.slice(start, end)', async () => {
    const data = await loadDataset(DATA_DIR);
    const bodies = new Map(data.articles.map((a) => [a.slug, a.body]));
    const evidence = [
      ...data.affiliations,
      ...data.participations,
      ...data.involvements,
      ...data.organizationRelations,
      ...data.eventRelations,
    ].flatMap((r) => r.evidence);
    expect(evidence.length).toBeGreaterThan(40);
    for (const quote of evidence) {
      expect(quote.end - quote.start).toBe(quote.quote.length);
      expect(bodies.get(quote.article)?.slice(quote.start, quote.end)).toBe(quote.quote);
    }
  });
});

describe('MentionMatcher', () => {
  it('finds a name at the very start of a body, after matching other bodies', () => {
    const peru = {
      type: 'Organization' as const,
      slug: 'peru',
      name: 'Peru',
      aliases: ['Peruvian officials'],
      description: null,
      kind: 'GOVERNMENT' as const,
      country: 'PE',
    };
    const matcher = new MentionMatcher([peru]);
    expect(matcher.find('a', 'In Peru, Peruvian officials said.').map((m) => m.start)).toEqual([3, 9]);
    expect(matcher.find('b', 'Peruvian officials said so.').map((m) => [m.start, m.text])).toEqual([
      [0, 'Peruvian officials'],
    ]);
  });
});
