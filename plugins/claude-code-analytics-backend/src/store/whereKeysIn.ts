import { Knex } from 'knex';
import { isPostgres } from './isPostgres';

/**
 * Restricts a query to the rows whose `columns` equal one of `keys` (tuples of strings, in the
 * order of the columns), as knex's `whereIn` with several columns does.
 *
 * On PostgreSQL the keys are one text array per column, joined as a set (`(a, b) IN (SELECT *
 * FROM unnest(?::text[], ?::text[]))`): the row-value list `whereIn` writes is planned as an OR of
 * one index condition per key, and for the 200 identity-days of a re-sum planning took 26 ms where
 * running took 6 (EXPLAIN ANALYZE at full scale), on every statement of the OTLP path. SQLite plans
 * the list at once and keeps the prepared statement: it gets `whereIn`.
 *
 * Columns named in `integers` hold integers (bigint on PostgreSQL): their values in the keys are
 * decimal strings, compared as numbers (SQLite converts them by the column's type itself).
 */
export function whereKeysIn<Q extends Knex.QueryBuilder>(
  query: Q,
  columns: readonly string[],
  keys: ReadonlyArray<readonly string[]>,
  options: { integers?: readonly string[] } = {},
): Q {
  if (!isPostgres(query)) {
    return query.whereIn(columns as string[], keys as string[][]) as Q;
  }
  const integers = new Set(options.integers ?? []);
  // As knex refuses an undefined binding, instead of matching nothing.
  if (
    keys.some(key => key.length !== columns.length || key.includes(undefined!))
  ) {
    throw new Error(
      `Keys of ${columns.join(', ')} must have a string for each column`,
    );
  }
  return query.whereRaw(
    `(${columns.map(() => '??').join(', ')}) IN (SELECT * FROM unnest(${columns
      .map(column => (integers.has(column) ? '?::bigint[]' : '?::text[]'))
      .join(', ')}))`,
    [...columns, ...columns.map((_, i) => keys.map(key => key[i]))],
  ) as Q;
}
