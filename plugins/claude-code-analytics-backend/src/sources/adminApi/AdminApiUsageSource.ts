import { LoggerService } from '@backstage/backend-plugin-api';
import { InputError, ResponseError, stringifyError } from '@backstage/errors';
import { Knex } from 'knex';
import { DateTime } from 'luxon';
import { PricingOptions } from '../../ingestion/PricingOptions';
import { UsageDay } from '../../ingestion/types';
import { writeUsageDays } from '../../ingestion/writeUsageDays';
import {
  recordSourceRun,
  writeIngestionLog,
} from '../../store/recordSourceRun';
import { AdminApiClient } from './AdminApiClient';
import { parseAdminApiRecord } from './parseAdminApiRecord';

/**
 * The source id of the Admin API in the store.
 *
 * @public
 */
export const ADMIN_API_SOURCE = 'admin-api';

const MAX_KEPT_REASONS = 5;
// The report lags about an hour: a day read this long after it ended is complete.
const SETTLED_AFTER = { hours: 2 };
// Statuses that every other day would answer the same way: the run stops at the first.
const STATUSES_THAT_STOP_THE_RUN = new Set([401, 403, 404, 429]);

/**
 * Options of {@link AdminApiUsageSource.create}.
 *
 * @public
 */
export type AdminApiUsageSourceOptions = {
  knex: Knex;
  client: Pick<AdminApiClient, 'fetchDay'>;
  logger: LoggerService;
  pricing: PricingOptions;
  /** Days of history to keep complete, today included. Default 90. */
  backfillDays?: number;
  /** The most recent days, today included, that are read on every run. Default 3. */
  rereadDays?: number;
  /** The clock; replaceable for tests. */
  now?: () => DateTime;
};

/**
 * What one {@link AdminApiUsageSource.run} did.
 *
 * @public
 */
export type AdminApiRunSummary = {
  /** Days read and written. */
  daysRead: number;
  /** Usage days written. */
  rows: number;
  /** Malformed records left out. */
  skipped: number;
  /** The first few reasons records were left out, each prefixed with its day. */
  skippedReasons: string[];
  /** Days that could not be read or written; they are read again on the next run. */
  failedDays: Array<{ date: string; error: string }>;
  /**
   * Days not attempted because the API answered what it would answer for every day (401, 403,
   * 404, or 429 after every retry); they are read on the next run.
   */
  postponedDays: number;
};

function dayUnit(date: string): string {
  return `day:${date}`;
}

function stopsTheRun(error: unknown): boolean {
  const cause = (error as { cause?: unknown } | undefined)?.cause;
  return (
    ResponseError.is(cause) && STATUSES_THAT_STOP_THE_RUN.has(cause.statusCode)
  );
}

/**
 * Pulls the Claude Code Analytics Admin API into the store, one UTC day per request. Each run
 * reads every day of the backfill window that has not been read completely (so gaps left by an
 * outage or a failed day are filled) and always the most recent days, which keep filling until
 * they are over. Re-reading a day replaces its rows. The ingestion log (`day:YYYY-MM-DD` units)
 * remembers which days are done. The caller runs the rollups afterwards.
 *
 * @public
 */
export class AdminApiUsageSource {
  private constructor(
    private readonly knex: Knex,
    private readonly client: Pick<AdminApiClient, 'fetchDay'>,
    private readonly logger: LoggerService,
    private readonly pricing: PricingOptions,
    private readonly backfillDays: number,
    private readonly rereadDays: number,
    private readonly now: () => DateTime,
  ) {}

  static create(options: AdminApiUsageSourceOptions): AdminApiUsageSource {
    const backfillDays = options.backfillDays ?? 90;
    const rereadDays = options.rereadDays ?? 3;
    if (!Number.isInteger(backfillDays) || backfillDays < 1) {
      throw new InputError(
        `backfillDays must be a whole number of at least 1, got ${backfillDays}`,
      );
    }
    if (!Number.isInteger(rereadDays) || rereadDays < 0) {
      throw new InputError(
        `rereadDays must be a whole number of at least 0, got ${rereadDays}`,
      );
    }
    return new AdminApiUsageSource(
      options.knex,
      options.client,
      options.logger,
      options.pricing,
      backfillDays,
      rereadDays,
      options.now ?? (() => DateTime.utc()),
    );
  }

