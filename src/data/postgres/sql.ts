/**
 * Building the SQL of one statement: numbered parameters, and keyset conditions from the contract's OrderKeys
 * (each part's kind and direction), text compared with COLLATE "C", a null date last in either direction.
 */
import type { KeyPart, OrderKey, Position, SortValue } from '../contract.js';

/** The parameters of one statement; `add` answers the placeholder, typed for the planner. */
export class Params {
  readonly values: unknown[] = [];
  readonly types: string[] = [];
  add(value: unknown, type: string): string {
    this.values.push(value);
    this.types.push(type);
    return `$${this.values.length}::${type}`;
  }
}

/** A column of a list's order: its SQL expression, with the kind of the key part it holds. */
export interface KeyColumn {
  sql: string;
  part: KeyPart;
}

const C = 'COLLATE "C"';

function typed(part: KeyPart): string {
  return part === 'integer' ? 'integer' : 'text';
}

function compareSql(column: KeyColumn, operator: '<' | '>' | '=', placeholder: string): string {
  const left = column.part === 'integer' ? column.sql : `${column.sql} ${C}`;
  const comparison = `${left} ${operator} ${placeholder}`;
  // A date part may be null: its comparisons must be false, not null (they are negated below).
  return column.part === 'date' ? `(${column.sql} IS NOT NULL AND ${comparison})` : comparison;
}

/**
 * The condition "the item sorts strictly after `position`" (`side` 'after') or strictly before it ('before') in
 * the order of `columns` with `key`'s directions: never null, so that it can be negated.
 */
export function keysetCondition(
  columns: readonly KeyColumn[],
  key: OrderKey,
  position: Position,
  side: 'after' | 'before',
  params: Params,
): string {
  const build = (i: number): string => {
    if (i === columns.length) return 'false';
    const column = columns[i] as KeyColumn;
    const value = (position[i] ?? null) as SortValue;
    const ascending = (key.directions[i] ?? 'ASC') === 'ASC';
    const rest = build(i + 1);
    if (value === null) {
      // Null sorts last: after a null only nulls (then the rest decides); before it every value.
      const isNull = `${column.sql} IS NULL`;
      return side === 'after' ? `(${isNull} AND ${rest})` : `(${column.sql} IS NOT NULL OR (${isNull} AND ${rest}))`;
    }
    const placeholder = params.add(value, typed(column.part));
    const beyond = compareSql(column, (side === 'after') === ascending ? '>' : '<', placeholder);
    const equal = compareSql(column, '=', placeholder);
    const nullBeyond = column.part === 'date' && side === 'after' ? ` OR ${column.sql} IS NULL` : '';
    return `(${beyond}${nullBeyond} OR (${equal} AND ${rest}))`;
  };
  return build(0);
}

/** ORDER BY of `columns` in `key`'s order (reversed: for a page read backwards), nulls last either way. */
export function orderBySql(columns: readonly KeyColumn[], key: OrderKey, reversed = false): string {
  return columns
    .map((column, i) => {
      const ascending = ((key.directions[i] ?? 'ASC') === 'ASC') !== reversed;
      const collate = column.part === 'integer' ? '' : ` ${C}`;
      // Nulls last in the list's order, so first when read backwards.
      const nulls = column.part === 'date' ? (reversed ? ' NULLS FIRST' : ' NULLS LAST') : '';
      return `${column.sql}${collate} ${ascending ? 'ASC' : 'DESC'}${nulls}`;
    })
    .join(', ');
}

/** A LIKE pattern matching `text` anywhere (its wildcards escaped). */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function quoteIdentifier(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}
