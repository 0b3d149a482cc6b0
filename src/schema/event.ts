import { builder } from '../builder.js';
import type { EntityRecord, EventRecord } from '../data/records.js';
import { EVENT_KINDS } from '../data/vocabulary.js';
import { EntityRef } from './entity.js';
import { EventRelationRef } from './event-relation.js';
import { InvolvementRef } from './involvement.js';
import { OrganizationRef } from './organization.js';
import { ParticipationRef } from './participation.js';
import { connectionFromKeys, loadAll } from './shared/connections.js';
import { REDUCED_PRECISION_DATE } from './shared/dates.js';
import { describedValues } from './shared/enums.js';
import { lookupField } from './shared/lookup.js';

export const EventKindEnum = builder.enumType('EventKind', {
  description: 'What sort of event it is.',
  values: describedValues(EVENT_KINDS),
});

export const EventRef = builder.objectRef<EventRecord>('Event');

EventRef.implement({
  description: 'Something that happened or is planned, as the articles tell it: a plot, an arrest, a meeting.',
  interfaces: () => [builder.nodeInterfaceRef(), EntityRef],
  isTypeOf: (value) => (value as EntityRecord).type === 'Event',
  fields: (t) => ({
    kind: t.field({
      type: EventKindEnum,
      description: 'What sort of event it is.',
      resolve: (event) => event.kind as keyof typeof EVENT_KINDS,
    }),
    startDate: t.exposeString('startDate', {
      nullable: true,
      description: `When it began or is to begin; null when the articles do not say. ${REDUCED_PRECISION_DATE}`,
    }),
    endDate: t.exposeString('endDate', {
      nullable: true,
      description: `When it ended; null when the articles do not say. ${REDUCED_PRECISION_DATE}`,
    }),
    location: t.exposeString('location', {
      nullable: true,
      description: 'Where it took place, in the articles’ words ("Lima, Peru"); null when not stated.',
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

export const EventConnection = builder.connectionObject({
  type: EventRef,
  name: 'EventConnection',
  description: 'A page of events.',
});

builder.queryFields((t) => ({
  event: lookupField(t, {
    type: EventRef,
    typename: 'Event',
    noun: 'event',
    load: (loaders, slug) => loaders.event.load(slug),
  }),
  events: t.connection(
    {
      type: EventRef,
      description: 'All events, by name.',
      resolve: async (_root, args, { source, loaders }) =>
        connectionFromKeys(args, await source.listEntitySlugs('Event'), loaders.event),
    },
    EventConnection,
  ),
}));
