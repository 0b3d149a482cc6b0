/**
 * zod schemas for the curated JSON files in data/. Objects are strict, so a misspelt
 * field is reported rather than silently ignored; optional facts are written as null.
 *
 * They are also the published format (docs/data-format.md): `npm run schema:data` prints them as one JSON
 * Schema per file into data-schemas/. The descriptions and `meta` below are for that only and change
 * nothing zod accepts; where a refinement is a predicate, its `meta` says the same rule as a JSON Schema
 * `pattern` or `enum` (tests/data-schemas.test.ts checks the two agree), so a JSON Schema validator accepts
 * exactly the records zod accepts.
 */
import { z } from 'zod';
import { CLAIM_PROPERTIES, CLAIM_PROPERTY_NAMES, type ClaimProperty, MAX_AGE, MIN_AGE } from './claim-properties.js';
import {
  COUNTRY_CODES,
  EVENT_KINDS,
  isCountryCode,
  isPublicationDate,
  isReducedPrecisionDate,
  ORGANIZATION_KINDS,
  ORGANIZATION_RELATION_KINDS,
} from './vocabulary.js';

/** isReducedPrecisionDate and isPublicationDate as regular expressions (day in month, leap years included). */
const YEAR = '(?:000[1-9]|00[1-9][0-9]|0[1-9][0-9]{2}|[1-9][0-9]{3})';
const MONTH = '(?:0[1-9]|1[0-2])';
/** Divisible by 4 and not by 100, or by 400 (not 0000, which is no year here). */
const LEAP_YEAR = '(?:[0-9]{2}(?:0[48]|[2468][048]|[13579][26])|(?:0[48]|[2468][048]|[13579][26])00)';
const DAY_IN_MONTH =
  '(?:(?:0[13578]|1[02])-(?:0[1-9]|[12][0-9]|3[01])|(?:0[469]|11)-(?:0[1-9]|[12][0-9]|30)|02-(?:0[1-9]|1[0-9]|2[0-8]))';
const FULL_DATE = `(?:${YEAR}-${DAY_IN_MONTH}|${LEAP_YEAR}-02-29)`;
export const REDUCED_DATE_PATTERN = `^(?:${YEAR}(?:-${MONTH})?|${FULL_DATE})$`;
export const PUBLICATION_DATE_PATTERN = `^(?:${YEAR}(?:-${MONTH})?|${FULL_DATE}(?:T(?:[01][0-9]|2[0-3]):[0-5][0-9])?)$`;
/** Some character that is not white space: what is left after `trim()` is not empty (`\s` is trim's set). */
export const NOT_BLANK_PATTERN = '\\S';

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const slug = z
  .string()
  .regex(SLUG, 'must be lowercase words joined by single hyphens, like "majid-azizi"')
  .meta({ title: 'slug' });
const nonBlank = z.string().trim().min(1, 'must not be empty').meta({ title: 'text', pattern: NOT_BLANK_PATTERN });
const countryCode = z
  .string()
  .refine(isCountryCode, 'must be an ISO 3166-1 alpha-2 country code in capitals, like "IR"')
  .meta({ title: 'country code', enum: [...COUNTRY_CODES] });
const reducedDate = z
  .string()
  .refine(
    isReducedPrecisionDate,
    'must be an ISO 8601 date (years 0001–9999) at the precision the text gives: "2014", "2024-11" or "2024-07-13"',
  )
  .meta({ title: 'date', pattern: REDUCED_DATE_PATTERN });
const keysOf = <T extends Record<string, string>>(values: T) =>
  Object.keys(values) as [keyof T & string, ...(keyof T & string)[]];

/** A quote, written as the exact text of the article it comes from. */
const evidence = z
  .strictObject({
    article: slug.describe('Slug of the article in articles.json that the quote is from.'),
    quote: nonBlank.describe(
      'Text copied exactly from that article’s body (curly quotes included) that states the fact; it must occur ' +
        'in the body exactly once, so quote enough of the sentence. Its offsets are computed on load.',
    ),
  })
  .meta({ title: 'evidence' });
const evidenceList = z
  .array(evidence)
  .min(1, 'every relationship needs at least one quote')
  .describe('The quotes that state this relationship: at least one.');
const role = nonBlank
  .nullable()
  .describe('The role, in the articles’ words (for example "alleged member", "suspect"); null when they give none.');

