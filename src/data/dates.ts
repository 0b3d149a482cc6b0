/**
 * Reduced-precision ISO 8601 dates ("2014", "2024-11", "2024-07-13") as the day ranges they
 * stand for, so filters and buckets can ask whether two of them overlap: "2014" overlaps a
 * window that starts on "2014-06-01".
 *
 * Dates run from 0001-01-01 to 9999-12-31 (four-digit years, as the schema and the fixtures accept them).
 * Day arithmetic is on whole day numbers of the proleptic Gregorian calendar, not on `Date` (which reads
 * years 0–99 as 1900–1999) nor on strings (where "10000-01-01" sorts before "9999-12-31").
 */

export type TimeInterval = 'DAY' | 'WEEK' | 'MONTH' | 'YEAR';

/** A closed range of days, each "YYYY-MM-DD". */
export interface DayRange {
  first: string;
  last: string;
}

/** The first and last days a date can name. */
export const FIRST_DAY = '0001-01-01';
export const LAST_DAY = '9999-12-31';

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(year: number, month: number): number {
  return month === 2 && isLeapYear(year) ? 29 : (DAYS_IN_MONTH[month - 1] ?? 0);
}

/** Days since 1970-01-01 of a calendar date (H. Hinnant's days_from_civil; exact for any year). */
function dayNumberOf(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** The calendar date of a day number (H. Hinnant's civil_from_days). */
function dateOfDayNumber(dayNumber: number): { year: number; month: number; day: number } {
  const z = dayNumber + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) - Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra - (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const shiftedMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * shiftedMonth + 2) / 5) + 1;
  const month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/** The day number of "YYYY-MM-DD". */
export function dayNumber(day: string): number {
  return dayNumberOf(Number(day.slice(0, 4)), Number(day.slice(5, 7)), Number(day.slice(8, 10)));
}

/** "YYYY-MM-DD" of a day number. */
export function dayOfNumber(dayNumber: number): string {
  const { year, month, day } = dateOfDayNumber(dayNumber);
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
}

/** Monday 0 … Sunday 6 (1970-01-01, day 0, was a Thursday). */
function isoWeekday(dayNumber: number): number {
  return (((dayNumber + 3) % 7) + 7) % 7;
}

const LAST_DAY_NUMBER = dayNumber(LAST_DAY);

/** The days a date covers: "2024-11" is 2024-11-01 to 2024-11-30. A time ("T23:03") is ignored. */
export function dayRange(date: string): DayRange {
  const [yearText = '', monthText, dayText] = date.slice(0, 10).split('-');
  if (dayText !== undefined) return { first: date.slice(0, 10), last: date.slice(0, 10) };
  if (monthText !== undefined) {
    const last = daysInMonth(Number(yearText), Number(monthText));
    return { first: `${yearText}-${monthText}-01`, last: `${yearText}-${monthText}-${pad(last)}` };
  }
  return { first: `${yearText}-01-01`, last: `${yearText}-12-31` };
}

/** True when the two ranges share at least one day. */
export function overlaps(a: DayRange, b: DayRange): boolean {
  return a.first <= b.last && b.first <= a.last;
}

/** The window [from, to] as days; an open end reaches as far as any date can. */
export function windowRange(from?: string | null, to?: string | null): DayRange {
  return { first: from ? dayRange(from).first : FIRST_DAY, last: to ? dayRange(to).last : LAST_DAY };
}

/**
 * Buckets of one interval as consecutive whole numbers (years, months since year 0, days, Mondays' day numbers
 * divided by 7), so that counting them is a subtraction and the n-th one is found without walking to it.
 */
const BUCKETS: Record<TimeInterval, { indexOf(day: string): number; rangeOf(index: number): DayRange }> = {
  YEAR: {
    indexOf: (day) => Number(day.slice(0, 4)),
    rangeOf: (year) => ({ first: `${pad(year, 4)}-01-01`, last: `${pad(year, 4)}-12-31` }),
  },
  MONTH: {
    indexOf: (day) => Number(day.slice(0, 4)) * 12 + Number(day.slice(5, 7)) - 1,
    rangeOf: (index) => {
      const year = Math.floor(index / 12);
      const month = (index % 12) + 1;
      const prefix = `${pad(year, 4)}-${pad(month)}`;
      return { first: `${prefix}-01`, last: `${prefix}-${pad(daysInMonth(year, month))}` };
    },
  },
  DAY: {
    indexOf: dayNumber,
    rangeOf: (index) => {
      const day = dayOfNumber(index);
      return { first: day, last: day };
    },
  },
  // ISO weeks, Monday to Sunday. (Day numbers of Mondays are 4 more than a multiple of 7: 1970-01-05 is day 4.)
  WEEK: {
    indexOf: (day) => {
      const n = dayNumber(day);
      return (n - isoWeekday(n) - 4) / 7;
    },
    rangeOf: (index) => {
      const monday = index * 7 + 4;
      return { first: dayOfNumber(monday), last: dayOfNumber(Math.min(monday + 6, LAST_DAY_NUMBER)) };
    },
  },
};

/** How many buckets of `interval` cover the days [first, last] (0 when last is before first), without making them. */
export function bucketCount(range: DayRange, interval: TimeInterval): number {
  const { indexOf } = BUCKETS[interval];
  return Math.max(0, indexOf(range.last) - indexOf(range.first) + 1);
}

/**
 * The buckets of `interval` that cover the days [first, last], in order: whole buckets (the first starts on or
 * before `first`), except that none goes past 9999-12-31 (the week that would end in year 10000 ends there).
 * Ask `bucketCount` first: this makes every one of them.
 */
export function buckets(range: DayRange, interval: TimeInterval): DayRange[] {
  const { indexOf, rangeOf } = BUCKETS[interval];
  const from = indexOf(range.first);
  const count = bucketCount(range, interval);
  return Array.from({ length: count }, (_, i) => rangeOf(from + i));
}

/**
 * The days [first, last] as the fewest whole periods: years ("2024"), months ("2024-03") and days ("2024-03-15"),
 * in order. The PostgreSQL store keeps its counts per period (rollups), so that a window or a bucket sums a few
 * rows however many days it spans. Keep the range to the days that can hold data: a year is one period, so an
 * open window is as many periods as the years it reaches.
 */
export function periodsOf(range: DayRange): string[] {
  const periods: string[] = [];
  let day = range.first;
  while (day <= range.last) {
    const year = day.slice(0, 4);
    const month = day.slice(0, 7);
    let period = day;
    let periodLast = day;
    if (day.endsWith('-01-01') && `${year}-12-31` <= range.last) {
      period = year;
      periodLast = `${year}-12-31`;
    } else if (day.endsWith('-01')) {
      const monthLast = dayRange(month).last;
      if (monthLast <= range.last) {
        period = month;
        periodLast = monthLast;
      }
    }
    periods.push(period);
    if (periodLast >= LAST_DAY) break;
    day = dayOfNumber(dayNumber(periodLast) + 1);
  }
  return periods;
}

/** The days both ranges hold, or null when they share none. */
export function intersection(a: DayRange, b: DayRange): DayRange | null {
  const first = a.first > b.first ? a.first : b.first;
  const last = a.last < b.last ? a.last : b.last;
  return first <= last ? { first, last } : null;
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
