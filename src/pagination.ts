/**
 * Connection cursors and page windows. A cursor is base64 of `cursor:<offset>` in the list's
 * order; cursors are checked when the arguments are validated, so a malformed one is a
 * BAD_USER_INPUT error before any resolver runs.
 */
import { z } from 'zod';

export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

const RAW_CURSOR = /^cursor:(0|[1-9]\d{0,8})$/;

export function encodeCursor(offset: number): string {
  return Buffer.from(`cursor:${offset}`, 'utf8').toString('base64');
}

/** The offset a cursor points at, or null if it is not a cursor this API issued. */
export function decodeCursor(cursor: string): number | null {
  if (cursor.length > 64 || !/^[A-Za-z0-9+/]+={0,2}$/.test(cursor)) return null;
  const match = RAW_CURSOR.exec(Buffer.from(cursor, 'base64').toString('utf8'));
  return match ? Number(match[1]) : null;
}

export const cursorSchema = z
  .string()
  .refine((cursor) => decodeCursor(cursor) !== null, 'is not a valid cursor: use a cursor returned by this API');

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

export interface PageWindow {
  start: number;
  end: number;
  hasPreviousPage: boolean;
  hasNextPage: boolean;
}

/**
 * The highest `end` pageWindow can give for these arguments, whatever the list's length (Infinity
 * when it depends on the length: `last` without `before`). Lets a source rank only that many.
 */
export function pageEndBound(args: PageArgs): number {
  const after = args.after == null ? null : decodeCursor(args.after);
  const before = args.before == null ? null : decodeCursor(args.before);
  const start = after === null ? 0 : after + 1;
  let end = before === null ? Number.POSITIVE_INFINITY : before;
  if (args.first != null) end = Math.min(end, start + args.first);
  else if (args.last == null) end = Math.min(end, start + DEFAULT_PAGE_SIZE);
  return end;
}

/** The slice [start, end) of a list of `total` items that the arguments select. */
export function pageWindow(args: PageArgs, total: number): PageWindow {
  const after = args.after == null ? null : decodeCursor(args.after);
  const before = args.before == null ? null : decodeCursor(args.before);
  let start = after === null ? 0 : Math.min(total, after + 1);
  let end = before === null ? total : Math.max(start, Math.min(total, before));
  if (args.first != null) end = Math.min(end, start + args.first);
  if (args.last != null) start = Math.max(start, end - args.last);
  if (args.first == null && args.last == null) end = Math.min(end, start + DEFAULT_PAGE_SIZE);
  return { start, end, hasPreviousPage: start > 0, hasNextPage: end < total };
}
