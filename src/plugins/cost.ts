/**
 * The cost limit and the node cap: the cost model, the walk that prices an operation before it runs, and the
 * plugin that refuses an operation over either limit and reports `extensions.cost` on every response.
 *
 * The model prices what the server builds, as Shopify's does: an object costs 1, a scalar or enum 0; a connection
 * (a field that takes `first`/`last`) costs 2, plus its page size (the default page when it gives none) times
 * what one of its items costs (its `nodes` or `edges` are the items; its `pageInfo` is one object, its
 * `totalCount` a scalar); `nodes(ids:)` is priced by its IDs. A list that takes no page size is priced from the
 * data (CostFacts): the 99th-percentile length of that relationship list in the loaded corpus (LIST_SIZES says
 * which list each field reads); an aggregate by what it makes: `timeline` its buckets (an open end at the
 * corpus's first or last day), `topEntities` its `first`, search `highlights` their most per hit. A text argument
 * (search, a text or name filter) adds TEXT_ARGUMENT_COST to its field, per parent.
 *
 * The same walk counts the most objects the operation can return (the node cap, like GitHub's): every list at
 * its page size or the longest such list in the corpus, no surcharges.
 *
 * The walk reads the arguments as the client gave them (coerced to their GraphQL types, before any argument
 * check): an operation is priced whole even when one of its fields will fail its check, because the other fields
 * still run. A page size or an ID list over its published maximum is priced at the maximum (the field is then
 * refused by its check, and returns nothing).
 */
