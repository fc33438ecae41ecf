/*
 * Running totals of session-level data per session group (identity, UTC day, provider,
 * repository), kept up to date by the writers as they store requests, metric points and events.
 * The `sessions` usage of a group is summed from these few rows instead of every request, point
 * and event of the person's day, so re-summing a group costs the same in the morning and at the end
 * of a long day of OTLP exports.
 *
 * The totals already stored are computed from the raw rows here, once.
 */

// @ts-check

const GROUP = ['identity', 'date', 'provider', 'repository'];

/** @param {import('knex').Knex.CreateTableBuilder} table */
function groupColumns(table) {
  table.string('identity', 320).notNullable();
  table.string('date', 10).notNullable();
  table.string('provider', 64).notNullable();
  table.string('repository', 255).notNullable();
}

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('session_request_totals', table => {
    table.comment('Per session group and model: sums of session_requests');
    groupColumns(table);
    table.string('model', 255).notNullable();
    for (const column of [
      'input_tokens',
      'output_tokens',
      'cache_read_tokens',
      'cache_creation_tokens',
      'reported_cost_micros',
    ]) {
      table.bigInteger(column).notNullable().defaultTo(0);
    }
    table.integer('requests').notNullable().defaultTo(0);
    table
      .integer('requests_with_cost')
      .notNullable()
      .defaultTo(0)
      .comment('requests that came with the cost the client computed');
    table
      .integer('otlp_requests')
      .notNullable()
      .defaultTo(0)
      .comment('requests whose api_request event came over OTLP');
    table.primary([...GROUP, 'model']);
  });
  await knex.schema.createTable('session_request_sessions', table => {
    table.comment('Per session group and session: its requests (distinct sessions)');
    groupColumns(table);
    table.string('session_id', 128).notNullable();
    table.integer('requests').notNullable().defaultTo(0);
    table.primary([...GROUP, 'session_id']);
  });
  await knex.schema.createTable('session_point_totals', table => {
    table.comment('Per session group, measure, tool and model: sums of metric point deltas');
    groupColumns(table);
    table.string('measure', 64).notNullable();
    table.string('tool', 128).notNullable();
    table.string('model', 255).notNullable();
    table.double('delta').notNullable().defaultTo(0);
    table.primary([...GROUP, 'measure', 'tool', 'model']);
  });
  await knex.schema.createTable('session_event_totals', table => {
    table.comment('Per session group, kind, tool and outcome: session event counts');
    groupColumns(table);
    table.string('kind', 32).notNullable();
    table.string('tool', 128).notNullable();
    table
      .integer('success')
      .notNullable()
      .comment('tool_result: 1 succeeded, 0 failed; -1 for other kinds');
    table.integer('events').notNullable().defaultTo(0);
    table.bigInteger('prompt_characters').notNullable().defaultTo(0);
    table.primary([...GROUP, 'kind', 'tool', 'success']);
  });

  await knex.raw(
    `INSERT INTO session_request_totals (${GROUP.join(', ')}, model,
       input_tokens, output_tokens, cache_read_tokens, cache_creation_tokens,
       reported_cost_micros, requests, requests_with_cost, otlp_requests)
     SELECT ${GROUP.join(', ')}, model,
       SUM(input_tokens), SUM(output_tokens), SUM(cache_read_tokens), SUM(cache_creation_tokens),
       COALESCE(SUM(reported_cost_micros), 0), COUNT(*), COUNT(reported_cost_micros),
       SUM(CASE WHEN sources LIKE '%otlp%' THEN 1 ELSE 0 END)
     FROM session_requests GROUP BY ${GROUP.join(', ')}, model`,
  );
  await knex.raw(
    `INSERT INTO session_request_sessions (${GROUP.join(', ')}, session_id, requests)
     SELECT ${GROUP.join(', ')}, session_id, COUNT(*)
     FROM session_requests GROUP BY ${GROUP.join(', ')}, session_id`,
  );
  await knex.raw(
    `INSERT INTO session_point_totals (${GROUP.join(', ')}, measure, tool, model, delta)
     SELECT ${GROUP.join(', ')}, measure, tool, model, SUM(delta)
     FROM session_metric_points GROUP BY ${GROUP.join(', ')}, measure, tool, model`,
  );
  await knex.raw(
    `INSERT INTO session_event_totals (${GROUP.join(', ')}, kind, tool, success, events,
       prompt_characters)
     SELECT ${GROUP.join(', ')}, kind, tool, outcome, COUNT(*), COALESCE(SUM(prompt_length), 0)
     FROM (SELECT ${GROUP.join(', ')}, kind, tool, prompt_length,
             CASE WHEN success IS NULL THEN -1 WHEN success THEN 1 ELSE 0 END AS outcome
           FROM session_events) e
     GROUP BY ${GROUP.join(', ')}, kind, tool, outcome`,
  );
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  for (const table of [
    'session_event_totals',
    'session_point_totals',
    'session_request_sessions',
    'session_request_totals',
  ]) {
    await knex.schema.dropTable(table);
  }
};
