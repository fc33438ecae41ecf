/*
 * Drops the indexes of the sessions' raw rows that nothing reads any more. session_requests was
 * indexed by person and day and by session, session_metric_points and session_events by person
 * and day, for the re-sums of a session day, which read those rows. The re-sums have read the
 * running totals instead since 20261125210000_session_totals: the raw rows are read only by their
 * primary keys, to find a request, a point or an event already stored (an exporter's retry, a
 * request arriving by another path) and a series' points. Each index was one more B-tree to write
 * per row stored, at a random place: a request row was written into four B-trees on SQLite (the
 * table, its key and the two indexes), now two.
 *
 * At 5,000 engineers and a year (the benchmark's full-scale SQLite file) they took 73 MB. Storing
 * 32 requests of 32 sessions per transaction into a copy of that file wrote 120 pages to the
 * write-ahead log per commit with them and 43 without (1.37-1.61 ms against 0.55-0.56 ms a commit). In
 * the OTLP benchmark's closed loops (nine pairs, the indexes dropped by hand) the throughput was
 * within the runs' variation: an export's requests are of one session and person, so they fall on
 * a few places of these indexes. The benchmark's process wrote 54,300 and 58,200 bytes per stored
 * request without them against 68,300 and 70,200 with them, in the two pairs where that was counted.
 * On PostgreSQL (four pairs) the throughput and the write-ahead log per stored request were within
 * the runs' variation too.
 *
 * IF EXISTS: an index already gone (dropped by hand) is no reason to stop the backend's start.
 */

// @ts-check

/** The indexes dropped, by table, with their columns. */
const INDEXES = [
  {
    table: 'session_requests',
    name: 'session_requests_identity_idx',
    columns: ['identity', 'date'],
  },
  {
    table: 'session_requests',
    name: 'session_requests_session_idx',
    columns: ['session_id'],
  },
  {
    table: 'session_metric_points',
    name: 'session_metric_points_identity_idx',
    columns: ['identity', 'date'],
  },
  {
    table: 'session_events',
    name: 'session_events_identity_idx',
    columns: ['identity', 'date'],
  },
];

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  for (const { name } of INDEXES) {
    await knex.raw('DROP INDEX IF EXISTS ??', [name]);
  }
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  for (const { table, name, columns } of INDEXES) {
    await knex.schema.alterTable(table, t => {
      t.index(columns, name);
    });
  }
};
