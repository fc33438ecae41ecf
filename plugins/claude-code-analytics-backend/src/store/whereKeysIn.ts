import { Knex } from 'knex';
import { isPostgres } from './isPostgres';
import { isSqlite } from './isSqlite';

/**
 * Restricts a query to the rows whose `columns` equal one of `keys` (tuples of strings, in the
 * order of the columns), as knex's `whereIn` with several columns does.
 *
 * On SQLite the list is padded to a power of two of keys (`keptLength`).
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
    return query.whereIn(
      columns as string[],
      keptLength(query, keys) as string[][],
    ) as Q;
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

/**
 * Restricts a query to the rows whose `column` equals one of `values`, as knex's `whereIn`; on
 * SQLite the list is padded to a power of two of values (`keptLength`). On PostgreSQL the values
 * are one array parameter, joined as a set (`IN (SELECT unnest(?::text[]))`, `bigint[]` for
 * numbers; no values match no rows, as in knex), as whereKeysIn does: a list of parameters, or an
 * array compared with `= ANY`, is estimated value by value, and planning took about as long as
 * running for several of the rollups' reads (OTLP benchmark on a 30-day database,
 * pg_stat_statements).
 */
export function whereValuesIn<Q extends Knex.QueryBuilder>(
  query: Q,
  column: string,
  values: ReadonlyArray<string | number>,
): Q {
  if (isPostgres(query) && values.length > 0) {
    if (values.some(value => value === undefined)) {
      throw new Error(`Values of ${column} must not be undefined`);
    }
    const type = values.every(value => typeof value === 'number')
      ? 'bigint'
      : 'text';
    return query.whereRaw(`?? IN (SELECT unnest(?::${type}[]))`, [
      column,
      values.map(String),
    ]) as Q;
  }
  return query.whereIn(column, keptLength(query, values) as string[]) as Q;
}

/**
 * Restricts a query to the rows of `date` whose `column` equals one of `values` (whereValuesIn and
 * `where('date', date)`). On PostgreSQL the pairs of value and date are the keys of whereKeysIn:
 * with the date a constant, the planner estimated today's rows by statistics gathered before
 * today (a row or none) and read the facts through their index by date, scanning every row of the
 * day for each read (19,266 rows for 387 in 2.8 ms after an OTLP benchmark run on a 30-day
 * database, longer as the day fills); as pairs, each value is a lookup in the index of the column
 * and the date (0.4 ms).
 */
export function whereValuesOnDate<Q extends Knex.QueryBuilder>(
  query: Q,
  column: string,
  values: ReadonlyArray<string>,
  date: string,
): Q {
  if (isPostgres(query)) {
    return whereKeysIn(
      query,
      [column, 'date'],
      values.map(value => [value, date]),
    );
  }
  return whereValuesIn(query, column, values).where('date', date) as Q;
}

/**
 * On SQLite, the items of an `IN` list padded to a power of two with copies of the last one: the
 * list matches the same rows, and a list of any length is one of a few statements that the
 * connection keeps prepared (cacheSqliteStatements), where each length was a new statement to
 * parse and plan (3,900 of them in a 20-second OTLP benchmark run). As it is on other databases.
 */
export function keptLength<T>(
  db: { client: Knex.Client },
  items: ReadonlyArray<T>,
): ReadonlyArray<T> {
  if (!isSqlite(db) || items.length < 3) {
    return items;
  }
  const length = 2 ** Math.ceil(Math.log2(items.length));
  return length === items.length
    ? items
    : [
        ...items,
        ...Array<T>(length - items.length).fill(items[items.length - 1]),
      ];
}
