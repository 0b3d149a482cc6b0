/**
 * `npm run generate -- --articles N [--seed S] --out DIR`: writes a deterministic synthetic corpus in the
 * fixture format of data/ (all ten files), for load and scale tests. The same N and seed give
 * byte-identical files: every choice comes from seeded mulberry32 streams, never Math.random or the clock.
 * `loadDataset(DIR)` accepts the result with no problems.
 *
 * - Names never contain one another: person names are a given name and an invented surname, organizations
 *   and events each have their own invented root word ("Dovarin Liberation Front", "Kestrin Summit"), and
 *   invented words are unique across all kinds. Filler text contains no invented word, so the only names
 *   in a body are the ones written on purpose. Aliases are unique ("A. Dovalin", "DLF", "Kestrin summit").
 * - Mentions are heavy-tailed: each article draws its cast from Zipf-ranked pools (exponent 1.1), then
 *   every entity nobody drew is put into one article, since the validator refuses unmentioned entities.
 * - Relationships are planned before any text is written; each evidence quote is a sentence written into
 *   an article that already mentions one end (the other end joins its cast), checked to occur exactly once.
 * - Articles are generated and written one at a time in 1 MB chunks, so memory stays flat at any N.
 * - Claims (issue 14): every attribute value (nationalities, age, title, occupation, an organization's country, an
 *   event's dates and location) is stated by a sentence in 1-2 articles that mention the entity; about a quarter
 *   of the single-valued ones stated twice disagree (an age a few years off, another country or place, another
 *   title), and the entity's field is then the newest article's value, as the loader requires.
 */
import { closeSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { ClaimProperty } from '../src/data/claim-properties.js';
import { asOfDate } from '../src/data/claims.js';
import type { FixtureFileName, FixtureRecord } from '../src/data/fixture-schemas.js';
import type { EventKind, OrganizationKind } from '../src/data/vocabulary.js';

type ArticleFixture = FixtureRecord<'articles.json'>;
type PersonFixture = FixtureRecord<'persons.json'>;
type OrganizationFixture = FixtureRecord<'organizations.json'>;
type EventFixture = FixtureRecord<'events.json'>;
type RelationshipFile = Exclude<
  FixtureFileName,
  'articles.json' | 'persons.json' | 'organizations.json' | 'events.json' | 'claims.json'
>;

/** The files written, in the order of data/. */
export const CORPUS_FILES = [
  'articles.json',
  'persons.json',
  'organizations.json',
  'events.json',
  'affiliations.json',
  'participations.json',
  'involvements.json',
  'organization-relations.json',
  'event-relations.json',
  'claims.json',
] as const satisfies readonly FixtureFileName[];

export const MAX_ARTICLES = 1_000_000;
/** Exponent of the Zipf law the article casts are drawn from. */
export const ZIPF_EXPONENT = 1.1;
export const MIN_WORDS = 300;
export const MAX_WORDS = 1200;
/** An article holds at most this many entities (unless coverage needs more) and relationship quotes. */
const MAX_CAST = 14;
const MAX_QUOTES_PER_ARTICLE = 8;
/** An article states at most this many attribute values (claims), unless an entity finds no other host. */
const MAX_CLAIMS_PER_ARTICLE = 6;

export interface GenerateOptions {
  articles: number;
  seed: number;
  out: string;
  /** Called after every tenth of the articles is written. */
  onProgress?: (progress: { articlesWritten: number; articlesTotal: number }) => void;
}

export interface CorpusSummary {
  out: string;
  counts: Record<FixtureFileName, number>;
  bytes: Record<FixtureFileName, number>;
  totalBytes: number;
  /** Evidence quotes over all relationships. */
  quotes: number;
  /** Quotes left out because they were not exactly once in their article (by construction, none). */
  droppedQuotes: number;
  seconds: number;
}

/** Entity pools grow with N, with a floor so that small corpora still have a cast. */
export function poolSizes(articles: number): { persons: number; organizations: number; events: number } {
  return {
    persons: Math.max(Math.round(0.2 * articles), Math.min(20, 3 * articles)),
    organizations: Math.max(Math.round(0.05 * articles), Math.min(8, 2 * articles)),
    events: Math.max(Math.round(0.05 * articles), Math.min(8, 2 * articles)),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Randomness

/** mulberry32: a tiny, fast 32-bit generator; uniform floats in [0, 1). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a with murmur3's finalizer: seeds independent streams from the seed's decimal text. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

class Random {
  private readonly next: () => number;

  constructor(seed: number, stream: string) {
    this.next = mulberry32(hash32(`${seed}:${stream}`));
  }

  float(): number {
    return this.next();
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)] as T;
  }

  /** An index into `weights`, with probability proportional to its weight. */
  index(weights: readonly number[]): number {
    let u = this.next() * weights.reduce((sum, weight) => sum + weight, 0);
    for (let i = 0; i < weights.length; i++) {
      u -= weights[i] as number;
      if (u < 0) return i;
    }
    return weights.length - 1;
  }

  /** One of `weighted`'s keys, with probability proportional to its weight. */
  weighted<K extends string>(weighted: Readonly<Record<K, number>>): K {
    const keys = Object.keys(weighted) as K[];
    let u = this.next() * keys.reduce((sum, key) => sum + weighted[key], 0);
    for (const key of keys) {
      u -= weighted[key];
      if (u < 0) return key;
    }
    return keys[keys.length - 1] as K;
  }

  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      const item = items[i] as T;
      items[i] = items[j] as T;
      items[j] = item;
    }
    return items;
  }
}

/** Draws from 0..n-1 with P(k) ∝ 1/(rank(k)+1)^exponent; ranks are a seeded permutation of the indexes. */
function zipf(n: number, exponent: number, random: Random): (r: Random) => number {
  const cdf = new Float64Array(n);
  let total = 0;
  for (let k = 0; k < n; k++) {
    total += (k + 1) ** -exponent;
    cdf[k] = total;
  }
  const byRank = random.shuffle(Array.from({ length: n }, (_, i) => i));
  return (r) => {
    const u = r.float() * total;
    let low = 0;
    let high = n - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((cdf[mid] as number) > u) high = mid;
      else low = mid + 1;
    }
    return byRank[low] as number;
  };
}

// ---------------------------------------------------------------------------------------------------------
// Word lists. Given names, suffixes and filler are real words; surnames and roots are invented and unique.

const GIVEN_NAMES = (
  'Adrian Aida Alina Amara Anders Anika Anton Arjun Astrid Aziz Beatriz Bilal Bruno Camila Carmen Cyrus Dalia ' +
  'Dario Dmitri Elena Elif Emeka Enzo Esra Farid Farah Felipe Freya Gideon Greta Hamid Hana Hugo Idris Ilse ' +
  'Imran Ines Ivan Jonas Julien Kamala Karim Katya Kenji Laila Leandro Lena Lior Luca Magnus Malik Mariam ' +
  'Marek Matteo Mei Mirela Nadia Nasser Nikos Noor Olga Omar Oskar Paola Pavel Priya Rafael Rania Reza Rosa ' +
  'Ruben Sabine Samir Sanna Selim Sergei Soraya Stefan Talia Tariq Teodor Tomas Ulrike Valeria Vera Viktor ' +
  'Walid Yara Yusuf Zainab Zofia Ahmed Alessandro Bianca Chiara Eitan Fatima Goran Hiroshi Ingrid Joaquin ' +
  'Kofi Leila Milan Nora Orhan Petra Quentin Rashid Sofia Tobias Umar Vesna Ximena Yosef Zeynep'
).split(' ');

