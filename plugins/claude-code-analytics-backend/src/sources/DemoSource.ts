import { LoggerService } from '@backstage/backend-plugin-api';
import { DateTime } from 'luxon';
import { Knex } from 'knex';
import {
  DEFAULT_DEMO_ORG_OPTIONS,
  generateDemoOrg,
} from '../demo/generateDemoOrg';
import {
  DemoHistory,
  generateDemoHistory,
} from '../demo/generateDemoHistory';
import { PricingOptions } from '../ingestion/PricingOptions';
import { writeDeliveryFacts } from '../ingestion/writeDeliveryFacts';
import { writeUsageDays } from '../ingestion/writeUsageDays';

export const DEMO_SOURCE = 'demo';
const HISTORY_UNIT = 'history';
const BATCH = 2000;

function* batches<T>(items: Iterable<T>, size: number): Iterable<T[]> {
  let batch: T[] = [];
  for (const item of items) {
    batch.push(item);
    if (batch.length === size) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) {
    yield batch;
  }
}

/**
 * Writes a generated history through the same ingestion functions as the real sources, in batches;
 * returns the records written.
 */
export async function writeDemoHistory(
  knex: Knex,
  history: DemoHistory,
  pricing: PricingOptions,
): Promise<number> {
  let rows = 0;
  // Delivery first: merged pull requests weigh the attribution of usage to components.
  for (const pullRequests of batches(history.pullRequests(), BATCH)) {
    rows += await writeDeliveryFacts(knex, DEMO_SOURCE, { pullRequests });
  }
  for (const deployments of batches(history.deployments(), BATCH)) {
    rows += await writeDeliveryFacts(knex, DEMO_SOURCE, { deployments });
  }
  for (const incidents of batches(history.incidents(), BATCH)) {
    rows += await writeDeliveryFacts(knex, DEMO_SOURCE, { incidents });
  }
  for (const usage of batches(history.usage(), BATCH)) {
    rows += await writeUsageDays(knex, DEMO_SOURCE, usage, pricing);
  }
  return rows;
}

/**
 * Writes the demo org's history (usage, pull requests, deployments, incidents) through the same
 * ingestion functions as the real sources. It runs once: the ingestion log remembers that the
 * history was written, and every record has a natural key, so an interrupted run that starts again
 * writes nothing twice. The history ends the day before it is first written; anything newer comes
 * from real sources only.
 */
export class DemoSource {
  private constructor(
    private readonly knex: Knex,
    private readonly logger: LoggerService,
    private readonly pricing: PricingOptions,
    private readonly seed: number,
    private readonly days: number,
  ) {}

  static create(options: {
    knex: Knex;
    logger: LoggerService;
    pricing: PricingOptions;
    seed: number;
    days: number;
  }) {
    return new DemoSource(
      options.knex,
      options.logger,
      options.pricing,
      options.seed,
      options.days,
    );
  }

  /** Writes the history unless it was written before; returns the records written. */
  async writeOnce(now: DateTime = DateTime.utc()): Promise<number> {
    const done = await this.knex('ingestion_log')
      .first('rows')
      .where({ source: DEMO_SOURCE, unit: HISTORY_UNIT, status: 'succeeded' });
    if (done) {
      this.logger.info(
        `Demo history already written (${done.rows} records), not writing it again`,
      );
      return 0;
    }
    const endDate = now.minus({ days: 1 }).toISODate()!;
    const started = Date.now();
    const org = generateDemoOrg({ ...DEFAULT_DEMO_ORG_OPTIONS, seed: this.seed });
    const history = generateDemoHistory(org, {
      seed: this.seed,
      endDate,
      days: this.days,
    });

    const rows = await writeDemoHistory(this.knex, history, this.pricing);

    const ranAt = new Date();
    await this.knex('ingestion_log')
      .insert({
        source: DEMO_SOURCE,
        unit: HISTORY_UNIT,
        status: 'succeeded',
        rows,
        skipped: 0,
        ran_at: ranAt,
      })
      .onConflict(['source', 'unit'])
      .merge();
    await this.knex('source_status')
      .insert({ source: DEMO_SOURCE, last_success_at: ranAt, rows: 0 })
      .onConflict('source')
      .merge(['last_success_at']);
    this.logger.info(
      `Demo history written: ${rows} records, ${this.days} days ending ${endDate}, in ${
        Date.now() - started
      } ms`,
    );
    return rows;
  }
}
