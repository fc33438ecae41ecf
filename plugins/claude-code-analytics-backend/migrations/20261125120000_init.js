/*
 * The first schema of the Claude Code Analytics store.
 *
 * Raw usage (usage_*_daily) is kept per source record so that re-reading a day replaces it and
 * reconciliation can choose between sources. Reconciled facts (usage_facts*) are per user and
 * "scope": the user's own totals (scope = the user) and the share attributed to each component
 * (scope = the component). Entity rollups (entity_*_daily) sum facts over an entity's scopes, so a
 * card reads O(days) rows. Dates are `YYYY-MM-DD` strings (UTC days); token sums and money
 * (micro-dollars) are bigint.
 */

// @ts-check

/** @param {import('knex').Knex.CreateTableBuilder} table */
function rawUsageKey(table) {
  table.string('source', 64).notNullable();
  table.string('identity', 320).notNullable();
  table.string('date', 10).notNullable();
  table.string('provider', 64).notNullable();
  table.string('repository', 255).notNullable().defaultTo('');
  table.string('variant', 128).notNullable().defaultTo('');
}
const RAW_KEY = ['source', 'identity', 'date', 'provider', 'repository', 'variant'];

/** @param {import('knex').Knex.CreateTableBuilder} table */
function activityColumns(table) {
  table.integer('sessions').notNullable().defaultTo(0);
  table.bigInteger('active_seconds').notNullable().defaultTo(0);
  table.bigInteger('lines_added').notNullable().defaultTo(0);
  table.bigInteger('lines_removed').notNullable().defaultTo(0);
  table.integer('commits').notNullable().defaultTo(0);
  table.integer('pull_requests').notNullable().defaultTo(0);
}

/** @param {import('knex').Knex.CreateTableBuilder} table */
function tokenColumns(table) {
  table.bigInteger('input_tokens').notNullable().defaultTo(0);
  table.bigInteger('output_tokens').notNullable().defaultTo(0);
  table.bigInteger('cache_read_tokens').notNullable().defaultTo(0);
  table.bigInteger('cache_creation_tokens').notNullable().defaultTo(0);
  table.bigInteger('cost_micros').notNullable().defaultTo(0);
  // Tokens of models the price table does not know: shown as unpriced, never as free.
  table.bigInteger('unpriced_tokens').notNullable().defaultTo(0);
}

/** @param {import('knex').Knex.CreateTableBuilder} table */
function toolColumns(table) {
  table.string('tool', 128).notNullable();
  table.integer('accepted').notNullable().defaultTo(0);
  table.integer('rejected').notNullable().defaultTo(0);
}

