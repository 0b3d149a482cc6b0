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

const slug = z
  .string()
  .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lowercase words joined by single hyphens, like "majid-azizi"');
const nonBlank = z.string().trim().min(1, 'must not be empty');
const countryCode = z
  .string()
  .refine(isCountryCode, 'must be an ISO 3166-1 alpha-2 country code in capitals, like "IR"');
const reducedDate = z
  .string()
  .refine(
    isReducedPrecisionDate,
    'must be an ISO 8601 date at the precision the text gives: "2014", "2024-11" or "2024-07-13"',
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
      'must be an ISO 8601 date, optionally with a local time: "2024-07-13" or "2024-03-08T23:03"',
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
