import { z } from 'zod';
import { builder } from '../builder.js';
import type { EventRecord } from '../data/records.js';
import { EVENT_KINDS } from '../data/vocabulary.js';
import { EntityRef } from './entity.js';
import { EventRelationRef } from './event-relation.js';
import { InvolvementRef } from './involvement.js';
import { OrganizationRef } from './organization.js';
import { ParticipationRef } from './participation.js';
import { loadAll } from './shared/connections.js';
import { REDUCED_PRECISION_DATE } from './shared/dates.js';
import { entityFilterDescription, entityFilterFields, entityList, isEntityOf } from './shared/entity-lists.js';
import { describedValues } from './shared/enums.js';
import {
  idOfType,
  reducedDateSchema,
  searchTextSchema,
  slugOfId,
  windowBoundDescription,
  windowIsOrdered,
} from './shared/filters.js';

export const EventKindEnum = builder.enumType('EventKind', {
  description: 'What sort of event it is.',
  values: describedValues(EVENT_KINDS),
});

export const EventFilterInput = builder.inputType('EventFilter', {
  description: entityFilterDescription('Event'),
  fields: (t) =>
    entityFilterFields('Event', t, {
      kind: t.field({ type: EventKindEnum, required: false, description: 'Only events of this kind.' }),
      from: t.string({
        required: false,
        description: `${windowBoundDescription('from', 'events')} Undated events never match a date window.`,
        validate: reducedDateSchema,
      }),
      to: t.string({
        required: false,
        description: `${windowBoundDescription('to', 'events')} Undated events never match a date window.`,
        validate: reducedDateSchema,
      }),
      involves: t.id({
        required: false,
        description: 'Only events this organization (its ID) was involved in.',
        validate: idOfType('Organization'),
      }),
      location: t.string({
        required: false,
        description: 'Only events whose location contains this text (case- and accent-insensitive), like "Peru".',
        validate: searchTextSchema,
      }),
    }),
  validate: z
    .object({ from: z.string().nullish(), to: z.string().nullish() })
    .passthrough()
    .superRefine(windowIsOrdered('from', 'to')),
});

export const EventRef = builder.objectRef<EventRecord>('Event');

EventRef.implement({
  description: 'Something that happened or is planned, as the articles tell it: a plot, an arrest, a meeting.',
  interfaces: () => [builder.nodeInterfaceRef(), EntityRef],
  isTypeOf: isEntityOf('Event'),
  fields: (t) => ({
    kind: t.field({
      type: EventKindEnum,
      description:
        'What sort of event it is: the newest article’s words where an article says (`claims(property: KIND)`), otherwise the curators’ classification.',
      resolve: (event) => event.kind as keyof typeof EVENT_KINDS,
    }),
    startDate: t.exposeString('startDate', {
      nullable: true,
      description: `When it began or is to begin, as the newest article that states it gives it (\`claims(property: START_DATE)\` gives every article’s); null when the articles do not say. ${REDUCED_PRECISION_DATE}`,
    }),
    endDate: t.exposeString('endDate', {
      nullable: true,
      description: `When it ended, as the newest article that states it gives it (\`claims(property: END_DATE)\`); null when the articles do not say. ${REDUCED_PRECISION_DATE}`,
    }),
    location: t.exposeString('location', {
      nullable: true,
      description:
        'Where it took place, in the words of the newest article that says ("Peru"); null when not stated. `claims(property: LOCATION)` gives every article’s ("Lima" in March 2024).',
    }),
    participants: t.field({
      type: [ParticipationRef],
      description: 'Persons who took part, each with the role and the quotes that state it.',
      resolve: (event, _args, { loaders }) => loaders.participationsByEvent.load(event.slug),
    }),
    involvements: t.field({
      type: [InvolvementRef],
      description: 'Organizations involved, each with its part and the quotes that state it.',
      resolve: (event, _args, { loaders }) => loaders.involvementsByEvent.load(event.slug),
    }),
    organizations: t.field({
      type: [OrganizationRef],
      description: 'The organizations involved (the `organization` of each involvement), without duplicates.',
      resolve: async (event, _args, { loaders }) => {
        const involvements = await loaders.involvementsByEvent.load(event.slug);
        const slugs = [...new Set(involvements.map((i) => i.organization))];
        return (await loadAll(loaders.organization, slugs)).filter((o) => o !== null);
      },
    }),
    relatedEvents: t.field({
      type: [EventRef],
      description: 'Events the articles relate to this one, in either direction, without duplicates.',
      resolve: async (event, _args, { loaders }) => {
        const relations = await loaders.eventRelationsByEvent.load(event.slug);
        const slugs = [...new Set(relations.map((r) => (r.from === event.slug ? r.to : r.from)))];
        return (await loadAll(loaders.event, slugs)).filter((e) => e !== null);
      },
    }),
    eventRelations: t.field({
      type: [EventRelationRef],
      description: 'How this event relates to others, in the articles’ words, with the quotes that state it.',
      resolve: (event, _args, { loaders }) => loaders.eventRelationsByEvent.load(event.slug),
    }),
  }),
});

export const EventList = entityList({
  type: 'Event',
  ref: EventRef,
  filter: EventFilterInput,
  conditions: (filter) => ({
    kind: filter?.kind ?? null,
    from: filter?.from ?? null,
    to: filter?.to ?? null,
    involves: slugOfId(filter?.involves),
    location: filter?.location ?? null,
  }),
  orderFields: {
    START_DATE: { description: 'Start date; undated events come last. Default direction: ASC (earliest first).' },
  },
});
