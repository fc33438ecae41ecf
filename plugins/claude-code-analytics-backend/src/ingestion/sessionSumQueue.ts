import { Knex } from 'knex';
import { BatchSizer } from '../store/BatchSizer';
import { insertRows } from '../store/insertRows';
import { removeReadEntries, restampedAt } from '../store/queueStamps';
import { yieldToEventLoop } from '../store/yieldToEventLoop';
import { PricingOptions } from './PricingOptions';
import {
  SessionGroup,
  sessionGroupKey,
  writeSessionUsage,
} from './sumSessionUsage';

const TABLE = 'session_sum_queue';
const KEY = ['identity', 'date', 'provider', 'repository'];

/**
 * Queues session groups for re-summing by the next rollup run (`resumQueuedSessionGroups`): for
 * streams of small writes (OTLP exports), where re-summing a person's day after every export would
 * re-read it thousands of times a day.
 */
export async function enqueueSessionGroups(
  knex: Knex,
  groups: SessionGroup[],
): Promise<void> {
  const unique = new Map(groups.map(g => [sessionGroupKey(g), g]));
  const enqueuedAt = Date.now();
  await insertRows(
    knex,
    TABLE,
    [...unique.values()].map(g => ({
      identity: g.identity,
      date: g.date,
      provider: g.provider,
      repository: g.repository,
      enqueued_at: enqueuedAt,
    })),
    { onConflict: KEY, set: restampedAt(TABLE) },
  );
}

/**
 * Re-sums the session groups queued before the call into the `sessions` source (which queues their
 * user-days for the rollups), `batchSize` groups at a time, and removes the entries that were not
 * queued again meanwhile. Safe to run concurrently with writers and on several replicas: a group
 * re-summed twice gives the same rows.
 *
 * Groups queued (again) after the call began are left for the next call: under a fleet's stream
 * of exports the queue never empties, and a call that drained it would keep the rollups that
 * follow it (the people's facts, the teams' cards) from running for as long as the stream lasts.
 * The time is the queue's own (`Date.now()` of the writers, the latest stamp if it is later): a
 * replica whose clock is ahead defers the entries queued meanwhile by as much.
 *
 * @returns the number of groups re-summed.
 */
export async function resumQueuedSessionGroups(
  knex: Knex,
  pricing: PricingOptions,
  options: {
    batchSize?: number;
    /** The re-sum (tests interleave writers with it). */
    resum?: typeof writeSessionUsage;
  } = {},
): Promise<number> {
  const { batchSize = 500, resum = writeSessionUsage } = options;
  // Timed from outside (the re-sum opens its own transactions), so it includes waits for the
  // connection: the minimum keeps such waits from shrinking the batches to nothing.
  const sizer = BatchSizer.forDatabase(knex, {
    max: batchSize,
    min: Math.min(batchSize, 10),
  });
  // Queued before the call: stamped now at the latest, or later where an entry queued again
  // within a millisecond was stamped past the clock (restampedAt), which a later call would
  // otherwise leave queued until the clock caught up, and a caller that waited for the call would
  // not see its data.
  const [{ stamp }] = await knex(TABLE).max({ stamp: 'enqueued_at' });
  const queuedUntil = Math.max(Date.now(), Number(stamp ?? 0));
  let done = 0;
  for (;;) {
    // Requests waiting on the event loop go first (SQLite statements block it while they run).
    await yieldToEventLoop();
    const queued: Array<SessionGroup & { enqueued_at: number | string }> =
      await knex(TABLE)
        .select([...KEY, 'enqueued_at'])
        .where('enqueued_at', '<=', queuedUntil)
        .orderBy(['date', 'identity'])
        .limit(sizer.size);
    if (queued.length === 0) {
      return done;
    }
    await sizer.time(queued.length, () =>
      resum(
        knex,
        queued.map(row => ({
          identity: row.identity,
          date: row.date,
          provider: row.provider,
          repository: row.repository,
        })),
        pricing,
      ),
    );
    await removeReadEntries(
      knex,
      TABLE,
      KEY,
      queued.map(row => [
        row.identity,
        row.date,
        row.provider,
        row.repository,
        String(row.enqueued_at),
      ]),
      200,
    );
    done += queued.length;
  }
}
