/*
 * The rollup queues are read day by day (many users or entities of one day per statement).
 */

/** @param {import('knex').Knex} knex */
exports.up = async function up(knex) {
  await knex.schema.alterTable('rollup_user_queue', table => {
    table.index(['date', 'user_ref'], 'rollup_user_queue_date_idx');
  });
  await knex.schema.alterTable('rollup_entity_queue', table => {
    table.index(['date', 'entity_ref'], 'rollup_entity_queue_date_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('rollup_user_queue', table => {
    table.dropIndex(['date', 'user_ref'], 'rollup_user_queue_date_idx');
  });
  await knex.schema.alterTable('rollup_entity_queue', table => {
    table.dropIndex(['date', 'entity_ref'], 'rollup_entity_queue_date_idx');
  });
};
