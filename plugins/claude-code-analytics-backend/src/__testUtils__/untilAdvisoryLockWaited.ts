import { Knex } from 'knex';
import { isPostgres } from '../store/isPostgres';

/**
 * On PostgreSQL, waits until some transaction waits for an advisory lock, so that the test lets
 * the transaction holding it end only then; fails after 10 s. SQLite has a single connection, for
 * which a second transaction waits anyway: it returns at once there.
 */
export async function untilAdvisoryLockWaited(knex: Knex): Promise<void> {
  if (!isPostgres(knex)) {
    return;
  }
  const deadline = Date.now() + 10_000;
  for (;;) {
    const { rows } = await knex.raw(
      // Of this test's database: test files running at once share the server.
      "SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
    );
    if (Number(rows[0].n) > 0) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error('The second transaction never waited for the lock');
    }
    await new Promise(resolve => setTimeout(resolve, 20));
  }
}
