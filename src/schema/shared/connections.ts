/**
 * The one way every list is paginated: Relay's arguments become the contract's window (listWindow: cursors bound
 * to their list and order), the source answers one page through the request's DataLoaders, and the page becomes
 * the Relay connection with `totalCount` and `nodes`. A ranked list (search) pages by offset through the same
 * kind of cursor (offsetConnection).
 */
import type DataLoader from 'dataloader';
import { type FragmentDefinitionNode, type GraphQLResolveInfo, Kind, type SelectionSetNode } from 'graphql';
import { builder } from '../../builder.js';
import type { OrderKey, Page, Position, Window } from '../../data/contract.js';
import {
  encodeCursor,
  type ListRequest,
  listWindow,
  offsetBounds,
  offsetSlice,
  offsetSliceEnd,
  type PageArgs,
  RANKED,
} from '../../pagination.js';

builder.globalConnectionField('totalCount', (t) =>
  t.int({
    description: 'Number of items in the whole list, across all pages.',
    resolve: (connection) => connection.totalCount,
  }),
);

export interface ConnectionResult<E> {
  totalCount: number;
  edges: (E & { cursor: string })[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

/** The list a connection field serves, as cursors name it: `Type.field` (`Query.persons`, `Person.mentions`). */
export function listNameOf(info: GraphQLResolveInfo): string {
  return `${info.parentType.name}.${info.fieldName}`;
}

const SELECTS_TOTAL_COUNT = new WeakMap<object, boolean>();

function selectsField(
  selectionSet: SelectionSetNode | undefined,
  name: string,
  fragments: Record<string, FragmentDefinitionNode>,
  seen: Set<string>,
): boolean {
  for (const selection of selectionSet?.selections ?? []) {
    if (selection.kind === Kind.FIELD && selection.name.value === name) return true;
    if (selection.kind === Kind.INLINE_FRAGMENT && selectsField(selection.selectionSet, name, fragments, seen))
      return true;
    if (selection.kind === Kind.FRAGMENT_SPREAD && !seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      if (selectsField(fragments[selection.name.value]?.selectionSet, name, fragments, seen)) return true;
    }
  }
  return false;
}

/**
 * Whether a connection field's selection asks for `totalCount` (a database counts only then). Read once per field
 * of a document: the field nodes are the parsed document's, which the parser cache keeps.
 */
export function selectsTotalCount(info: GraphQLResolveInfo): boolean {
  const key = info.fieldNodes[0];
  if (!key) return true;
  let selects = SELECTS_TOTAL_COUNT.get(key);
  if (selects === undefined) {
    selects = info.fieldNodes.some((node) =>
      selectsField(node.selectionSet, 'totalCount', info.fragments ?? {}, new Set()),
    );
    SELECTS_TOTAL_COUNT.set(key, selects);
  }
  return selects;
}

/** An edge whose cursor is encoded only if asked for: most pages are read through `nodes`. */
class Edge<N> {
  constructor(
    readonly node: N,
    private readonly position: Position,
    private readonly request: ListRequest,
  ) {}

  get cursor(): string {
    return encodeCursor({ list: this.request.list, order: this.request.order.name, position: this.position });
  }
}

class PageInfo {
  constructor(
    readonly hasPreviousPage: boolean,
    readonly hasNextPage: boolean,
    private readonly edges: readonly { cursor: string }[],
  ) {}

  get startCursor(): string | null {
    return this.edges[0]?.cursor ?? null;
  }

  get endCursor(): string | null {
    return this.edges.at(-1)?.cursor ?? null;
  }
}

/** Loads many keys through a DataLoader; an Error from the batch is rethrown, never returned as data. */
export async function loadAll<K, V>(loader: DataLoader<K, V>, keys: readonly K[]): Promise<V[]> {
  const values = await loader.loadMany(keys);
  for (const value of values) if (value instanceof Error) throw value;
  return values as V[];
}

/**
 * A page of a list in `order`, as a connection: the window Relay's arguments ask for (a cursor from another list
 * or order is refused with BAD_USER_INPUT), the page `loadPage` answers for it, and each item's node (the item
 * itself, or what `loadNodes` loads for the page's items; an item whose node is gone is left out).
 */
export async function pagedConnection<T, N = T>(
  args: PageArgs,
  info: GraphQLResolveInfo,
  order: OrderKey,
  loadPage: (window: Window) => Promise<Page<T>>,
  loadNodes?: (items: T[]) => Promise<(N | null)[]>,
): Promise<ConnectionResult<{ node: N }>> {
  const request = listWindow(args, listNameOf(info), order, selectsTotalCount(info));
  const page = await loadPage(request.window);
  let pageItems = page.items;
  let hasBefore = page.hasBefore;
  if (request.keepLast !== null && pageItems.length > request.keepLast) {
    pageItems = pageItems.slice(pageItems.length - request.keepLast);
    hasBefore = true;
  }
  const nodes = loadNodes && pageItems.length > 0 ? await loadNodes(pageItems.map((entry) => entry.item)) : null;
  const edges: Edge<N>[] = [];
  for (let i = 0; i < pageItems.length; i++) {
    const { item, position } = pageItems[i] as (typeof pageItems)[number];
    const node = nodes ? nodes[i] : (item as unknown as N);
    if (node != null) edges.push(new Edge(node, position, request));
  }
  return { totalCount: page.totalCount, edges, pageInfo: new PageInfo(hasBefore, page.hasAfter, edges) };
}

/** Cursors of the first places of ranked lists, made once: every results page starts near the top. */
const RANKED_CURSORS = new Map<string, string[]>();
const CACHED_RANKED_CURSORS = 1_000;

function rankedCursor(list: string, offset: number): string {
  if (offset >= CACHED_RANKED_CURSORS) return encodeCursor({ list, order: RANKED.name, position: [offset] });
  let cursors = RANKED_CURSORS.get(list);
  if (!cursors) {
    cursors = [];
    RANKED_CURSORS.set(list, cursors);
  }
  cursors[offset] ??= encodeCursor({ list, order: RANKED.name, position: [offset] });
  return cursors[offset];
}

/**
 * A page of a ranked list (search results, best first) as a connection, paged by offset: `load(offset, size)`
 * answers the list's length and the items from `offset` (at most `size`). Cursors carry the offset, bound to the
 * list like any other. `last` without `before` needs the length first: then the list is asked twice.
 */
export async function offsetConnection<E extends { node: unknown }>(
  args: PageArgs,
  info: GraphQLResolveInfo,
  load: (offset: number, size: number) => Promise<{ totalCount: number; items: E[] }>,
): Promise<ConnectionResult<E>> {
  const list = listNameOf(info);
  const bounds = offsetBounds(args, list);
  const bound = offsetSliceEnd(args, bounds);
  let wanted: { start: number; end: number };
  let fetched: { start: number; totalCount: number; items: E[] };
  if (Number.isFinite(bound)) {
    wanted = offsetSlice(args, bounds, bound);
    fetched = { start: wanted.start, ...(await load(wanted.start, wanted.end - wanted.start)) };
  } else {
    wanted = offsetSlice(args, bounds, (await load(0, 0)).totalCount);
    fetched = { start: wanted.start, ...(await load(wanted.start, wanted.end - wanted.start)) };
  }
  // The list may be shorter than the cursors said (the data changed): the slice is the real length's.
  const slice = offsetSlice(args, bounds, fetched.totalCount);
  if (slice.start < fetched.start || slice.end > fetched.start + fetched.items.length) {
    fetched = { start: slice.start, ...(await load(slice.start, slice.end - slice.start)) };
  }
  const items = fetched.items.slice(slice.start - fetched.start, slice.end - fetched.start);
  const edges = items.map((item, i) => ({ ...item, cursor: rankedCursor(list, slice.start + i) }));
  return {
    totalCount: fetched.totalCount,
    edges,
    pageInfo: new PageInfo(slice.start > 0, slice.end < fetched.totalCount, edges),
  };
}
