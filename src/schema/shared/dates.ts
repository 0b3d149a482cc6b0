/** Shared wording for date fields, so every date in the schema documents the same convention. */
export const REDUCED_PRECISION_DATE =
  'ISO 8601 date at the precision the article gives, never more: a year ("2014"), a month ("2024-11") or a day ("2024-07-13"), from year 0001 to 9999.';
