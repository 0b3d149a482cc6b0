import { z } from 'zod';
import { builder } from '../builder.js';
import type { EntityCount } from '../data/contract.js';
import { ENTITY_TYPES } from '../data/entity-types.js';
import { EntityRef, EntityTypeEnum } from './entity.js';
import { publicationWindowArgs, publicationWindowIsOrdered } from './shared/filters.js';
import { loadRequired } from './shared/references.js';

export const DEFAULT_TOP = 10;
export const MAX_TOP = 100;

export const EntityCountRef = builder.objectRef<EntityCount>('EntityCount');

EntityCountRef.implement({
  description: 'An entity with how much the articles in a window speak of it.',
  fields: (t) => ({
    entity: t.field({
      type: EntityRef,
      description: 'The entity.',
      resolve: (count, _args, { loaders }) =>
        loadRequired(loaders.ofType(count.entity.type), count.entity.slug, count.entity.type),
    }),
    articleCount: t.exposeInt('articleCount', { description: 'Number of articles in the window that mention it.' }),
    mentionCount: t.exposeInt('mentionCount', { description: 'Number of its mentions in those articles.' }),
  }),
});

builder.queryFields((t) => ({
  topEntities: t.field({
    type: [EntityCountRef],
    description:
      'Entities ranked by the number of articles published in the window that mention them (then by mentions, then by name). Entities no article in the window mentions are left out.',
    args: {
      types: t.arg({
        type: [EntityTypeEnum],
        required: false,
        description: 'Only these kinds of entity (default: all).',
        validate: z.array(z.string()).max(ENTITY_TYPES.length, `at most ${ENTITY_TYPES.length} types`),
      }),
      ...publicationWindowArgs(t.arg),
      first: t.arg.int({
        required: false,
        description: `How many entities to return (1–${MAX_TOP}; default ${DEFAULT_TOP}).`,
        validate: z
          .number()
          .int()
          .min(1, `must be between 1 and ${MAX_TOP}`)
          .max(MAX_TOP, `must be between 1 and ${MAX_TOP}`),
      }),
    },
    validate: publicationWindowIsOrdered,
    resolve: (_root, args, { source }) =>
      source.topEntities({
        types: args.types?.length ? args.types : ENTITY_TYPES,
        from: args.from,
        to: args.to,
        limit: args.first ?? DEFAULT_TOP,
      }),
  }),
}));
