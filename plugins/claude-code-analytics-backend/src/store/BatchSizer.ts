import { Knex } from 'knex';
import { isSqlite } from './isSqlite';

/**
 * How long one batch of work may hold SQLite (and so the event loop), in milliseconds. Short
 * stretches matter beyond the requests waiting for them: Node accepts new connections at about one
 * per turn of the event loop, so a loop held in 40 ms stretches took seconds to answer exports
 * arriving on new connections (a fleet opens them all the time), and 10 ms stretches milliseconds.
 */
export const SQLITE_BATCH_TARGET_MS = 15;

/** The first batch on SQLite, before a cost per item has been measured. */
const FIRST_SQLITE_BATCH = 50;

/**
 * How many queued items the next batch of a work queue (rollups, re-sums) takes.
 *
 * On SQLite every statement runs on the event loop, so a batch of a thousand person-days (about a
 * second at a year of an organisation's history) holds every request for that long: an OTLP export
 * arriving then waits for it. There the size follows the measured cost per item so that a batch
 * takes about `SQLITE_BATCH_TARGET_MS`, between `min` and `max` items. On PostgreSQL statements
 * wait on the network, not on the event loop, and big batches are cheaper: always `max`.
 */
export class BatchSizer {
  private current: number;

  private constructor(
    private readonly max: number,
    private readonly min: number,
    private readonly targetMs: number | undefined,
  ) {
    this.current =
      targetMs === undefined
        ? max
        : Math.max(min, Math.min(max, FIRST_SQLITE_BATCH));
  }

  static forDatabase(knex: Knex, options: { max: number; min?: number }) {
    return new BatchSizer(
      options.max,
      Math.min(options.max, options.min ?? 10),
      isSqlite(knex) ? SQLITE_BATCH_TARGET_MS : undefined,
    );
  }

  /** For tests: a sizer aiming at `targetMs` per batch whatever the database. */
  static aimingAt(targetMs: number, options: { max: number; min?: number }) {
    return new BatchSizer(
      options.max,
      Math.min(options.max, options.min ?? 10),
      targetMs,
    );
  }

  /** Items the next batch takes. */
  get size(): number {
    return this.current;
  }

  /** Records that a batch of `items` took `elapsedMs`. */
  record(items: number, elapsedMs: number): void {
    if (this.targetMs === undefined || items === 0) {
      return;
    }
    const perItem = Math.max(elapsedMs, 0.1) / items;
    const next = Math.floor(this.targetMs / perItem);
    // At most double at a time: one cheap batch (a queue of days with no usage) says little of
    // the next.
    this.current = Math.max(
      this.min,
      Math.min(this.max, 2 * this.current, next),
    );
  }

  /** Runs a batch that says how many items it took, recording its time. */
  async timeCounted(batch: () => Promise<number>): Promise<number> {
    const started = performance.now();
    const items = await batch();
    this.record(items, performance.now() - started);
    return items;
  }

  /** Runs one batch of `items` items, recording its time. */
  async time<T>(items: number, batch: () => Promise<T>): Promise<T> {
    const started = performance.now();
    const result = await batch();
    this.record(items, performance.now() - started);
    return result;
  }
}