export const articleFixture = z
  .strictObject({
    slug: slug.describe('Identifier of the article, unique in articles.json; evidence refers to the article by it.'),
    headline: nonBlank.describe('The headline, as the source prints it.'),
    publishedAt: z
      .string()
      .refine(
        isPublicationDate,
        'must be an ISO 8601 date (years 0001–9999), optionally with a local time: "2024-07-13" or "2024-03-08T23:03"',
      )
      .meta({
        title: 'date and time',
        pattern: PUBLICATION_DATE_PATTERN,
        description:
          'When it was published: a date at the precision the source gives ("2024", "2024-07", "2024-07-13"), ' +
          'optionally with the local time the source prints ("2024-03-08T23:03").',
      }),
    publishedAtText: nonBlank.describe('The publication date exactly as the source prints it ("March 8, 2024").'),
    source: nonBlank.describe(
      'File name of the text the article was collected from (the repository’s are in data/sources/). ' +
        'Provenance for a reader: the loader does not open it.',
    ),
    body: nonBlank.describe(
      'The article’s text, verbatim: evidence quotes must be found in it, and mentions are computed from it.',
    ),
  })
  .describe('One news article.');

const entityFields = {
  slug: slug.describe('Identifier, unique in this file; relationships refer to the record by it.'),
  name: nonBlank.describe(
    'The name the articles use. With the aliases it is how mentions are found: whole words, case-sensitive. ' +
      'The name or an alias must occur in some article body.',
  ),
  aliases: z
    .array(nonBlank)
    .describe(
      'Other names the articles use (a surname alone, an abbreviation); none may repeat the name or another ' +
        'alias. [] when there are none.',
    ),
  description: nonBlank.nullable().describe('A short description drawn from the articles; null when there is none.'),
};

const age = z
  .number()
  .int('must be a whole number of years')
  .min(MIN_AGE, `must be from ${MIN_AGE} to ${MAX_AGE}`)
  .max(MAX_AGE, `must be from ${MIN_AGE} to ${MAX_AGE}`)
  .meta({ title: 'age' });

export const personFixture = z
  .strictObject({
    ...entityFields,
    nationalities: z
      .array(countryCode)
      .describe(
        'The person’s nationalities the articles state, as country codes; [] when they state none. Each needs a ' +
          'NATIONALITY claim in claims.json, and every such claim’s value is here.',
      ),
    age: age
      .nullable()
      .describe(
        'The age in years the newest article that states one gives (an AGE claim in claims.json); null when none does.',
      ),
    title: nonBlank
      .nullable()
      .describe(
        'A title or rank the articles put before the name ("Senator", "General"): the newest article’s (a TITLE ' +
          'claim in claims.json); null when none gives one.',
      ),
  })
  .describe('One person.');

export const organizationFixture = z
  .strictObject({
    ...entityFields,
    kind: z
      .enum(keysOf(ORGANIZATION_KINDS))
      .meta({ title: 'organization kind', description: 'What kind of organization it is.' }),
    country: countryCode
      .nullable()
      .describe(
        'The country the organization belongs to, as the newest article that states it gives it (a COUNTRY claim in ' +
          'claims.json); null for none (an intergovernmental one) or unknown.',
      ),
  })
  .describe('One organization: a government, an agency, an armed force or group, a forum.');

export const eventFixture = z
  .strictObject({
    ...entityFields,
    kind: z.enum(keysOf(EVENT_KINDS)).meta({ title: 'event kind', description: 'What kind of event it is.' }),
    startDate: reducedDate
      .nullable()
      .describe(
        'When the event began, at the precision the articles give: the newest article’s (a START_DATE claim in ' +
          'claims.json); null when unknown.',
      ),
    endDate: reducedDate
      .nullable()
      .describe(
        'When the event ended: the newest article’s (an END_DATE claim in claims.json); null when unknown or not ' +
          'over. Not before startDate (compared at the coarser of the two precisions).',
      ),
    location: nonBlank
      .nullable()
      .describe(
        'Where it took place, in the newest article’s words (a LOCATION claim in claims.json); null when unknown.',
      ),
  })
  .describe('One event: a plot, an arrest, a meeting, a conflict.');

export const affiliationFixture = z
  .strictObject({
    person: slug.describe('Slug of the person, in persons.json.'),
    organization: slug.describe('Slug of the organization the person belongs to or works for, in organizations.json.'),
    role,
    evidence: evidenceList,
  })
  .describe('A person’s membership of or work for an organization.');

export const participationFixture = z
  .strictObject({
    person: slug.describe('Slug of the person, in persons.json.'),
    event: slug.describe('Slug of the event the person took part in, in events.json.'),
    role,
    evidence: evidenceList,
  })
  .describe('A person’s part in an event.');

