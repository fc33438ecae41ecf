import { Knex } from 'knex';
import { chunked } from './chunked';
import { isPostgres } from './isPostgres';
import { isSqlite } from './isSqlite';

/**
 * Rows per statement on PostgreSQL, where the rows are one JSON parameter: a chunk only bounds the
 * size of one statement's parameter.
 */
const POSTGRES_ROWS_PER_STATEMENT = 1000;

/**
 * Inserts rows, optionally upserting on a conflict target. On SQLite with plain multi-row `VALUES`
 * statements, in chunks that stay under its parameter limits (knex writes multi-row inserts on
 * SQLite as `SELECT ... UNION ALL` chains, which SQLite prepares and runs several times slower);
 * on PostgreSQL with one JSON parameter per statement (below).
 *
 * On SQLite the chunks hold a power of two of rows (37 rows: 32, 4 and 1), so that the statements
 * are among the few the connection keeps prepared (cacheSqliteStatements): a statement of each row
 * count was a new one to parse and plan, and preparing them took 10% of the writers' statement time
 * in the OTLP benchmark. Each chunk is its own statement, in order, as the rows of one statement are.
 *
 * On PostgreSQL the rows are one JSON parameter, read by `json_populate_recordset` as rows of the
 * table: the statement is short and its plan simple, where a `VALUES` list of hundreds of rows and
 * thousands of parameters was parsed and planned anew each time (planning alone took 1.5-1.8 s of
 * each 20-second OTLP benchmark run's inserts on a 30-day database, 0.25 s this way; the values
 * are bound one by one in the backend too).
 */
export async function insertRows(
  knex: Knex,
  table: string,
  rows: Array<Record<string, unknown>>,
  options: {
    onConflict?: string[];
    /** Columns that take the new row's value on a conflict. */
    merge?: string[];
    /** Columns to which the new row's value is added on a conflict (running totals). */
    add?: string[];
    /**
     * Columns set to an SQL expression on a conflict, of the stored row (named by the table) and
     * the new one (`excluded`).
     */
    set?: Record<string, string>;
    /**
     * An SQL condition on the stored row (named by the table) and the new one (`excluded`): a
     * conflicting row is updated only where it holds.
     */
    mergeWhere?: string;
  } = {},
): Promise<void> {
  if (rows.length === 0) {
    return;
  }
  const columns = Object.keys(rows[0]);
  const perChunk = Math.max(1, Math.floor(8000 / columns.length));
  const rowPlaceholder = `(${columns.map(() => '?').join(', ')})`;
  const updates = [
    ...(options.merge ?? []).map(c => `"${c}" = excluded."${c}"`),
    ...(options.add ?? []).map(
      c => `"${c}" = "${table}"."${c}" + excluded."${c}"`,
    ),
    ...Object.entries(options.set ?? {}).map(
      ([c, expression]) => `"${c}" = ${expression}`,
    ),
  ];
  const conflict = options.onConflict
    ? ` ON CONFLICT (${options.onConflict.map(c => `"${c}"`).join(', ')}) ${
        updates.length > 0
          ? `DO UPDATE SET ${updates.join(', ')}${
              options.mergeWhere ? ` WHERE ${options.mergeWhere}` : ''
            }`
          : 'DO NOTHING'
      }`
    : '';
  const columnList = columns.map(c => `"${c}"`).join(', ');
  if (isPostgres(knex)) {
    for (const chunk of chunked(rows, POSTGRES_ROWS_PER_STATEMENT)) {
      await knex.raw(
        `INSERT INTO "${table}" (${columnList}) SELECT ${columnList} FROM json_populate_recordset(NULL::"${table}", ?::json)${conflict}`,
        [toJson(chunk)],
      );
    }
    return;
  }
  for (const chunk of isSqlite(knex)
    ? keptChunks(rows, perChunk)
    : chunked(rows, perChunk)) {
    const bindings: unknown[] = [];
    for (const row of chunk) {
      for (const column of columns) {
        const value = row[column];
        bindings.push(value === undefined ? null : value);
      }
    }
    await knex.raw(
      `INSERT INTO "${table}" (${columnList}) VALUES ${chunk
        .map(() => rowPlaceholder)
        .join(', ')}${conflict}`,
      bindings as Knex.RawBinding[],
    );
  }
}

/**
 * The rows as JSON, a string with a lone surrogate (a string cut within a pair) with U+FFFD in its
 * place, as when it is bound as a parameter (encoded as UTF-8): JSON keeps it as an escape, which
 * PostgreSQL refuses. `JSON.stringify` writes a lone surrogate, and only one, as a `\udXXX` escape
 * (a pair stays as it is, a backslash of the text is doubled), so the rows are written again with
 * every string made well-formed only when one may be there: a function called for every value
 * took 50% longer (160 against 107 µs for 100 of `session_requests`' rows).
 */
function toJson(rows: Array<Record<string, unknown>>): string {
  const json = JSON.stringify(rows);
  return /\\u[dD][89a-fA-F]/.test(json)
    ? JSON.stringify(rows, (_key, value) =>
        typeof value === 'string' ? value.toWellFormed() : value,
      )
    : json;
}

/** Chunks of a power of two of rows, the largest first: at most `most` rows each. */
function keptChunks<T>(rows: T[], most: number): T[][] {
  const largest = 2 ** Math.floor(Math.log2(most));
  const chunks: T[][] = [];
  let size = largest;
  for (let at = 0; at < rows.length; at += size) {
    while (size > rows.length - at) {
      size /= 2;
    }
    chunks.push(rows.slice(at, at + size));
  }
  return chunks;
}