const ONSETS = 'b br ch d dr f g gr h k kr l m n p r s sh st t tr v z'.split(' ');
const VOWELS = 'a e i o u a e o ai ei ou ia'.split(' ');
const SURNAME_ENDINGS = 'nov lez rani vescu sson telli nski rides berg lian doglu vard mens vic nero mashi'.split(' ');
const ROOT_ENDINGS = 'ria var nova ren land dora mir resh mont lavia reth nis vell grad tine'.split(' ');

/** [code, name in a location, name in running text]; every code is on vocabulary.ts's allow-list. */
const COUNTRIES: readonly (readonly [string, string, string])[] = [
  ['AR', 'Argentina', 'Argentina'],
  ['AT', 'Austria', 'Austria'],
  ['AZ', 'Azerbaijan', 'Azerbaijan'],
  ['BE', 'Belgium', 'Belgium'],
  ['BR', 'Brazil', 'Brazil'],
  ['CA', 'Canada', 'Canada'],
  ['CL', 'Chile', 'Chile'],
  ['CO', 'Colombia', 'Colombia'],
  ['DE', 'Germany', 'Germany'],
  ['EG', 'Egypt', 'Egypt'],
  ['ES', 'Spain', 'Spain'],
  ['FR', 'France', 'France'],
  ['GB', 'United Kingdom', 'the United Kingdom'],
  ['GR', 'Greece', 'Greece'],
  ['ID', 'Indonesia', 'Indonesia'],
  ['IL', 'Israel', 'Israel'],
  ['IN', 'India', 'India'],
  ['IQ', 'Iraq', 'Iraq'],
  ['IR', 'Iran', 'Iran'],
  ['IT', 'Italy', 'Italy'],
  ['JP', 'Japan', 'Japan'],
  ['KE', 'Kenya', 'Kenya'],
  ['LB', 'Lebanon', 'Lebanon'],
  ['MA', 'Morocco', 'Morocco'],
  ['MX', 'Mexico', 'Mexico'],
  ['NG', 'Nigeria', 'Nigeria'],
  ['NL', 'Netherlands', 'the Netherlands'],
  ['PE', 'Peru', 'Peru'],
  ['PK', 'Pakistan', 'Pakistan'],
  ['PL', 'Poland', 'Poland'],
  ['PT', 'Portugal', 'Portugal'],
  ['SE', 'Sweden', 'Sweden'],
  ['SY', 'Syria', 'Syria'],
  ['TR', 'Türkiye', 'Türkiye'],
  ['UA', 'Ukraine', 'Ukraine'],
  ['US', 'United States', 'the United States'],
  ['VE', 'Venezuela', 'Venezuela'],
  ['ZA', 'South Africa', 'South Africa'],
];

const ORGANIZATION_KIND_WEIGHTS: Record<OrganizationKind, number> = {
  GOVERNMENT: 8,
  GOVERNMENT_AGENCY: 20,
  MILITARY: 12,
  ARMED_GROUP: 17,
  CELL: 8,
  INTERGOVERNMENTAL: 5,
  OTHER: 30,
};
const ORGANIZATION_SUFFIXES: Record<OrganizationKind, readonly string[]> = {
  GOVERNMENT: ['Government', 'Republic', 'Federation', 'Provincial Government'],
  GOVERNMENT_AGENCY: [
    'Interior Ministry',
    'Intelligence Service',
    'Customs Agency',
    'Security Directorate',
    'Prosecution Service',
    'Foreign Ministry',
  ],
  MILITARY: ['Army', 'Naval Command', 'Border Guard', 'Air Force', 'Special Forces Brigade', 'Republican Guard'],
  ARMED_GROUP: ['Liberation Front', 'Brigades', 'Militia', 'Resistance Movement', 'Defense Legion', 'Popular Front'],
  CELL: ['Cell', 'Network', 'Circle'],
  INTERGOVERNMENTAL: ['Cooperation Forum', 'Economic Union', 'Treaty Organization', 'Council of States'],
  OTHER: ['Foundation', 'Holdings', 'Institute', 'Trading Company', 'Press Agency', 'Bank'],
};
const ORGANIZATION_DESCRIPTIONS: Record<OrganizationKind, string> = {
  GOVERNMENT: 'National government',
  GOVERNMENT_AGENCY: 'Government agency',
  MILITARY: 'Military unit',
  ARMED_GROUP: 'Non-state armed group',
  CELL: 'Clandestine cell',
  INTERGOVERNMENTAL: 'Regional intergovernmental forum',
  OTHER: 'Private organization',
};
/** How often an organization of each kind has a country. */
const ORGANIZATION_COUNTRY_CHANCE: Record<OrganizationKind, number> = {
  GOVERNMENT: 1,
  GOVERNMENT_AGENCY: 1,
  MILITARY: 1,
  ARMED_GROUP: 0.75,
  CELL: 0.75,
  INTERGOVERNMENTAL: 0.1,
  OTHER: 0.75,
};
/** Where a PART_OF parent of each kind is looked for. */
const PARENT_KINDS: Record<OrganizationKind, readonly OrganizationKind[]> = {
  GOVERNMENT: [],
  GOVERNMENT_AGENCY: ['GOVERNMENT', 'GOVERNMENT_AGENCY'],
  MILITARY: ['GOVERNMENT', 'MILITARY'],
  ARMED_GROUP: ['ARMED_GROUP'],
  CELL: ['ARMED_GROUP', 'MILITARY', 'GOVERNMENT_AGENCY'],
  INTERGOVERNMENTAL: [],
  OTHER: ['OTHER', 'GOVERNMENT'],
};

const EVENT_KIND_WEIGHTS: Record<EventKind, number> = {
  PLOT: 15,
  ARREST: 15,
  MANHUNT: 8,
  INVESTIGATION: 20,
  MEETING: 20,
  CONFLICT: 10,
  OTHER: 12,
};
const EVENT_NOUNS: Record<EventKind, readonly string[]> = {
  PLOT: ['Plot', 'Bombing Plot', 'Assassination Plot'],
  ARREST: ['Raid', 'Crackdown', 'Detention Sweep'],
  MANHUNT: ['Manhunt', 'Fugitive Search'],
  INVESTIGATION: ['Inquiry', 'Corruption Probe', 'Investigation'],
  MEETING: ['Summit', 'Conference', 'Peace Process'],
  CONFLICT: ['War', 'Insurgency', 'Border War'],
  OTHER: ['Crisis', 'Flood Disaster', 'Election', 'Blackout'],
};
const EVENT_DESCRIPTIONS: Record<EventKind, string> = {
  PLOT: 'Alleged plot',
  ARREST: 'Arrest operation',
  MANHUNT: 'Search for a fugitive',
  INVESTIGATION: 'Official inquiry',
  MEETING: 'Diplomatic meeting',
  CONFLICT: 'Armed conflict',
  OTHER: 'Public emergency',
};

