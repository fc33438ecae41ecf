import { Knex } from 'knex';

/**
 * Runs `fn` in the transaction `knex` already is, or else in a new one. Writers that the OTLP
 * receiver calls inside its batch transaction then share it (and its lock) instead of opening a
 * savepoint each.
 */
export async function inTransaction<T>(
  knex: Knex,
  fn: (tx: Knex.Transaction) => Promise<T>,
): Promise<T> {
  if ((knex as Knex.Transaction).isTransaction) {
    return fn(knex as Knex.Transaction);
  }
  return knex.transaction(fn);
}
