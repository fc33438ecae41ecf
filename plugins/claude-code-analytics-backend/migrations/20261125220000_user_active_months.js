/*
 * The days each person had any usage, a month per row: bit d-1 of `days` is day d of `month`.
 * "Members active in a range" is then one probe per member into this small table (a few hundred
 * thousand rows for thousands of people over years) instead of one into every usage fact, which
 * for the root group of a large organisation was most of the card's time.
 *
 * The months already rolled up are computed from the users' own facts here, once.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('user_active_months', table => {
    table.comment('Per user and month: the days with any usage, as a bit mask');
    table.string('user_ref', 255).notNullable();
    table.string('month', 7).notNullable().comment('YYYY-MM');
    table
      .integer('days')
      .notNullable()
      .comment('bit d-1 set when the user had usage on day d');
    table.primary(['user_ref', 'month']);
  });
  // One self fact per user-day (the primary key), so the sum of the day bits is their union.
  await knex.raw(
    `INSERT INTO user_active_months (user_ref, month, days)
     SELECT user_ref, substr(date, 1, 7),
            SUM(1 << (CAST(substr(date, 9, 2) AS INTEGER) - 1))
     FROM usage_facts
     WHERE attribution = 'self' AND scope_ref = user_ref
     GROUP BY user_ref, substr(date, 1, 7)`,
  );
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('user_active_months');
};
