import { Knex } from 'knex';
import { chunked } from './chunked';
import { insertRows } from './insertRows';
import { whereKeysIn } from './whereKeysIn';

type Row = Record<string, unknown>;

/**
 * What `replaceRows` did: the rows written (new or changed), the stored row each of them replaced
 * (at the same index; undefined for a new row), and the stored rows deleted.
 */
export type ReplacedRows = {
  written: Row[];
  previous: Array<Row | undefined>;
  deleted: Row[];
};

/** A stored value and a computed one are the same (PostgreSQL returns bigints as strings). */
const same = (stored: unknown, computed: unknown) =>
  String(stored ?? null) === String(computed ?? null);

/**
 * Makes a slice of a table hold exactly `rows`, given the rows it holds now (`stored`, read by the
 * caller from the same slice): rows that are unchanged are not written, changed and new rows are
 * upserted on the key, and stored rows that are no longer computed are deleted by key. Returns the
 * rows written, the stored rows they replaced and the stored rows deleted (`ReplacedRows`).
 *
 * Rewriting a slice by deleting it and inserting it again costs a change to every index of the
 * table for every row; an update of columns outside the indexes changes the row alone. Recomputing
 * today's facts of the people an OTLP burst touched changes a few rows of each (one model, one
 * component), so this is what keeps the rollups short at the scale of a year of history.
 */
export async function replaceRows(
  knex: Knex,
  table: string,
  keyColumns: readonly string[],
  stored: Row[],
  rows: Row[],
  options: {
    /**
     * Columns written with a changed row but not compared (a time of receipt): a row that differs
     * only in them is not written.
     */
    uncompared?: readonly string[];
  } = {},
): Promise<ReplacedRows> {
  const uncompared = new Set(options.uncompared ?? []);
  const keyOf = (row: Row) =>
    JSON.stringify(keyColumns.map(c => String(row[c] ?? null)));
  const storedByKey = new Map(stored.map(row => [keyOf(row), row]));
  const changed: Row[] = [];
  const previous: Array<Row | undefined> = [];
  for (const row of rows) {
    const key = keyOf(row);
    const before = storedByKey.get(key);
    storedByKey.delete(key);
    if (
      !before ||
      Object.keys(row).some(c => !uncompared.has(c) && !same(before[c], row[c]))
    ) {
      changed.push(row);
      previous.push(before);
    }
  }
  const deleted = [...storedByKey.values()];
  const gone = deleted.map(row => keyColumns.map(c => String(row[c])));
  for (const chunk of chunked(gone, Math.floor(2000 / keyColumns.length))) {
    await whereKeysIn(knex(table), keyColumns, chunk).delete();
  }
  if (changed.length > 0) {
    await insertRows(knex, table, changed, {
      onConflict: [...keyColumns],
      merge: Object.keys(changed[0]).filter(c => !keyColumns.includes(c)),
    });
  }
  return { written: changed, previous, deleted };
}
