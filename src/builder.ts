import SchemaBuilder, { BasePlugin, isThenable, type PothosOutputFieldConfig, type SchemaTypes } from '@pothos/core';
import RelayPlugin from '@pothos/plugin-relay';
import ValidationPlugin from '@pothos/plugin-validation';
import { defaultFieldResolver, type GraphQLFieldResolver } from 'graphql';
import type { Context } from './context.js';
import { badUserInput } from './errors.js';
import { decodeGlobalId, encodeGlobalId } from './ids.js';
import { cursorSchema, pageSizeSchema } from './pagination.js';

/** Argument sets remembered per field (a page size, a filter, a cursor): enough for every client's queries. */
const MAPPED_ARGS_PER_FIELD = 100;

/**
 * Remembers what the argument mappers (the validation plugin's checks, the relay plugin's ID decoding) made of
 * a field's arguments: they are pure functions of the arguments, and a page runs the same field with the same
 * arguments for every item (`persons(first: 10)` under each of 20 articles), each time through the validation
 * plugin's generic walk of every argument (about a tenth of the CPU of a page of articles). Only arguments that
 * pass are remembered; a failure throws its BAD_USER_INPUT error again every time, from the same code.
 * Resolvers read their arguments and never change them, so one mapped object can serve many calls.
 */
class MappedArgsMemoPlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override onOutputFieldConfig(fieldConfig: PothosOutputFieldConfig<Types>): PothosOutputFieldConfig<Types> {
    const mappers = fieldConfig.argMappers;
    if (mappers.length === 0) return fieldConfig;
    const remembered = new Map<string, Record<string, unknown>>();
    type Mapper = (typeof mappers)[number];
    const mapArgs: Mapper = (args, context, info) => {
      const key = JSON.stringify(args);
      const known = remembered.get(key);
      if (known) return known;
      let mapped = args;
      for (const [i, mapper] of mappers.entries()) {
        const next = mapper(mapped, context, info);
        if (isThenable(next)) {
          // Asynchronous mappers (none here): the rest runs after, and nothing is remembered.
          return mappers
            .slice(i + 1)
            .reduce<Promise<Record<string, unknown>>>(
              (chain, later) => chain.then((value) => later(value, context, info)),
              Promise.resolve(next),
            );
        }
        mapped = next;
      }
      if (remembered.size >= MAPPED_ARGS_PER_FIELD) remembered.clear();
      remembered.set(key, mapped);
      return mapped;
    };
    return { ...fieldConfig, argMappers: [mapArgs] };
  }
}

/**
 * Every field with a resolver of its own ticks the request's deadline before it runs (RequestWork.tick looks
 * at the clock every few calls), so the execution-timeout plugin's limit holds for synchronous work too, which
 * its timer cannot interrupt. Fields that only read a property keep graphql's default resolver (and
 * graphql-jit's inlined property read): they do no work worth a check.
 *
 * It wraps outside the argument mappers, so whatever such a field throws (the deadline, an argument that fails
 * its check, a resolver's own error) is returned as a rejected promise, never thrown: graphql-js abandons the
 * promises of a list's earlier items when a later item throws synchronously, and their rejections, unhandled,
 * would end the process. Values are still returned as they come (synchronous ones stay synchronous).
 */
class RequestDeadlinePlugin<Types extends SchemaTypes> extends BasePlugin<Types> {
  override wrapArgMappers(
    resolver: GraphQLFieldResolver<unknown, Types['Context'], object>,
  ): GraphQLFieldResolver<unknown, Types['Context'], object> {
    if (resolver === defaultFieldResolver) return resolver;
    return (parent, args, context, info) => {
      try {
        (context as Context).work.tick();
        return resolver(parent, args, context, info);
      } catch (error) {
        return Promise.reject(error);
      }
    };
  }
}

// Plugins are registered on the one SchemaBuilder class, once per process: a test runner evaluates this module
// again for every test file (and the first class registered does the same as any later one).
const registered = (SchemaBuilder as unknown as { plugins: Record<string, unknown> }).plugins;
if (!registered.mappedArgsMemo) SchemaBuilder.registerPlugin('mappedArgsMemo', MappedArgsMemoPlugin);
if (!registered.requestDeadline) SchemaBuilder.registerPlugin('requestDeadline', RequestDeadlinePlugin);

declare global {
  export namespace PothosSchemaTypes {
    export interface Plugins<Types extends SchemaTypes> {
      mappedArgsMemo: MappedArgsMemoPlugin<Types>;
      requestDeadline: RequestDeadlinePlugin<Types>;
    }
  }
}

export const builder = new SchemaBuilder<{
  Context: Context;
  DefaultFieldNullability: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
  Connection: { totalCount: number };
}>({
  // Pothos applies the plugins' field configs from the last to the first: mappedArgsMemo, first, sees (and
  // wraps) the argument mappers the others add.
  plugins: ['mappedArgsMemo', 'requestDeadline', RelayPlugin, ValidationPlugin],
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