import {
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
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
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type SelectionSetNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { BoundedCache } from '../bounded-cache.js';
import { contextOf } from '../context.js';
import type { CostFacts, RelationshipList } from '../data/contract.js';
import { bucketCount, dayRange, type TimeInterval } from '../data/dates.js';
import { ErrorCode } from '../errors.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../pagination.js';
import { MAX_NODES as MAX_IDS } from '../schema/node.js';
import { MAX_BUCKETS } from '../schema/timeline.js';
import { DEFAULT_TOP, MAX_TOP } from '../schema/top-entities.js';
import { declaredVariablesKeyOf, documentNumbering, isIntrospectionOnly } from './documents.js';

/**
 * What a text argument adds to its field, per parent: `search(query:)`, an article filter's `text` (the index
 * is scanned once per request and text, then each parent's list is intersected with the matches), and the
 * entity filters `nameContains` and `location` (which read every name or location of the type).
 */
export const TEXT_ARGUMENT_COST = 10;
/** What a connection costs itself (its items are priced on top), as Shopify prices one. */
export const CONNECTION_COST = 2;

/** How many items a list field holds: `expected` prices it, `most` bounds it (the node cap). */
interface ListSize {
  expected: number;
  most: number;
}

const clamp = (n: number, max: number) => Math.min(Math.max(n, 0), max);
const both = (n: number): ListSize => ({ expected: n, most: n });
const relationshipList =
  (list: RelationshipList) =>
  (_args: Record<string, unknown>, facts: CostFacts): ListSize => ({
    expected: facts.listLengths[list],
    most: facts.longestLists[list],
  });

/** The buckets a timeline makes: its window, an open end at the corpus's first or last day, at most MAX_BUCKETS. */
function timelineBuckets(args: Record<string, unknown>, facts: CostFacts): number {
  const text = (value: unknown) => (typeof value === 'string' ? value : null);
  try {
    const from = text(args.from);
    const to = text(args.to);
    const first = from ? dayRange(from).first : facts.published?.first;
    const last = to ? dayRange(to).last : facts.published?.last;
    if (!first || !last || first > last) return 0;
    return clamp(bucketCount({ first, last }, args.interval as TimeInterval), MAX_BUCKETS);
  } catch {
    return MAX_BUCKETS; // a date or interval its check refuses: priced at the most a timeline makes
  }
}

/**
 * Every list of objects that takes no page size, by `Type.field`, and how many items it holds: relationships
 * and evidence from the data (CostFacts), aggregates by what they make. tests/cost-model.test.ts checks that
 * every such field of the schema is here, so a new one cannot be priced by a guess.
 */
export const LIST_SIZES: Readonly<Record<string, (args: Record<string, unknown>, facts: CostFacts) => ListSize>> = {
  'Person.affiliations': relationshipList('affiliationsByPerson'),
  'Person.participations': relationshipList('participationsByPerson'),
  'Organization.members': relationshipList('affiliationsByOrganization'),
  'Organization.involvements': relationshipList('involvementsByOrganization'),
  'Organization.relations': relationshipList('organizationRelations'),
  // Its PART_OF relations: at most all of its relations.
  'Organization.children': relationshipList('organizationRelations'),
  'Event.participants': relationshipList('participationsByEvent'),
  'Event.involvements': relationshipList('involvementsByEvent'),
  // One per involvement, without duplicates: at most the involvements.
  'Event.organizations': relationshipList('involvementsByEvent'),
  'Event.eventRelations': relationshipList('eventRelations'),
  'Event.relatedEvents': relationshipList('eventRelations'),
  'Affiliation.evidence': relationshipList('evidence'),
  'Participation.evidence': relationshipList('evidence'),
  'Involvement.evidence': relationshipList('evidence'),
  'OrganizationRelation.evidence': relationshipList('evidence'),
  'EventRelation.evidence': relationshipList('evidence'),
  'Query.nodes': (args) => both(Array.isArray(args.ids) ? clamp(args.ids.length, MAX_IDS) : 0),
  'Query.timeline': (args, facts) => both(timelineBuckets(args, facts)),
  'Query.topEntities': (args) => both(typeof args.first === 'number' ? clamp(args.first, MAX_TOP) : DEFAULT_TOP),
  'SearchResultEdge.highlights': (_args, facts) => both(facts.highlightsPerHit),
};

/** The cost a field's text arguments add (see TEXT_ARGUMENT_COST). */
function textArgumentsCost(args: Record<string, unknown>, fieldName: string): number {
  const filter = (typeof args.filter === 'object' && args.filter) || {};
  const texts = [
    fieldName === 'search' ? args.query : undefined,
    ...['text', 'nameContains', 'location'].map((name) => (filter as Record<string, unknown>)[name]),
  ];
  return texts.filter((text) => typeof text === 'string' && text.trim() !== '').length * TEXT_ARGUMENT_COST;
}

const isConnectionType = (type: GraphQLNamedType) => isObjectType(type) && type.name.endsWith('Connection');
const isEdgeType = (type: GraphQLNamedType) => isObjectType(type) && type.name.endsWith('Edge');
/** A connection's plumbing: its items (`nodes`, `edges`) and an edge's `node`, which a path does not name. */
const isPlumbing = (type: GraphQLNamedType, fieldName: string) =>
  (isConnectionType(type) && (fieldName === 'nodes' || fieldName === 'edges')) ||
  (isEdgeType(type) && fieldName === 'node');

/** The field that contributes most to a total: its path (response names, without connection plumbing). */
export interface Contribution {
  path: string;
  cost: number;
}

/** What an operation costs, the most objects it can return, and the field that contributes most to each. */
export interface OperationPrice {
  cost: number;
  nodes: number;
  largest: Contribution | null;
  largestNodes: Contribution | null;
}

/** A selection set's price, per item of its parent (see operationCost). */
interface SelectionPrice extends OperationPrice {
  /** What its plumbing fields (and theirs) cost themselves: counted with the field above them. */
  plumbingCost: number;
  plumbingNodes: number;
}

const NO_PRICE: SelectionPrice = {
  cost: 0,
  nodes: 0,
  largest: null,
  largestNodes: null,
  plumbingCost: 0,
  plumbingNodes: 0,
};

const larger = (a: Contribution | null, b: Contribution | null) => (!a || (b && b.cost > a.cost) ? b : a);
const scaled = (c: Contribution | null, by: number, prefix: string): Contribution | null =>
  c && { path: prefix && c.path ? `${prefix}.${c.path}` : prefix || c.path, cost: c.cost * by };

/**
 * The price of the operation `operationName` of a document, with its variables, over data with these facts.
 * Throws the variables' coercion errors (execution reports them); nothing for an operation the document does
 * not have (execution reports that too). Fragments are priced where they are spread, on their type condition
 * (all of a union's fragments count: the price is an upper bound); each selection set is priced once per type
 * and page size.
 */
export function operationCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown>,
  facts: CostFacts,
): OperationPrice {
  const operation = getOperationAST(document, operationName);
  const rootType = operation && schema.getRootType(operation.operation);
  if (!operation || !rootType) return { cost: 0, nodes: 0, largest: null, largestNodes: null };
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables, { maxErrors: 1 });
  if (coerced.errors) throw coerced.errors[0];
  const variableValues = coerced.coerced;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const priced = new Map<SelectionSetNode, Map<string, SelectionPrice>>();
  const active = new Set<SelectionSetNode>();

  /** The price of one item of `type` with this selection; `pageSize` is the page of the connection it is in. */
  const selectionPrice = (selectionSet: SelectionSetNode, type: GraphQLNamedType, pageSize: number): SelectionPrice => {
    const memoKey = `${type.name}|${pageSize}`;
    const known = priced.get(selectionSet)?.get(memoKey);
    if (known) return known;
    if (active.has(selectionSet)) return NO_PRICE; // a fragment cycle: validation refuses it
    active.add(selectionSet);
    const total = { ...NO_PRICE };
    const add = (part: SelectionPrice) => {
      total.cost += part.cost;
      total.nodes += part.nodes;
      total.plumbingCost += part.plumbingCost;
      total.plumbingNodes += part.plumbingNodes;
      total.largest = larger(total.largest, part.largest);
      total.largestNodes = larger(total.largestNodes, part.largestNodes);
    };
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        const field = (isObjectType(type) || isInterfaceType(type)) && type.getFields()[name];
        // __typename is a scalar; an unknown field is a validation error.
        if (field) add(fieldPrice(field, type, selection.alias?.value ?? name, selection, pageSize));
      } else {
        const fragment = selection.kind === Kind.FRAGMENT_SPREAD ? fragments.get(selection.name.value) : selection;
        if (!fragment) continue;
        const condition = fragment.typeCondition ? schema.getType(fragment.typeCondition.name.value) : type;
        if (condition) add(selectionPrice(fragment.selectionSet, condition, pageSize));
      }
    }
    active.delete(selectionSet);
    if (!priced.has(selectionSet)) priced.set(selectionSet, new Map());
    priced.get(selectionSet)?.set(memoKey, total);
    return total;
  };

  /** One field's price, per item of its parent type. */
  const fieldPrice = (
    field: GraphQLField<unknown, unknown>,
    parentType: GraphQLNamedType,
    responseName: string,
    selection: { selectionSet?: SelectionSetNode } & Parameters<typeof getArgumentValues>[1],
    pageSize: number,
  ): SelectionPrice => {
    const type = getNamedType(field.type);
    if (!isCompositeType(type)) return NO_PRICE; // scalars and enums, and lists of them, cost nothing
    let args: Record<string, unknown>;
    try {
      args = getArgumentValues(field, selection, variableValues);
    } catch {
      args = {}; // an argument execution will refuse (a null for a non-null argument): its defaults
    }
    const isConnection = field.args.some((arg) => arg.name === 'first');
    const page = [args.first, args.last].find((n): n is number => typeof n === 'number');
    const itemsPageSize = isConnection ? (page === undefined ? DEFAULT_PAGE_SIZE : clamp(page, MAX_PAGE_SIZE)) : 0;
    let size: ListSize = both(1);
    if (isListType(getNullableType(field.type))) {
      const listSize = LIST_SIZES[`${parentType.name}.${field.name}`];
      // A connection's items are its page; a list missing from LIST_SIZES (a test forbids it) at the largest page.
      if (isPlumbing(parentType, field.name)) size = both(pageSize);
      else size = listSize ? listSize(args, facts) : both(MAX_PAGE_SIZE);
    }
    const own = isConnection ? CONNECTION_COST : 1;
    const text = textArgumentsCost(args, field.name);
    const sub = selection.selectionSet
      ? selectionPrice(selection.selectionSet, type, isConnection ? itemsPageSize : pageSize)
      : NO_PRICE;
    const ownCost = text + size.expected * (own + sub.plumbingCost);
    const ownNodes = size.most * (1 + sub.plumbingNodes);
    const cost = text + size.expected * (own + sub.cost);
    const nodes = size.most * (1 + sub.nodes);
    if (isPlumbing(parentType, field.name)) {
      // Counted with the connection or edge above it; its fields' contributions keep the path above it.
      return {
        cost,
        nodes,
        plumbingCost: ownCost,
        plumbingNodes: ownNodes,
        largest: scaled(sub.largest, size.expected, ''),
        largestNodes: scaled(sub.largestNodes, size.most, ''),
      };
    }
    return {
      cost,
      nodes,
      plumbingCost: 0,
      plumbingNodes: 0,
      largest: larger({ path: responseName, cost: ownCost }, scaled(sub.largest, size.expected, responseName)),
      largestNodes: larger({ path: responseName, cost: ownNodes }, scaled(sub.largestNodes, size.most, responseName)),
    };
  };
  const { cost, nodes, largest, largestNodes } = selectionPrice(operation.selectionSet, rootType, 0);
  return { cost, nodes, largest, largestNodes };
}

