/*
 * The entities' daily rollups, read from their primary keys alone, on PostgreSQL. A card sums one
 * entity's rows over its range. PostgreSQL keeps a table's rows where they were written, and the
 * rollups write the rows of every entity of a day together, so one entity's year lies on hundreds
 * of pages, one or two rows to a page, and reading them costs a page each. After a full-scale
 * load (5,000 engineers, a year) the organisation's year of entity_model_daily lay on 1,219
 * pages: its cost card took 45-55 ms to sum them. The primary keys now carry every column of
 * their table (INCLUDE), so the sums are index-only scans over the entity's run of the key, a few
 * pages wherever the rows lie (1-2 ms instead of 10 ms for entity_tool_daily's year on that
 * database), as long as the pages they point to are marked all-visible by a vacuum: today's rows,
 * updated as people export, are read from the table.
 *
 * The cost: an update of an included column must write a new entry into the key, so the rollups'
 * updates are no longer HOT (in place on the row's page, about nine in ten of them before), and the
 * keys are about as large as their tables. Rebuilding the keys holds writes to the three tables
 * meanwhile.
 *
 * Not on SQLite: it reads its pages through its own cache and a memory map, and its cards meet
 * their target without it.
 */

// @ts-check

/** Every column of each table that is not part of its key, as of this migration. */
const TABLES = {
  entity_daily: {
    key: ['entity_ref', 'date'],
    include: [
      'active_users',
      'sessions',
      'active_seconds',
      'lines_added',
      'lines_removed',
      'commits',
      'pull_requests',
      'input_tokens',
      'output_tokens',
      'cache_read_tokens',
      'cache_creation_tokens',
      'cost_micros',
      'unpriced_tokens',
      'prompts',
      'prompt_characters',
      'api_requests',
      'api_errors',
    ],
  },
  entity_model_daily: {
    key: ['entity_ref', 'date', 'model'],
    include: [
      'input_tokens',
      'output_tokens',
      'cache_read_tokens',
      'cache_creation_tokens',
      'cost_micros',
      'unpriced_tokens',
    ],
  },
  entity_tool_daily: {
    key: ['entity_ref', 'date', 'tool'],
    include: ['accepted', 'rejected', 'succeeded', 'failed'],
  },
};

/**
 * @param {import('knex').Knex} knex
 * @param {boolean} covering
 */
async function replacePrimaryKeys(knex, covering) {
  for (const [table, { key, include }] of Object.entries(TABLES)) {
    const columns = key.map(() => '??').join(', ');
    const included = covering
      ? ` INCLUDE (${include.map(() => '??').join(', ')})`
      : '';
    await knex.raw(
      `ALTER TABLE ?? DROP CONSTRAINT ??, ADD CONSTRAINT ?? PRIMARY KEY (${columns})${included}`,
      [
        table,
        `${table}_pkey`,
        `${table}_pkey`,
        ...key,
        ...(covering ? include : []),
      ],
    );
  }
}

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  if (knex.client.dialect !== 'postgresql') {
    return;
  }
  await replacePrimaryKeys(knex, true);
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  if (knex.client.dialect !== 'postgresql') {
    return;
  }
  await replacePrimaryKeys(knex, false);
};
