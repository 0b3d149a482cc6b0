import { builder } from '../builder.js';
import type { EntityRecord, PersonRecord } from '../data/records.js';
import { AffiliationRef } from './affiliation.js';
import { EntityRef } from './entity.js';
import { ParticipationRef } from './participation.js';
import { connectionFromKeys } from './shared/connections.js';
import { lookupField } from './shared/lookup.js';

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
      description: 'All persons, by name.',
      resolve: async (_root, args, { source, loaders }) =>
        connectionFromKeys(args, await source.listEntitySlugs('Person'), loaders.person),
    },
    PersonConnection,
  ),
}));
