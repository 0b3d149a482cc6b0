/**
 * The attributes a claim can state (issue 14), declared once: which entity types have each, how its value is
 * typed, and the entity field it backs. The fixture schema, the loader's checks, the GraphQL enum and its claim
 * types all read this table, so they cannot disagree.
 */
import type { EntityType } from './entity-types.js';

/** How a claim's value is typed: it decides the fixture's JSON type and the GraphQL claim type. */
export type ClaimValueKind =
  /** An ISO 3166-1 alpha-2 code ("IR"). */
  | 'country'
  /** A whole number (an age). */
  | 'quantity'
  /** A reduced-precision ISO 8601 date ("2014", "2024-11", "2024-07-13"). */
  | 'date'
  /** Words of the article, trimmed. */
  | 'text'
  /** A kind from the entity type's vocabulary (OrganizationKind, EventKind). */
  | 'kind';

export interface ClaimPropertyInfo {
  /** The entity types that have this attribute (EntityType names: this table is read by the fixture schemas, which the registry reads). */
  types: readonly string[];
  value: ClaimValueKind;
  /**
   * The entity record's field whose value the claims back, or null for an attribute with no field (its claims
   * are the only record of it).
   */
  field: string | null;
  /**
   * Many values at once (a person holds several nationalities): the field lists every value any claim states,
   * and claims never supersede one another. Otherwise the field shows the newest article's value.
   */
  many: boolean;
  /**
   * The field is the curators' classification, required of every record: backed by claims where an article
   * states it (then it must be the newest article's value), never refused for want of one.
   */
  classification?: true;
  description: string;
}

export const CLAIM_PROPERTIES = {
  NATIONALITY: {
    types: ['Person'],
    value: 'country',
    field: 'nationalities',
    many: true,
    description: 'A citizenship the person holds, as an ISO 3166-1 alpha-2 code ("IR"). Backs Person.nationalities.',
  },
  AGE: {
    types: ['Person'],
    value: 'quantity',
    field: 'age',
    many: false,
    description: 'The person’s age in years, as of the article’s date (`asOf`). Backs Person.age.',
  },
  TITLE: {
    types: ['Person'],
    value: 'text',
    field: 'title',
    many: false,
    description: 'A title or rank the article puts before the name ("Senator", "General"). Backs Person.title.',
  },
  ROLE_DESCRIPTION: {
    types: ['Person'],
    value: 'text',
    field: null,
    many: true,
    description:
      'The person’s position or occupation in the article’s words ("police chief", "businessman"). Membership of ' +
      'an organization is an Affiliation instead.',
  },
  KIND: {
    types: ['Organization', 'Event'],
    value: 'kind',
    field: 'kind',
    many: false,
    classification: true,
    description:
      'What sort of organization or event it is, where the article says so ("an elite Iranian military unit"). ' +
      'Backs Organization.kind and Event.kind when stated; otherwise the kind is the curators’ classification.',
  },
  COUNTRY: {
    types: ['Organization'],
    value: 'country',
    field: 'country',
    many: false,
    description: 'The country the organization belongs to, as an ISO 3166-1 alpha-2 code. Backs Organization.country.',
  },
  START_DATE: {
    types: ['Event'],
    value: 'date',
    field: 'startDate',
    many: false,
    description: 'When the event began or is to begin, at the precision the article gives. Backs Event.startDate.',
  },
  END_DATE: {
    types: ['Event'],
    value: 'date',
    field: 'endDate',
    many: false,
    description: 'When the event ended, at the precision the article gives. Backs Event.endDate.',
  },
  LOCATION: {
    types: ['Event'],
    value: 'text',
    field: 'location',
    many: false,
    description: 'Where the event took place, in the article’s words ("Lima"). Backs Event.location.',
  },
} as const satisfies Record<string, ClaimPropertyInfo>;

export type ClaimProperty = keyof typeof CLAIM_PROPERTIES;
export const CLAIM_PROPERTY_NAMES = Object.keys(CLAIM_PROPERTIES) as [ClaimProperty, ...ClaimProperty[]];

/** The properties of an entity type, in the table's order. */
export function claimPropertiesOf(type: EntityType): ClaimProperty[] {
  return CLAIM_PROPERTY_NAMES.filter((property) =>
    (CLAIM_PROPERTIES[property].types as readonly EntityType[]).includes(type),
  );
}

/** The oldest and the greatest age a claim may state. */
export const MIN_AGE = 0;
export const MAX_AGE = 150;
