/**
 * zod schemas for the curated JSON files in data/. Objects are strict, so a misspelt
 * field is reported rather than silently ignored; optional facts are written as null.
 */
import { z } from 'zod';
import {
  EVENT_KINDS,
  isCountryCode,
  isPublicationDate,
  isReducedPrecisionDate,
  ORGANIZATION_KINDS,
  ORGANIZATION_RELATION_KINDS,
} from './vocabulary.js';

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const slug = z.string().regex(SLUG, 'must be lowercase words joined by single hyphens, like "majid-azizi"');
const nonBlank = z.string().trim().min(1, 'must not be empty');
const countryCode = z
  .string()
  .refine(isCountryCode, 'must be an ISO 3166-1 alpha-2 country code in capitals, like "IR"');
const reducedDate = z
  .string()
  .refine(
    isReducedPrecisionDate,
    'must be an ISO 8601 date (years 0001–9999) at the precision the text gives: "2014", "2024-11" or "2024-07-13"',
  );
const keysOf = <T extends Record<string, string>>(values: T) =>
  Object.keys(values) as [keyof T & string, ...(keyof T & string)[]];

/** A quote, written as the exact text of the article it comes from. */
const evidence = z.strictObject({ article: slug, quote: nonBlank });
const evidenceList = z.array(evidence).min(1, 'every relationship needs at least one quote');

export const articleFixture = z.strictObject({
  slug,
  headline: nonBlank,
  publishedAt: z
    .string()
    .refine(
      isPublicationDate,
      'must be an ISO 8601 date (years 0001–9999), optionally with a local time: "2024-07-13" or "2024-03-08T23:03"',
    ),
  publishedAtText: nonBlank,
  source: nonBlank,
  body: nonBlank,
});

const entityFields = {
  slug,
  name: nonBlank,
  aliases: z.array(nonBlank),
  description: nonBlank.nullable(),
};

export const personFixture = z.strictObject({ ...entityFields, nationalities: z.array(countryCode) });

export const organizationFixture = z.strictObject({
  ...entityFields,
  kind: z.enum(keysOf(ORGANIZATION_KINDS)),
  country: countryCode.nullable(),
});

export const eventFixture = z.strictObject({
  ...entityFields,
  kind: z.enum(keysOf(EVENT_KINDS)),
  startDate: reducedDate.nullable(),
  endDate: reducedDate.nullable(),
  location: nonBlank.nullable(),
});

export const affiliationFixture = z.strictObject({
  person: slug,
  organization: slug,
  role: nonBlank.nullable(),
  evidence: evidenceList,
});

export const participationFixture = z.strictObject({
  person: slug,
  event: slug,
  role: nonBlank.nullable(),
  evidence: evidenceList,
});

export const involvementFixture = z.strictObject({
  organization: slug,
  event: slug,
  role: nonBlank.nullable(),
  evidence: evidenceList,
});

export const organizationRelationFixture = z.strictObject({
  from: slug,
  kind: z.enum(keysOf(ORGANIZATION_RELATION_KINDS)),
  to: slug,
  evidence: evidenceList,
});

export const eventRelationFixture = z.strictObject({
  from: slug,
  relation: nonBlank,
  to: slug,
  evidence: evidenceList,
});

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
} as const;

export type FixtureFileName = keyof typeof FIXTURE_FILES;
export type FixtureRecord<F extends FixtureFileName> = z.infer<(typeof FIXTURE_FILES)[F]>;
export type FixtureSet = { [F in FixtureFileName]: FixtureRecord<F>[] };

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

export const FAST_FIXTURE_CHECKS: { [F in FixtureFileName]: FastCheck } = {
  'articles.json': fastObject({
    slug: fastSlug,
    headline: fastNonBlank,
    publishedAt: fastString(isPublicationDate),
    publishedAtText: fastNonBlank,
    source: fastNonBlank,
    body: fastNonBlank,
  }),
  'persons.json': fastObject({ ...fastEntityFields, nationalities: fastArray(fastCountryCode) }),
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
};
