/**
 * Reduced-precision ISO 8601 dates ("2014", "2024-11", "2024-07-13") as the day ranges they
 * stand for, so filters and buckets can ask whether two of them overlap: "2014" overlaps a
 * window that starts on "2014-06-01".
 */

export type TimeInterval = 'DAY' | 'WEEK' | 'MONTH' | 'YEAR';

/** A closed range of days, each "YYYY-MM-DD". */
export interface DayRange {
  first: string;
  last: string;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The days a date covers: "2024-11" is 2024-11-01 to 2024-11-30. A time ("T23:03") is ignored. */
export function dayRange(date: string): DayRange {
  const [yearText = '', monthText, dayText] = date.slice(0, 10).split('-');
  const year = Number(yearText);
  if (dayText !== undefined) return { first: date.slice(0, 10), last: date.slice(0, 10) };
  if (monthText !== undefined) {
    const month = Number(monthText);
    return { first: `${yearText}-${monthText}-01`, last: `${yearText}-${monthText}-${pad(daysInMonth(year, month))}` };
  }
  return { first: `${yearText}-01-01`, last: `${yearText}-12-31` };
}

/** True when the two ranges share at least one day. */
export function overlaps(a: DayRange, b: DayRange): boolean {
  return a.first <= b.last && b.first <= a.last;
}

/** The window [from, to] as days; an open end reaches as far as any date can. */
export function windowRange(from?: string | null, to?: string | null): DayRange {
  return { first: from ? dayRange(from).first : '0000-01-01', last: to ? dayRange(to).last : '9999-12-31' };
}

function toDay(date: Date): string {
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}`;
}

function parseDay(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

/** The first day of the bucket of `interval` that contains `day` (weeks start on Monday, as in ISO 8601). */
export function bucketStart(day: string, interval: TimeInterval): string {
  if (interval === 'YEAR') return `${day.slice(0, 4)}-01-01`;
  if (interval === 'MONTH') return `${day.slice(0, 7)}-01`;
  if (interval === 'DAY') return day;
  const date = parseDay(day);
  date.setUTCDate(date.getUTCDate() - ((date.getUTCDay() + 6) % 7));
  return toDay(date);
}

/** The first day of the next bucket. */
export function nextBucketStart(start: string, interval: TimeInterval): string {
  const date = parseDay(start);
  if (interval === 'YEAR') date.setUTCFullYear(date.getUTCFullYear() + 1);
  else if (interval === 'MONTH') date.setUTCMonth(date.getUTCMonth() + 1);
  else date.setUTCDate(date.getUTCDate() + (interval === 'WEEK' ? 7 : 1));
  return toDay(date);
}

/** The last day of the bucket that starts on `start`. */
export function bucketEnd(start: string, interval: TimeInterval): string {
  const date = parseDay(nextBucketStart(start, interval));
  date.setUTCDate(date.getUTCDate() - 1);
  return toDay(date);
}

/** How many buckets of `interval` cover [first, last], without building them. */
export function bucketCount(range: DayRange, interval: TimeInterval): number {
  const first = parseDay(bucketStart(range.first, interval));
  const last = parseDay(bucketStart(range.last, interval));
  if (interval === 'YEAR') return last.getUTCFullYear() - first.getUTCFullYear() + 1;
  if (interval === 'MONTH') {
    return (last.getUTCFullYear() - first.getUTCFullYear()) * 12 + last.getUTCMonth() - first.getUTCMonth() + 1;
  }
  const days = Math.round((last.getTime() - first.getTime()) / 86_400_000);
  return Math.floor(days / (interval === 'WEEK' ? 7 : 1)) + 1;
}

/** Index of the first element of the ascending `sorted` that is >= `value`. */
export function lowerBound(sorted: readonly string[], value: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((sorted[mid] as string) < value) low = mid + 1;
    else high = mid;
  }
  return low;
}

/** Index just past the last element of the ascending `sorted` that is <= `value`. */
export function upperBound(sorted: readonly string[], value: string): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((sorted[mid] as string) <= value) low = mid + 1;
    else high = mid;
  }
  return low;
}
