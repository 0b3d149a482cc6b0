/**
 * The entity types, declared once. Everything that differs only by type (its fixture file, its names in the
 * data set, the source and the loaders, the global-ID typename) is read from here, and what differs in
 * substance is kept in maps keyed by every EntityType: a new entry here makes the compiler point at each
 * place that must learn about it. Its record's fields are its fixture schema's (src/data/fixture-schemas.ts).
 */
import type { FixtureFileName, FixtureRecord } from './fixture-schemas.js';

export const ENTITY_TYPE_INFO = {
  Person: { file: 'persons.json', noun: 'person', plural: 'persons' },
  Organization: { file: 'organizations.json', noun: 'organization', plural: 'organizations' },
  Event: { file: 'events.json', noun: 'event', plural: 'events' },
} as const satisfies Record<string, { file: FixtureFileName; noun: string; plural: string }>;

export type EntityType = keyof typeof ENTITY_TYPE_INFO;

/** Every entity type, in the registry's order (the order of lists, search codes and the data set). */
export const ENTITY_TYPES = Object.keys(ENTITY_TYPE_INFO) as readonly EntityType[];

/** The lower-case noun of a type ("person"): its lookup field, loader and relationship ends. */
export type EntityNoun<T extends EntityType = EntityType> = (typeof ENTITY_TYPE_INFO)[T]['noun'];
/** The plural of a type ("persons"): its list field, its data-set list and its count. */
export type EntityPlural<T extends EntityType = EntityType> = (typeof ENTITY_TYPE_INFO)[T]['plural'];

/** An entity as the data layer hands it on: its fixture record, tagged with its type (a union for a union). */
export type EntityRecordOf<T extends EntityType> = T extends EntityType
  ? { type: T } & FixtureRecord<(typeof ENTITY_TYPE_INFO)[T]['file']>
  : never;

/** A map with one entry per entity type, each made by `make`. */
export function byEntityType<V>(make: (type: EntityType) => V): Record<EntityType, V> {
  return Object.fromEntries(ENTITY_TYPES.map((type) => [type, make(type)])) as Record<EntityType, V>;
}
