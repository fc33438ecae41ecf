import { Knex } from 'knex';

/**
 * The database is PostgreSQL (the production store): row locks and advisory locks exist. Takes a
 * knex instance, a transaction or a query builder.
 */
export function isPostgres(db: { client: Knex.Client }): boolean {
  return db.client.dialect === 'postgresql';
}
