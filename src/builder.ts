import SchemaBuilder from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import ValidationPlugin from '@pothos/plugin-validation';
import type { Context } from './context.js';
import { cursorSchema, pageSizeSchema } from './schema/shared/cursors.js';
import { badUserInput } from './schema/shared/errors.js';
import { decodeGlobalId, encodeGlobalId } from './schema/shared/ids.js';

export const builder = new SchemaBuilder<{
  Context: Context;
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
  Connection: { totalCount: number };
}>({
  plugins: [RelayPlugin, ValidationPlugin],
  // The contract is non-null unless a field says otherwise.
  defaultFieldNullability: false,
  validation: {
    validationError: (failure) => {
      const issues = failure.issues.map((issue) => ({
        path: (issue.path ?? []).map((p) => String(typeof p === 'object' ? p.key : p)).join('.'),
        message: issue.message,
      }));
      return badUserInput(issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; '), {
        issues,
      });
    },
  },
  relay: {
    cursorType: 'String',
    nodeQueryOptions: false, // replaced by src/schema/node.ts, which answers null for bad IDs
    nodesQueryOptions: false,
    encodeGlobalID: (typename, id) => encodeGlobalId(typename, id),
    decodeGlobalID: (globalId) => {
      const decoded = decodeGlobalId(globalId);
      if (!decoded) throw badUserInput(`"${globalId}" is not a valid ID`);
      return decoded;
    },
    nodesOnConnection: { description: 'The nodes of the edges, for clients that need no cursors.' },
    nodeTypeOptions: {
      description: 'An object with a stable, globally unique ID (Relay global object identification).',
    },
    idFieldOptions: { description: 'Globally unique, stable ID: pass it to `node(id:)` to fetch this object again.' },
    pageInfoTypeOptions: { description: 'Where a page sits in its list: whether more items follow or precede it.' },
    hasNextPageFieldOptions: { description: 'True when items follow this page.' },
    hasPreviousPageFieldOptions: { description: 'True when items precede this page.' },
    startCursorFieldOptions: { description: 'Cursor of the first edge of the page, null when the page is empty.' },
    endCursorFieldOptions: {
      description:
        'Cursor of the last edge of the page, null when the page is empty: pass it as `after` for the next page.',
    },
    pageInfoFieldOptions: { description: 'Information to fetch the next or previous page.' },
    edgesFieldOptions: { description: 'The items of this page, each with its cursor.' },
    nodeFieldOptions: { description: 'The item at the end of the edge.' },
    cursorFieldOptions: { description: 'Opaque cursor of this edge: pass it as `after` or `before`.' },
    firstArgOptions: {
      description: 'Return at most this many items from the start (0–100; default 20).',
      validate: pageSizeSchema,
    },
    lastArgOptions: { description: 'Return at most this many items from the end (0–100).', validate: pageSizeSchema },
    afterArgOptions: {
      description: 'Return items after this cursor (from an edge or pageInfo.endCursor).',
      validate: cursorSchema,
    },
    beforeArgOptions: {
      description: 'Return items before this cursor (from an edge or pageInfo.startCursor).',
      validate: cursorSchema,
    },
    defaultConnectionTypeOptions: { description: 'A page of a list, Relay-style.' },
    defaultEdgeTypeOptions: { description: 'An item of a list with its cursor.' },
  },
});

builder.queryType({ description: 'The entry points of the news graph.' });
