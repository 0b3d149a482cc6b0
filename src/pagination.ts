/**
 * Cursors, page sizes, and how Relay's arguments (first/last/after/before) become the contract's windows.
 *
 * A cursor is opaque to clients: base64url of JSON [list, order, position], the list it was issued by (the field
 * that serves it: `Query.persons`, `Article.persons`, `Person.mentions`), the order it was issued in
 * (`NAME ASC`, see contract.ts OrderKey) and the item's position in that order. Positions are keyset keys, so a
 * cursor stays valid across pages, reloads and backends. A malformed cursor is BAD_USER_INPUT when the arguments
 * are validated (cursorSchema), before any resolver runs; a cursor from another list or order is refused by
 * listWindow, before the source is asked, with BAD_USER_INPUT saying so.
 */
import { z } from 'zod';
import type { KeyPart, OrderKey, Position, SortValue, Window } from './data/contract.js';
import { badUserInput } from './errors.js';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;
/** Longer than any cursor this API issues (a position holds at most a name or headline's sort key). */
export const MAX_CURSOR_LENGTH = 16_384;
/** More parts than any order's key has. */
const MAX_POSITION_PARTS = 8;

const BASE64URL = /^[A-Za-z0-9_-]+$/;

export interface Cursor {
  /** The field that serves the list, `Type.field`. */
  list: string;
  /** The order's key name (OrderKey.name). */
  order: string;
  position: Position;
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.list, cursor.order, cursor.position]), 'utf8').toString('base64url');
}

function isSortValue(value: unknown): value is SortValue {
  return value === null || typeof value === 'string' || (typeof value === 'number' && Number.isSafeInteger(value));
}

/** The cursor a string encodes, or null if it is not a cursor this API issued. Never throws. */
export function decodeCursor(text: string): Cursor | null {
  if (text.length === 0 || text.length > MAX_CURSOR_LENGTH || !BASE64URL.test(text)) return null;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(value) || value.length !== 3) return null;
  const [list, order, position] = value as unknown[];
  if (typeof list !== 'string' || typeof order !== 'string' || !Array.isArray(position)) return null;
  if (position.length === 0 || position.length > MAX_POSITION_PARTS || !position.every(isSortValue)) return null;
  return { list, order, position };
}

const NOT_A_CURSOR = 'is not a valid cursor: use a cursor returned by this API';

export const cursorSchema = z.string().refine((cursor) => decodeCursor(cursor) !== null, NOT_A_CURSOR);

export const pageSizeSchema = z
  .number()
  .int()
  .min(0, `must be between 0 and ${MAX_PAGE_SIZE}`)
  .max(MAX_PAGE_SIZE, `must be between 0 and ${MAX_PAGE_SIZE}`);

export interface PageArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

/** Whether a position has the parts an order's key has, each of its kind. */
function fitsOrder(position: Position, parts: readonly KeyPart[]): boolean {
  if (position.length !== parts.length) return false;
  return parts.every((kind, i) => {
    const value = position[i];
    if (kind === 'integer') return typeof value === 'number' && value >= 0;
    if (kind === 'text') return typeof value === 'string';
    return value === null || typeof value === 'string';
  });
}

/** The position a cursor argument carries, refused (BAD_USER_INPUT) unless it was issued by this list and order. */
function positionIn(argument: 'after' | 'before', text: string, list: string, order: OrderKey): Position {
  const cursor = decodeCursor(text);
  if (!cursor) throw badUserInput(`${argument}: ${NOT_A_CURSOR}`);
  if (cursor.list !== list) {
    throw badUserInput(
      `${argument}: this cursor is from another list (${cursor.list}), not from ${list}: use a cursor from the list you page`,
    );
  }
  if (cursor.order !== order.name) {
    throw badUserInput(
      `${argument}: this cursor is from ${list} in another order (${cursor.order}), not ${order.name}: use a cursor from the same order`,
    );
  }
  if (!fitsOrder(cursor.position, order.parts)) throw badUserInput(`${argument}: ${NOT_A_CURSOR}`);
  return cursor.position;
}

/** What Relay's arguments ask of a list: a window, and with both `first` and `last`, the last items of its page. */
export interface ListRequest {
  list: string;
  order: OrderKey;
  window: Window;
  /** With both `first` and `last`: keep only the last this many of the page (Relay applies `first`, then `last`). */
  keepLast: number | null;
}

/**
 * The window Relay's arguments ask of `list` in `order`: `first` pages forward (from `after`, or the start),
 * `last` backward (to `before`, or the end), neither the first DEFAULT_PAGE_SIZE items. `count`: whether the
 * caller needs totalCount.
 */
export function listWindow(args: PageArgs, list: string, order: OrderKey, count: boolean): ListRequest {
  const after = args.after == null ? null : positionIn('after', args.after, list, order);
  const before = args.before == null ? null : positionIn('before', args.before, list, order);
  const backward = args.first == null && args.last != null;
  const window: Window = {
    size: args.first ?? args.last ?? DEFAULT_PAGE_SIZE,
    direction: backward ? 'BACKWARD' : 'FORWARD',
    count,
  };
  // Only the bounds given: the window is part of a loader's cache key (its JSON).
  if (after) window.after = after;
  if (before) window.before = before;
  return { list, order, window, keepLast: args.first != null && args.last != null ? args.last : null };
}

/** The order of a ranked list (search), paged by offset: a cursor's position is [offset]. */
export const RANKED: OrderKey = { name: 'RELEVANCE', parts: ['integer'], directions: ['ASC'] };

/**
 * The offsets of the cursors of a ranked list: the item after `after` and the item `before`, checked as
 * listWindow checks keyset cursors.
 */
export function offsetBounds(args: PageArgs, list: string): { after: number | null; before: number | null } {
  const offsetOf = (argument: 'after' | 'before', text: string | null | undefined) =>
    text == null ? null : (positionIn(argument, text, list, RANKED)[0] as number);
  return { after: offsetOf('after', args.after), before: offsetOf('before', args.before) };
}

/** The slice [start, end) of a ranked list of `total` items that Relay's arguments select. */
export function offsetSlice(
  args: PageArgs,
  bounds: { after: number | null; before: number | null },
  total: number,
): { start: number; end: number } {
  let start = bounds.after === null ? 0 : Math.min(total, bounds.after + 1);
  let end = bounds.before === null ? total : Math.max(start, Math.min(total, bounds.before));
  if (args.first != null) end = Math.min(end, start + args.first);
  if (args.last != null) start = Math.max(start, end - args.last);
  if (args.first == null && args.last == null) end = Math.min(end, start + DEFAULT_PAGE_SIZE);
  return { start, end };
}

/**
 * The largest end offsetSlice can give for these arguments, whatever the list's length: Infinity when it depends
 * on the length (`last` without `before`). A ranked source then ranks only that many.
 */
export function offsetSliceEnd(args: PageArgs, bounds: { after: number | null; before: number | null }): number {
  const start = bounds.after === null ? 0 : bounds.after + 1;
  let end = bounds.before === null ? Number.POSITIVE_INFINITY : bounds.before;
  if (args.first != null) end = Math.min(end, start + args.first);
  else if (args.last == null) end = Math.min(end, start + DEFAULT_PAGE_SIZE);
  return end;
}
