import { Knex } from 'knex';

/** The database is PostgreSQL (the production store): row locks and advisory locks exist. */
export function isPostgres(knex: Knex): boolean {
  return knex.client.dialect === 'postgresql';
}
