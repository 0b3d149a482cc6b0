import { builder } from '../builder.js';
import type { OrganizationRecord } from '../data/records.js';
import { ORGANIZATION_KINDS } from '../data/vocabulary.js';
import { AffiliationRef } from './affiliation.js';
import { EntityRef } from './entity.js';
import { InvolvementRef } from './involvement.js';
import { OrganizationRelationRef } from './organization-relation.js';
import { loadAll } from './shared/connections.js';
import { entityFilterDescription, entityFilterFields, entityList, isEntityOf } from './shared/entity-lists.js';
import { describedValues } from './shared/enums.js';
import { countryCodeSchema, idOfType, slugOfId } from './shared/filters.js';
import { loadRequired } from './shared/references.js';

export const OrganizationKindEnum = builder.enumType('OrganizationKind', {
  description: 'What sort of organization it is.',
  values: describedValues(ORGANIZATION_KINDS),
});

export const OrganizationFilterInput = builder.inputType('OrganizationFilter', {
  description: entityFilterDescription('Organization'),
  fields: (t) =>
    entityFilterFields('Organization', t, {
      kind: t.field({ type: OrganizationKindEnum, required: false, description: 'Only organizations of this kind.' }),
      country: t.string({
        required: false,
        description: 'Only organizations of this country (ISO 3166-1 alpha-2, like "IR").',
        validate: countryCodeSchema,
      }),
      partOf: t.id({
        required: false,
        description: 'Only organizations that are part of this one (its ID), directly or through intermediate units.',
        validate: idOfType('Organization'),
      }),
    }),
});

export const OrganizationRef = builder.objectRef<OrganizationRecord>('Organization');

OrganizationRef.implement({
  description:
    'An organization the articles name: a government or state acting in the story, an armed force or group, an agency, a forum.',
  interfaces: () => [builder.nodeInterfaceRef(), EntityRef],
  isTypeOf: isEntityOf('Organization'),
  fields: (t) => ({
    kind: t.field({
      type: OrganizationKindEnum,
      description:
        'What sort of organization it is: the newest article’s words where an article says (`claims(property: KIND)`), otherwise the curators’ classification.',
      resolve: (organization) => organization.kind as keyof typeof ORGANIZATION_KINDS,
    }),
    country: t.exposeString('country', {
      nullable: true,
      description:
        'Country it belongs to, as an ISO 3166-1 alpha-2 code ("IR"), as the newest article that states it gives it; null when the articles do not say. `claims(property: COUNTRY)` gives every article’s, with quotes.',
    }),
    parent: t.field({
      type: OrganizationRef,
      nullable: true,
      description: 'The organization this one is part of (the Quds Force is part of the Revolutionary Guards Corps).',
      resolve: async (organization, _args, { loaders }) => {
        const relations = await loaders.organizationRelationsByOrganization.load(organization.slug);
        const partOf = relations.find((r) => r.kind === 'PART_OF' && r.from === organization.slug);
        return partOf ? loadRequired(loaders.organization, partOf.to, 'organization') : null;
      },
    }),
    children: t.field({
      type: [OrganizationRef],
      description: 'Organizations that are part of this one.',
      resolve: async (organization, _args, { loaders }) => {
        const relations = await loaders.organizationRelationsByOrganization.load(organization.slug);
        const childSlugs = relations
          .filter((r) => r.kind === 'PART_OF' && r.to === organization.slug)
          .map((r) => r.from);
        return (await loadAll(loaders.organization, childSlugs)).filter((o) => o !== null);
      },
    }),
    relations: t.field({
      type: [OrganizationRelationRef],
      description:
        'Every stated relation to another organization (part of, supports), in either direction, with its quotes.',
      resolve: (organization, _args, { loaders }) =>
        loaders.organizationRelationsByOrganization.load(organization.slug),
    }),
    members: t.field({
      type: [AffiliationRef],
      description: 'Persons affiliated with this organization, each with the role and the quotes that state it.',
      resolve: (organization, _args, { loaders }) => loaders.affiliationsByOrganization.load(organization.slug),
    }),
    involvements: t.field({
      type: [InvolvementRef],
      description: 'Events this organization was involved in, each with its part and the quotes that state it.',
      resolve: (organization, _args, { loaders }) => loaders.involvementsByOrganization.load(organization.slug),
    }),
  }),
});

export const OrganizationList = entityList({
  type: 'Organization',
  ref: OrganizationRef,
  filter: OrganizationFilterInput,
  conditions: (filter) => ({
    kind: filter?.kind ?? null,
    country: filter?.country ?? null,
    partOf: slugOfId(filter?.partOf),
  }),
});
