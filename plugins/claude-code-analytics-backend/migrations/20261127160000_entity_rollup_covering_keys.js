/*
 * The entities' daily rollups, read from their primary keys alone, on PostgreSQL. A card sums one
 * entity's rows over its range. PostgreSQL keeps a table's rows where they were written, and the
 * rollups write the rows of every entity of a day together, so one entity's year lies on hundreds
 * of pages, one or two rows to a page, and reading them costs a page each. After a full-scale
 * load (5,000 engineers, a year) the organisation's year of entity_model_daily lay on 1,219
 * pages: its cost card took 45-55 ms to sum them. The primary keys now carry every column of
 * their table (INCLUDE), so the sums are index-only scans over the entity's run of the key,
 * wherever the rows lie. On a database loaded the same way with these keys, that sum read 106
 * pages of the key in 9-10 ms once the table had been vacuumed; right after the load, before a
 * vacuum had marked the table's pages all-visible, it also read 644 of its rows from the table
 * (625 pages in all, about 30 ms). Rows on pages changed since the last vacuum (today's, updated
 * as people export) are read there.
 *
 * The cost: an update of an included column must write a new entry into the key, so the rollups'
 * updates are no longer HOT (in place on the row's page: about nine in ten of them before, on a
 * database that had taken a day of OTLP benchmarks), and the keys are 1.7-1.9 times the size of
 * their tables. Rebuilding the keys holds writes to the three tables meanwhile (8.6 s at that
 * scale).
 *
 * Not on SQLite: it reads its pages through its own cache and a memory map, and its cards meet
 * their target without it.
 */

// @ts-check

/** The token and cost columns of entity_daily and entity_model_daily, as of this migration. */
const TOKEN_COLUMNS = [
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_creation_tokens',
  'cost_micros',
  'unpriced_tokens',
];

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
      ...TOKEN_COLUMNS,
      'prompts',
      'prompt_characters',
      'api_requests',
      'api_errors',
    ],
  },
  entity_model_daily: {
    key: ['entity_ref', 'date', 'model'],
    include: TOKEN_COLUMNS,
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
