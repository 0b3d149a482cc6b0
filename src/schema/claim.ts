/**
 * Claims (issue 14): one attribute value of one entity as one article states it, with its quotes. `Claim` is an
 * interface with one object type per kind of value, each naming its value field after the value (`country`,
 * `quantity`, `date`, `text`, `organizationKind`, `eventKind`): a generated SDK then gets a union discriminated by
 * `__typename` whose members carry a typed value, and sibling fragments never ask for one field name with two
 * scalar types (which GraphQL refuses). `value` on the interface is the same value as text, for clients that only
 * display it.
 */
import type { ArgBuilder } from '@pothos/core';
import { builder } from '../builder.js';
import { CLAIM_PROPERTIES, type ClaimProperty, type ClaimValueKind } from '../data/claim-properties.js';
import { CLAIMS } from '../data/contract.js';
import { ENTITY_TYPES } from '../data/entity-types.js';
import type { ClaimRecord } from '../data/records.js';
import type { EventKind, OrganizationKind } from '../data/vocabulary.js';
import { ArticleRef } from './article.js';
import { EntityRef } from './entity.js';
import { EventKindEnum } from './event.js';
import { EvidenceRef } from './evidence.js';
import { OrganizationKindEnum } from './organization.js';
import { pagedConnection } from './shared/connections.js';
import { REDUCED_PRECISION_DATE } from './shared/dates.js';
import { describedValues } from './shared/enums.js';
import { entityKeyOfId, idOfType, slugOfId } from './shared/filters.js';
import { loadRequired } from './shared/references.js';

export const ClaimPropertyEnum = builder.enumType('ClaimProperty', {
  description: 'An attribute an article can state of an entity.',
  values: describedValues(
    Object.fromEntries(Object.entries(CLAIM_PROPERTIES).map(([name, info]) => [name, info.description])) as {
      [P in ClaimProperty]: string;
    },
  ),
});

export const ClaimRef = builder.interfaceRef<ClaimRecord>('Claim');

/** Every claim type, one per kind of value (a kind per entity type). */
export const CLAIM_TYPE_NAMES = [
  'CountryClaim',
  'QuantityClaim',
  'DateClaim',
  'TextClaim',
  'OrganizationKindClaim',
  'EventKindClaim',
] as const;

/** The claim type of each kind of value, by the entity type for a kind. */
const CLAIM_TYPES: Record<Exclude<ClaimValueKind, 'kind'>, string> = {
  country: 'CountryClaim',
  quantity: 'QuantityClaim',
  date: 'DateClaim',
  text: 'TextClaim',
};

function claimTypeName(claim: ClaimRecord): string {
  const kind = CLAIM_PROPERTIES[claim.property].value;
  if (kind === 'kind') return claim.entity.type === 'Event' ? 'EventKindClaim' : 'OrganizationKindClaim';
  return CLAIM_TYPES[kind];
}

ClaimRef.implement({
  description:
    'One attribute value of one entity as one article states it, with the quotes that state it. Articles may disagree: each keeps its claim, and the entity’s field shows the newest article’s value (`superseded` marks the others). Each kind of value has its own type with a typed value field; `value` gives it as text.',
  resolveType: claimTypeName,
  fields: (t) => ({
    property: t.field({
      type: ClaimPropertyEnum,
      description: 'The attribute stated.',
      resolve: (claim) => claim.property,
    }),
    value: t.string({
      description:
        'The value as text: a country code ("IR"), a number ("56"), a date ("2024-11"), the article’s words, or a kind ("MILITARY"). The typed value is on each claim type.',
      resolve: (claim) => String(claim.value),
    }),
    asOf: t.exposeString('asOf', {
      description:
        'The article’s publication date, without its time of day: when the article stated the value (an age is "56 as of 2024-07-13").',
    }),
    superseded: t.exposeBoolean('superseded', {
      description:
        'True when a newer article (or an earlier sentence of the same article) states another value of this attribute, so that the entity’s field does not show this one. Never true of an attribute with many values (NATIONALITY, ROLE_DESCRIPTION).',
    }),
    entity: t.field({
      type: EntityRef,
      description: 'The entity the claim is about.',
      resolve: (claim, _args, { loaders }) =>
        loadRequired(loaders.ofType(claim.entity.type), claim.entity.slug, claim.entity.type),
    }),
    article: t.field({
      type: ArticleRef,
      description: 'The article that states it.',
      resolve: (claim, _args, { loaders }) => loadRequired(loaders.article, claim.article, 'article'),
    }),
    evidence: t.field({
      type: [EvidenceRef],
      description: 'The quotes that state it, all from `article`, in reading order: at least one.',
      resolve: (claim) => claim.evidence,
    }),
  }),
});

