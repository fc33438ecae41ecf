import { Knex } from 'knex';
import { chunked } from './chunked';
import { whereKeysIn } from './whereKeysIn';

/*
 * The work queues (session days to re-sum, user- and entity-days to roll up) stamp each entry with
 * the time it was queued; a worker reads entries with their stamps, does the work, and removes
 * only the entries still holding the stamp it read, so an entry queued again meanwhile stays.
 */

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

/**
 * Removes queue entries a worker read, each given as its key's values followed by the stamp read
 * (`enqueued_at`): an entry queued again since has another stamp and stays. One statement per
 * `perStatement` entries (under OTLP load nearly every entry has a stamp of its own).
 */
export async function removeReadEntries(
  knex: Knex,
  table: string,
  keyColumns: readonly string[],
  entries: string[][],
  perStatement: number,
): Promise<void> {
  for (const chunk of chunked(entries, perStatement)) {
    await whereKeysIn(knex(table), [...keyColumns, 'enqueued_at'], chunk, {
      integers: ['enqueued_at'],
    }).delete();
  }
}
