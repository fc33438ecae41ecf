/*
 * The reconciled facts by day, on PostgreSQL. Each pass of the rollups re-sums the day of every
 * entity whose people exported since the last pass, the organisation and its departments
 * included, from that day's facts over the entities' scopes. Without this index PostgreSQL finds a
 * day's facts through the (scope, day) indexes, one probe per scope, or, when it estimates that
 * too many (thousands of people under the organisation), reads the whole table: at 5,000
 * engineers and a year, 3.3 million rows of usage_tool_facts, about half a second of a core, in
 * every pass however few people exported. With it, it reads the day's rows alone. Measured on the
 * benchmark's full-scale database: the database server's CPU per stored export fell by about 45%
 * at 20 exports/s, 15% at 50/s and 25% at 100/s; re-summing every entity over 30 days took as
 * long as before, and a team move's rollups stayed within seconds (see the README's Scale
 * section).
 *
 * Not on SQLite: its planner then starts the entities' sums from the day's facts, which made one
 * pass's statement 0.28-0.48 s instead of 33 ms. Building the index holds writes to the three
 * tables meanwhile (4.3 s at that scale).
 */

// @ts-check

const TABLES = ['usage_facts', 'usage_model_facts', 'usage_tool_facts'];

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  if (knex.client.dialect !== 'postgresql') {
    return;
  }
  for (const table of TABLES) {
    await knex.schema.alterTable(table, t => {
      t.index(['date'], `${table}_date_idx`);
    });
  }
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  if (knex.client.dialect !== 'postgresql') {
    return;
  }
  for (const table of TABLES) {
    await knex.schema.alterTable(table, t => {
      t.dropIndex(['date'], `${table}_date_idx`);
    });
  }
};