/** Set by the response cache on the results it serves: the objects of the answer, counted when it was kept. */
export const OBJECTS_RETURNED = Symbol('objectsReturned');

/** The objects an answer's `data` really holds: every non-null object under it (lists are not objects). */
export function countObjects(value: unknown): number {
  if (value === null || typeof value !== 'object') return 0;
  let count = 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  for (const child of children) {
    if (child !== null && typeof child === 'object') count += (Array.isArray(child) ? 0 : 1) + countObjects(child);
  }
  return count;
}

/** The objects a result returned: as the response cache counted them, or counted now. */
function objectsReturned(result: ExecutionResult): number {
  const counted = (result as { [OBJECTS_RETURNED]?: number })[OBJECTS_RETURNED];
  return counted ?? countObjects(result.data);
}

const formatted = (n: number) => n.toLocaleString('en-US');

/** The limits the cost plugin enforces (QueryLimits' maxCost and maxNodes). */
export interface CostLimits {
  maxCost: number;
  maxNodes: number;
}

/**
 * Prices every query before it runs (operationCost), refuses it over the cost limit or the node cap
 * (QUERY_TOO_COMPLEX, naming the field that contributes most), and reports `extensions.cost: { requested,
 * actual, limit }` on every response, as GitHub reports rateLimit: `actual` is the objects the answer really
 * holds (0 for a refusal). Introspection is exempt: GraphiQL and code generators need it whole.
 */
