import { Knex } from 'knex';
import { chunked } from './chunked';

/**
 * Inserts rows with plain multi-row `VALUES` statements, in chunks that stay under the databases'
 * parameter limits; optionally upserting on a conflict target. Knex writes multi-row inserts on
 * SQLite as `SELECT ... UNION ALL` chains, which SQLite prepares and runs several times slower.
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
  for (const chunk of chunked(rows, perChunk)) {
    const bindings: unknown[] = [];
    for (const row of chunk) {
      for (const column of columns) {
        const value = row[column];
        bindings.push(value === undefined ? null : value);
      }
    }
    await knex.raw(
      `INSERT INTO "${table}" (${columns
        .map(c => `"${c}"`)
        .join(', ')}) VALUES ${chunk
        .map(() => rowPlaceholder)
        .join(', ')}${conflict}`,
      bindings as Knex.RawBinding[],
    );
  }
}

/**
 * The stamp of an entry queued again: the new time, or one more than the stored stamp when the new
 * time is not later (queued again within the same millisecond, or by a replica whose clock is
 * behind). A worker deletes only the entries whose stamp it read, so an entry queued again after
 * the worker read it must not keep that stamp, or its new data would wait for the next write.
 */
export function restampedAt(table: string): Record<string, string> {
  return {
    enqueued_at: `CASE WHEN excluded.enqueued_at > "${table}".enqueued_at THEN excluded.enqueued_at ELSE "${table}".enqueued_at + 1 END`,
  };
}
