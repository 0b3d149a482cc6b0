/**
 * The one way every list is paginated: a window over an ordered list of keys, loaded through
 * the request's DataLoaders, returned in the Relay shape with `totalCount` and `nodes`.
 */
import type DataLoader from 'dataloader';
import { builder } from '../../builder.js';
import { encodeCursor, type PageArgs, pageWindow } from './cursors.js';

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

/** Pages `total` items; `loadEdges(start, end)` loads only the window the arguments select. */
export async function resolveConnection<E extends { node: unknown }>(
  args: PageArgs,
  total: number,
  loadEdges: (start: number, end: number) => Promise<E[]>,
): Promise<ConnectionResult<E>> {
  const window = pageWindow(args, total);
  const items = window.end > window.start ? await loadEdges(window.start, window.end) : [];
  const edges = items.map((edge, i) => ({ ...edge, cursor: encodeCursor(window.start + i) }));
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

/** Loads many keys through a DataLoader; an Error from the batch is rethrown, never returned as data. */
export async function loadAll<K, V>(loader: DataLoader<K, V>, keys: readonly K[]): Promise<V[]> {
  const values = await loader.loadMany(keys);
  for (const value of values) if (value instanceof Error) throw value;
  return values as V[];
}

/** Pages an ordered list of keys and loads the selected window's nodes. */
export function connectionFromKeys<K, V>(args: PageArgs, keys: readonly K[], loader: DataLoader<K, V | null>) {
  return resolveConnection(args, keys.length, async (start, end) =>
    (await loadAll(loader, keys.slice(start, end)))
      .filter((node): node is V => node !== null)
      .map((node) => ({ node })),
  );
}

/** Pages a list that is already in memory (a relationship's records). */
export function connectionFromItems<V>(args: PageArgs, items: readonly V[]) {
  return resolveConnection(args, items.length, async (start, end) => items.slice(start, end).map((node) => ({ node })));
}
