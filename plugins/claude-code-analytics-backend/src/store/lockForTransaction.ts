import { createHash } from 'node:crypto';
import { Knex } from 'knex';
import { isPostgres } from './isPostgres';

/**
 * The key of the ownership index: a refresh holds it alone while it replaces the pairs; the
 * delivery rollups share it, so that none of their transactions spans a refresh's commit.
 */
export const OWNERSHIP_INDEX_LOCK = 0x4343414f;

/** The key of the writers of session-level data (requests, metric points, events, totals). */
export const SESSION_WRITES_LOCK = 0x43434153;

/** The key of the day masks and spans of active people. */
export const ACTIVE_DAYS_LOCK = 0x43434144;

/**
 * The key space of the re-sums of session-level data into usage days, one lock per session group
 * (`lockKeysForTransaction`): a re-sum reads a group's data under its lock, so that none writes
 * sums older than another's.
 */
export const SESSION_SUMS_LOCK = 0x43434155;

/** The locks each transaction holds already, by mode and key. */
const held = new WeakMap<Knex.Transaction, Set<string>>();

/**
 * On PostgreSQL, takes the transaction-level advisory lock `key` (released at commit or rollback),
 * once per transaction: the writers that read rows and write them back changed serialise on it
 * across backend replicas. With `shared`, any number of transactions hold it together, and each
 * waits for (and holds off) one that takes it alone. SQLite has one writer at a time anyway:
 * nothing to do there.
 */
export async function lockForTransaction(
  tx: Knex.Transaction,
  key: number,
  options: { shared?: boolean } = {},
): Promise<void> {
  if (!isPostgres(tx)) {
    return;
  }
  const mode = options.shared ? 'shared' : 'exclusive';
  const keys = held.get(tx) ?? new Set<string>();
  if (keys.has(`${mode}:${key}`)) {
    return;
  }
  await tx.raw(
    options.shared
      ? 'SELECT pg_advisory_xact_lock_shared(?)'
      : 'SELECT pg_advisory_xact_lock(?)',
    [key],
  );
  keys.add(`${mode}:${key}`);
  held.set(tx, keys);
}

/**
 * On PostgreSQL, takes a transaction-level advisory lock for each of `keys` in the key space
 * `space` (two keys with the same 32-bit hash share one), in ascending order of their hashes, so
 * that transactions locking overlapping sets wait for each other instead of deadlocking. SQLite
 * has one writer at a time anyway: nothing to do there.
 */
export async function lockKeysForTransaction(
  tx: Knex.Transaction,
  space: number,
  keys: readonly string[],
): Promise<void> {
  if (!isPostgres(tx) || keys.length === 0) {
    return;
  }
  const hashes = [
    ...new Set(
      keys.map(key => createHash('sha1').update(key).digest().readInt32BE(0)),
    ),
  ].sort((a, b) => a - b);
  await tx.raw(
    'SELECT pg_advisory_xact_lock(?, k) FROM (SELECT unnest(?::int[]) AS k ORDER BY k) AS keys',
    [space, hashes],
  );
}