export const involvementFixture = z
  .strictObject({
    organization: slug.describe('Slug of the organization, in organizations.json.'),
    event: slug.describe('Slug of the event the organization was involved in, in events.json.'),
    role,
    evidence: evidenceList,
  })
  .describe('An organization’s part in an event.');

export const organizationRelationFixture = z
  .strictObject({
    from: slug.describe('Slug of the organization that is PART_OF or SUPPORTS the other, in organizations.json.'),
    kind: z
      .enum(keysOf(ORGANIZATION_RELATION_KINDS))
      .meta({ title: 'organization relation kind', description: 'How `from` relates to `to`.' }),
    to: slug.describe('Slug of the other organization, in organizations.json.'),
    evidence: evidenceList,
  })
  .describe('A relation between two organizations: `from` is PART_OF or SUPPORTS `to`.');

export const eventRelationFixture = z
  .strictObject({
    from: slug.describe('Slug of the event the relation is stated of, in events.json.'),
    relation: nonBlank.describe('How `from` relates to `to`, in the articles’ words ("timed to coincide with").'),
    to: slug.describe('Slug of the other event, in events.json.'),
    evidence: evidenceList,
  })
  .describe('A relation between two events, in the articles’ words: `from` relation `to`.');

/** `Person:majid-azizi`: an entity of one of `types`, by its type and slug. */
function entityKeyOf(types: readonly string[]) {
  const pattern = `^(?:${types.join('|')}):[a-z0-9]+(?:-[a-z0-9]+)*$`;
  const example = `${types[0]}:${types[0] === 'Person' ? 'majid-azizi' : 'quds-force'}`;
  return z
    .string()
    .regex(new RegExp(pattern), `must be ${types.join(' or ')}, a colon and a slug, like "${example}"`)
    .meta({ title: 'entity key' });
}

/** A claim's value, by how its property is typed (CLAIM_PROPERTIES). */
const CLAIM_VALUES = {
  country: countryCode,
  quantity: age,
  date: reducedDate,
  text: nonBlank,
  kind: z
    .enum([...new Set([...Object.keys(ORGANIZATION_KINDS), ...Object.keys(EVENT_KINDS)])] as [string, ...string[]])
    .meta({ title: 'kind' }),
} as const;

const claimEvidence = z
  .array(evidence)
  .min(1, 'every claim needs at least one quote')
  .describe(
    'The quotes that state this value, all from one article (a claim is what one article states; write one claim ' +
      'per article): at least one.',
  );

const CLAIM_VALUE_DESCRIPTIONS = {
  country: 'an ISO 3166-1 alpha-2 code ("IR").',
  quantity: `a whole number from ${MIN_AGE} to ${MAX_AGE} (a JSON number, not a string).`,
  date: 'an ISO 8601 date at the precision the article gives ("2014", "2024-11").',
  text: 'the article’s words.',
  kind: 'a kind of the entity’s type (organizations.json or events.json `kind`).',
} as const;

/** One variant per property: the entity types it applies to and its value's type. */
function claimVariant<P extends ClaimProperty>(property: P) {
  const info = CLAIM_PROPERTIES[property];
  return z.strictObject({
    entity: entityKeyOf(info.types).describe(
      `The ${info.types.join(' or ')} the claim is about: its type, a colon and its slug ("Person:majid-azizi").`,
    ),
    property: z.literal(property).describe(info.description),
    value: CLAIM_VALUES[info.value].describe(
      `The value as the article states it: ${CLAIM_VALUE_DESCRIPTIONS[info.value]}`,
    ),
    evidence: claimEvidence,
  });
}

export const claimFixture = z
  .discriminatedUnion(
    'property',
    CLAIM_PROPERTY_NAMES.map(claimVariant) as unknown as [
      ReturnType<typeof claimVariant>,
      ...ReturnType<typeof claimVariant>[],
    ],
  )
  .describe(
    'One attribute value of one entity as one article states it, with the quotes that state it. Every value of ' +
      'a person’s nationalities, age and title, an organization’s country and an event’s dates and location needs ' +
      'one.',
  );

/** Every fixture file, by file name, with the schema of one record. */
export const FIXTURE_FILES = {
  'articles.json': articleFixture,
  'persons.json': personFixture,
  'organizations.json': organizationFixture,
  'events.json': eventFixture,
  'affiliations.json': affiliationFixture,
  'participations.json': participationFixture,
  'involvements.json': involvementFixture,
  'organization-relations.json': organizationRelationFixture,
  'event-relations.json': eventRelationFixture,
  'claims.json': claimFixture,
} as const;

export type FixtureFileName = keyof typeof FIXTURE_FILES;
export type FixtureRecord<F extends FixtureFileName> = z.infer<(typeof FIXTURE_FILES)[F]>;
export type FixtureSet = { [F in FixtureFileName]: FixtureRecord<F>[] };

