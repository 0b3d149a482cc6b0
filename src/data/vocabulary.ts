/**
 * Controlled vocabularies shared by the fixture validator and the GraphQL enums,
 * so the two can never disagree. Each value carries the description clients see.
 */

import { daysInMonth } from './dates.js';

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

/**
 * The 249 officially assigned ISO 3166-1 alpha-2 codes. Written out rather than asked of ICU, which also
 * names reserved and withdrawn codes ("UK", "SU", "YU", "EU") that are common curation mistakes.
 */
export const COUNTRY_CODES: readonly string[] = Object.freeze(
  [
    'AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ',
    'BL BM BN BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR',
    'CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR',
    'GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU',
    'ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ',
    'LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ',
    'MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF',
    'PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI',
    'SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR',
    'TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW',
  ]
    .join(' ')
    .split(' '),
);
const ISO_3166_1_ALPHA_2 = new Set(COUNTRY_CODES);

/** True for an officially assigned ISO 3166-1 alpha-2 country code such as "IR" or "PE". */
export function isCountryCode(code: string): boolean {
  return ISO_3166_1_ALPHA_2.has(code);
}

/**
 * True for an ISO 8601 calendar date at reduced precision: "2014", "2024-11" or "2024-07-13", in years 0001 to
 * 9999 (year 0000 is left out: its weeks would start in year -1, which has no four-digit form).
 * The day must exist in its month (Feb 29 only in leap years).
 */
export function isReducedPrecisionDate(value: string): boolean {
  const match = /^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$/.exec(value);
  if (!match) return false;
  const [, yearText, monthText, dayText] = match;
  const year = Number(yearText);
  if (year < 1) return false;
  if (monthText === undefined) return true;
  const month = Number(monthText);
  if (month < 1 || month > 12) return false;
  if (dayText === undefined) return true;
  const day = Number(dayText);
  return day >= 1 && day <= daysInMonth(year, month);
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
