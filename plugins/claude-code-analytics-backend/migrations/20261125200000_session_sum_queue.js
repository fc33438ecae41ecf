/*
 * Session groups waiting to be re-summed. OTLP exports only store their requests, metric points
 * and events and queue the (identity, day, provider, repository) groups they touch; the rollup run
 * re-sums each queued group once into the `sessions` source, however many exports touched it
 * meanwhile. Before, every batch of exports re-read the whole day of each person it touched.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('session_sum_queue', table => {
    table.comment(
      'Session groups (identity-day, provider, repository) whose sessions-source usage must be re-summed',
    );
    table.string('identity', 320).notNullable();
    table.string('date', 10).notNullable();
    table.string('provider', 64).notNullable();
    table.string('repository', 255).notNullable();
    table
      .bigInteger('enqueued_at')
      .notNullable()
      .comment('Only entries not queued again since they were read are removed');
    table.primary(['identity', 'date', 'provider', 'repository']);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('session_sum_queue');
};
