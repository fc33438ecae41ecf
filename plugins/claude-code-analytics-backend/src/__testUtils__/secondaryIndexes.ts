import { Knex } from 'knex';
import { isPostgres } from '../store/isPostgres';

/** The indexes of `tables` other than their primary keys, by name, sorted: for migration tests. */
export async function secondaryIndexes(
  knex: Knex,
  tables: string[],
): Promise<string[]> {
  const rows: Array<{ name: string }> = isPostgres(knex)
    ? await knex('pg_indexes')
        .select('indexname as name')
        .whereIn('tablename', tables)
        .whereNot('indexname', 'like', '%\\_pkey')
    : await knex('sqlite_master')
        .select('name')
        .where('type', 'index')
        .whereIn('tbl_name', tables)
        // SQLite's own indexes of primary keys have no SQL.
        .whereNotNull('sql');
  return rows.map(row => row.name).sort();
}
