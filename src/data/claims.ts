/**
 * Claims (issue 14): what the loader checks of claims.json and of the attribute values the claims back, the
 * orders claims are listed in, and the in-memory index a store answers claim lists from. Backend-neutral where
 * it can be: a database backend orders by claimPosition and reads `superseded` as the loader computed it.
 */
import { CLAIM_PROPERTIES, CLAIM_PROPERTY_NAMES, type ClaimProperty } from './claim-properties.js';
import { CLAIMS, type ClaimFilter, claimPosition, comparePositions, type Page, type Window } from './contract.js';
import { ENTITY_TYPE_INFO, type EntityType } from './entity-types.js';
import type { FixtureFileName, FixtureRecord } from './fixture-schemas.js';
import type { ArticleRecord, ClaimRecord, EntityRecord, EvidenceRecord } from './records.js';
import { EVENT_KINDS, ORGANIZATION_KINDS } from './vocabulary.js';
import { pageOfSorted } from './windows.js';

export type ClaimFixture = FixtureRecord<'claims.json'>;

/** A claim's `asOf`: the article's publication date without its time of day, at the precision it has. */
export function asOfDate(publishedAt: string): string {
  const time = publishedAt.indexOf('T');
  return time === -1 ? publishedAt : publishedAt.slice(0, time);
}

const PROPERTY_RANK = new Map(CLAIM_PROPERTY_NAMES.map((property, i) => [property, i]));
const byCodeUnits = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const entityKeyOf = (claim: ClaimRecord) => `${claim.entity.type}:${claim.entity.slug}`;
const startOf = (claim: ClaimRecord) => claim.evidence[0]?.start ?? 0;

/** Newest article first (claimPosition's order). */
export function compareNewestFirst(a: ClaimRecord, b: ClaimRecord): number {
  return comparePositions(claimPosition(a), claimPosition(b), CLAIMS.directions);
}

/**
 * An article's claims in reading order: by the first quote's offset, then entity key, property and value (so
 * within one article it is claimPosition's order).
 */
export function compareReadingOrder(a: ClaimRecord, b: ClaimRecord): number {
  return (
    startOf(a) - startOf(b) ||
    byCodeUnits(entityKeyOf(a), entityKeyOf(b)) ||
    (PROPERTY_RANK.get(a.property) ?? 0) - (PROPERTY_RANK.get(b.property) ?? 0) ||
    byCodeUnits(String(a.value), String(b.value))
  );
}

/** The kinds an entity type's records may have. */
const KINDS_OF: Partial<Record<EntityType, Readonly<Record<string, string>>>> = {
  Organization: ORGANIZATION_KINDS,
  Event: EVENT_KINDS,
};

type Report = (file: string, record: string | null, field: string | null, message: string) => void;

export interface ClaimCheckInput {
  /** The valid records of claims.json, each with its index in the file. */
  records: readonly { value: ClaimFixture; index: number }[];
  /** A record's label in a report (its index and ends). */
  labelOf: (record: { value: ClaimFixture; index: number }) => string;
  /** Each type's valid records, by slug. */
  entities: { [T in EntityType]: ReadonlyMap<string, EntityRecord> };
  /** Slugs of each type's records that exist but failed validation: a claim about one is not reported again. */
  failedSlugs: (type: EntityType) => ReadonlySet<string>;
  articles: ReadonlyMap<string, ArticleRecord>;
  /** The loader's check of a list of quotes: each found once in its article, with its offsets. */
  locateEvidence: (
    file: FixtureFileName,
    label: string,
    evidence: { article: string; quote: string }[],
  ) => EvidenceRecord[];
  report: Report;
}

const FILE: FixtureFileName = 'claims.json';

/**
 * Checks claims.json against the other files: the entity exists, a kind belongs to its type, every quote is
 * found once in its article and all of a claim's quotes are from one article, no claim is written twice.
 * Returns the valid claims, quotes in reading order, with `superseded` computed.
 */
