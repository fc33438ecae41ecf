/*
 * Whether a deployment went to production is decided once, when it is written, with the pattern of
 * its repository (the component's `claude-code-analytics/production-pattern` annotation, else the
 * GitHub source's `productionPattern`, else /prod/i) or an imported record's own `production`
 * flag, and stored: delivery and cost queries, incident links and the DORA engine all read that
 * one decision instead of matching environment names again with the default pattern.
 *
 * Existing deployments are decided with the default rule (/prod/i), the one every reader applied
 * until now; the GitHub source decides them again with their component's pattern on its next run.
 */

// @ts-check

/** The rule every reader applied before this migration (DEFAULT_PRODUCTION_ENVIRONMENT). */
const DEFAULT_PRODUCTION_ENVIRONMENT = /prod/i;

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('deployments', table => {
    table
      .boolean('production')
      .notNullable()
      .defaultTo(false)
      .comment('went to production, as decided when written');
    table
      .boolean('production_declared')
      .notNullable()
      .defaultTo(false)
      .comment('production was given by the record itself, not by a pattern');
  });
  await knex.schema.alterTable('repositories', table => {
    table
      .text('production_pattern')
      .comment(
        'the pattern (/source/flags) that decided production; null: /prod/i',
      );
  });

  // Environment names are few, deployments many: decide per name, update in bulk.
  const environments = (await knex('deployments').distinct('environment')).map(
    row => /** @type {string} */ (row.environment),
  );
  const production = environments.filter(environment =>
    DEFAULT_PRODUCTION_ENVIRONMENT.test(environment),
  );
  for (let i = 0; i < production.length; i += 300) {
    await knex('deployments')
      .whereIn('environment', production.slice(i, i + 300))
      .update({ production: true });
  }
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('repositories', table => {
    table.dropColumn('production_pattern');
  });
  await knex.schema.alterTable('deployments', table => {
    table.dropColumn('production');
    table.dropColumn('production_declared');
  });
};
