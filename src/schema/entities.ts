/**
 * Every entity type's lists, by type: an article's list of each type is made from here. The map is exhaustive,
 * so a type added to the registry (src/data/entity-types.ts) must have its schema file listed here.
 */
import type { EntityType } from '../data/entity-types.js';
import { EventList } from './event.js';
import { OrganizationList } from './organization.js';
import { PersonList } from './person.js';
import type { EntityList } from './shared/entity-lists.js';

/** Read when the schema is built (not on import): the entity files and this one import each other. */
export function entityLists(): { [T in EntityType]: EntityList<T> } {
  return { Person: PersonList, Organization: OrganizationList, Event: EventList };
}
