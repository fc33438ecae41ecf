/*
 * The number of distinct sessions with requests per session group (identity, UTC day, provider,
 * repository), kept by the writers as sessions gain their first request or lose their last one.
 * Re-summing a group then reads one row instead of counting the sessions of the person's day, which
 * grows through a day of OTLP exports (a new session every few minutes per person).
 *
 * The counts of what is already stored are computed from `session_request_sessions` here, once.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('session_group_counts', table => {
    table.comment('Per session group: distinct sessions with requests');
    table.string('identity', 320).notNullable();
    table.string('date', 10).notNullable();
    table.string('provider', 64).notNullable();
    table.string('repository', 255).notNullable();
    table.integer('sessions').notNullable().defaultTo(0);
    table.primary(['identity', 'date', 'provider', 'repository']);
  });
  await knex.raw(
    `INSERT INTO session_group_counts (identity, date, provider, repository, sessions)
     SELECT identity, date, provider, repository, COUNT(*)
     FROM session_request_sessions
     WHERE requests > 0
     GROUP BY identity, date, provider, repository`,
  );
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('session_group_counts');
};
