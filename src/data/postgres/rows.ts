/**
 * Rows as the import writes them: values in PostgreSQL's text input form, as COPY's text format carries them (or
 * a batched INSERT's text[] parameters). Shared by the import and its article workers (article-rows-worker.ts),
 * so both write the same text for the same value.
 */
import { dateSortKey, textSortKey } from '../contract.js';
import { dayRange } from '../dates.js';
import type { ArticleRecord } from '../records.js';
import type { ColumnType, TableSpec } from './dataset-tables.js';
import type { TermCounter } from './search-terms.js';

export type Row = (string | number | null | readonly string[])[];

/** A value as PostgreSQL's text input reads it (what COPY's text format and a text[] parameter carry). */
export function literalOf(value: Row[number], type: ColumnType): string | null {
  if (value === null) return null;
  if (type === 'text[]') {
    return `{${(value as readonly string[]).map((v) => `"${v.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`).join(',')}}`;
  }
  return String(value);
}

const COPY_SPECIAL = /[\\\t\n\r]/;
const COPY_SPECIALS = /[\\\t\n\r]/g;

/** COPY's text format: backslash escapes for the separators, \N for null. */
export function copyField(text: string | null): string {
  if (text === null) return '\\N';
  // Most values need no escape: a test is cheaper than a replace that finds nothing.
  if (!COPY_SPECIAL.test(text)) return text;
  return text.replace(COPY_SPECIALS, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

/** One row as a line of COPY text (without its newline). */
export function copyLine(table: TableSpec, row: Row): string {
  let line = '';
  for (let i = 0; i < table.columns.length; i++) {
    if (i > 0) line += '\t';
    line += copyField(literalOf(row[i] ?? null, (table.columns[i] as TableSpec['columns'][number])[1]));
  }
  return line;
}

/** An article's row of TABLES.articles, its terms counted by `terms`. */
export function articleRow(article: ArticleRecord, terms: TermCounter): Row {
  const days = dayRange(article.publishedAt);
  const tsvector = terms.article(article.headline, article.body);
  return [
    article.slug,
    article.headline,
    article.publishedAt,
    article.publishedAtText,
    article.source,
    article.body,
    dateSortKey(article.publishedAt),
    textSortKey(article.headline),
    days.first,
    days.last,
    tsvector,
    terms.lengths[1],
    terms.lengths[2],
  ];
}
