import { builder } from '../builder.js';
import type { PersonRecord } from '../data/records.js';
import { AffiliationRef } from './affiliation.js';
import { EntityRef } from './entity.js';
import { ParticipationRef } from './participation.js';
import { entityFilterDescription, entityFilterFields, entityList, isEntityOf } from './shared/entity-lists.js';
import { countryCodeSchema, idOfType, slugOfId } from './shared/filters.js';

export const PersonFilterInput = builder.inputType('PersonFilter', {
  description: entityFilterDescription('Person'),
  fields: (t) =>
    entityFilterFields('Person', t, {
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
    }),
});

export const PersonRef = builder.objectRef<PersonRecord>('Person');

PersonRef.implement({
  description: 'A person the articles name or describe.',
  interfaces: () => [builder.nodeInterfaceRef(), EntityRef],
  isTypeOf: isEntityOf('Person'),
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

export const PersonList = entityList({
  type: 'Person',
  ref: PersonRef,
  filter: PersonFilterInput,
  conditions: (filter) => ({
    nationality: filter?.nationality ?? null,
    affiliatedWith: slugOfId(filter?.affiliatedWith),
  }),
});
