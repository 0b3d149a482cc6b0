/**
 * Windows over lists held in memory, already in their order: the part of the contract's keyset pagination that
 * any backend holding a sorted list needs (the memory store, a backend's cache of a small list). The window's
 * `after` and `before` are found by binary search on the positions, never by a scan: a page costs two searches
 * and its own items, however long the list.
 */
import {
  comparePositions,
  type Page,
  type PageItem,
  type Position,
  type SortDirection,
  type Window,
} from './contract.js';

/** Where a window falls in a list of `length` items: the page is [start, end). */
export interface WindowSlice {
  start: number;
  end: number;
}

/** The first index in [low, high) whose position compares after `position` (or at or after it, when `inclusive`). */
function searchPositions(
  low: number,
  high: number,
  positionAt: (index: number) => Position,
  position: Position,
  directions: readonly SortDirection[],
  inclusive: boolean,
): number {
  while (low < high) {
    const middle = (low + high) >>> 1;
    const compared = comparePositions(positionAt(middle), position, directions);
    if (compared > 0 || (inclusive && compared === 0)) high = middle;
    else low = middle + 1;
  }
  return low;
}

/**
 * The slice of a list of `length` items, sorted by `directions`, that `window` selects: the items strictly after
 * `after` and strictly before `before`, then the first `size` (FORWARD) or the last `size` (BACKWARD) of them.
 * `positionAt(i)` is the i-th item's position; it is called about 2·log2(length) times.
 */
export function windowSlice(
  length: number,
  positionAt: (index: number) => Position,
  directions: readonly SortDirection[],
  window: Window,
): WindowSlice {
  // [from, to): the items after `after` and before `before` (none when the cursors cross).
  const from = window.after ? searchPositions(0, length, positionAt, window.after, directions, false) : 0;
  const to = window.before ? searchPositions(0, length, positionAt, window.before, directions, true) : length;
  const size = Math.max(0, window.size);
  // An empty page sits where it would have started (FORWARD: after `after`) or ended (BACKWARD: before
  // `before`): what the contract's hasBefore/hasAfter are measured from.
  return window.direction === 'BACKWARD'
    ? { start: Math.min(to, Math.max(from, to - size)), end: to }
    : { start: from, end: Math.max(from, Math.min(to, from + size)) };
}

/**
 * The page of a list of `length` items (sorted by `directions`; the i-th item is `itemAt(i)`, at `positionAt(i)`)
 * that `window` selects, with the whole list's length as its totalCount (a list in memory counts for nothing).
 */
export function pageAt<T>(
  length: number,
  itemAt: (index: number) => T,
  positionAt: (index: number) => Position,
  directions: readonly SortDirection[],
  window: Window,
): Page<T> {
  const { start, end } = windowSlice(length, positionAt, directions, window);
  const items: PageItem<T>[] = new Array(end - start);
  for (let i = start; i < end; i++) items[i - start] = { item: itemAt(i), position: positionAt(i) };
  return { items, totalCount: length, hasBefore: start > 0, hasAfter: end < length };
}

/** The page of `items` (sorted by `directions`, each item's position `positionOf(item)`) that `window` selects. */
export function pageOfSorted<T>(
  items: readonly T[],
  positionOf: (item: T) => Position,
  directions: readonly SortDirection[],
  window: Window,
): Page<T> {
  return pageAt(
    items.length,
    (i) => items[i] as T,
    (i) => positionOf(items[i] as T),
    directions,
    window,
  );
}

/** An empty list's page (an unknown key). */
export function emptyPage<T>(): Page<T> {
  return { items: [], totalCount: 0, hasBefore: false, hasAfter: false };
}
