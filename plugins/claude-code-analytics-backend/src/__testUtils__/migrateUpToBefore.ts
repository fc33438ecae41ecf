import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

/** The store's migrations, as `knex.migrate` takes them. */
export const storeMigrations = {
  directory: resolvePackagePath(
    'backstage-plugin-claude-code-analytics-backend',
    'migrations',
  ),
  tableName: 'claude_code_analytics_knex_migrations',
};

/** Runs the store's migrations before the one named (its file name), for migration tests. */
export async function migrateUpToBefore(knex: Knex, name: string) {
  for (;;) {
    const [, pending] = await knex.migrate.list(storeMigrations);
    const next = pending[0]?.file ?? pending[0]?.name;
    if (!next || next === name) {
      return;
    }
    await knex.migrate.up(storeMigrations);
  }
}