/** @param {import('knex').Knex.CreateTableBuilder} table */
function factKey(table) {
  table.string('scope_ref', 255).notNullable();
  table.string('user_ref', 255).notNullable();
  table.string('date', 10).notNullable();
  // 'self' for a user's own totals, 'exact' or 'estimated' for a component's share.
  table.string('attribution', 16).notNullable();
}
const FACT_KEY = ['scope_ref', 'user_ref', 'date', 'attribution'];

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('usage_activity_daily', table => {
    table.comment('Raw activity per source record, identity and UTC day');
    rawUsageKey(table);
    activityColumns(table);
    table.timestamp('received_at', { useTz: true }).notNullable();
    table.primary(RAW_KEY);
    table.index(['identity', 'date'], 'usage_activity_daily_identity_idx');
  });

  await knex.schema.createTable('usage_model_daily', table => {
    table.comment('Raw tokens and cost per source record, identity, UTC day and model');
    rawUsageKey(table);
    table.string('model', 255).notNullable();
    tokenColumns(table);
    // 'reported' (the source's figure), 'priced' (price table) or 'unpriced'.
    table.string('cost_origin', 16).notNullable();
    table.timestamp('received_at', { useTz: true }).notNullable();
    table.primary([...RAW_KEY, 'model']);
    table.index(['identity', 'date'], 'usage_model_daily_identity_idx');
  });

  await knex.schema.createTable('usage_tool_daily', table => {
    table.comment('Raw edit tool decisions per source record, identity, UTC day and tool');
    rawUsageKey(table);
    toolColumns(table);
    table.primary([...RAW_KEY, 'tool']);
    table.index(['identity', 'date'], 'usage_tool_daily_identity_idx');
  });

  await knex.schema.createTable('identities', table => {
    table.comment('Every identity seen in usage data, mapped or not');
    table.string('identity', 320).primary();
    table.string('last_source', 64).notNullable();
    table.timestamp('first_seen_at', { useTz: true }).notNullable();
    table.timestamp('last_seen_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('user_identities', table => {
    table.comment('Identity -> catalog User, from the ownership index');
    table.string('identity', 320).primary();
    table.string('user_ref', 255).notNullable();
    table.index(['user_ref'], 'user_identities_user_idx');
  });

  await knex.schema.createTable('ownership_entities', table => {
    table.comment('Catalog entities the analytics answer for, from the ownership index');
    table.string('entity_ref', 255).primary();
    table.string('kind', 32).notNullable();
    table.string('title', 255);
  });

  await knex.schema.createTable('entity_members', table => {
    table.comment('People an entity stands for: transitive members, or owners of a service');
    table.string('entity_ref', 255).notNullable();
    table.string('user_ref', 255).notNullable();
    table.primary(['entity_ref', 'user_ref']);
    table.index(['user_ref'], 'entity_members_user_idx');
  });

  await knex.schema.createTable('entity_scopes', table => {
    table.comment('Fact scopes an entity sums: member users (people) or components (services)');
    table.string('entity_ref', 255).notNullable();
    table.string('scope_ref', 255).notNullable();
    table.primary(['entity_ref', 'scope_ref']);
    table.index(['scope_ref'], 'entity_scopes_scope_idx');
  });

  await knex.schema.createTable('entity_components', table => {
    table.comment('Components an entity delivers: itself, its parts, or owned by a group tree');
    table.string('entity_ref', 255).notNullable();
    table.string('component_ref', 255).notNullable();
    table.primary(['entity_ref', 'component_ref']);
    table.index(['component_ref'], 'entity_components_component_idx');
  });

  await knex.schema.createTable('repository_components', table => {
    table.comment('GitHub repository slug (lower case) -> Component, from github.com/project-slug');
    table.string('repository', 255).notNullable();
    table.string('component_ref', 255).notNullable();
    table.primary(['repository', 'component_ref']);
    table.index(['component_ref'], 'repository_components_component_idx');
  });

  await knex.schema.createTable('usage_facts', table => {
    table.comment('Reconciled usage per user and scope (the user, or a component) and UTC day');
    factKey(table);
    activityColumns(table);
    tokenColumns(table);
    table.primary(FACT_KEY);
    table.index(['user_ref', 'date'], 'usage_facts_user_idx');
    table.index(['scope_ref', 'date'], 'usage_facts_scope_idx');
  });

  await knex.schema.createTable('usage_model_facts', table => {
    factKey(table);
    table.string('model', 255).notNullable();
    tokenColumns(table);
    table.primary([...FACT_KEY, 'model']);
    table.index(['user_ref', 'date'], 'usage_model_facts_user_idx');
    table.index(['scope_ref', 'date'], 'usage_model_facts_scope_idx');
  });

  await knex.schema.createTable('usage_tool_facts', table => {
    factKey(table);
    toolColumns(table);
    table.primary([...FACT_KEY, 'tool']);
    table.index(['user_ref', 'date'], 'usage_tool_facts_user_idx');
    table.index(['scope_ref', 'date'], 'usage_tool_facts_scope_idx');
  });

  await knex.schema.createTable('entity_daily', table => {
    table.comment('Per-entity daily rollup of usage_facts over the entity scopes');
    table.string('entity_ref', 255).notNullable();
    table.string('date', 10).notNullable();
    table.integer('active_users').notNullable().defaultTo(0);
    activityColumns(table);
    tokenColumns(table);
    table.primary(['entity_ref', 'date']);
  });

  await knex.schema.createTable('entity_model_daily', table => {
    table.string('entity_ref', 255).notNullable();
    table.string('date', 10).notNullable();
    table.string('model', 255).notNullable();
    tokenColumns(table);
    table.primary(['entity_ref', 'date', 'model']);
  });

  await knex.schema.createTable('entity_tool_daily', table => {
    table.string('entity_ref', 255).notNullable();
    table.string('date', 10).notNullable();
    toolColumns(table);
    table.primary(['entity_ref', 'date', 'tool']);
  });

  await knex.schema.createTable('rollup_user_queue', table => {
    table.comment('User-days whose facts must be recomputed');
    table.string('user_ref', 255).notNullable();
    table.string('date', 10).notNullable();
    table.bigInteger('enqueued_at').notNullable();
    table.primary(['user_ref', 'date']);
  });

  await knex.schema.createTable('rollup_entity_queue', table => {
    table.comment('Entity-days whose rollups must be recomputed');
    table.string('entity_ref', 255).notNullable();
    table.string('date', 10).notNullable();
    table.bigInteger('enqueued_at').notNullable();
    table.primary(['entity_ref', 'date']);
  });

  await knex.schema.createTable('repositories', table => {
    table.string('repository', 255).primary().comment('org/repo, lower case');
    table.string('default_branch', 255);
    table.timestamp('updated_at', { useTz: true }).notNullable();
  });

  await knex.schema.createTable('pull_requests', table => {
    table.string('repository', 255).notNullable();
    table.integer('number').notNullable();
    table.string('author', 255).notNullable().comment('GitHub login, lower case');
    table.string('created_at', 32).notNullable();
    table.string('first_commit_at', 32);
    table.string('first_review_at', 32);
    table.string('merged_at', 32);
    table.string('merged_date', 10).comment('UTC day of merged_at, for range queries');
    table.string('merge_commit_sha', 64);
    table.boolean('ai_assisted').notNullable().defaultTo(false);
    table.integer('additions');
    table.integer('deletions');
    table.string('source', 64).notNullable();
    table.primary(['repository', 'number']);
    table.index(['author', 'merged_date'], 'pull_requests_author_idx');
    table.index(['repository', 'merged_date'], 'pull_requests_merged_idx');
  });

  await knex.schema.createTable('deployments', table => {
    table.string('repository', 255).notNullable();
    table.string('id', 128).notNullable();
    table.string('environment', 128).notNullable();
    table.string('status', 16).notNullable();
    table.string('finished_at', 32).notNullable();
    table.string('finished_date', 10).notNullable();
    table.string('sha', 64);
    table.string('source', 64).notNullable();
    table.primary(['repository', 'id']);
    table.index(['repository', 'finished_date'], 'deployments_finished_idx');
  });

  await knex.schema.createTable('deployment_pull_requests', table => {
    table.string('repository', 255).notNullable();
    table.string('deployment_id', 128).notNullable();
    table.integer('pull_request_number').notNullable();
    table.primary(['repository', 'deployment_id', 'pull_request_number']);
    table.index(['repository', 'pull_request_number'], 'deployment_pull_requests_pr_idx');
  });

  await knex.schema.createTable('incidents', table => {
    table.string('repository', 255).notNullable();
    table.string('id', 128).notNullable();
    table.string('created_at', 32).notNullable();
    table.string('created_date', 10).notNullable();
    table.string('resolved_at', 32);
    table.string('deployment_id', 128).comment('latest successful production deployment before it');
    table.string('source', 64).notNullable();
    table.primary(['repository', 'id']);
    table.index(['repository', 'created_date'], 'incidents_created_idx');
  });

  await knex.schema.createTable('ingestion_log', table => {
    table.comment('One row per source and unit of work (a day, a repository, a batch)');
    table.string('source', 64).notNullable();
    table.string('unit', 255).notNullable();
    table.string('status', 16).notNullable().comment('succeeded or failed');
    table.integer('rows').notNullable().defaultTo(0);
    table.integer('skipped').notNullable().defaultTo(0);
    table.text('error');
    table.timestamp('ran_at', { useTz: true }).notNullable();
    table.primary(['source', 'unit']);
  });

  await knex.schema.createTable('source_cursors', table => {
    table.string('source', 64).notNullable();
    table.string('key', 255).notNullable();
    table.text('value').notNullable();
    table.timestamp('updated_at', { useTz: true }).notNullable();
    table.primary(['source', 'key']);
  });

  await knex.schema.createTable('source_status', table => {
    table.string('source', 64).primary();
    table.timestamp('last_received_at', { useTz: true });
    table.timestamp('last_success_at', { useTz: true });
    table.timestamp('last_error_at', { useTz: true });
    table.text('last_error');
    table.bigInteger('rows').notNullable().defaultTo(0);
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  for (const table of [
    'source_status',
    'source_cursors',
    'ingestion_log',
    'incidents',
    'deployment_pull_requests',
    'deployments',
    'pull_requests',
    'repositories',
    'rollup_entity_queue',
    'rollup_user_queue',
    'entity_tool_daily',
    'entity_model_daily',
    'entity_daily',
    'usage_tool_facts',
    'usage_model_facts',
    'usage_facts',
    'repository_components',
    'entity_components',
    'entity_scopes',
    'entity_members',
    'ownership_entities',
    'user_identities',
    'identities',
    'usage_tool_daily',
    'usage_model_daily',
    'usage_activity_daily',
  ]) {
    await knex.schema.dropTable(table);
  }
};