export function costPlugin(limits: CostLimits, cache: BoundedCache<OperationPrice>): Plugin {
  const { maxCost, maxNodes } = limits;
  // yoga caches parsed documents, so the same query text is the same DocumentNode: its price is computed once
  // per data version (the facts change on reload), operation and declared variables (page sizes can come from
  // variables), in a cache bounded by bytes. Computing a price takes tens of µs for the operations/ documents.
  const documentNumber = documentNumbering();
  const priceOf = (args: ExecutionArgs): OperationPrice => {
    const { document, operationName } = args;
    const { source, dataVersion } = contextOf(args);
    const variables = (args.variableValues ?? {}) as Record<string, unknown>;
    const variablesKey = declaredVariablesKeyOf(args);
    const key = `${dataVersion}|${documentNumber(document)}|${JSON.stringify(operationName ?? null)}|${variablesKey}`;
    const cached = variablesKey === null ? undefined : cache.get(key);
    if (cached !== undefined) return cached;
    const price = operationCost(args.schema, document, operationName, variables, source.costFacts());
    // Two numbers, two paths and the Map entry that holds them.
    const bytes = 96 + 2 * ((price.largest?.path.length ?? 0) + (price.largestNodes?.path.length ?? 0));
    if (variablesKey !== null) cache.set(key, price, bytes);
    return price;
  };
  const refusal = (message: string, cost: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
    new GraphQLError(message, { extensions: { code: ErrorCode.QUERY_TOO_COMPLEX, cost, ...extra } });
  return {
    onExecute: ({ args, setResultAndStopExecution }) => {
      if (isIntrospectionOnly(args.document)) return;
      let price: OperationPrice;
      try {
        price = priceOf(args);
      } catch {
        return; // variables that do not coerce: execution reports them
      }
      const requested = price.cost;
      if (requested > maxCost || price.nodes > maxNodes) {
        const overCost = requested > maxCost;
        const largest = overCost ? price.largest : price.largestNodes;
        const cost = { requested, actual: 0, limit: maxCost, ...(largest ? { largest } : {}) };
        const where = largest
          ? ` The field that contributes most is ${largest.path}: ${formatted(largest.cost)} of ${formatted(overCost ? requested : price.nodes)}.`
          : '';
        const error = overCost
          ? refusal(
              `Query cost ${formatted(requested)} exceeds the limit of ${formatted(maxCost)}.${where} Ask for smaller pages (first/last) or fewer nested lists.`,
              cost,
            )
          : refusal(
              `Query can return up to ${formatted(price.nodes)} objects, more than the limit of ${formatted(maxNodes)}.${where} Ask for smaller pages (first/last) or fewer nested lists.`,
              cost,
              { nodes: { requested: price.nodes, limit: maxNodes } },
            );
        setResultAndStopExecution({ errors: [error], extensions: { cost } });
        return;
      }
      return {
        onExecuteDone: ({ result, setResult }) => {
          if (Symbol.asyncIterator in result) return;
          const cost = { requested, actual: objectsReturned(result), limit: maxCost };
          setResult({ ...result, extensions: { ...result.extensions, cost } });
        },
      };
    },
  };
}