const OCCUPATIONS = [
  'Businessman',
  'Lawyer',
  'Diplomat',
  'Police official',
  'Army officer',
  'Politician',
  'Journalist',
  'Banker',
  'Activist',
  'Engineer',
  'Academic',
  'Customs official',
];
const AFFILIATION_ROLES = [
  'member',
  'spokesperson',
  'commander',
  'director',
  'founder',
  'adviser',
  'treasurer',
  'deputy leader',
  'alleged member',
  'senior official',
  'legal counsel',
  'former chief',
];
const PARTICIPATION_ROLES: Record<EventKind, readonly string[]> = {
  PLOT: ['suspect', 'alleged organizer', 'intended target', 'alleged financier'],
  ARREST: ['detainee', 'arresting officer', 'defense lawyer'],
  MANHUNT: ['fugitive', 'lead investigator', 'informant'],
  INVESTIGATION: ['lead investigator', 'witness', 'prosecutor', 'suspect'],
  MEETING: ['delegate', 'host', 'keynote speaker', 'mediator'],
  CONFLICT: ['field commander', 'negotiator', 'war correspondent'],
  OTHER: ['witness', 'participant', 'organizer'],
};
const INVOLVEMENT_ROLES: Record<EventKind, readonly string[]> = {
  PLOT: ['alleged sponsor', 'alleged perpetrator', 'target'],
  ARREST: ['arresting authority', 'detaining agency'],
  MANHUNT: ['pursuing agency', 'alleged protector of the fugitive'],
  INVESTIGATION: ['investigating authority', 'subject of the inquiry'],
  MEETING: ['host', 'participant', 'organizer'],
  CONFLICT: ['belligerent', 'mediator', 'supplier of arms'],
  OTHER: ['participant', 'organizer', 'affected party'],
};
const EVENT_RELATIONS = [
  'followed',
  'led to',
  'prompted',
  'coincided with',
  'was part of',
  'was a response to',
  'preceded',
  'was linked to',
  'escalated into',
  'was planned during',
];

const OPENERS = [
  '',
  '',
  '',
  '',
  'Meanwhile, ',
  'According to analysts, ',
  'In recent weeks, ',
  'At the same time, ',
  'By contrast, ',
  'For now, ',
  'Earlier this year, ',
  'In a statement, ',
  'Privately, ',
  'Since then, ',
  'Last month, ',
];
const SUBJECTS = [
  'local officials',
  'regional observers',
  'the parliamentary committee',
  'several diplomats',
  'security analysts',
  'residents of the capital',
  'opposition lawmakers',
  'independent monitors',
  'the state broadcaster',
  'defense lawyers',
  'human rights groups',
  'border police',
  'senior prosecutors',
  'foreign ministers',
  'union leaders',
  'market traders',
  'the central bank',
  'investigative journalists',
  'community leaders',
  'aid workers',
];
const VERBS = [
  'reviewed',
  'questioned',
  'raised concerns about',
  'published a report on',
  'called for an inquiry into',
  'expressed doubts about',
  'welcomed',
  'criticized',
  'sought clarity on',
  'pushed back against',
  'warned about',
  'defended',
  'quietly revisited',
  'debated',
  'took note of',
];
const OBJECTS = [
  'the new security measures',
  'the funding arrangements',
  'the timing of the announcement',
  'the situation along the border',
  'the proposed sanctions',
  'the handling of the case',
  'the cost of the operation',
  'the draft legislation',
  'the cooperation agreement',
  'the latest intelligence assessment',
  'the court’s decision',
  'the shipping records',
  'the list of suspects',
  'the emergency decree',
  'the testimony of witnesses',
  'the travel restrictions',
  'the budget for the coming year',
  'the findings of the audit',
];
const PLAIN_TAILS = [
  '',
  '',
  '',
  ' after weeks of negotiations',
  ' despite mounting pressure',
  ' according to people familiar with the matter',
  ' in a closed-door session',
  ' ahead of the next round of talks',
  ' amid growing public frustration',
  ' without offering further details',
  ' as the investigation continued',
  ', citing documents seen by reporters',
];
const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const SPOKEN = [
  'We are following the situation very closely',
  'There is no room for complacency',
  'Nothing has been decided yet',
  'The facts will speak for themselves',
  'We expect full cooperation from all sides',
  'This is a matter for the courts',
  'People deserve answers, and they deserve them soon',
  'We have seen this pattern before',
];
const SPEAKERS = [
  'one official said',
  'a senior diplomat said',
  'a spokesperson told reporters',
  'an analyst said',
  'a local resident said',
  'a former minister said',
];
const COUNTED = ['incidents', 'complaints', 'arrests', 'shipments', 'applications', 'inspections'];
const COMPARISONS = [
  'up from the previous year',
  'a slight decline',
  'roughly in line with earlier estimates',
  'the highest number on record',
];
const HEADLINE_TAILS = [
  'faces scrutiny over funding',
  'at the center of new allegations',
  'draws criticism from opposition lawmakers',
  'in focus as talks resume',
  'linked to widening investigation',
  'raises concerns of regional security',
  'under pressure after leaked documents',
  'prompts calls for an inquiry',
  'returns to the headlines',
];
const PAIR_HEADLINE_TAILS = ['at odds over new measures', 'named in court filings', 'face questions after report'];
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

// ---------------------------------------------------------------------------------------------------------
// Small helpers

const capitalize = (text: string) => (text[0] ?? '').toUpperCase() + text.slice(1);
const withArticle = (noun: string) => `${/^[aeiou]/i.test(noun) ? 'an' : 'a'} ${noun}`;
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