  /**
   * Reads the days that need reading, oldest first. A day that fails is logged and read again on
   * the next run; it does not stop the others. Only an answer that every further day would repeat
   * (bad credentials, wrong URL, exhausted rate limit) ends the run early.
   */
  async run(): Promise<AdminApiRunSummary> {
    const summary: AdminApiRunSummary = {
      daysRead: 0,
      rows: 0,
      skipped: 0,
      skippedReasons: [],
      failedDays: [],
      postponedDays: 0,
    };
    const dates = await this.datesToRead();
    for (const [index, date] of dates.entries()) {
      try {
        const { rows, skipped, reasons } = await this.readDay(date);
        summary.daysRead += 1;
        summary.rows += rows;
        summary.skipped += skipped;
        summary.skippedReasons.push(
          ...reasons
            .slice(0, MAX_KEPT_REASONS - summary.skippedReasons.length)
            .map(reason => `${date}: ${reason}`),
        );
      } catch (error) {
        const message = stringifyError(error);
        summary.failedDays.push({ date, error: message });
        this.logger.warn(
          `Claude Code usage of ${date} could not be read: ${message}`,
        );
        await this.logDay(date, { status: 'failed', error: message }).catch(
          logError =>
            this.logger.error(
              `The failure of ${date} could not be logged: ${logError}`,
            ),
        );
        if (stopsTheRun(error)) {
          summary.postponedDays = dates.length - index - 1;
          break;
        }
      }
    }
    await this.updateStatus(summary);
    this.logger.info(
      `Claude Code Admin API: ${summary.daysRead} days read, ${summary.rows} rows, ${summary.skipped} records skipped, ${summary.failedDays.length} days failed, ${summary.postponedDays} postponed`,
    );
    return summary;
  }

  /** The backfill window's days not read completely yet, and the re-read window. */
  private async datesToRead(): Promise<string[]> {
    const today = this.now().toUTC().startOf('day');
    const windowDays = Math.max(this.backfillDays, this.rereadDays);
    const dates = Array.from({ length: windowDays }, (_, i) =>
      today.minus({ days: windowDays - 1 - i }),
    );
    const complete = new Set<string>();
    const rows = await this.knex('ingestion_log')
      .select('unit', 'ran_at')
      .where({ source: ADMIN_API_SOURCE, status: 'succeeded' })
      // Units of one shape sort like their dates.
      .whereBetween('unit', [
        dayUnit(dates[0].toISODate()!),
        dayUnit(today.toISODate()!),
      ]);
    for (const row of rows) {
      const date = DateTime.fromISO(row.unit.slice('day:'.length), {
        zone: 'utc',
      });
      // A day read while it was still filling (then an outage) is not complete.
      const settledAt = date.plus({ days: 1 }).plus(SETTLED_AFTER);
      if (new Date(row.ran_at).getTime() >= settledAt.toMillis()) {
        complete.add(row.unit);
      }
    }
    const rereadFrom = today.minus({ days: this.rereadDays - 1 });
    return dates
      .filter(
        date => date >= rereadFrom || !complete.has(dayUnit(date.toISODate()!)),
      )
      .map(date => date.toISODate()!);
  }

  private async readDay(date: string) {
    const { records } = await this.client.fetchDay(date);
    const days: UsageDay[] = [];
    const reasons: string[] = [];
    records.forEach((record, index) => {
      const result = parseAdminApiRecord(record);
      if (result.ok) {
        days.push(result.day);
      } else {
        reasons.push(`record ${index + 1}: ${result.reason}`);
      }
    });
    const rows = await writeUsageDays(
      this.knex,
      ADMIN_API_SOURCE,
      days,
      this.pricing,
    );
    if (reasons.length > 0) {
      this.logger.warn(
        `Claude Code usage of ${date}: ${reasons.length} of ${
          records.length
        } records skipped: ${reasons.slice(0, MAX_KEPT_REASONS).join('; ')}`,
      );
    }
    // Logged only after the write: a day whose write failed is not reported as done.
    await this.logDay(date, {
      status: 'succeeded',
      rows,
      skipped: reasons.length,
      error:
        reasons.length > 0
          ? `${reasons.length} records skipped: ${reasons
              .slice(0, MAX_KEPT_REASONS)
              .join('; ')}`
          : undefined,
    });
    return { rows, skipped: reasons.length, reasons };
  }

  private async logDay(
    date: string,
    entry: {
      status: 'succeeded' | 'failed';
      rows?: number;
      skipped?: number;
      error?: string;
    },
  ) {
    await writeIngestionLog(this.knex, {
      source: ADMIN_API_SOURCE,
      unit: dayUnit(date),
      ...entry,
      ranAt: this.now().toJSDate(),
    });
  }

  private async updateStatus(summary: AdminApiRunSummary) {
    await recordSourceRun(this.knex, ADMIN_API_SOURCE, {
      at: this.now().toJSDate(),
      unitsRead: summary.daysRead,
      failures: summary.failedDays.map(f => ({ unit: f.date, error: f.error })),
      unitName: 'days',
    });
  }
}
