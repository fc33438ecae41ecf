import { Knex } from 'knex';
import { isPostgres } from './isPostgres';

/** The locks each transaction holds already, by key. */
const held = new WeakMap<Knex.Transaction, Set<number>>();

/**
 * On PostgreSQL, takes the transaction-level advisory lock `key` (released at commit or rollback),
 * once per transaction: the writers that read rows and write them back changed serialise on it
 * across backend replicas. SQLite has one writer at a time anyway: nothing to do there.
 */
export async function lockForTransaction(
  tx: Knex.Transaction,
  key: number,
): Promise<void> {
  if (!isPostgres(tx)) {
    return;
  }
  const keys = held.get(tx) ?? new Set<number>();
  if (keys.has(key)) {
    return;
  }
  await tx.raw('SELECT pg_advisory_xact_lock(?)', [key]);
  keys.add(key);
  held.set(tx, keys);
}
