/*
 * The child groups of a group, by their parent: the delivery rollups merge a group's day from its
 * child groups' days, and look the children of the groups they merge up in every batch.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('ownership_entities', table => {
    table.index(['parent_ref'], 'ownership_entities_parent_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('ownership_entities', table => {
    table.dropIndex(['parent_ref'], 'ownership_entities_parent_idx');
  });
};
