import type DataLoader from 'dataloader';
import { z } from 'zod';
import { decodeGlobalId, type NodeType } from '../../ids.js';

/**
 * Loads a record the data refers to (a reference the validator has already checked): a missing record here
 * means the store is inconsistent, which is an internal error (masked for clients), not a null to pass on.
 */
export function loadRequired<V>(loader: DataLoader<string, V | null, string>, key: string, what: string): Promise<V> {
  return loader.load(key).then((value) => {
    if (value === null) throw new Error(`Store inconsistency: ${what} "${key}" is referenced but missing`);
    return value;
  });
}

/** Arguments of the single-object root fields (`person(id:, slug:)` and its siblings). */
export const lookupArgsSchema = z
  .object({ id: z.string().nullish(), slug: z.string().nullish() })
  .refine((args) => (args.id == null) !== (args.slug == null), 'give exactly one of `id` or `slug`');

/** The slug a lookup asks for, or null when the ID is malformed or names another type. */
export function slugFromLookup(typename: NodeType, args: { id?: string | null; slug?: string | null }): string | null {
  if (args.slug != null) return args.slug;
  const decoded = args.id == null ? null : decodeGlobalId(args.id);
  return decoded?.typename === typename ? decoded.id : null;
}
