/*
 * Session-level usage: one row per API request of a Claude Code session (from OTLP `api_request`
 * events, the transcript collector and NDJSON imports), merged on request_key so that a request
 * arriving by several paths counts once; and the OTLP metric data points of sessions (sessions,
 * lines, commits, pull requests, active time, edit decisions), kept per series and interval so that
 * a batch delivered twice counts once and cumulative series become deltas. Both are summed into
 * usage_*_daily as the `sessions` source.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('session_requests', table => {
    table.comment('One API request of a Claude Code session, merged across sources');
    table
      .string('request_key', 255)
      .primary()
      .comment('the request id, else session id + message id');
    table.string('session_id', 128).notNullable();
    table.string('request_id', 128);
    table.string('message_id', 128);
    table.string('timestamp', 32).notNullable();
    table.string('date', 10).notNullable();
    table.string('identity', 320).notNullable();
    table.string('provider', 64).notNullable();
    table.string('model', 255).notNullable();
    table.string('repository', 255).notNullable().defaultTo('');
    table.bigInteger('input_tokens').notNullable().defaultTo(0);
    table.bigInteger('output_tokens').notNullable().defaultTo(0);
    table.bigInteger('cache_read_tokens').notNullable().defaultTo(0);
    table.bigInteger('cache_creation_tokens').notNullable().defaultTo(0);
    table.bigInteger('cache_creation_1h_tokens').notNullable().defaultTo(0);
    table.bigInteger('reported_cost_micros').comment('the client cost figure, when given');
    table.string('sources', 128).notNullable().comment('comma list: otlp, transcripts, import');
    table.timestamp('received_at', { useTz: true }).notNullable();
    table.index(['identity', 'date'], 'session_requests_identity_idx');
    table.index(['session_id'], 'session_requests_session_idx');
  });

  await knex.schema.alterTable('pull_requests', table => {
    table.text('labels').comment('JSON array of label names');
    table.string('title', 1024);
  });

  await knex.schema.alterTable('ownership_entities', table => {
    table.string('parent_ref', 255).comment('the parent group, for groups');
    table.string('type', 64).comment('spec.type');
  });

  await knex.schema.createTable('session_metric_points', table => {
    table.comment('OTLP metric data points of Claude Code sessions, one per series and interval');
    table.string('series_hash', 64).notNullable().comment('sha256 of metric + attributes');
    table.string('start_nano', 24).notNullable();
    table.string('time_nano', 24).notNullable();
    table.string('session_id', 128).notNullable();
    table.string('identity', 320).notNullable();
    table.string('date', 10).notNullable();
    table.string('provider', 64).notNullable();
    table.string('repository', 255).notNullable().defaultTo('');
    table
      .string('measure', 32)
      .notNullable()
      .comment('sessions, lines_added, commits, tool_accepted, tokens_input, cost_usd, ...');
    table.string('tool', 128).notNullable().defaultTo('');
    table.string('model', 255).notNullable().defaultTo('');
    table.double('value').notNullable().comment('as received');
    table.double('delta').notNullable().comment('the increase this point stands for');
    table.timestamp('received_at', { useTz: true }).notNullable();
    table.primary(['series_hash', 'start_nano', 'time_nano']);
    table.index(['identity', 'date'], 'session_metric_points_identity_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('session_metric_points');
  await knex.schema.alterTable('ownership_entities', table => {
    table.dropColumn('parent_ref');
    table.dropColumn('type');
  });
  await knex.schema.alterTable('pull_requests', table => {
    table.dropColumn('labels');
    table.dropColumn('title');
  });
  await knex.schema.dropTable('session_requests');
};
