/*
 * The latest stored point of each metric series (its head). A cumulative point's increase is its
 * value less the latest earlier point's; points arrive in order, so that point is the head, and
 * a new export reads one row per series instead of the whole series, which grows all session long
 * (an 8-hour session exporting every 5 s holds 5,760 points per series).
 *
 * Filled here from the points stored: per series, the point with the greatest time (decimal
 * nanoseconds without leading zeros, so a longer text is a later time; of two at the same time, the
 * later start here, the one written last afterwards: either is the latest point before any later
 * one). On PostgreSQL the fill holds the lock of the session writers (`lockSessionWrites`), so
 * that no point being written meanwhile is missed.
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('session_metric_heads', table => {
    table.comment(
      'The latest stored point of each series of session_metric_points',
    );
    table.string('series_hash', 64).primary();
    table.string('time_nano', 24).notNullable();
    table.double('value').notNullable().comment('as received');
  });
  if (knex.client.dialect === 'postgresql') {
    // SESSION_WRITES_LOCK of src/store/lockForTransaction.ts (a migration cannot import it).
    await knex.raw('SELECT pg_advisory_xact_lock(?)', [0x43434153]);
  }
  await knex.raw(`
    INSERT INTO session_metric_heads (series_hash, time_nano, value)
    SELECT series_hash, time_nano, value FROM (
      SELECT series_hash, time_nano, value, ROW_NUMBER() OVER (
        PARTITION BY series_hash
        ORDER BY LENGTH(time_nano) DESC, time_nano DESC,
          LENGTH(start_nano) DESC, start_nano DESC
      ) AS position
      FROM session_metric_points
    ) ranked
    WHERE position = 1
  `);
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('session_metric_heads');
};
