/**
 * A small corpus whose orders are easy to get wrong, written as a fixture directory (the nine files of
 * docs/data-format.md) so that any backend can load it as it loads real data: accents and case in names and
 * headlines ("Émile" and "emile" tie, then go by slug), numbers in them ("Unit 9" before "Unit 10" before
 * "Unit 100"), reduced-precision dates ("2024" before "2024-11" before "2024-11-01" before "2024-11-15"),
 * two articles of the same minute, undated events, equal counts, and two organizations first mentioned at
 * the same offset ("Unit 9" inside "Unit 9 Command").
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

function article(slug: string, headline: string, publishedAt: string, body: string) {
  return { slug, headline, publishedAt, publishedAtText: publishedAt, source: `${slug}.txt`, body };
}

function person(slug: string, name: string) {
  return { slug, name, aliases: [], description: null, nationalities: [] };
}

function organization(slug: string, name: string) {
  return { slug, name, aliases: [], description: null, kind: 'MILITARY', country: null };
}

function event(slug: string, name: string, startDate: string | null) {
  return { slug, name, aliases: [], description: null, kind: 'MEETING', startDate, endDate: null, location: null };
}

export const ORDERING_CORPUS = {
  'articles.json': [
    article('a-new', 'ägypten notes', '2025-01', 'Agent 9 met Zoë Adams at the Forum. Agent 9 left with Unit 10.'),
    article(
      'a-time-1',
      'emile speaks',
      '2024-11-15T05:14',
      'Émile Durand and Emile Durand spoke with Agent 10 before the Council and the Assembly.',
    ),
    article('a-time-2', 'Zoë and Zoe', '2024-11-15T05:14', 'Agent 9 and Ömer Ünal met Unit 9 Command at the Assembly.'),
    article('a-day', 'Émile speaks', '2024-11-15', 'zed lower saw Unit 9 Command, Unit 10 and Unit 100 at Meeting A.'),
    article(
      'a-month',
      'Unit 9 report',
      '2024-11',
      'Unit 100 reported to Agent 10 during Meeting B, the Summit 2024 and the Gala.',
    ),
    article('a-year', 'Unit 10 report', '2024', 'Zoë Adams wrote about Unit 10 and Unit 9 Command.'),
    article('a-old', 'Unit 009 report', '2023-12-31', 'Émile Durand remembered the Forum and Unit 100.'),
  ],
  'persons.json': [
    person('zoe-adams', 'Zoë Adams'),
    person('durand-b', 'Emile Durand'),
    person('durand-a', 'Émile Durand'),
    person('agent-10', 'Agent 10'),
    person('agent-9', 'Agent 9'),
    person('omer', 'Ömer Ünal'),
    person('lower-zed', 'zed lower'),
  ],
  'organizations.json': [
    organization('o-unit-100', 'Unit 100'),
    organization('o-unit-10', 'Unit 10'),
    organization('o-unit-9-command', 'Unit 9 Command'),
    organization('o-unit-9', 'Unit 9'),
  ],
  'events.json': [
    event('meeting-b', 'Meeting B', null),
    event('meeting-a', 'Meeting A', null),
    event('summit', 'Summit 2024', '2024'),
    event('council', 'Council', '2024-11'),
    event('gala', 'Gala', '2024-11-01'),
    event('assembly', 'Assembly', '2024-11-15'),
    event('forum', 'Forum', '2023'),
  ],
  'affiliations.json': [],
  'participations.json': [],
  'involvements.json': [],
  'organization-relations.json': [],
  'event-relations.json': [],
} as const;

/** The orders the rules give on this corpus, worked out by hand from contract.ts (slugs, or entity keys). */
export const EXPECTED_ORDERS = {
  articles: {
    'PUBLISHED_AT DESC': ['a-new', 'a-time-1', 'a-time-2', 'a-day', 'a-month', 'a-year', 'a-old'],
    'PUBLISHED_AT ASC': ['a-old', 'a-year', 'a-month', 'a-day', 'a-time-1', 'a-time-2', 'a-new'],
    'HEADLINE ASC': ['a-new', 'a-day', 'a-time-1', 'a-month', 'a-old', 'a-year', 'a-time-2'],
    'HEADLINE DESC': ['a-time-2', 'a-year', 'a-month', 'a-old', 'a-day', 'a-time-1', 'a-new'],
  },
  persons: {
    'NAME ASC': ['agent-9', 'agent-10', 'durand-a', 'durand-b', 'omer', 'lower-zed', 'zoe-adams'],
    'NAME DESC': ['zoe-adams', 'lower-zed', 'omer', 'durand-a', 'durand-b', 'agent-10', 'agent-9'],
    'ARTICLE_COUNT DESC': ['agent-9', 'agent-10', 'durand-a', 'zoe-adams', 'durand-b', 'omer', 'lower-zed'],
    'ARTICLE_COUNT ASC': ['durand-b', 'omer', 'lower-zed', 'agent-9', 'agent-10', 'durand-a', 'zoe-adams'],
    'MENTION_COUNT DESC': ['agent-9', 'agent-10', 'durand-a', 'zoe-adams', 'durand-b', 'omer', 'lower-zed'],
  },
  organizations: {
    'NAME ASC': ['o-unit-9', 'o-unit-9-command', 'o-unit-10', 'o-unit-100'],
    // Every organization is in three articles: the count ties, and the name decides.
    'ARTICLE_COUNT DESC': ['o-unit-9', 'o-unit-9-command', 'o-unit-10', 'o-unit-100'],
  },
  events: {
    'START_DATE ASC': ['forum', 'summit', 'council', 'gala', 'assembly', 'meeting-a', 'meeting-b'],
    // Undated last in either direction.
    'START_DATE DESC': ['assembly', 'gala', 'council', 'summit', 'forum', 'meeting-a', 'meeting-b'],
  },
  /** Organizations mentioned in a-day, by first mention: "Unit 9" and "Unit 9 Command" start together. */
  organizationsInDay: ['o-unit-9', 'o-unit-9-command', 'o-unit-10', 'o-unit-100'],
  /** a-day's mentions in reading order: at one start, the longest first. */
  mentionsInDay: [
    'Person:lower-zed',
    'Organization:o-unit-9-command',
    'Organization:o-unit-9',
    'Organization:o-unit-10',
    'Organization:o-unit-100',
    'Event:meeting-a',
  ],
  /** The Assembly's mentions, newest article first: two articles of the same minute go by slug. */
  mentionsOfAssembly: ['a-time-1', 'a-time-2'],
  /** Unit 10's co-mentions: most shared articles first, then by name (numbers by value), then by key. */
  coMentionsOfUnit10: [
    'Organization:o-unit-9',
    'Organization:o-unit-9-command',
    'Person:zoe-adams',
    'Person:agent-9',
    'Event:forum',
    'Event:meeting-a',
    'Organization:o-unit-100',
    'Person:lower-zed',
  ],
} as const;

/** Writes the corpus to a new temporary directory; `remove` deletes it. */
export async function writeOrderingCorpus(): Promise<{ directory: string; remove: () => Promise<void> }> {
  const directory = await mkdtemp(path.join(tmpdir(), 'newsgraph-ordering-'));
  for (const [file, records] of Object.entries(ORDERING_CORPUS)) {
    await writeFile(path.join(directory, file), JSON.stringify(records, null, 2));
  }
  return { directory, remove: () => rm(directory, { recursive: true, force: true }) };
}