export function checkClaims(input: ClaimCheckInput): ClaimRecord[] {
  const { report } = input;
  const claims: ClaimRecord[] = [];
  const seen = new Set<string>();
  for (const record of input.records) {
    const { value } = record;
    const label = input.labelOf(record);
    const colon = value.entity.indexOf(':');
    const type = value.entity.slice(0, colon) as EntityType;
    const slug = value.entity.slice(colon + 1);
    let valid = true;
    if (!input.entities[type]?.has(slug)) {
      valid = false;
      if (!input.failedSlugs(type).has(slug)) {
        report(FILE, label, 'entity', `refers to unknown ${ENTITY_TYPE_INFO[type].noun} "${slug}"`);
      }
    }
    const kinds = value.property === 'KIND' ? KINDS_OF[type] : undefined;
    if (kinds && !(String(value.value) in kinds)) {
      valid = false;
      report(
        FILE,
        label,
        'value',
        `"${value.value}" is not a kind of ${ENTITY_TYPE_INFO[type].noun}: one of ${Object.keys(kinds).join(', ')}`,
      );
    }
    const article = value.evidence[0]?.article ?? '';
    value.evidence.forEach((quote, i) => {
      if (quote.article === article) return;
      valid = false;
      report(
        FILE,
        label,
        `evidence.${i}.article`,
        `"${quote.article}" is not the article of the first quote ("${article}"): a claim is what one article states, so write one claim per article`,
      );
    });
    const identity = [value.entity, value.property, String(value.value), article].join('\0');
    if (seen.has(identity)) {
      report(
        FILE,
        label,
        null,
        'duplicates an earlier claim of the same value in the same article: merge their evidence',
      );
      continue;
    }
    seen.add(identity);
    const evidence = input.locateEvidence(FILE, label, value.evidence);
    if (!valid || evidence.length !== value.evidence.length) continue;
    evidence.sort((a, b) => a.start - b.start || a.end - b.end);
    const publishedAt = (input.articles.get(article) as ArticleRecord).publishedAt;
    claims.push({
      entity: { type, slug },
      property: value.property,
      value: value.value,
      article,
      asOf: asOfDate(publishedAt),
      evidence,
      superseded: false,
    });
  }
  markSuperseded(claims);
  return claims;
}

/** The claims of each entity and property, newest first, keyed `type:slug|PROPERTY`. */
function claimsByAttribute(claims: readonly ClaimRecord[]): Map<string, ClaimRecord[]> {
  const groups = new Map<string, ClaimRecord[]>();
  for (const claim of claims) {
    const key = `${entityKeyOf(claim)}|${claim.property}`;
    const group = groups.get(key);
    if (group) group.push(claim);
    else groups.set(key, [claim]);
  }
  for (const group of groups.values()) group.sort(compareNewestFirst);
  return groups;
}

/**
 * The value an entity's field shows for a single-valued property: the newest article's, and of that article's
 * claims the first in reading order. `claims` are one attribute's claims, newest first.
 */
function currentValue(claims: readonly ClaimRecord[]): string | number | null {
  const newest = claims[0];
  if (!newest) return null;
  let first = newest;
  for (const claim of claims) {
    if (claim.article !== newest.article || claim.asOf !== newest.asOf) break;
    if (compareReadingOrder(claim, first) < 0) first = claim;
  }
  return first.value;
}

/** Marks the claims whose single-valued attribute shows another value (see ClaimRecord.superseded). */
function markSuperseded(claims: ClaimRecord[]): void {
  for (const group of claimsByAttribute(claims).values()) {
    const property = group[0]?.property as ClaimProperty;
    if (CLAIM_PROPERTIES[property].many) continue;
    const current = currentValue(group);
    for (const claim of group) claim.superseded = claim.value !== current;
  }
}

/** An entity record as the loader read it, with its label in its file. */
export interface LabelledEntity {
  record: EntityRecord;
  label: string;
}

const shown = (value: unknown) => JSON.stringify(value);

/**
 * Checks that every attribute value is backed by a claim and shows what the claims say: each nationality has a
 * NATIONALITY claim and each such claim's value is a nationality; a single-valued field is the newest article's
 * value, and null when no claim states one (a kind, the curators' classification, only when a claim states it).
 */
