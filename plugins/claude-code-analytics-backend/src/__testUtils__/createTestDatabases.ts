import { TestDatabases } from '@backstage/backend-test-utils';

/**
 * SQLite and PostgreSQL 15 test databases. The test command starts a real PostgreSQL server and
 * sets CLAUDE_CODE_ANALYTICS_REQUIRE_POSTGRES, so that a missing server fails the run instead of
 * silently testing SQLite alone.
 */
export function createTestDatabases(): TestDatabases {
  const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
  if (
    process.env.CLAUDE_CODE_ANALYTICS_REQUIRE_POSTGRES &&
    !databases.supports('POSTGRES_15')
  ) {
    throw new Error(
      'PostgreSQL 15 is required (BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is not set)',
    );
  }
  return databases;
}

/**
 * For tests of PostgreSQL alone: `describe` when a server is set (`describe.skip` otherwise, the
 * suite's title saying so), and the ids to run each test on (one placeholder when skipped, as
 * `it.each` needs a row).
 */
export function onPostgres(databases: TestDatabases) {
  const ids = databases
    .eachSupportedId()
    .filter(([id]) => id.startsWith('POSTGRES'));
  return ids.length > 0
    ? { describe, ids }
    : { describe: describe.skip, ids: [['POSTGRES_15']] as typeof ids };
}
