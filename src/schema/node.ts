import { z } from 'zod';
import { builder } from '../builder.js';
import type { Context } from '../context.js';
import { decodeGlobalId } from '../ids.js';

export const MAX_NODES = 100;

/** Loads the object a global ID names; null for a malformed ID or an unknown type or slug. */
function loadNode({ loaders }: Context, globalId: string): Promise<unknown> | null {
  const decoded = decodeGlobalId(globalId);
  if (!decoded) return null;
  if (decoded.typename === 'Article') return loaders.article.load(decoded.id);
  return loaders.entity({ type: decoded.typename, slug: decoded.id });
}

builder.queryFields((t) => ({
  node: t.field({
    type: builder.nodeInterfaceRef(),
    nullable: true,
    description: 'The object with this global ID; null when the ID is malformed or names nothing.',
    args: { id: t.arg.id({ required: true, description: 'A global ID from any `id` field.' }) },
    resolve: (_root, args, context) => loadNode(context, String(args.id)),
  }),
  nodes: t.field({
    type: [builder.nodeInterfaceRef()],
    nullable: { list: false, items: true },
    description: `The objects with these global IDs, in the same order; null in place of an ID that is malformed or names nothing. At most ${MAX_NODES} IDs.`,
    args: {
      ids: t.arg.idList({
        required: true,
        description: `Global IDs from any \`id\` fields (at most ${MAX_NODES}).`,
        validate: z.array(z.unknown()).max(MAX_NODES, `at most ${MAX_NODES} IDs per request`),
      }),
    },
    resolve: (_root, args, context) => args.ids.map((id) => loadNode(context, String(id))),
  }),
}));
