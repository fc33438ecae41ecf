import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';

const migrationsDir = resolvePackagePath(
  'backstage-plugin-claude-code-analytics-backend',
  'migrations',
);

/**
 * Brings the plugin database to the latest schema.
 *
 * @public
 */
export async function migrateStore(knex: Knex): Promise<void> {
  await knex.migrate.latest({
    directory: migrationsDir,
    tableName: 'claude_code_analytics_knex_migrations',
  });
}

/**
 * Undoes every migration (used by the migrations test).
 *
 * @internal
 */
export async function rollbackStore(knex: Knex): Promise<void> {
  await knex.migrate.rollback(
    {
      directory: migrationsDir,
      tableName: 'claude_code_analytics_knex_migrations',
    },
    true,
  );
}
