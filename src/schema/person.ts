import { builder } from '../builder.js';
import type { EntityRecord, PersonRecord } from '../data/records.js';
import type { EntityQuery } from '../data/source.js';
import { AffiliationRef } from './affiliation.js';
import { EntityRef } from './entity.js';
import { ParticipationRef } from './participation.js';
import { connectionFromKeys } from './shared/connections.js';
import {
  countryCodeSchema,
  ENTITY_ORDER_FIELDS,
  entityOrder,
  entityOrderInput,
  idOfType,
  searchTextSchema,
  slugOfId,
} from './shared/filters.js';
import { lookupField } from './shared/lookup.js';

export const PersonFilterInput = builder.inputType('PersonFilter', {
  description: 'Conditions on persons; every condition given must hold.',
  fields: (t) => ({
    nameContains: t.string({
      required: false,
      description: 'Only persons whose name or an alias contains this text (case- and accent-insensitive).',
      validate: searchTextSchema,
    }),
    nationality: t.string({
      required: false,
      description: 'Only persons of this nationality (ISO 3166-1 alpha-2, like "IR").',
      validate: countryCodeSchema,
    }),
    affiliatedWith: t.id({
      required: false,
      description: 'Only persons affiliated with this organization (its ID).',
      validate: idOfType('Organization'),
    }),
    mentionedIn: t.id({
      required: false,
      description: 'Only persons this article mentions (its ID); they then come in order of first mention by default.',
      validate: idOfType('Article'),
    }),
  }),
});

export const PersonOrderFieldEnum = builder.enumType('PersonOrderField', {
  description: 'What to sort persons by.',
  values: ENTITY_ORDER_FIELDS,
});

export const PersonOrderInput = entityOrderInput('PersonOrder', 'persons', PersonOrderFieldEnum);

/** The data-source query for a list of persons. */
export function personQuery(
  filter: typeof PersonFilterInput.$inferInput | null | undefined,
  orderBy: typeof PersonOrderInput.$inferInput | null | undefined,
): EntityQuery {
  return {
    type: 'Person',
    nameContains: filter?.nameContains ?? null,
    nationality: filter?.nationality ?? null,
    affiliatedWith: slugOfId(filter?.affiliatedWith),
    mentionedIn: slugOfId(filter?.mentionedIn),
    order: entityOrder(orderBy),
  };
}

export const PersonRef = builder.objectRef<PersonRecord>('Person');

PersonRef.implement({
  description: 'A person the articles name or describe.',
  interfaces: () => [builder.nodeInterfaceRef(), EntityRef],
  isTypeOf: (value) => (value as EntityRecord).type === 'Person',
  fields: (t) => ({
    nationalities: t.exposeStringList('nationalities', {
      description:
        'Citizenships the articles state, as ISO 3166-1 alpha-2 country codes ("IR", "PE"); empty when not stated.',
    }),
    affiliations: t.field({
      type: [AffiliationRef],
      description:
        'Organizations this person belongs to or works for, each with the role and the quotes that state it.',
      resolve: (person, _args, { loaders }) => loaders.affiliationsByPerson.load(person.slug),
    }),
    participations: t.field({
      type: [ParticipationRef],
      description: 'Events this person took part in, each with the role and the quotes that state it.',
      resolve: (person, _args, { loaders }) => loaders.participationsByPerson.load(person.slug),
    }),
  }),
});

export const PersonConnection = builder.connectionObject({
  type: PersonRef,
  name: 'PersonConnection',
  description: 'A page of persons.',
});

builder.queryFields((t) => ({
  person: lookupField(t, {
    type: PersonRef,
    typename: 'Person',
    noun: 'person',
    load: (loaders, slug) => loaders.person.load(slug),
  }),
  persons: t.connection(
    {
      type: PersonRef,
      description: 'Persons, by name unless `orderBy` says otherwise; `filter` narrows the list.',
      args: {
        filter: t.arg({ type: PersonFilterInput, required: false, description: 'Only persons that match.' }),
        orderBy: t.arg({ type: PersonOrderInput, required: false, description: 'Sort order.' }),
      },
      resolve: async (_root, args, { loaders }) =>
        connectionFromKeys(
          args,
          await loaders.entityQuery.load(personQuery(args.filter, args.orderBy)),
          loaders.person,
        ),
    },
    PersonConnection,
  ),
}));