const isClaimOf = (typeName: string) => (value: unknown) =>
  typeof value === 'object' &&
  value !== null &&
  'property' in value &&
  claimTypeName(value as ClaimRecord) === typeName;

builder.objectRef<ClaimRecord>('CountryClaim').implement({
  description: 'A claim whose value is a country (NATIONALITY, COUNTRY).',
  interfaces: [ClaimRef],
  isTypeOf: isClaimOf('CountryClaim'),
  fields: (t) => ({
    country: t.string({
      description: 'The country, as an ISO 3166-1 alpha-2 code ("IR").',
      resolve: (claim) => String(claim.value),
    }),
  }),
});

builder.objectRef<ClaimRecord>('QuantityClaim').implement({
  description: 'A claim whose value is a whole number (AGE).',
  interfaces: [ClaimRef],
  isTypeOf: isClaimOf('QuantityClaim'),
  fields: (t) => ({
    quantity: t.int({ description: 'The number (an age in years).', resolve: (claim) => Number(claim.value) }),
  }),
});

builder.objectRef<ClaimRecord>('DateClaim').implement({
  description: 'A claim whose value is a date (START_DATE, END_DATE).',
  interfaces: [ClaimRef],
  isTypeOf: isClaimOf('DateClaim'),
  fields: (t) => ({
    date: t.string({ description: `The date. ${REDUCED_PRECISION_DATE}`, resolve: (claim) => String(claim.value) }),
  }),
});

builder.objectRef<ClaimRecord>('TextClaim').implement({
  description: 'A claim whose value is the article’s words (TITLE, ROLE_DESCRIPTION, LOCATION).',
  interfaces: [ClaimRef],
  isTypeOf: isClaimOf('TextClaim'),
  fields: (t) => ({
    text: t.string({ description: 'The words, as the article gives them.', resolve: (claim) => String(claim.value) }),
  }),
});

builder.objectRef<ClaimRecord>('OrganizationKindClaim').implement({
  description: 'A claim of what sort of organization it is (KIND of an Organization).',
  interfaces: [ClaimRef],
  isTypeOf: isClaimOf('OrganizationKindClaim'),
  fields: (t) => ({
    organizationKind: t.field({
      type: OrganizationKindEnum,
      description: 'The kind the article’s words describe.',
      resolve: (claim) => claim.value as OrganizationKind,
    }),
  }),
});

builder.objectRef<ClaimRecord>('EventKindClaim').implement({
  description: 'A claim of what sort of event it is (KIND of an Event).',
  interfaces: [ClaimRef],
  isTypeOf: isClaimOf('EventKindClaim'),
  fields: (t) => ({
    eventKind: t.field({
      type: EventKindEnum,
      description: 'The kind the article’s words describe.',
      resolve: (claim) => claim.value as EventKind,
    }),
  }),
});

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/** The `property` argument of an entity's or an article's claims. */
export function claimPropertyArg(t: ArgBuilder<Types>) {
  return t({ type: ClaimPropertyEnum, required: false, description: 'Only claims of this attribute.' });
}

/** Keeps the claims of one property (all when none is given). */
export function ofProperty(claims: readonly ClaimRecord[], property: ClaimProperty | null | undefined): ClaimRecord[] {
  return property ? claims.filter((claim) => claim.property === property) : [...claims];
}

export const ClaimFilterInput = builder.inputType('ClaimFilter', {
  description: 'Conditions on claims; every condition given must hold.',
  fields: (t) => ({
    entity: t.id({
      required: false,
      description: 'Only claims about this entity (its ID).',
      validate: idOfType(...ENTITY_TYPES),
    }),
    article: t.id({
      required: false,
      description: 'Only claims this article states (its ID).',
      validate: idOfType('Article'),
    }),
    property: t.field({ type: ClaimPropertyEnum, required: false, description: 'Only claims of this attribute.' }),
  }),
});

export const ClaimConnection = builder.connectionObject({
  type: ClaimRef,
  name: 'ClaimConnection',
  description: 'A page of claims, newest article first.',
});

builder.queryFields((t) => ({
  claims: t.connection(
    {
      type: ClaimRef,
      description:
        'Claims of attribute values, newest article first (then by article, then in reading order); `filter` narrows them to an entity, an article or an attribute.',
      args: {
        filter: t.arg({ type: ClaimFilterInput, required: false, description: 'Only claims that match.' }),
      },
      resolve: (_root, args, { loaders }, info) => {
        const filter = {
          entity: args.filter?.entity ? entityKeyOfId(args.filter.entity) : null,
          article: slugOfId(args.filter?.article),
          property: args.filter?.property ?? null,
        };
        return pagedConnection(args, info, CLAIMS, (window) => loaders.claimList.load({ filter, window }));
      },
    },
    ClaimConnection,
  ),
}));
