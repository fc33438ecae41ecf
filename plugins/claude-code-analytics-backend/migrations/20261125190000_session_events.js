/*
 * Session events: the Claude Code events that count in usage but are not API requests, one row per
 * event (`user_prompt`, `api_error`, `tool_result`), keyed by session and the event's place in it
 * so that an export the exporter retries counts once. Only counts and measurements are kept: never
 * prompt text, tool input or output, or error messages.
 *
 * Their sums are new activity measures of the `sessions` source (prompts, prompt characters, API
 * requests and errors) and new per-tool measures (tool runs that succeeded or failed), carried
 * through the raw, fact and entity tables like the others. Every new column defaults to 0, so rows
 * already stored and the sources that have no such data stay valid.
 */

// @ts-check

/** Activity measures only session-level data has. */
const ACTIVITY_TABLES = ['usage_activity_daily', 'usage_facts', 'entity_daily'];
/** Tool tables: edit decisions (accepted, rejected) and now tool runs (succeeded, failed). */
const TOOL_TABLES = [
  'usage_tool_daily',
  'usage_tool_facts',
  'entity_tool_daily',
];

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('session_events', table => {
    table.comment(
      'Claude Code user_prompt, api_error and tool_result events, once each; no content',
    );
    table.string('session_id', 128).notNullable();
    table
      .string('event_key', 160)
      .notNullable()
      .comment(
        'seq:<event.sequence>; without a sequence the event id (tool_use_id, prompt.id), else kind and time',
      );
    table.string('identity', 320).notNullable();
    table.string('date', 10).notNullable().comment('UTC day of the event');
    table.string('provider', 64).notNullable();
    table.string('repository', 255).notNullable().defaultTo('');
    table
      .string('kind', 32)
      .notNullable()
      .comment('user_prompt, api_error or tool_result');
    table
      .string('tool', 128)
      .notNullable()
      .defaultTo('')
      .comment('tool_result');
    table.boolean('success').comment('tool_result');
    table.integer('duration_ms').comment('tool_result, api_error');
    table
      .integer('status_code')
      .comment('api_error: the HTTP status; null when there was no response');
    table.integer('prompt_length').comment('user_prompt: characters');
    table.primary(['session_id', 'event_key']);
    table.index(['identity', 'date'], 'session_events_identity_idx');
  });

  for (const name of ACTIVITY_TABLES) {
    await knex.schema.alterTable(name, table => {
      table.integer('prompts').notNullable().defaultTo(0);
      table.bigInteger('prompt_characters').notNullable().defaultTo(0);
      table
        .integer('api_requests')
        .notNullable()
        .defaultTo(0)
        .comment('API requests reported over OTLP, the base of the error rate');
      table.integer('api_errors').notNullable().defaultTo(0);
    });
  }
  for (const name of TOOL_TABLES) {
    await knex.schema.alterTable(name, table => {
      table.integer('succeeded').notNullable().defaultTo(0);
      table.integer('failed').notNullable().defaultTo(0);
    });
  }
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  for (const name of TOOL_TABLES) {
    await knex.schema.alterTable(name, table => {
      table.dropColumn('succeeded');
      table.dropColumn('failed');
    });
  }
  for (const name of ACTIVITY_TABLES) {
    await knex.schema.alterTable(name, table => {
      table.dropColumn('prompts');
      table.dropColumn('prompt_characters');
      table.dropColumn('api_requests');
      table.dropColumn('api_errors');
    });
  }
  await knex.schema.dropTable('session_events');
};
