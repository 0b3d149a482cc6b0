/**
 * The one way every list is paginated: a window over an ordered list of keys, loaded through
 * the request's DataLoaders, returned in the Relay shape with `totalCount` and `nodes`.
 */
import type DataLoader from 'dataloader';
import { builder } from '../../builder.js';
import { encodeCursor, type PageArgs, type PageWindow, pageWindow } from '../../pagination.js';

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

/** Cursors of the first offsets, made once: every page of every list starts near offset 0. */
const CURSORS: string[] = [];
const CACHED_CURSORS = 10_000;

/** The cursor of an offset (encodeCursor, remembered for the first offsets). */
function cursorAt(offset: number): string {
  if (offset >= CACHED_CURSORS) return encodeCursor(offset);
  let cursor = CURSORS[offset];
  if (cursor === undefined) {
    cursor = encodeCursor(offset);
    CURSORS[offset] = cursor;
  }
  return cursor;
}

/** The connection of a window of a list of `total` items: `edgeOf` makes each edge, with its cursor. */
function connectionOf<T, E>(
  window: PageWindow,
  total: number,
  items: readonly T[],
  edgeOf: (item: T, cursor: string) => E & { cursor: string },
): ConnectionResult<E> {
  const edges = new Array<E & { cursor: string }>(items.length);
  for (let i = 0; i < items.length; i++) edges[i] = edgeOf(items[i] as T, cursorAt(window.start + i));
  return {
    totalCount: total,
    edges,
    pageInfo: {
      hasNextPage: window.hasNextPage,
      hasPreviousPage: window.hasPreviousPage,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}

/** Pages `total` items; `loadEdges(start, end)` loads only the window the arguments select. */
export async function resolveConnection<E extends { node: unknown }>(
  args: PageArgs,
  total: number,
  loadEdges: (start: number, end: number) => Promise<E[]>,
): Promise<ConnectionResult<E>> {
  const window = pageWindow(args, total);
  const items = window.end > window.start ? await loadEdges(window.start, window.end) : [];
  return connectionOf(window, total, items, (edge: E, cursor) => ({ ...edge, cursor }));
}

/** Loads many keys through a DataLoader; an Error from the batch is rethrown, never returned as data. */
export async function loadAll<K, V>(loader: DataLoader<K, V>, keys: readonly K[]): Promise<V[]> {
  const values = await loader.loadMany(keys);
  for (const value of values) if (value instanceof Error) throw value;
  return values as V[];
}

const nodeEdge = <V>(node: V, cursor: string) => ({ node, cursor });

/** Pages an ordered list of keys and loads the selected window's nodes. */
export async function connectionFromKeys<K, V>(
  args: PageArgs,
  keys: readonly K[],
  loader: DataLoader<K, V | null>,
): Promise<ConnectionResult<{ node: V }>> {
  const window = pageWindow(args, keys.length);
  const loaded = window.end > window.start ? await loadAll(loader, keys.slice(window.start, window.end)) : [];
  const nodes: V[] = [];
  for (const node of loaded) if (node !== null) nodes.push(node);
  return connectionOf(window, keys.length, nodes, nodeEdge<V>);
}

/** Pages a list that is already in memory (a relationship's records). */
export async function connectionFromItems<V>(
  args: PageArgs,
  items: readonly V[],
): Promise<ConnectionResult<{ node: V }>> {
  const window = pageWindow(args, items.length);
  return connectionOf(window, items.length, items.slice(window.start, window.end), nodeEdge<V>);
}
