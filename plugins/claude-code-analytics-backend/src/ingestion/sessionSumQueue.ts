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
 * Re-sums the queued session groups into the `sessions` source (which queues their user-days for
 * the rollups), `batchSize` groups at a time, and removes the entries that were not queued again
 * meanwhile. Safe to run concurrently with writers and on several replicas: a group
 * re-summed twice gives the same rows.
 *
 * Each group is taken once per call, those queued before it began among them: under a fleet's
 * stream of exports the queue never empties, and a call that drained it would keep the rollups
 * that follow it (the people's facts, the teams' cards) from running for as long as the stream
 * lasts. A group queued again while it was re-summed stays queued, for the next call.
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
  // Through the queue once, in the order of its key: a group queued (again) meanwhile is taken if
  // the walk has not passed it yet, else left for the next call. A walk bounded by the entries'
  // stamps (queued before the call by the clock) skipped a day queued again faster than once a
  // millisecond, whose stamp runs ahead of the clock (restampedAt), for as long as that lasted.
  let after: string[] | undefined;
  let done = 0;
  for (;;) {
    // Requests waiting on the event loop go first (SQLite statements block it while they run).
    await yieldToEventLoop();
    const query = knex(TABLE)
      .select([...KEY, 'enqueued_at'])
      .orderBy(KEY)
      .limit(sizer.size);
    if (after) {
      query.whereRaw(
        `(${KEY.map(() => '??').join(', ')}) > (${after
          .map(() => '?')
          .join(', ')})`,
        [...KEY, ...after],
      );
    }
    const queued: Array<SessionGroup & { enqueued_at: number | string }> =
      await query;
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
    const last = queued[queued.length - 1];
    after = [last.identity, last.date, last.provider, last.repository];
  }
}
