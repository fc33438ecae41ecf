/*
 * Snapshots imported from the Console's Claude Code "export users" CSV: one member's month-to-date
 * totals as of a day, the latest per member and month. They decide whether a re-import is a no-op,
 * a later snapshot that replaces the stored one, or an older one that is refused. The usage itself is
 * written to usage_*_daily as the `console` source.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('console_exports', table => {
    table.comment(
      'Latest Console export snapshot per member (identity) and month',
    );
    table
      .string('identity', 320)
      .notNullable()
      .comment('normalized email or API key name');
    table.string('month', 7).notNullable().comment('YYYY-MM');
    table
      .string('as_of', 10)
      .notNullable()
      .comment('YYYY-MM-DD, the last day the totals cover');
    table
      .string('member', 320)
      .notNullable()
      .comment('as written in the export');
    table.bigInteger('spend_micros').notNullable();
    table.bigInteger('lines_accepted').notNullable();
    table
      .integer('sessions')
      .comment('null when the export has no sessions column');
    table.bigInteger('lines_removed');
    table.integer('commits');
    table.integer('pull_requests');
    table.timestamp('imported_at', { useTz: true }).notNullable();
    table.primary(['identity', 'month']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('console_exports');
};