export function checkAttributeClaims(
  entities: readonly LabelledEntity[],
  claims: readonly ClaimRecord[],
  report: Report,
): void {
  const groups = claimsByAttribute(claims);
  for (const { record, label } of entities) {
    const file = ENTITY_TYPE_INFO[record.type].file;
    const fields = record as unknown as Record<string, unknown>;
    for (const property of CLAIM_PROPERTY_NAMES) {
      const info = CLAIM_PROPERTIES[property];
      if (info.field === null || !(info.types as readonly string[]).includes(record.type)) continue;
      const stated = groups.get(`${record.type}:${record.slug}|${property}`) ?? [];
      const value = fields[info.field];
      if (info.many) {
        const values = (value ?? []) as unknown[];
        const claimed = new Set(stated.map((claim) => claim.value));
        values.forEach((v, i) => {
          if (!claimed.has(v as string)) {
            report(
              file,
              label,
              `${info.field}.${i}`,
              `${shown(v)} has no ${property} claim in claims.json: add one with the quote that states it`,
            );
          }
        });
        for (const claim of stated) {
          if (values.includes(claim.value)) continue;
          report(
            file,
            label,
            info.field,
            `claims.json states ${shown(claim.value)} (${property}, article "${claim.article}"), which is not among them`,
          );
        }
        continue;
      }
      const current = currentValue(stated);
      if (current === null) {
        if (value !== null && !('classification' in info)) {
          report(
            file,
            label,
            info.field,
            `${shown(value)} has no ${property} claim in claims.json: add one with the quote that states it, or write null`,
          );
        }
        continue;
      }
      if (value !== current) {
        const newest = stated[0] as ClaimRecord;
        report(
          file,
          label,
          info.field,
          `is ${shown(value)}, but the newest article that states it, "${newest.article}" (${newest.asOf}), says ${shown(current)}: the field shows the newest article’s value`,
        );
      }
    }
  }
}

/** The claims of a data set, indexed: by entity and by corpus newest first, by article in reading order. */
export class ClaimIndex {
  /** Every claim, newest article first (claimPosition's order). */
  private readonly all: ClaimRecord[];
  private readonly byEntity = new Map<string, ClaimRecord[]>();
  private readonly byArticle = new Map<string, ClaimRecord[]>();

  constructor(claims: readonly ClaimRecord[]) {
    const keyed = claims.map((claim) => ({ claim, position: claimPosition(claim) }));
    keyed.sort((a, b) => comparePositions(a.position, b.position, CLAIMS.directions));
    this.all = keyed.map(({ claim }) => claim);
    for (const claim of this.all) {
      const key = entityKeyOf(claim);
      const list = this.byEntity.get(key);
      if (list) list.push(claim);
      else this.byEntity.set(key, [claim]);
      const inArticle = this.byArticle.get(claim.article);
      if (inArticle) inArticle.push(claim);
      else this.byArticle.set(claim.article, [claim]);
    }
    for (const list of this.byArticle.values()) list.sort(compareReadingOrder);
  }

  get size(): number {
    return this.all.length;
  }

  /** Each entity's claims (keys `Person:slug`), newest article first. */
  ofEntities(keys: readonly string[]): ClaimRecord[][] {
    return keys.map((key) => this.byEntity.get(key) ?? []);
  }

  /** Each article's claims, in reading order. */
  ofArticles(slugs: readonly string[]): ClaimRecord[][] {
    return slugs.map((slug) => this.byArticle.get(slug) ?? []);
  }

  /** The claims a filter selects, newest article first (within one article, that is reading order). */
  select(filter: ClaimFilter): readonly ClaimRecord[] {
    const base = filter.entity
      ? (this.byEntity.get(filter.entity) ?? [])
      : filter.article
        ? (this.byArticle.get(filter.article) ?? [])
        : this.all;
    if (!filter.property && !(filter.entity && filter.article)) return base;
    return base.filter(
      (claim) =>
        (!filter.property || claim.property === filter.property) &&
        (!filter.article || claim.article === filter.article),
    );
  }

  /** The window's page of the claims a filter selects (the contract's keyset paging). */
  page(filter: ClaimFilter, window: Window): Page<ClaimRecord> {
    return pageOfSorted(this.select(filter), claimPosition, CLAIMS.directions, window);
  }

  /** The lengths of the lists a query can ask for whole: claims per entity, per article, and quotes per claim. */
  lists(): { byEntity: number[]; byArticle: number[]; evidence: number[] } {
    return {
      byEntity: [...this.byEntity.values()].map((list) => list.length),
      byArticle: [...this.byArticle.values()].map((list) => list.length),
      evidence: this.all.map((claim) => claim.evidence.length),
    };
  }
}