function slugify(text: string): string {
  return text
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Words as the tests count them: runs of non-space. Sentences are built with single spaces. */
function countWords(sentence: string): number {
  let words = 1;
  for (let i = 0; i < sentence.length; i++) if (sentence.charCodeAt(i) === 32) words++;
  return words;
}

const DAY_MS = 86_400_000;

function isoDay(ms: number): string {
  const date = new Date(ms);
  return `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

/** Mints invented capitalized words, never the same twice and never a real word from the lists above. */
class WordMint {
  private readonly used = new Set<string>([
    ...GIVEN_NAMES,
    ...MONTHS,
    ...WEEKDAYS,
    ...COUNTRIES.flatMap(([, name]) => name.split(' ')),
  ]);

  constructor(private readonly random: Random) {}

  word(endings: readonly string[]): string {
    for (let attempt = 0; ; attempt++) {
      const syllables = 1 + this.random.int(2) + Math.floor(attempt / 20);
      let word = '';
      for (let i = 0; i < syllables; i++) word += this.random.pick(ONSETS) + this.random.pick(VOWELS);
      word = capitalize(word + this.random.pick(endings));
      if (!this.used.has(word)) {
        this.used.add(word);
        return word;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Entities

type EntityType = 'person' | 'organization' | 'event';

interface Entity {
  type: EntityType;
  record: PersonFixture | OrganizationFixture | EventFixture;
  /** A unique alias used in later mentions, or null. */
  alias: string | null;
}

function makePersons(count: number, random: Random, mint: WordMint): Entity[] {
  const surnames = Array.from({ length: Math.max(12, Math.ceil(count / 6)) }, () => mint.word(SURNAME_ENDINGS));
  const names = new Set<string>();
  const aliases = new Set<string>();
  const persons: Entity[] = [];
  for (let i = 0; i < count; i++) {
    let given: string;
    let surname: string;
    let name: string;
    do {
      given = random.pick(GIVEN_NAMES);
      surname = random.pick(surnames);
      name = `${given} ${surname}`;
    } while (names.has(name));
    names.add(name);
    // Surnames are shared, so the surname alone would be ambiguous; an initial and surname is kept if unique.
    let alias: string | null = `${given[0]}. ${surname}`;
    if (!random.chance(0.35) || aliases.has(alias)) alias = null;
    else aliases.add(alias);
    const nationalityCount = random.index([25, 65, 10]);
    const nationalities: string[] = [];
    while (nationalities.length < nationalityCount) {
      const code = random.pick(COUNTRIES)[0];
      if (!nationalities.includes(code)) nationalities.push(code);
    }
    let description: string | null = null;
    if (random.chance(0.65)) {
      const country = COUNTRIES.find(([code]) => code === nationalities[0]);
      description = `${random.pick(OCCUPATIONS)}${country ? ` from ${country[2]}` : ''}.`;
    }
    const record: PersonFixture = {
      slug: slugify(name),
      name,
      aliases: alias ? [alias] : [],
      description,
      nationalities,
      // Set from the claims once the articles are written (planClaims, then fieldsFromClaims).
      age: null,
      title: null,
    };
    persons.push({ type: 'person', record, alias });
  }
  return persons;
}

function makeOrganizations(count: number, random: Random, mint: WordMint): Entity[] {
  const acronyms = new Set<string>();
  const organizations: Entity[] = [];
  for (let i = 0; i < count; i++) {
    const kind = random.weighted(ORGANIZATION_KIND_WEIGHTS);
    const name = `${mint.word(ROOT_ENDINGS)} ${random.pick(ORGANIZATION_SUFFIXES[kind])}`;
    const words = name.split(' ').filter((word) => /^[A-Z]/.test(word));
    let alias: string | null = words.map((word) => word[0]).join('');
    if (words.length < 3 || !random.chance(0.6) || acronyms.has(alias)) alias = null;
    else acronyms.add(alias);
    const country = random.chance(ORGANIZATION_COUNTRY_CHANCE[kind]) ? random.pick(COUNTRIES) : null;
    const description = random.chance(0.6)
      ? `${ORGANIZATION_DESCRIPTIONS[kind]}${country ? ` based in ${country[2]}` : ''}.`
      : null;
    const record: OrganizationFixture = {
      slug: slugify(name),
      name,
      aliases: alias ? [alias] : [],
      description,
      kind,
      country: country ? country[0] : null,
    };
    organizations.push({ type: 'organization', record, alias });
  }
  return organizations;
}

const FIRST_EVENT_DAY = Date.UTC(2014, 0, 1);
const EVENT_DAYS = (Date.UTC(2026, 0, 1) - FIRST_EVENT_DAY) / DAY_MS;

/** A full date cut to a random precision: "2021", "2021-06" or "2021-06-14". */
function reduced(day: string, random: Random): string {
  const precision = random.weighted({ year: 35, month: 30, day: 35 });
  return precision === 'year' ? day.slice(0, 4) : precision === 'month' ? day.slice(0, 7) : day;
}

function makeEvents(count: number, random: Random, mint: WordMint): Entity[] {
  const events: Entity[] = [];
  for (let i = 0; i < count; i++) {
    const kind = random.weighted(EVENT_KIND_WEIGHTS);
    const root = mint.word(ROOT_ENDINGS);
    const noun = random.pick(EVENT_NOUNS[kind]);
    const name = `${root} ${noun}`;
    const alias = random.chance(0.4) ? `${root} ${noun.toLowerCase()}` : null;
    // End never before start: the end is a later full date, and cutting both to a shorter prefix keeps the order.
    const startMs = FIRST_EVENT_DAY + random.int(EVENT_DAYS) * DAY_MS;
    const hasStart = random.chance(0.85);
    const startDate = hasStart ? reduced(isoDay(startMs), random) : null;
    const endDate =
      hasStart && random.chance(0.55) ? reduced(isoDay(startMs + random.int(400) * DAY_MS), random) : null;
    const country = random.pick(COUNTRIES);
    const location = random.chance(0.8) ? (random.chance(0.6) ? `${root}, ${country[1]}` : country[1]) : null;
    const description = random.chance(0.6)
      ? `${EVENT_DESCRIPTIONS[kind]}${location ? ` in ${location}` : ''}${startDate ? ` (${startDate.slice(0, 4)})` : ''}.`
      : null;
    const record: EventFixture = {
      slug: slugify(name),
      name,
      aliases: alias ? [alias] : [],
      description,
      kind,
      startDate,
      endDate,
      location,
    };
    events.push({ type: 'event', record, alias });
  }
  return events;
}

// ---------------------------------------------------------------------------------------------------------
// Relationships

interface Relationship {
  file: RelationshipFile;
  /** Global entity indexes of the two ends (persons, then organizations, then events). */
  a: number;
  b: number;
  /** Role, organization relation kind or event relation, depending on the file. */
  label: string | null;
  /** The articles carrying its quotes, and the quotes once written (null if one could not be used). */
  articles: number[];
  quotes: (string | null)[];
}

// ---------------------------------------------------------------------------------------------------------
// Claims

const TITLES = ['Senator', 'General', 'Minister', 'Judge', 'Colonel', 'Ambassador', 'Governor', 'Admiral'];

/** One attribute value stated in some articles (the same value, or a disagreeing one, in each). */
interface ClaimPlan {
  entity: number;
  property: ClaimProperty;
  /** The value each host article states. */
  values: (string | number)[];
  hosts: number[];
  /** The quote written into each host, once written (null if it could not be used). */
  quotes: (string | null)[];
}

/** "in 2021", "in June 2021", "on June 14, 2021": a reduced-precision date as a sentence gives it. */
function dateInWords(date: string): string {
  const [year, month, day] = date.split('-');
  if (month === undefined) return `in ${year}`;
  const monthName = MONTHS[Number(month) - 1] as string;
  return day === undefined ? `in ${monthName} ${year}` : `on ${monthName} ${Number(day)}, ${year}`;
}

/** The sentence (without its full stop) that states `value` of `property` of the entity named `name`. */
function claimSentence(property: ClaimProperty, name: string, value: string | number, random: Random): string {
  const country = () => (COUNTRIES.find(([code]) => code === value) as readonly [string, string, string])[2];
  switch (property) {
    case 'NATIONALITY':
      return random.chance(0.5)
        ? `${name} is a citizen of ${country()}`
        : `${name} holds the citizenship of ${country()}`;
    case 'AGE':
      return `${name}, ${value}, ${random.pick(VERBS)} ${random.pick(OBJECTS)}`;
    case 'TITLE':
      return `${value} ${name} ${random.pick(VERBS)} ${random.pick(OBJECTS)}`;
    case 'ROLE_DESCRIPTION':
      return `${name} works as ${withArticle(String(value))}`;
    case 'COUNTRY':
      return `The ${name} is based in ${country()}`;
    case 'START_DATE':
      return `The ${name} began ${dateInWords(String(value))}`;
    case 'END_DATE':
      return `The ${name} ended ${dateInWords(String(value))}`;
    case 'LOCATION':
      return `The ${name} took place in ${value}`;
    default:
      throw new Error(`no sentence for ${property}`);
  }
}

/** A value that disagrees with `value` (another age, country, place or title), or null for none. */
function disagreeing(property: ClaimProperty, value: string | number, random: Random): string | number | null {
  if (property === 'AGE') return (value as number) + (random.chance(0.5) ? 1 : -1) * (1 + random.int(3));
  if (property === 'COUNTRY') return random.pick(COUNTRIES.filter(([code]) => code !== value))[0];
  if (property === 'LOCATION') return random.pick(COUNTRIES.filter(([, place]) => place !== value))[1];
  if (property === 'TITLE') return random.pick(TITLES.filter((title) => title !== value));
  return null;
}

// ---------------------------------------------------------------------------------------------------------
// Text

class Prose {
  constructor(
    private readonly random: Random,
    private readonly places: readonly string[],
  ) {}

  private tail(): string {
    const r = this.random;
    const k = r.int(PLAIN_TAILS.length + 4);
    if (k < PLAIN_TAILS.length) return PLAIN_TAILS[k] as string;
    if (k === PLAIN_TAILS.length) return ` in ${r.pick(this.places)}`;
    if (k === PLAIN_TAILS.length + 1) return ` in ${r.pick(COUNTRIES)[2]}`;
    if (k === PLAIN_TAILS.length + 2) return ` on ${r.pick(WEEKDAYS)}`;
    return ` while more than ${10 + r.int(990)} people waited for answers`;
  }

  private clause(): string {
    return `${this.random.pick(VERBS)} ${this.random.pick(OBJECTS)}${this.tail()}`;
  }

  /** A sentence that names no entity. */
  filler(): string {
    const r = this.random;
    const k = r.int(10);
    if (k < 7) return capitalize(`${r.pick(OPENERS)}${r.pick(SUBJECTS)} ${this.clause()}.`);
    if (k < 9) return `“${r.pick(SPOKEN)},” ${r.pick(SPEAKERS)}.`;
    return `The figures show that ${20 + r.int(4980)} ${r.pick(COUNTED)} were recorded in ${2015 + r.int(11)}, ${r.pick(COMPARISONS)}.`;
  }

  /** A sentence naming one entity by `text` (its name or alias). */
  mention(type: EntityType, text: string): string {
    const r = this.random;
    const k = r.int(4);
    if (type === 'person') {
      if (k === 0) return `${text} ${this.clause()}.`;
      if (k === 1) return `In an interview, ${text} said that ${r.pick(OBJECTS)} would be reviewed.`;
      if (k === 2) return `${text} did not respond to a request for comment${this.tail()}.`;
      return `People close to ${text} described ${r.pick(OBJECTS)} as a turning point.`;
    }
    const the = `the ${text}`;
    if (type === 'organization') {
      if (k === 0) return `${capitalize(the)} ${this.clause()}.`;
      if (k === 1) return `A spokesperson for ${the} declined to comment${this.tail()}.`;
      if (k === 2) return `Critics of ${the} ${this.clause()}.`;
      return `Officials at ${the} ${this.clause()}.`;
    }
    if (k === 0) return `Details of ${the} remain disputed${this.tail()}.`;
    if (k === 1) return `Reporters covering ${the} noted ${r.pick(OBJECTS)}.`;
    if (k === 2) return `Since ${the}, ${r.pick(SUBJECTS)} ${this.clause()}.`;
    return `${capitalize(the)} prompted ${r.pick(SUBJECTS)} to revisit ${r.pick(OBJECTS)}.`;
  }

  /** The sentence (without its full stop) that is the quote for `relationship` between names `a` and `b`. */
  evidence(file: RelationshipFile, a: string, b: string, label: string | null): string {
    const r = this.random;
    const k = r.int(3);
    switch (file) {
      case 'affiliations.json':
        if (label === null)
          return k === 0 ? `${a} has long been associated with the ${b}` : `${a} is linked to the ${b}`;
        if (k === 0) return `${a}, ${withArticle(label)} of the ${b}, ${this.clause()}`;
        if (k === 1)
          return `According to officials, ${a} has served as ${withArticle(label)} of the ${b} since ${2005 + r.int(20)}`;
        return `${a} was identified as ${withArticle(label)} of the ${b} in documents reviewed by reporters`;
      case 'participations.json':
        if (label === null) return `${a} took part in the ${b}`;
        if (k === 0) return `${a} was named as ${withArticle(label)} in the ${b}`;
        if (k === 1) return `Court filings describe ${a} as ${withArticle(label)} in the ${b}`;
        return `${a}, ${withArticle(label)} in the ${b}, ${this.clause()}`;
      case 'involvements.json':
        if (label === null) return `The ${a} was involved in the ${b}`;
        if (k === 0) return `The ${a} acted as ${withArticle(label)} in the ${b}`;
        if (k === 1) return `Documents show that the ${a} was ${withArticle(label)} in the ${b}`;
        return `The ${a}, ${withArticle(label)} in the ${b}, ${this.clause()}`;
      case 'organization-relations.json':
        if (label === 'PART_OF') {
          if (k === 0) return `The ${a} operates as a unit of the ${b}`;
          if (k === 1) return `The ${a}, which is part of the ${b}, ${this.clause()}`;
          return `Officials said the ${a} answers directly to the ${b}`;
        }
        if (k === 0) return `The ${a} has supplied money and weapons to the ${b}`;
        if (k === 1) return `The ${a} is widely believed to back the ${b}`;
        return `Analysts say the ${a} provides training and funding to the ${b}`;
      case 'event-relations.json':
        if (k === 0) return `Investigators say the ${a} ${label} the ${b}`;
        if (k === 1) return `According to the report, the ${a} ${label} the ${b}`;
        return `Officials now believe the ${a} ${label} the ${b}`;
    }
  }

  headline(main: string, second: string | null): string {
    if (second !== null && this.random.chance(0.3))
      return `${main} and ${second} ${this.random.pick(PAIR_HEADLINE_TAILS)}`;
    if (this.random.chance(0.1)) return `${main}: what we know so far`;
    return `${main} ${this.random.pick(HEADLINE_TAILS)}`;
  }
}

/**
 * Sets each entity's attribute fields from the claims written: a nationality for every NATIONALITY claim, and a
 * single-valued field to the value of the newest article that states it (latest `asOf`, then the smallest slug,
 * as the loader orders claims), null when no claim could be written.
 */
function fieldsFromClaims(
  entities: Entity[],
  plans: readonly ClaimPlan[],
  dates: readonly string[],
  slugs: readonly string[],
): void {
  const newer = (a: number, b: number) =>
    (dates[a] as string) > (dates[b] as string) ||
    ((dates[a] as string) === (dates[b] as string) && (slugs[a] as string) < (slugs[b] as string));
  const fields: Partial<Record<ClaimProperty, string>> = {
    COUNTRY: 'country',
    START_DATE: 'startDate',
    END_DATE: 'endDate',
    LOCATION: 'location',
    AGE: 'age',
    TITLE: 'title',
  };
  for (const entity of entities) {
    const record = entity.record as unknown as Record<string, unknown>;
    if (entity.type === 'person') record.nationalities = [];
    for (const field of Object.values(fields)) if (field in record) record[field] = null;
  }
  const newest = new Map<string, number>();
  for (const plan of plans) {
    const record = (entities[plan.entity] as Entity).record as unknown as Record<string, unknown>;
    plan.hosts.forEach((host, k) => {
      if (plan.quotes[k] == null) return;
      const value = plan.values[k];
      if (plan.property === 'NATIONALITY') {
        const list = record.nationalities as string[];
        if (!list.includes(value as string)) list.push(value as string);
        return;
      }
      const field = fields[plan.property];
      if (!field) return;
      const key = `${plan.entity}:${field}`;
      const known = newest.get(key);
      if (known !== undefined && !newer(host, known)) return;
      newest.set(key, host);
      record[field] = value;
    });
  }
  // An end that the claims put before the start is dropped with its claims' effect on the field: by
  // construction every END_DATE stated is the planned one, never before the planned start.
}

// ---------------------------------------------------------------------------------------------------------
// Output

/** A JSON array written one record per line, through a 1 MB buffer, to a temporary name renamed at the end. */
class JsonArrayFile {
  private readonly fd: number;
  private readonly temporary: string;
  private chunk = '[';
  count = 0;
  bytes = 0;

  constructor(private readonly target: string) {
    this.temporary = `${target}.tmp`;
    this.fd = openSync(this.temporary, 'w');
  }

  add(record: unknown): void {
    this.chunk += `${this.count === 0 ? '\n  ' : ',\n  '}${JSON.stringify(record)}`;
    this.count++;
    if (this.chunk.length >= 1 << 20) this.flush();
  }

  private flush(): void {
    const buffer = Buffer.from(this.chunk, 'utf8');
    for (let offset = 0; offset < buffer.length; ) offset += writeSync(this.fd, buffer, offset);
    this.bytes += buffer.length;
    this.chunk = '';
  }

  close(): void {
    this.chunk += this.count === 0 ? ']\n' : '\n]\n';
    this.flush();
    closeSync(this.fd);
    renameSync(this.temporary, this.target);
  }

  /** Closes and removes the temporary file, leaving any earlier file at the target as it was. */
  abort(): void {
    try {
      closeSync(this.fd);
    } catch {}
    rmSync(this.temporary, { force: true });
  }
}

// ---------------------------------------------------------------------------------------------------------
// The corpus

const FIRST_ARTICLE_DAY = Date.UTC(2019, 0, 1);
const ARTICLE_DAYS = (Date.UTC(2026, 0, 1) - FIRST_ARTICLE_DAY) / DAY_MS;

/** Writes the corpus for `articles` and `seed` into `out` (created if missing) and returns what it wrote. */
export async function generateCorpus(options: GenerateOptions): Promise<CorpusSummary> {
  const started = performance.now();
  const { articles: n, seed, out } = options;
  if (!Number.isInteger(n) || n < 1 || n > MAX_ARTICLES) {
    throw new RangeError(`articles must be an integer from 1 to ${MAX_ARTICLES}, not ${n}`);
  }
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be an integer, not ${seed}`);

  // Independent streams, so a change in one phase does not reshuffle the others.
  const names = new Random(seed, 'names');
  const plan = new Random(seed, 'plan');
  const text = new Random(seed, 'text');

  const mint = new WordMint(names);
  const sizes = poolSizes(n);
  const entities: Entity[] = [
    ...makePersons(sizes.persons, names, mint),
    ...makeOrganizations(sizes.organizations, names, mint),
    ...makeEvents(sizes.events, names, mint),
  ];
  const firstOrganization = sizes.persons;
  const firstEvent = sizes.persons + sizes.organizations;
  const places = Array.from({ length: 60 }, () => mint.word(ROOT_ENDINGS));

  const drawPerson = zipf(sizes.persons, ZIPF_EXPONENT, plan);
  const drawOrganization = zipf(sizes.organizations, ZIPF_EXPONENT, plan);
  const drawEvent = zipf(sizes.events, ZIPF_EXPONENT, plan);

  // Casts: global entity indexes per article, the article's main subject first.
  const casts: number[][] = [];
  const articlesOf: number[][] = entities.map(() => []);
  const addToCast = (article: number, entity: number) => {
    const cast = casts[article] as number[];
    if (cast.includes(entity)) return;
    cast.push(entity);
    (articlesOf[entity] as number[]).push(article);
  };
  for (let i = 0; i < n; i++) {
    const persons = 1 + plan.int(4);
    const organizations = 1 + plan.int(2);
    const events = plan.index([25, 50, 25]);
    const main = plan.weighted({ person: 50, organization: 30, event: 20 });
    casts.push([]);
    const draw = (type: EntityType) => {
      if (type === 'person') for (let k = 0; k < persons; k++) addToCast(i, drawPerson(plan));
      if (type === 'organization')
        for (let k = 0; k < organizations; k++) addToCast(i, firstOrganization + drawOrganization(plan));
      if (type === 'event') for (let k = 0; k < events; k++) addToCast(i, firstEvent + drawEvent(plan));
    };
    draw(main);
    for (const type of ['person', 'organization', 'event'] as const) if (type !== main) draw(type);
  }
  // Every entity must be mentioned somewhere: the ones no article drew join one article each.
  const roomyArticle = (extra: number) => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const article = plan.int(n);
      if ((casts[article] as number[]).length + extra <= MAX_CAST) return article;
    }
    return plan.int(n);
  };
  articlesOf.forEach((list, entity) => {
    if (list.length === 0) addToCast(roomyArticle(1), entity);
  });

  // Relationships, each with quotes in 1-4 articles. A quote goes into an article that mentions the
  // less-mentioned end (the other end joins it), else into any article with room.
  const relationships: Relationship[] = [];
  const quotesIn: number[][] = casts.map(() => []);
  const fits = (article: number, a: number, b: number, taken: number[]) => {
    const cast = casts[article] as number[];
    const newcomers = (cast.includes(a) ? 0 : 1) + (cast.includes(b) ? 0 : 1);
    return (
      !taken.includes(article) &&
      (quotesIn[article] as number[]).length < MAX_QUOTES_PER_ARTICLE &&
      cast.length + newcomers <= MAX_CAST
    );
  };
  const relate = (file: RelationshipFile, a: number, b: number, label: string | null): boolean => {
    const wanted = 1 + plan.index([60, 25, 10, 5]);
    const hosts: number[] = [];
    for (let k = 0; k < wanted; k++) {
      let host = -1;
      for (let attempt = 0; attempt < 6 && host < 0; attempt++) {
        const listA = articlesOf[a] as number[];
        const listB = articlesOf[b] as number[];
        const list = listA.length <= listB.length === (attempt % 2 === 0) ? listA : listB;
        const candidate = list[plan.int(list.length)] as number;
        if (fits(candidate, a, b, hosts)) host = candidate;
      }
      for (let attempt = 0; attempt < 6 && host < 0; attempt++) {
        const candidate = plan.int(n);
        if (fits(candidate, a, b, hosts)) host = candidate;
      }
      if (host < 0) break;
      hosts.push(host);
      (quotesIn[host] as number[]).push(relationships.length);
      addToCast(host, a);
      addToCast(host, b);
    }
    if (hosts.length === 0) return false;
    relationships.push({ file, a, b, label, articles: hosts, quotes: hosts.map(() => null) });
    return true;
  };
  /** Draws up to `target` distinct pairs (unordered when `symmetric`) and relates them. */
  const relateMany = (
    file: RelationshipFile,
    target: number,
    draw: () => [number, number, string | null],
    seen = new Set<string>(),
    symmetric = false,
  ) => {
    let made = 0;
    for (let tries = 0; made < target && tries < target * 5; tries++) {
      const [a, b, label] = draw();
      if (a === b) continue;
      const key = symmetric && b < a ? `${b}:${a}` : `${a}:${b}`;
      if (seen.has(key)) continue;
      seen.add(key);
      if (relate(file, a, b, label)) made++;
    }
  };
  const organizationKind = (i: number) => ((entities[i] as Entity).record as OrganizationFixture).kind;
  const eventKind = (i: number) => ((entities[i] as Entity).record as EventFixture).kind;
  const pickRole = (roles: readonly string[]) => (plan.chance(0.08) ? null : plan.pick(roles));

  relateMany('affiliations.json', Math.round(0.3 * sizes.persons), () => [
    plan.int(sizes.persons),
    firstOrganization + drawOrganization(plan),
    pickRole(AFFILIATION_ROLES),
  ]);
  relateMany('participations.json', Math.round(0.3 * sizes.persons), () => {
    const event = firstEvent + drawEvent(plan);
    return [plan.int(sizes.persons), event, pickRole(PARTICIPATION_ROLES[eventKind(event)])];
  });
  relateMany('involvements.json', Math.round(0.8 * sizes.organizations), () => {
    const event = firstEvent + drawEvent(plan);
    return [firstOrganization + plan.int(sizes.organizations), event, pickRole(INVOLVEMENT_ROLES[eventKind(event)])];
  });
  // PART_OF: a parent always comes earlier in the list, so the relation is a forest with no cycles.
  const organizationPairs = new Set<string>();
  for (let i = 1; i < sizes.organizations; i++) {
    const child = firstOrganization + i;
    const parentKinds = PARENT_KINDS[organizationKind(child)];
    if (parentKinds.length === 0 || !plan.chance(0.35)) continue;
    for (let attempt = 0; attempt < 8; attempt++) {
      const parent = firstOrganization + plan.int(i);
      if (!parentKinds.includes(organizationKind(parent))) continue;
      organizationPairs.add(`${parent}:${child}`);
      relate('organization-relations.json', child, parent, 'PART_OF');
      break;
    }
  }
  relateMany(
    'organization-relations.json',
    Math.round(0.1 * sizes.organizations),
    () => [firstOrganization + plan.int(sizes.organizations), firstOrganization + drawOrganization(plan), 'SUPPORTS'],
    organizationPairs,
    true,
  );
  relateMany(
    'event-relations.json',
    Math.round(0.4 * sizes.events),
    () => [firstEvent + plan.int(sizes.events), firstEvent + drawEvent(plan), plan.pick(EVENT_RELATIONS)],
    new Set(),
    true,
  );

  // Claims: each attribute value in 1-2 articles that mention the entity, some single values disagreeing.
  const claimPlans: ClaimPlan[] = [];
  const claimsIn: number[][] = casts.map(() => []);
  const claimRandom = new Random(seed, 'claims');
  const planClaim = (entity: number, property: ClaimProperty, value: string | number) => {
    const mentioning = articlesOf[entity] as number[];
    const wanted = mentioning.length > 1 && claimRandom.chance(0.35) ? 2 : 1;
    const hosts: number[] = [];
    for (let attempt = 0; attempt < 8 && hosts.length < wanted; attempt++) {
      const article = mentioning[claimRandom.int(mentioning.length)] as number;
      if (!hosts.includes(article) && (claimsIn[article] as number[]).length < MAX_CLAIMS_PER_ARTICLE)
        hosts.push(article);
    }
    // An entity whose articles are all full still gets its value stated, in the first that mentions it.
    if (hosts.length === 0) hosts.push(mentioning[0] as number);
    const values = hosts.map(() => value);
    if (hosts.length === 2 && claimRandom.chance(0.25)) values[1] = disagreeing(property, value, claimRandom) ?? value;
    for (const host of hosts) (claimsIn[host] as number[]).push(claimPlans.length);
    claimPlans.push({ entity, property, values, hosts, quotes: hosts.map(() => null) });
  };
  entities.forEach((entity, i) => {
    if (entity.type === 'person') {
      const person = entity.record as PersonFixture;
      for (const code of person.nationalities) planClaim(i, 'NATIONALITY', code);
      if (claimRandom.chance(0.3)) planClaim(i, 'AGE', 20 + claimRandom.int(66));
      if (claimRandom.chance(0.15)) planClaim(i, 'TITLE', claimRandom.pick(TITLES));
      if (claimRandom.chance(0.3)) planClaim(i, 'ROLE_DESCRIPTION', claimRandom.pick(OCCUPATIONS).toLowerCase());
    } else if (entity.type === 'organization') {
      const organization = entity.record as OrganizationFixture;
      if (organization.country) planClaim(i, 'COUNTRY', organization.country);
    } else {
      const event = entity.record as EventFixture;
      if (event.startDate) planClaim(i, 'START_DATE', event.startDate);
      if (event.endDate) planClaim(i, 'END_DATE', event.endDate);
      if (event.location) planClaim(i, 'LOCATION', event.location);
    }
  });

  // Articles, written as they are made.
  mkdirSync(out, { recursive: true });
  const files = Object.fromEntries(
    CORPUS_FILES.map((file) => [file, new JsonArrayFile(path.join(out, file))]),
  ) as Record<FixtureFileName, JsonArrayFile>;
  const prose = new Prose(text, places);
  const nameOf = (i: number) => (entities[i] as Entity).record.name;
  const slugOf = (i: number) => (entities[i] as Entity).record.slug;
  const step = Math.max(1, Math.ceil(n / 10));
  const articleSlugs: string[] = [];
  /** Each article's claim date (asOf) and slug: which article is newest decides an attribute's field. */
  const articleDates: string[] = [];
  let droppedQuotes = 0;
  let quoteCount = 0;
  try {
    for (let i = 0; i < n; i++) {
      const cast = casts[i] as number[];
      const main = cast[0] as number;
      const mainEntity = entities[main] as Entity;
      const sentences: string[] = [];
      for (const entity of cast) sentences.push(prose.mention((entities[entity] as Entity).type, nameOf(entity)));
      for (let k = text.int(3); k > 0; k--) {
        const useAlias = mainEntity.alias !== null && text.chance(0.6);
        sentences.push(prose.mention(mainEntity.type, useAlias ? (mainEntity.alias as string) : nameOf(main)));
      }
      const quotes: [Relationship, number, string][] = [];
      for (const index of quotesIn[i] as number[]) {
        const relationship = relationships[index] as Relationship;
        const quote = prose.evidence(
          relationship.file,
          nameOf(relationship.a),
          nameOf(relationship.b),
          relationship.label,
        );
        quotes.push([relationship, relationship.articles.indexOf(i), quote]);
        sentences.push(`${quote}.`);
      }
      const claimQuotes: [ClaimPlan, number, string][] = [];
      for (const index of claimsIn[i] as number[]) {
        const plan = claimPlans[index] as ClaimPlan;
        const k = plan.hosts.indexOf(i);
        const quote = claimSentence(plan.property, nameOf(plan.entity), plan.values[k] as string | number, claimRandom);
        claimQuotes.push([plan, k, quote]);
        sentences.push(`${quote}.`);
      }
      const lead = sentences.shift() as string;
      let words = countWords(lead);
      for (const sentence of sentences) words += countWords(sentence);
      // Lengths skewed towards short articles: from 330 words, 593 on average, up to 1,120 plus one sentence.
      const u = text.float();
      const target = MIN_WORDS + 30 + Math.floor((MAX_WORDS - MIN_WORDS - 110) * u * u);
      while (words < target) {
        const sentence = prose.filler();
        words += countWords(sentence);
        sentences.push(sentence);
      }
      text.shuffle(sentences);
      sentences.unshift(lead);
      const paragraphs: string[] = [];
      for (let at = 0; at < sentences.length; ) {
        const size = at === 0 ? 1 + text.int(3) : 2 + text.int(5);
        paragraphs.push(sentences.slice(at, at + size).join(' '));
        at += size;
      }
      const body = paragraphs.join('\n\n');
      if (words < MIN_WORDS || words > MAX_WORDS) throw new Error(`internal error: article ${i} has ${words} words`);
      // The validator refuses a quote that is missing or repeated; by construction neither happens, but a
      // quote that failed would be left out (and counted) rather than written.
      for (const [relationship, k, quote] of quotes) {
        const start = body.indexOf(quote);
        if (start !== -1 && body.indexOf(quote, start + 1) === -1) relationship.quotes[k] = quote;
        else droppedQuotes++;
      }
      for (const [plan, k, quote] of claimQuotes) {
        const start = body.indexOf(quote);
        if (start !== -1 && body.indexOf(quote, start + 1) === -1) plan.quotes[k] = quote;
        else droppedQuotes++;
      }

      const dayMs = FIRST_ARTICLE_DAY + text.int(ARTICLE_DAYS) * DAY_MS;
      const day = isoDay(dayMs);
      const date = new Date(dayMs);
      let publishedAt = day;
      let publishedAtText = `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}, ${date.getUTCFullYear()}`;
      if (text.chance(0.35)) {
        const hours = text.int(24);
        const minutes = text.int(60);
        publishedAt += `T${pad(hours)}:${pad(minutes)}`;
        publishedAtText += ` | ${hours % 12 || 12}:${pad(minutes)} ${hours < 12 ? 'am' : 'pm'}`;
      }
      const second = cast.find((entity) => entity !== main && entities[entity]?.type !== mainEntity.type);
      const headline = prose.headline(nameOf(main), second === undefined ? null : nameOf(second));
      const number = pad(i + 1, 6);
      const article: ArticleFixture = {
        slug: `${slugify(headline).split('-').slice(0, 8).join('-')}-${number}`,
        headline,
        publishedAt,
        publishedAtText,
        source: `synthetic-${number}.txt`,
        body,
      };
      files['articles.json'].add(article);
      articleSlugs.push(article.slug);
      articleDates.push(asOfDate(publishedAt));
      if ((i + 1) % step === 0 || i + 1 === n) options.onProgress?.({ articlesWritten: i + 1, articlesTotal: n });
    }

    fieldsFromClaims(entities, claimPlans, articleDates, articleSlugs);
    for (const plan of claimPlans) {
      const { type, record } = entities[plan.entity] as Entity;
      const entity = `${type === 'person' ? 'Person' : type === 'organization' ? 'Organization' : 'Event'}:${record.slug}`;
      plan.hosts.forEach((host, k) => {
        const quote = plan.quotes[k];
        if (quote == null) return;
        const article = articleSlugs[host] as string;
        files['claims.json'].add({
          entity,
          property: plan.property,
          value: plan.values[k],
          evidence: [{ article, quote }],
        });
      });
    }
    for (const entity of entities) {
      const file =
        entity.type === 'person'
          ? 'persons.json'
          : entity.type === 'organization'
            ? 'organizations.json'
            : 'events.json';
      files[file].add(entity.record);
    }
    for (const { file, a, b, label, articles, quotes } of relationships) {
      const evidence = articles.flatMap((article, k) => {
        const quote = quotes[k];
        return quote == null ? [] : [{ article: articleSlugs[article] as string, quote }];
      });
      if (evidence.length === 0) continue;
      quoteCount += evidence.length;
      const [from, to] = [slugOf(a), slugOf(b)];
      let record:
        | FixtureRecord<'affiliations.json'>
        | FixtureRecord<'participations.json'>
        | FixtureRecord<'involvements.json'>
        | FixtureRecord<'organization-relations.json'>
        | FixtureRecord<'event-relations.json'>;
      if (file === 'affiliations.json') record = { person: from, organization: to, role: label, evidence };
      else if (file === 'participations.json') record = { person: from, event: to, role: label, evidence };
      else if (file === 'involvements.json') record = { organization: from, event: to, role: label, evidence };
      else if (file === 'organization-relations.json') {
        record = { from, kind: label === 'PART_OF' ? 'PART_OF' : 'SUPPORTS', to, evidence };
      } else record = { from, relation: label ?? 'was linked to', to, evidence };
      files[file].add(record);
    }

    for (const file of CORPUS_FILES) files[file].close();
  } catch (error) {
    for (const file of CORPUS_FILES) files[file].abort();
    throw error;
  }
  const counts = Object.fromEntries(CORPUS_FILES.map((file) => [file, files[file].count])) as Record<
    FixtureFileName,
    number
  >;
  const bytes = Object.fromEntries(CORPUS_FILES.map((file) => [file, files[file].bytes])) as Record<
    FixtureFileName,
    number
  >;
  return {
    out,
    counts,
    bytes,
    totalBytes: CORPUS_FILES.reduce((sum, file) => sum + bytes[file], 0),
    quotes: quoteCount,
    droppedQuotes,
    seconds: (performance.now() - started) / 1000,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Command line

const USAGE = `usage: npm run generate -- --articles N [--seed S] --out DIR

Writes a deterministic synthetic corpus in the fixture format of data/ (all ten files) to DIR.
The same N and seed give byte-identical files; npm run validate -- DIR accepts them.

  --articles N  how many articles, an integer from 1 to ${MAX_ARTICLES}
  --seed S      an integer (default 1)
  --out DIR     the directory to write (created if missing; its fixture files are replaced)`;

const DATA_DIR = path.resolve(import.meta.dirname, '../data');

/** The options from the command line, or the reason they are wrong (or 'help'). */
export function parseArguments(argv: readonly string[]): { articles: number; seed: number; out: string } | string {
  let values: { articles?: string; seed?: string; out?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        articles: { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return (error as Error).message;
  }
  if (values.help) return 'help';
  if (values.articles === undefined) return '--articles is required';
  const articles = /^\d+$/.test(values.articles) ? Number(values.articles) : Number.NaN;
  if (!(articles >= 1 && articles <= MAX_ARTICLES)) {
    return `--articles must be an integer from 1 to ${MAX_ARTICLES}, not "${values.articles}"`;
  }
  const seedText = values.seed ?? '1';
  const seed = /^-?\d+$/.test(seedText) ? Number(seedText) : Number.NaN;
  if (!Number.isSafeInteger(seed)) return `--seed must be an integer, not "${seedText}"`;
  if (!values.out) return '--out is required';
  if (path.resolve(values.out) === DATA_DIR) return '--out must not be data/: that is the curated fixture set';
  return { articles, seed, out: path.resolve(values.out) };
}

async function main(): Promise<void> {
  const parsed = parseArguments(process.argv.slice(2));
  if (parsed === 'help') {
    console.log(USAGE);
    return;
  }
  if (typeof parsed === 'string') {
    console.error(`generate-corpus: ${parsed}\n\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const started = performance.now();
  const showProgress = parsed.articles >= 1000;
  const summary = await generateCorpus({
    ...parsed,
    onProgress: ({ articlesWritten, articlesTotal }) => {
      if (!showProgress) return;
      const percent = Math.round((100 * articlesWritten) / articlesTotal);
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      process.stderr.write(
        `generate-corpus: ${percent}% (${articlesWritten}/${articlesTotal} articles, ${seconds} s)\n`,
      );
    },
  });
  const c = summary.counts;
  const relationships =
    c['affiliations.json'] +
    c['participations.json'] +
    c['involvements.json'] +
    c['organization-relations.json'] +
    c['event-relations.json'];
  console.log(
    `${summary.out}: ${c['articles.json']} articles, ${c['persons.json']} persons, ${c['organizations.json']} organizations, ` +
      `${c['events.json']} events, ${relationships} relationships (${c['affiliations.json']} affiliations, ` +
      `${c['participations.json']} participations, ${c['involvements.json']} involvements, ` +
      `${c['organization-relations.json']} organization relations, ${c['event-relations.json']} event relations) ` +
      `with ${summary.quotes} quotes, ${c['claims.json']} claims; ${(summary.totalBytes / 1e6).toFixed(1)} MB in ${summary.seconds.toFixed(1)} s`,
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await main();
}