/** The one transform of the format, which JSON Schema cannot state (it validates, it does not rewrite). */
export const TRIMMED_ON_LOAD =
  'Text values (those titled "text") are trimmed of surrounding white space on load; a value of white space ' +
  'alone is refused.';

const entityChecks = (referredToAs: string) => [
  'slugs are unique in the file',
  `the name or an alias occurs, as whole words, in some article body (${referredToAs} must be mentioned)`,
  'no alias repeats the name or another alias',
];
const relationshipChecks = (ends: string, sameEnds = 'the same ends') => [
  `${ends} exist`,
  'each evidence article exists, and each quote occurs in its body exactly once',
  `no two records have ${sameEnds} (merge their evidence instead)`,
];

/**
 * What the loader checks beyond one record's schema, by file: rules across records and files, and the two
 * within a record that JSON Schema cannot state. A JSON Schema validator does not check these; the loader
 * (`npm run validate -- DIR`) does.
 */
export const FIXTURE_FILE_CHECKS: { [F in FixtureFileName]: readonly string[] } = {
  'articles.json': ['slugs are unique in the file'],
  'persons.json': entityChecks('every person'),
  'organizations.json': entityChecks('every organization'),
  'events.json': [
    ...entityChecks('every event'),
    'endDate is not before startDate, at the coarser of their precisions',
  ],
  'affiliations.json': relationshipChecks('the person and the organization'),
  'participations.json': relationshipChecks('the person and the event'),
  'involvements.json': relationshipChecks('the organization and the event'),
  'organization-relations.json': [
    ...relationshipChecks('both organizations', 'the same ends and kind'),
    'an organization is not related to itself',
    'an organization is PART_OF at most one other, and PART_OF never forms a cycle',
  ],
  'event-relations.json': [
    ...relationshipChecks('both events', 'the same ends and relation'),
    'an event is not related to itself',
  ],
  'claims.json': [
    'the entity exists; a KIND value is a kind of its type',
    'each evidence article exists, each quote occurs in its body exactly once, and all of a claim’s quotes are from one article',
    'no two records state the same value of the same property of the same entity in the same article (merge their evidence instead)',
    'every value of a person’s nationalities has a NATIONALITY claim, and every NATIONALITY claim’s value is among them',
    'a person’s age and title, an organization’s country and an event’s startDate, endDate and location are the value of the newest article that states one (the first such claim in reading order when it states several), and null when no article does; a kind stated by a KIND claim is likewise the newest article’s',
  ],
};

/**
 * Fast checks, one per fixture file, that vouch for the common case only: given a record as JSON.parse
 * returns it, each returns exactly what its zod schema would return (fields in the schema's order, strings
 * trimmed where the schema trims), or INVALID whenever it is not sure, and then the loader asks zod, which
 * also words the problems. They never reject what zod accepts, they only decline to decide. At 100,000
 * articles zod takes about a second on its own; these take a small fraction of it.
 */
export const INVALID: unique symbol = Symbol('invalid');
type FastCheck = (value: unknown) => unknown;

const fastString =
  (test: (value: string) => boolean): FastCheck =>
  (value) =>
    typeof value === 'string' && test(value) ? value : INVALID;
const fastSlug = fastString((value) => SLUG.test(value));
const fastNonBlank: FastCheck = (value) => {
  if (typeof value !== 'string') return INVALID;
  const trimmed = value.trim();
  return trimmed.length > 0 ? trimmed : INVALID;
};
const fastNullable =
  (check: FastCheck): FastCheck =>
  (value) =>
    value === null ? null : check(value);
const fastEnum = (values: readonly string[]): FastCheck => {
  const allowed = new Set(values);
  return fastString((value) => allowed.has(value));
};
/** An array of `check`ed elements, at least `min`; the same array when no element changes. */
const fastArray =
  (check: FastCheck, min = 0): FastCheck =>
  (value) => {
    if (!Array.isArray(value) || value.length < min) return INVALID;
    let out: unknown[] = value;
    for (let i = 0; i < value.length; i++) {
      const element = check(value[i]);
      if (element === INVALID) return INVALID;
      if (element !== value[i]) {
        if (out === value) out = value.slice();
        out[i] = element;
      }
    }
    return out;
  };
/**
 * A plain object with exactly the fields of `shape`, in that order (zod's output order, so an unchanged
 * record can be returned as it is); anything else is left to zod.
 */
