/**
 * The cost limit: the cost model, the walk that prices an operation before it runs, and the plugin that refuses
 * an operation over the limit and reports `extensions.cost` on every response.
 *
 * The model: every field costs 1; a field that takes `first`/`last` multiplies its selection by the page size it
 * asks for (the default page when it gives none); `nodes(ids:)` by the number of IDs; the `edges`/`nodes` of a
 * connection add nothing more, their connection already counted the page; any other list is estimated at
 * LIST_ESTIMATE items. A text argument (search, a text or name filter) adds TEXT_ARGUMENT_COST to its field.
 *
 * The walk reads the arguments as the client gave them (coerced to their GraphQL types, before any argument
 * check): an operation is priced whole even when one of its fields will fail its check, because the other fields
 * still run. A page size or an ID list over its published maximum is priced at the maximum (the field is then
 * refused by its check, and returns nothing).
 */
import {
  type DocumentNode,
  type ExecutionArgs,
  type FragmentDefinitionNode,
  GraphQLError,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  getArgumentValues,
  getNamedType,
  getNullableType,
  getOperationAST,
  getVariableValues,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type SelectionSetNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { BoundedCache } from '../bounded-cache.js';
import { ErrorCode } from '../errors.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../pagination.js';
import { MAX_NODES } from '../schema/node.js';
import { declaredVariablesKey, documentNumbering, isIntrospectionOnly } from './documents.js';

/** Items assumed in a list that takes no page size (relationships, evidence, highlights). */
export const LIST_ESTIMATE = 10;
/**
 * What a text argument adds to its field, per parent: `search(query:)`, an article filter's `text` (the index
 * is scanned once per request and text, then each parent's list is intersected with the matches), and the
 * entity filters `nameContains` and `location` (which read every name or location of the type).
 */
export const TEXT_ARGUMENT_COST = 10;

/** What one field costs itself, and how many times its selection is counted. */
interface FieldCost {
  field: number;
  multiplier: number;
}

const clamp = (n: number, max: number) => Math.min(Math.max(n, 0), max);

/** The cost the text arguments of a field's arguments add (see TEXT_ARGUMENT_COST). */
function textArgumentsCost(args: Record<string, unknown>, fieldName: string): number {
  const filter = (typeof args.filter === 'object' && args.filter) || {};
  const texts = [
    fieldName === 'search' ? args.query : undefined,
    ...['text', 'nameContains', 'location'].map((name) => (filter as Record<string, unknown>)[name]),
  ];
  return texts.filter((text) => typeof text === 'string' && text.trim() !== '').length * TEXT_ARGUMENT_COST;
}

/** The model (see the top of this file), for one field and its arguments. */
function fieldCost(field: GraphQLField<unknown, unknown>, args: Record<string, unknown>): FieldCost {
  const pageSize = [args.first, args.last].find((n): n is number => typeof n === 'number');
  if (field.args.some((arg) => arg.name === 'first')) {
    return {
      field: 1 + textArgumentsCost(args, field.name),
      multiplier: pageSize === undefined ? DEFAULT_PAGE_SIZE : clamp(pageSize, MAX_PAGE_SIZE),
    };
  }
  if (Array.isArray(args.ids)) return { field: 1, multiplier: clamp(args.ids.length, MAX_NODES) };
  if ((field.name === 'edges' || field.name === 'nodes') && field.args.length === 0) return { field: 1, multiplier: 1 };
  return { field: 1, multiplier: isListType(getNullableType(field.type)) ? LIST_ESTIMATE : 1 };
}

/**
 * The cost of the operation `operationName` of a document, with its variables. Throws the variables' coercion
 * errors (execution reports them); 0 for an operation the document does not have (execution reports that too).
 * Fragments are priced where they are spread, on their type condition (all of a union's fragments count: the
 * price is an upper bound); each selection set is priced once per type.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown>,
): number {
  const operation = getOperationAST(document, operationName);
  const rootType = operation && schema.getRootType(operation.operation);
  if (!operation || !rootType) return 0;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables, { maxErrors: 1 });
  if (coerced.errors) throw coerced.errors[0];
  const variableValues = coerced.coerced;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const priced = new Map<SelectionSetNode, Map<GraphQLNamedType, number>>();
  const active = new Set<SelectionSetNode>();

  const selectionSetCost = (selectionSet: SelectionSetNode, type: GraphQLNamedType): number => {
    const known = priced.get(selectionSet)?.get(type);
    if (known !== undefined) return known;
    if (active.has(selectionSet)) return 0; // a fragment cycle: validation refuses it
    active.add(selectionSet);
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        const field = (isObjectType(type) || isInterfaceType(type)) && type.getFields()[name];
        if (!field) {
          total += name.startsWith('__') ? 1 : 0; // __typename; an unknown field is a validation error
          continue;
        }
        let args: Record<string, unknown>;
        try {
          args = getArgumentValues(field, selection, variableValues);
        } catch {
          args = {}; // an argument execution will refuse (a null for a non-null argument): its defaults
        }
        const { field: own, multiplier } = fieldCost(field, args);
        const selected = selection.selectionSet
          ? selectionSetCost(selection.selectionSet, getNamedType(field.type))
          : 0;
        total += own + multiplier * selected;
      } else {
        const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : selection;
        if (!fragment) continue;
        const condition = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : type;
        if (condition) total += selectionSetCost(fragment.selectionSet, condition);
      }
    }
    active.delete(selectionSet);
    if (!priced.has(selectionSet)) priced.set(selectionSet, new Map());
    priced.get(selectionSet)?.set(type, total);
    return total;
  };
  return selectionSetCost(operation.selectionSet, rootType);
}

/**
 * Computes the cost of every query before it runs (operationCost), refuses it over the
 * limit, and reports `extensions.cost: { requested, limit }` on every response, as GitHub reports rateLimit.
 * Introspection is exempt: GraphiQL and code generators need it whole.
 */
export function costPlugin(maxCost: number, cache: BoundedCache<number>): Plugin {
  // yoga caches parsed documents, so the same query text is the same DocumentNode: its cost is computed once
  // per operation and declared variables (page sizes can come from variables), in a cache bounded by bytes.
  // The cost model reads no context. Computing a cost takes about 40 µs for the operations/ documents.
  const documentNumber = documentNumbering();
  const costOf = (args: ExecutionArgs) => {
    const { document, operationName } = args;
    const variables = (args.variableValues ?? {}) as Record<string, unknown>;
    const variablesKey = declaredVariablesKey(document, operationName, variables);
    const key = `${documentNumber(document)}|${JSON.stringify(operationName ?? null)}|${variablesKey}`;
    const cached = variablesKey === null ? undefined : cache.get(key);
    if (cached !== undefined) return cached;
    const cost = operationCost(args.schema, document, operationName, variables);
    // A number, and the Map entry that holds it: a few dozen bytes.
    if (variablesKey !== null) cache.set(key, cost, 32);
    return cost;
  };
  return {
    onExecute: ({ args, setResultAndStopExecution }) => {
      if (isIntrospectionOnly(args.document)) return;
      let requested: number;
      try {
        requested = costOf(args);
      } catch {
        return; // variables that do not coerce: execution reports them
      }
      const cost = { requested, limit: maxCost };
      if (requested > maxCost) {
        setResultAndStopExecution({
          errors: [
            new GraphQLError(
              `Query cost ${requested} exceeds the limit of ${maxCost}: ask for smaller pages (first/last) or fewer nested lists.`,
              { extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, cost } },
            ),
          ],
          extensions: { cost },
        });
        return;
      }
      return {
        onExecuteDone: ({ result, setResult }) => {
          if (Symbol.asyncIterator in result) return;
          setResult({ ...result, extensions: { ...result.extensions, cost } });
        },
      };
    },
  };
}
