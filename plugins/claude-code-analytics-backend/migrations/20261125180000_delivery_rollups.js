/*
 * Delivery rollups: mergeable delivery summaries (common's `serializeDeliverySummary`) per
 * repository and UTC day, merged per entity and day and per entity and month, so that the delivery
 * and cost endpoints read a few dozen summaries instead of every pull request, deployment and
 * incident of an entity's repositories. Merged pull requests authored by the members of people
 * entities (User, Group) are counted per entity and day for the cost per merged pull request.
 *
 * Two queues drive the incremental recomputation, each entry carrying its enqueue time so that a
 * worker deletes only the entries it has read (an entry queued again meanwhile stays queued):
 * repositories whose raw delivery records changed, and entity-days whose rollups must be merged
 * again (from changed repository days, catalog changes or authored pull requests).
 */

// @ts-check

/**
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('repository_delivery_daily', table => {
    table.comment(
      'Delivery summary of one repository and UTC day (serializeDeliverySummary)',
    );
    table
      .string('repository', 255)
      .notNullable()
      .comment('org/repo, lower case');
    table.string('date', 10).notNullable();
    table.text('summary').notNullable();
    table.primary(['repository', 'date']);
  });

  await knex.schema.createTable('entity_delivery_daily', table => {
    table.comment(
      'Delivery summary of the repositories of an entity, merged, per UTC day',
    );
    table.string('entity_ref', 255).notNullable();
    table.string('date', 10).notNullable();
    table.text('summary').notNullable();
    table.primary(['entity_ref', 'date']);
  });

  await knex.schema.createTable('entity_delivery_monthly', table => {
    table.comment(
      'Delivery summary of the repositories of an entity, merged, per UTC month',
    );
    table.string('entity_ref', 255).notNullable();
    table.string('month', 7).notNullable().comment('YYYY-MM');
    table.text('summary').notNullable();
    table.primary(['entity_ref', 'month']);
  });

  await knex.schema.createTable('entity_authored_daily', table => {
    table.comment(
      'Merged pull requests authored by the members of a User or Group, per UTC day of the merge',
    );
    table.string('entity_ref', 255).notNullable();
    table.string('date', 10).notNullable();
    table.integer('merged_pull_requests').notNullable();
    table.primary(['entity_ref', 'date']);
  });

  await knex.schema.createTable('delivery_repository_queue', table => {
    table.comment('Repositories whose delivery summaries must be recomputed');
    table.string('repository', 255).primary();
    table.bigInteger('enqueued_at').notNullable();
  });

  await knex.schema.createTable('delivery_entity_queue', table => {
    table.comment('Entity-days whose delivery rollups must be merged again');
    table.string('entity_ref', 255).notNullable();
    table.string('date', 10).notNullable();
    table.bigInteger('enqueued_at').notNullable();
    table.primary(['entity_ref', 'date']);
    table.index(['date', 'entity_ref'], 'delivery_entity_queue_date_idx');
  });

  // Everything written before this migration is summarised by the next rollup run.
  const now = Date.now();
  await knex.raw(
    `INSERT INTO delivery_repository_queue (repository, enqueued_at)
     SELECT repository, CAST(? AS BIGINT) FROM repositories`,
    [now],
  );
  await knex.raw(
    `INSERT INTO delivery_entity_queue (entity_ref, date, enqueued_at)
     SELECT DISTINCT m.entity_ref, p.merged_date, CAST(? AS BIGINT)
     FROM pull_requests p
     JOIN user_identities i ON i.identity = p.author
     JOIN entity_members m ON m.user_ref = i.user_ref
     WHERE p.merged_date IS NOT NULL
       AND (m.entity_ref LIKE 'user:%' OR m.entity_ref LIKE 'group:%')`,
    [now],
  );
};

/**
 * @param {import('knex').Knex} knex
 */
exports.down = async function down(knex) {
  for (const table of [
    'delivery_entity_queue',
    'delivery_repository_queue',
    'entity_authored_daily',
    'entity_delivery_monthly',
    'entity_delivery_daily',
    'repository_delivery_daily',
  ]) {
    await knex.schema.dropTable(table);
  }
};
