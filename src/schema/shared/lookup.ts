import type { ObjectRef } from '@pothos/core';
import type { builder } from '../../builder.js';
import type { Context, Loaders } from '../../context.js';
import type { NodeType } from '../../ids.js';
import { lookupArgsSchema, slugFromLookup } from './references.js';

type Types = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T> ? T : never;

/** `person(id:, slug:)` and its siblings: one object by global ID or slug, null when unknown. */
export function lookupField<T>(
  t: PothosSchemaTypes.QueryFieldBuilder<Types, Types['Root']>,
  options: {
    type: ObjectRef<Types, T>;
    typename: NodeType;
    noun: string;
    load: (loaders: Loaders, slug: string) => Promise<T | null>;
  },
) {
  return t.field({
    type: options.type,
    nullable: true,
    description: `One ${options.noun} by \`id\` or by \`slug\` (give exactly one); null when there is no such ${options.noun}.`,
    args: {
      id: t.arg.id({ required: false, description: `Global ID of the ${options.noun}.` }),
      slug: t.arg.string({ required: false, description: `Slug of the ${options.noun}.` }),
    },
    validate: lookupArgsSchema,
    // Pothos cannot compute its resolver result type for a generic T; `options.type` fixes the shape.
    resolve: ((_root: unknown, args: { id?: string | number | null; slug?: string | null }, { loaders }: Context) => {
      const slug = slugFromLookup(options.typename, { id: args.id == null ? null : String(args.id), slug: args.slug });
      return slug === null ? null : options.load(loaders, slug);
    }) as never,
  });
}
