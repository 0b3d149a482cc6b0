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
        'Every citizenship an article states, as ISO 3166-1 alpha-2 country codes ("IR", "PE"); empty when none does. `claims(property: NATIONALITY)` gives each with its quotes.',
    }),
    age: t.exposeInt('age', {
      nullable: true,
      description:
        'Age in years as the newest article that states one gives it, as of that article’s date; null when none does. `claims(property: AGE)` gives every article’s, with `asOf`.',
    }),
    title: t.exposeString('title', {
      nullable: true,
      description:
        'The title or rank the newest article that gives one puts before the name ("Senator", "General"); null when none does. `claims(property: TITLE)` gives every article’s.',
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
