/**
 * Controlled vocabularies shared by the fixture validator and the GraphQL enums,
 * so the two can never disagree. Each value carries the description clients see.
 */

export const ORGANIZATION_KINDS = {
  GOVERNMENT: 'A state, its government or its authorities (for example "Tehran", "Peruvian authorities").',
  GOVERNMENT_AGENCY: 'A ministry, office or agency of a government.',
  MILITARY: 'An armed force, military command or military unit of a state.',
  ARMED_GROUP: 'A non-state armed or militant group.',
  CELL: 'A small clandestine group formed for a specific operation.',
  INTERGOVERNMENTAL: 'A forum or organization whose members are states or economies.',
  OTHER: 'Any organization that fits none of the other kinds.',
} as const;
export type OrganizationKind = keyof typeof ORGANIZATION_KINDS;

export const EVENT_KINDS = {
  PLOT: 'A planned attack or assassination, carried out or not.',
  ARREST: 'The detention of one or more people by authorities.',
  MANHUNT: 'A search by authorities for a person at large.',
  INVESTIGATION: 'An inquiry by police, prosecutors or other authorities.',
  MEETING: 'A summit, conference or other planned gathering.',
  CONFLICT: 'An armed conflict or war.',
  OTHER: 'Any event that fits none of the other kinds.',
} as const;
export type EventKind = keyof typeof EVENT_KINDS;

export const ORGANIZATION_RELATION_KINDS = {
  PART_OF: 'The organization is a unit or branch of the related organization.',
  SUPPORTS: 'The organization gives support (arms, money, direction) to the related organization.',
} as const;

const regionNames = new Intl.DisplayNames(['en'], { type: 'region', fallback: 'none' });
/** Region codes ICU knows that are not countries in ISO 3166-1. */
const NOT_COUNTRIES = new Set(['ZZ', 'EU', 'EZ', 'UN', 'QO']);

/** True for an ISO 3166-1 alpha-2 country code such as "IR" or "PE". */
export function isCountryCode(code: string): boolean {
  return /^[A-Z]{2}$/.test(code) && !NOT_COUNTRIES.has(code) && regionNames.of(code) !== undefined;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * True for an ISO 8601 calendar date at reduced precision: "2014", "2024-11" or "2024-07-13".
 * The day must exist in its month (Feb 29 only in leap years).
 */
export function isReducedPrecisionDate(value: string): boolean {
  const match = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(value);
  if (!match) return false;
  const [, yearText, monthText, dayText] = match;
  if (monthText === undefined) return true;
  const month = Number(monthText);
  if (month < 1 || month > 12) return false;
  if (dayText === undefined) return true;
  const day = Number(dayText);
  const year = Number(yearText);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const maxDay = month === 2 && !leap ? 28 : (DAYS_IN_MONTH[month - 1] ?? 0);
  return day >= 1 && day <= maxDay;
}

/** A reduced-precision date, optionally followed by a local time "THH:MM" when the source prints one. */
export function isPublicationDate(value: string): boolean {
  const match = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}):(\d{2}))?$/.exec(value);
  if (!match) return isReducedPrecisionDate(value);
  const [, date, hours, minutes] = match;
  if (!isReducedPrecisionDate(date ?? '')) return false;
  if (hours === undefined) return true;
  return Number(hours) < 24 && Number(minutes) < 60;
}
