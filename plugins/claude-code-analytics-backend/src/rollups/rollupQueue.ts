import { Knex } from 'knex';
import { insertRows } from '../store/insertRows';
import { removeReadEntries, restampedAt } from '../store/queueStamps';

/**
 * A (user, day) or (entity, day) pair whose derived rows must be recomputed.
 */
export type QueuedDay = { ref: string; date: string };

function uniqueDays(days: QueuedDay[]): QueuedDay[] {
  const seen = new Map<string, QueuedDay>();
  for (const day of days) {
    seen.set(`${day.ref}\u0000${day.date}`, day);
  }
  return [...seen.values()];
}

async function enqueue(
  knex: Knex,
  table: 'rollup_user_queue' | 'rollup_entity_queue',
  column: 'user_ref' | 'entity_ref',
  days: QueuedDay[],
): Promise<void> {
  // The enqueue time lets a worker delete only the entries it has read: a pair queued again
  // while it works stays queued.
  const enqueuedAt = Date.now();
  await insertRows(
    knex,
    table,
    uniqueDays(days).map(day => ({
      [column]: day.ref,
      date: day.date,
      enqueued_at: enqueuedAt,
    })),
    { onConflict: [column, 'date'], set: restampedAt(table) },
  );
}

/** Marks user-days for fact recomputation. */
export function enqueueUserDays(knex: Knex, days: QueuedDay[]) {
  return enqueue(knex, 'rollup_user_queue', 'user_ref', days);
}

/** Marks entity-days for rollup recomputation. */
export function enqueueEntityDays(knex: Knex, days: QueuedDay[]) {
  return enqueue(knex, 'rollup_entity_queue', 'entity_ref', days);
}

/** Queued pairs with their enqueue time, oldest first. */
export async function readQueue(
  knex: Knex,
  table: 'rollup_user_queue' | 'rollup_entity_queue',
  limit: number,
): Promise<Array<QueuedDay & { enqueuedAt: number }>> {
  const column = table === 'rollup_user_queue' ? 'user_ref' : 'entity_ref';
  const rows = await knex(table)
    .select(column, 'date', 'enqueued_at')
    // Day by day, so that a batch recomputes many refs of few days with few statements.
    .orderBy(['date', column])
    .limit(limit);
  return rows.map(row => ({
    ref: row[column],
    date: row.date,
    enqueuedAt: Number(row.enqueued_at),
  }));
}

/** Removes pairs that were not queued again since they were read. */
export async function dequeue(
  knex: Knex,
  table: 'rollup_user_queue' | 'rollup_entity_queue',
  days: Array<QueuedDay & { enqueuedAt: number }>,
): Promise<void> {
  const column = table === 'rollup_user_queue' ? 'user_ref' : 'entity_ref';
  await removeReadEntries(
    knex,
    table,
    [column, 'date'],
    days.map(day => [day.ref, day.date, String(day.enqueuedAt)]),
    500,
  );
}