const fastObject = (shape: Record<string, FastCheck>): FastCheck => {
  const keys = Object.keys(shape);
  const checks = Object.values(shape);
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return INVALID;
    if (Object.getPrototypeOf(value) !== Object.prototype) return INVALID;
    let count = 0;
    for (const key in value) {
      if (key !== keys[count]) return INVALID;
      count++;
    }
    if (count !== keys.length) return INVALID;
    const record = value as Record<string, unknown>;
    let out = record;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      const field = (checks[i] as FastCheck)(record[key]);
      if (field === INVALID) return INVALID;
      if (field !== record[key]) {
        if (out === record) out = { ...record };
        out[key] = field;
      }
    }
    return out;
  };
};

const fastCountryCode = fastString(isCountryCode);
const fastReducedDate = fastString(isReducedPrecisionDate);
const fastEvidenceList = fastArray(fastObject({ article: fastSlug, quote: fastNonBlank }), 1);
const fastEntityFields = {
  slug: fastSlug,
  name: fastNonBlank,
  aliases: fastArray(fastNonBlank),
  description: fastNullable(fastNonBlank),
};

const fastAge: FastCheck = (value) =>
  typeof value === 'number' && Number.isInteger(value) && value >= MIN_AGE && value <= MAX_AGE ? value : INVALID;
const CLAIM_ENTITY_KEY = /^(?:Person|Organization|Event):[a-z0-9]+(?:-[a-z0-9]+)*$/;
const FAST_CLAIM_VALUES: Record<keyof typeof CLAIM_VALUES, FastCheck> = {
  country: fastCountryCode,
  quantity: fastAge,
  date: fastReducedDate,
  text: fastNonBlank,
  kind: fastEnum(CLAIM_VALUES.kind.options),
};
const fastClaimShape = fastObject({
  entity: fastString((value) => CLAIM_ENTITY_KEY.test(value)),
  property: fastEnum(CLAIM_PROPERTY_NAMES),
  value: (value) => value,
  evidence: fastEvidenceList,
});
/** A claim: its shape, then the entity type and the value its property takes (claimVariant's rules). */
const fastClaim: FastCheck = (raw) => {
  const record = fastClaimShape(raw);
  if (record === INVALID) return INVALID;
  const { entity, property, value } = record as { entity: string; property: ClaimProperty; value: unknown };
  const info = CLAIM_PROPERTIES[property];
  if (!(info.types as readonly string[]).includes(entity.slice(0, entity.indexOf(':')))) return INVALID;
  const checked = FAST_CLAIM_VALUES[info.value](value);
  if (checked === INVALID) return INVALID;
  return checked === value ? record : { ...(record as object), value: checked };
};

export const FAST_FIXTURE_CHECKS: { [F in FixtureFileName]: FastCheck } = {
  'articles.json': fastObject({
    slug: fastSlug,
    headline: fastNonBlank,
    publishedAt: fastString(isPublicationDate),
    publishedAtText: fastNonBlank,
    source: fastNonBlank,
    body: fastNonBlank,
  }),
  'persons.json': fastObject({
    ...fastEntityFields,
    nationalities: fastArray(fastCountryCode),
    age: fastNullable(fastAge),
    title: fastNullable(fastNonBlank),
  }),
  'organizations.json': fastObject({
    ...fastEntityFields,
    kind: fastEnum(Object.keys(ORGANIZATION_KINDS)),
    country: fastNullable(fastCountryCode),
  }),
  'events.json': fastObject({
    ...fastEntityFields,
    kind: fastEnum(Object.keys(EVENT_KINDS)),
    startDate: fastNullable(fastReducedDate),
    endDate: fastNullable(fastReducedDate),
    location: fastNullable(fastNonBlank),
  }),
  'affiliations.json': fastObject({
    person: fastSlug,
    organization: fastSlug,
    role: fastNullable(fastNonBlank),
    evidence: fastEvidenceList,
  }),
  'participations.json': fastObject({
    person: fastSlug,
    event: fastSlug,
    role: fastNullable(fastNonBlank),
    evidence: fastEvidenceList,
  }),
  'involvements.json': fastObject({
    organization: fastSlug,
    event: fastSlug,
    role: fastNullable(fastNonBlank),
    evidence: fastEvidenceList,
  }),
  'organization-relations.json': fastObject({
    from: fastSlug,
    kind: fastEnum(Object.keys(ORGANIZATION_RELATION_KINDS)),
    to: fastSlug,
    evidence: fastEvidenceList,
  }),
  'event-relations.json': fastObject({
    from: fastSlug,
    relation: fastNonBlank,
    to: fastSlug,
    evidence: fastEvidenceList,
  }),
  'claims.json': fastClaim,
};
