/**
 * The shapes the data layer hands to the schema: fixture records after validation,
 * with evidence offsets and mentions computed by the loader.
 */

import type { ClaimProperty } from './claim-properties.js';
import type { EntityRecordOf, EntityType } from './entity-types.js';

/** Identifies an entity across the entity tables. */
export interface EntityKey {
  type: EntityType;
  slug: string;
}

/** `Person:majid-azizi`: the string form used as a DataLoader and index key. */
export function entityKeyString(key: EntityKey): string {
  return `${key.type}:${key.slug}`;
}

export interface ArticleRecord {
  slug: string;
  headline: string;
  /** ISO 8601 at the precision the source gives ("2024-07-13", "2024-03-08T23:03"). */
  publishedAt: string;
  /** The date line exactly as printed in the source. */
  publishedAtText: string;
  /** File name of the source text the article was curated from. */
  source: string;
  body: string;
}

export type PersonRecord = EntityRecordOf<'Person'>;
export type OrganizationRecord = EntityRecordOf<'Organization'>;
export type EventRecord = EntityRecordOf<'Event'>;

/** An entity of any type: narrowed by its `type`. */
export type EntityRecord = EntityRecordOf<EntityType>;

export interface EvidenceRecord {
  article: string;
  quote: string;
  /** JavaScript string index (UTF-16 code units) of the quote's first character in the article body. */
  start: number;
  /** Index just past the quote's last character. */
  end: number;
}

export interface AffiliationRecord {
  person: string;
  organization: string;
  role: string | null;
  evidence: EvidenceRecord[];
}

export interface ParticipationRecord {
  person: string;
  event: string;
  role: string | null;
  evidence: EvidenceRecord[];
}

export interface InvolvementRecord {
  organization: string;
  event: string;
  role: string | null;
  evidence: EvidenceRecord[];
}

export type OrganizationRelationKind = 'PART_OF' | 'SUPPORTS';

/** `from` PART_OF `to`: from is a unit of to. `from` SUPPORTS `to`: from backs to. */
export interface OrganizationRelationRecord {
  from: string;
  to: string;
  kind: OrganizationRelationKind;
  evidence: EvidenceRecord[];
}

/** A relation between two events in the words of the article ("timed to coincide with"). */
export interface EventRelationRecord {
  from: string;
  to: string;
  relation: string;
  evidence: EvidenceRecord[];
}

export interface MentionRecord {
  article: string;
  entity: EntityKey;
  /** The matched text, exactly as in the body. */
  text: string;
  start: number;
  end: number;
}

/**
 * One attribute value of one entity as one article states it (issue 14): the article's date is `asOf`, and
 * every quote is from that article, in reading order.
 */
export interface ClaimRecord {
  entity: EntityKey;
  property: ClaimProperty;
  /** A number for a quantity (AGE), otherwise a string: a country code, a reduced-precision date, words, a kind. */
  value: string | number;
  article: string;
  /** The article's publication date without its time of day ("2024-03-08"), at the precision it has. */
  asOf: string;
  evidence: EvidenceRecord[];
  /**
   * A newer article (or an earlier sentence of the same one) states another value of this single-valued
   * property: the entity's field does not show this value. Never true of a property with many values.
   */
  superseded: boolean;
}
