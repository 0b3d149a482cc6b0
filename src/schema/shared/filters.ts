/**
 * Pieces every filter and ordering input shares: the sort direction, reduced-precision date
 * arguments and windows, and ID arguments that must name a given type.
 */
import type { ArgBuilder, EnumRef } from '@pothos/core';
import { z } from 'zod';
import { builder } from '../../builder.js';

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

import { type EntityOrderField, ORDERING, type SortDirection } from '../../data/contract.js';
import { dayRange } from '../../data/dates.js';
import { MAX_EXPANSIONS_PER_WORD, MIN_PREFIX_LENGTH } from '../../data/memory/search-index.js';
import { MAX_QUERY_WORDS, queryTerms } from '../../data/memory/text-index.js';
import { isCountryCode, isReducedPrecisionDate } from '../../data/vocabulary.js';
import { decodeGlobalId, type NodeType } from '../../ids.js';
import { REDUCED_PRECISION_DATE } from './dates.js';

export const OrderDirectionEnum = builder.enumType('OrderDirection', {
  description: 'Sort direction.',
  values: {
    ASC: { description: 'Smallest, earliest or A first.' },
    DESC: { description: 'Largest, latest or Z first.' },
  },
});

export const reducedDateSchema = z
  .string()
  .refine(
    isReducedPrecisionDate,
    'must be an ISO 8601 date from year 0001 to 9999, such as "2014", "2024-11" or "2024-07-13"',
  );

export const countryCodeSchema = z
  .string()
  .refine(isCountryCode, 'must be an ISO 3166-1 alpha-2 country code in capitals, like "IR"');

export const searchTextSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters')
  .refine((text) => queryTerms(text).length <= MAX_QUERY_WORDS, `must have at most ${MAX_QUERY_WORDS} different words`);

/** How the words of a search or text filter match, for the arguments' descriptions. */
export const TEXT_MATCHING = `Case- and accent-insensitive; 1–200 characters, at most ${MAX_QUERY_WORDS} different words (more is refused with BAD_USER_INPUT). A word of ${MIN_PREFIX_LENGTH} or more characters also matches words that begin with it (the ${MAX_EXPANSIONS_PER_WORD} most frequent such words, fewer for very common beginnings); a shorter word matches only itself.`;

/** Description of a window bound, shared by every date filter. */
export function windowBoundDescription(bound: 'from' | 'to', what: string): string {
  return bound === 'from'
    ? `Only ${what} on or after this date (overlap counts: "2014" matches from "2014-06-01"). ${REDUCED_PRECISION_DATE}`
    : `Only ${what} on or before this date (overlap counts). ${REDUCED_PRECISION_DATE}`;
}

/** Refines an object with two date bounds so that the window is not empty. */
export function windowIsOrdered<T extends Record<string, unknown>>(fromKey: keyof T & string, toKey: keyof T & string) {
  return (value: T, context: z.RefinementCtx) => {
    const from = value[fromKey];
    const to = value[toKey];
    if (typeof from !== 'string' || typeof to !== 'string') return;
    if (!isReducedPrecisionDate(from) || !isReducedPrecisionDate(to)) return;
    if (dayRange(from).first > dayRange(to).last) {
      context.addIssue({
        code: 'custom',
        path: [toKey],
        message: `must not be before ${fromKey} ("${to}" < "${from}")`,
      });
    }
  };
}

/** An ID argument that must be the global ID of one of `typenames`. */
export function idOfType(...typenames: NodeType[]) {
  const article = typenames.length === 1 && /^[AEIOU]/.test(typenames[0] ?? '') ? 'an' : 'a';
  return z.string().refine(
    (id) => {
      const typename = decodeGlobalId(id)?.typename;
      return typename !== undefined && typenames.includes(typename);
    },
    `must be the ID of ${article} ${typenames.join(' or ')}`,
  );
}

/** The slug in a global ID already checked by `idOfType`. */
export function slugOfId(id: string | number | null | undefined): string | null {
  return id == null ? null : (decodeGlobalId(String(id))?.id ?? null);
}

/** The entity key (`Person:slug`) in a global ID already checked by `idOfType`. */
export function entityKeyOfId(id: string | number): string {
  const decoded = decodeGlobalId(String(id));
  return decoded ? `${decoded.typename}:${decoded.id}` : '';
}

/** Sort direction when the client names a field but no direction: names A–Z and dates oldest first, counts largest first. */
export function entityOrder<F extends EntityOrderField>(
  orderBy: { field: F; direction?: SortDirection | null } | null | undefined,
): { field: F; direction: SortDirection } | null {
  if (!orderBy) return null;
  return { field: orderBy.field, direction: orderBy.direction ?? ORDERING.entities[orderBy.field] };
}

/** Describes the order fields every entity list shares. */
export const ENTITY_ORDER_FIELDS = {
  NAME: { description: 'Name, alphabetically (ties by slug). Default direction: ASC.' },
  ARTICLE_COUNT: { description: 'Number of articles that mention the entity. Default direction: DESC.' },
  MENTION_COUNT: { description: 'Number of mentions in all articles. Default direction: DESC.' },
} as const;

/** `{ field, direction }` ordering input of an entity list (PersonOrder, OrganizationOrder, EventOrder). */
export function entityOrderInput<F extends EntityOrderField>(
  name: string,
  plural: string,
  fieldEnum: EnumRef<Types, F>,
) {
  return builder.inputType(name, {
    description: `How to sort ${plural}. Default: by name.`,
    fields: (t) => ({
      field: t.field({ type: fieldEnum, required: true, description: 'What to sort by.' }),
      direction: t.field({
        type: OrderDirectionEnum,
        required: false,
        description: 'Sort direction (default depends on the field).',
      }),
    }),
  });
}

/** Arguments `from` and `to` of a window of publication dates (timeline, topEntities). */
export function publicationWindowArgs(t: ArgBuilder<Types>) {
  return {
    from: t.string({
      required: false,
      description: windowBoundDescription('from', 'articles published'),
      validate: reducedDateSchema,
    }),
    to: t.string({
      required: false,
      description: windowBoundDescription('to', 'articles published'),
      validate: reducedDateSchema,
    }),
  };
}

/** Field-level validation that a `from`/`to` window is not empty. */
export const publicationWindowIsOrdered = z
  .object({ from: z.string().nullish(), to: z.string().nullish() })
  .passthrough()
  .superRefine(windowIsOrdered('from', 'to'));
