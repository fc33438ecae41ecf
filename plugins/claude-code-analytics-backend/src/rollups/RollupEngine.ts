import { LoggerService } from '@backstage/backend-plugin-api';
import { DateTime } from 'luxon';
import { Knex } from 'knex';
import { DEFAULT_PRICING, PricingOptions } from '../ingestion/PricingOptions';
import { resumQueuedSessionGroups } from '../ingestion/sessionSumQueue';
import { BatchSizer } from '../store/BatchSizer';
import { chunked } from '../store/chunked';
import { isSqlite } from '../store/isSqlite';
import { replaceRows } from '../store/replaceRows';
import { readOnConnection, SnapshotReader } from '../store/SqliteReader';
import { yieldToEventLoop } from '../store/yieldToEventLoop';
import { whereValuesIn, whereValuesOnDate } from '../store/whereKeysIn';
import {
  FACT_KEY,
  UsageFactRow,
  UsageModelFactRow,
  UsageToolFactRow,
} from '../store/tables';
import { attributeUsage } from './attributeUsage';
import { DeliveryRollups } from './DeliveryRollups';
import { entityChanges, writeEntityChanges } from './entityChanges';
import {
  ENTITY_TABLES,
  entityColumns,
  entityKey,
  entitySums,
} from './entitySums';
import { lockActiveDays, markActiveDays } from './markActiveDays';
import { RawUserDay, reconcileUserDay } from './reconcileUserDay';
import { dequeue, QueuedDay, readQueue } from './rollupQueue';
import {
  UsageVector,
  addUsageVector,
  emptyUsageVector,
  isActive,
  totalTokens,
} from './UsageVector';

/**
 * Days before and after a usage day whose merged pull requests weigh its estimated attribution.
 */
export const ATTRIBUTION_WINDOW_DAYS = 14;

/**
 * Queued days recomputed by one transaction at most. Statements on SQLite run on the event loop, so
 * there batches are sized to hold it for about 15 ms (BatchSizer) and the engine yields between
 * transactions: requests (OTLP exports above all) wait for one short batch at most.
 */
const BATCH = 1000;

/** The longest `runSoon` waits, however long the last run took. */
const MAX_SOON_MS = 4_000;
/** Users or entities recomputed by one statement. */
const USERS_PER_STATEMENT = 500;
const ENTITIES_PER_STATEMENT = 200;
/** Entity-days recomputed by one statement (entities x days). */
const ENTITY_DAYS_PER_STATEMENT = 2000;

function shiftDay(date: string, days: number): string {
  return DateTime.fromISO(date, { zone: 'utc' }).plus({ days }).toISODate()!;
}

/** A caller of run(), waiting for the end of pass number `pass`. */
type Waiter = {
  pass: number;
  resolve: () => void;
  reject: (error: unknown) => void;
};

/**
 * Turns queued user-days into reconciled facts, and their differences into the rollups of their
 * entities; re-sums the entity-days that catalog changes queued. Work is incremental: only what was
 * queued is recomputed, a recomputation writes only what changed, and the user rollups serialise
 * on PostgreSQL (`lockActiveDays`), so running it twice (or on two replicas) gives the same result:
 * the second finds the facts it computes stored already, and no difference to add.
 */
export class RollupEngine {
  private running: Promise<void> | undefined;
  private again = false;
  /** Passes begun and ended, and the callers of run() waiting for the pass they need. */
  private passesStarted = 0;
  private passesDone = 0;
  private waiting: Waiter[] = [];
  private stopped = false;
  private soon: NodeJS.Timeout | undefined;
  private lastRunMs = 0;

  private constructor(
    private readonly knex: Knex,
    private readonly logger: LoggerService,
    private readonly pricing: PricingOptions,
    private readonly delivery?: DeliveryRollups,
    private readonly reader?: SnapshotReader,
  ) {}

  /**
   * `pricing`: for re-summing queued session groups (OTLP); `delivery`: the delivery rollups,
   * processed in the same runs as the usage rollups; `reader`: on SQLite, where the entities' sums
   * are read (a thread's connection, `SqliteReader`; the main connection without it).
   */
  static create(options: {
    knex: Knex;
    logger: LoggerService;
    pricing?: PricingOptions;
    delivery?: DeliveryRollups;
    reader?: SnapshotReader;
  }) {
    return new RollupEngine(
      options.knex,
      options.logger,
      options.pricing ?? DEFAULT_PRICING,
      options.delivery,
      options.reader,
    );
  }

  /**
   * Processes everything queued. Calls made while a pass of the rollups is under way are folded into
   * one more pass after it, so callers can trigger freely after each write. A call resolves when a
   * pass that began after it has ended (each pass takes what was queued when it began, once, and
   * what is queued meanwhile only where its walk of a queue has not passed yet): under a
   * stream of calls (every OTLP export asks for a run) the passes follow one another for as long as
   * the stream lasts, and an import waiting for its data to be rolled up waits for one pass, not
   * for the stream to end.
   */
  run(): Promise<void> {
    if (this.stopped) {
      return Promise.resolve();
    }
    const done = new Promise<void>((resolve, reject) =>
      this.waiting.push({ pass: this.passesStarted + 1, resolve, reject }),
    );
    if (this.running) {
      this.again = true;
    } else {
      this.running = this.runPasses();
    }
    return done;
  }

  private async runPasses(): Promise<void> {
    try {
      do {
        this.again = false;
        this.passesStarted++;
        const started = Date.now();
        await resumQueuedSessionGroups(this.knex, this.pricing);
        await this.processUserQueue();
        await this.processEntityQueue();
        if (!this.stopped) {
          // Delivery merges can be long (a team move re-merges its departments' year); a change
          // arriving meanwhile has its usage rollups done first, and delivery goes on after.
          await this.delivery?.run({
            yieldWhen: () => this.stopped || this.again,
          });
        }
        this.lastRunMs = Date.now() - started;
        this.passesDone++;
        this.answer(
          waiter => waiter.pass <= this.passesDone,
          waiter => waiter.resolve(),
        );
      } while (this.again && !this.stopped);
      // Stopped: what is left stays queued for the next start.
      this.answer(
        () => true,
        waiter => waiter.resolve(),
      );
    } catch (error) {
      this.answer(
        () => true,
        waiter => waiter.reject(error),
      );
    } finally {
      this.running = undefined;
    }
  }

  private answer(
    which: (waiter: Waiter) => boolean,
    how: (waiter: Waiter) => void,
  ) {
    const answered = this.waiting.filter(which);
    this.waiting = this.waiting.filter(waiter => !which(waiter));
    answered.forEach(how);
  }

  /**
   * Runs the rollups within `delayMs` (or twice as long as the last run took, at most 4 s),
   * once for all the calls made meanwhile: for streams of small
   * writes (OTLP exports), so that the queued days are rolled up in batches rather than one export
   * at a time. Errors are logged.
   */
  runSoon(delayMs = 1000): void {
    if (this.soon) {
      return;
    }
    // Under a heavy stream a run can take a good part of a second (a whole organisation's day);
    // waiting twice as long as the last run keeps the rollups at a third of the time at most, and
    // the data visible within seconds.
    const delay = Math.max(delayMs, Math.min(MAX_SOON_MS, 2 * this.lastRunMs));
    this.soon = setTimeout(() => {
      this.soon = undefined;
      this.run().catch(error => this.logger.error(`Rollups failed: ${error}`));
    }, delay);
    this.soon.unref?.();
  }

  /**
   * For the backend's shutdown: no new runs, the run under way ends after its current batch (what
   * is left stays queued for the next start), and its end is awaited, so that nothing is written
   * after the database is closed.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.soon);
    this.soon = undefined;
    await this.running?.catch(() => undefined);
  }

  private async processUserQueue() {
    await this.drainQueue('rollup_user_queue', async queued => async tx => {
      await lockActiveDays(tx);
      for (const [date, users] of groupByDate(queued)) {
        for (const chunk of chunked(users, USERS_PER_STATEMENT)) {
          await this.recomputeUsersOnDate(tx, date, chunk);
        }
      }
    });
  }

  /**
   * Processes a rollup queue a batch per transaction until it is empty or the engine stops,
   * yielding to the event loop between batches; each batch's entries are removed in its
   * transaction, and on SQLite its size follows the time the last ones took (BatchSizer).
   * `recompute` may read before the transaction (what it reads then was committed after the
   * batch's entries were read: a change it misses queued its days again with a new stamp, and
   * only the entries read are removed) and returns the transaction's work.
   */
  private async drainQueue(
    table: 'rollup_user_queue' | 'rollup_entity_queue',
    recompute: (
      queued: QueuedDay[],
    ) => Promise<(tx: Knex.Transaction) => Promise<void>>,
  ) {
    const sizer = BatchSizer.forDatabase(this.knex, { max: BATCH });
    for (;;) {
      await yieldToEventLoop();
      const queued = await readQueue(this.knex, table, sizer.size);
      if (queued.length === 0 || this.stopped) {
        return;
      }
      const write = await recompute(queued);
      await this.knex.transaction(async tx => {
        // Timed inside the transaction: not the wait for SQLite's one connection.
        const started = performance.now();
        await write(tx);
        await dequeue(tx, table, queued);
        sizer.record(queued.length, performance.now() - started);
      });
      this.logger.debug(`Rolled up ${queued.length} days of ${table}`);
    }
  }

  /**
   * Recomputes the facts of some users on one day: a fixed number of statements for all of them,
   * so a second of OTLP exports from a whole fleet, or a year of history, costs few round trips.
   */
  private async recomputeUsersOnDate(
    tx: Knex.Transaction,
    date: string,
    userRefs: string[],
  ) {
    const userOfIdentity = new Map<string, string>();
    for (const row of await whereValuesIn(
      tx('user_identities').select('identity', 'user_ref'),
      'user_ref',
      userRefs,
    )) {
      userOfIdentity.set(row.identity, row.user_ref);
    }
    const identities = [...userOfIdentity.keys()];

    const raw = new Map<string, RawUserDay>(
      userRefs.map(ref => [ref, { activity: [], models: [], tools: [] }]),
    );
    const pullRequestsOf = new Map<string, Array<{ repository: string }>>();
    const repositories = new Set<string>();
    for (const chunk of chunked(identities, USERS_PER_STATEMENT)) {
      const load = (table: string) =>
        whereValuesOnDate(tx(table).select(), 'identity', chunk, date);
      for (const row of await load('usage_activity_daily')) {
        raw.get(userOfIdentity.get(row.identity)!)!.activity.push(row);
      }
      for (const row of await load('usage_model_daily')) {
        raw.get(userOfIdentity.get(row.identity)!)!.models.push(row);
      }
      for (const row of await load('usage_tool_daily')) {
        raw.get(userOfIdentity.get(row.identity)!)!.tools.push(row);
      }
      // Merged pull requests around the day weigh the estimated attribution.
      for (const pr of await whereValuesIn(
        tx('pull_requests').select('author', 'repository'),
        'author',
        chunk,
      )
        .whereNotNull('merged_date')
        .whereBetween('merged_date', [
          shiftDay(date, -ATTRIBUTION_WINDOW_DAYS),
          shiftDay(date, ATTRIBUTION_WINDOW_DAYS),
        ])) {
        const user = userOfIdentity.get(pr.author)!;
        pullRequestsOf.set(user, [...(pullRequestsOf.get(user) ?? []), pr]);
        repositories.add(pr.repository);
      }
    }
    for (const day of raw.values()) {
      for (const row of [...day.activity, ...day.models, ...day.tools]) {
        if (row.repository) {
          repositories.add(row.repository);
        }
      }
    }
    const componentsOf = new Map<string, string[]>();
    for (const chunk of chunked([...repositories], 300)) {
      for (const row of await whereValuesIn(
        tx('repository_components').select('repository', 'component_ref'),
        'repository',
        chunk,
      )) {
        componentsOf.set(row.repository, [
          ...(componentsOf.get(row.repository) ?? []),
          row.component_ref,
        ]);
      }
    }

    // The facts stored now: their scopes' entities are recomputed too (a scope the user no longer
    // has loses the user's share), and only what changes is written (replaceRows).
    const stored = async (table: string) =>
      whereValuesOnDate(tx(table).select(), 'user_ref', userRefs, date);
    const storedFacts = await stored('usage_facts');
    const storedModelFacts = await stored('usage_model_facts');
    const storedToolFacts = await stored('usage_tool_facts');
    const touched = new Set<string>(
      storedFacts.map(row => row.scope_ref as string),
    );

    const activeUsers = new Set<string>();
    const facts: UsageFactRow[] = [];
    const modelFacts: UsageModelFactRow[] = [];
    const toolFacts: UsageToolFactRow[] = [];
    for (const userRef of userRefs) {
      const pushFacts = (
        scopeRef: string,
        attribution: UsageFactRow['attribution'],
        usage: UsageVector,
      ) => {
        const key = {
          scope_ref: scopeRef,
          user_ref: userRef,
          date,
          attribution,
        };
        facts.push({ ...key, ...usage.activity, ...totalTokens(usage) });
        for (const [model, tokens] of usage.models) {
          modelFacts.push({ ...key, model, ...tokens });
        }
        for (const [tool, counts] of usage.tools) {
          toolFacts.push({ ...key, tool, ...counts });
        }
        touched.add(scopeRef);
      };

      const byRepository = reconcileUserDay(raw.get(userRef)!);
      const total = emptyUsageVector();
      for (const usage of byRepository.values()) {
        addUsageVector(total, usage);
      }
      if (!isActive(total)) {
        continue;
      }
      pushFacts(userRef, 'self', total);
      activeUsers.add(userRef);

      const weights = new Map<string, number>();
      for (const pr of pullRequestsOf.get(userRef) ?? []) {
        for (const component of componentsOf.get(pr.repository) ?? []) {
          weights.set(component, (weights.get(component) ?? 0) + 1);
        }
      }
      const shares = attributeUsage(
        byRepository,
        repository => componentsOf.get(repository) ?? [],
        weights,
      );
      for (const share of shares) {
        if (isActive(share.usage)) {
          pushFacts(share.componentRef, share.attribution, share.usage);
        }
      }
    }

    // Each facts table replaced, with what was written and deleted (their entities' differences).
    const replace = async (
      table: string,
      key: readonly string[],
      before: Array<Record<string, unknown>>,
      after: Array<Record<string, unknown>>,
    ) => ({
      before,
      after,
      ...(await replaceRows(tx, table, key, before, after)),
    });
    const replaced = {
      entity_daily: await replace('usage_facts', FACT_KEY, storedFacts, facts),
      entity_model_daily: await replace(
        'usage_model_facts',
        [...FACT_KEY, 'model'],
        storedModelFacts,
        modelFacts,
      ),
      entity_tool_daily: await replace(
        'usage_tool_facts',
        [...FACT_KEY, 'tool'],
        storedToolFacts,
        toolFacts,
      ),
    };
    await markActiveDays(tx, date, userRefs, activeUsers);

    // The entities of the facts' scopes take the differences, in this transaction: an export costs
    // the rows of its person's entities, whatever their size (a pass used to re-sum the
    // organisation's and its departments' day from all of its facts, however few people exported).
    const entitiesOfScope = new Map<string, string[]>();
    for (const chunk of chunked([...touched], 300)) {
      for (const row of await whereValuesIn(
        tx('entity_scopes').select('scope_ref', 'entity_ref'),
        'scope_ref',
        chunk,
      )) {
        entitiesOfScope.set(row.scope_ref, [
          ...(entitiesOfScope.get(row.scope_ref) ?? []),
          row.entity_ref,
        ]);
      }
    }
    for (const table of ENTITY_TABLES) {
      await writeEntityChanges(
        tx,
        table,
        date,
        entityChanges(table, date, replaced[table], entitiesOfScope),
      );
    }
  }

  /**
   * Re-sums the entity-days queued by catalog changes (an entity whose scopes changed). On
   * PostgreSQL the database sums and writes them, one statement per table, under the user rollups'
   * lock: a difference added between a re-sum's delete and its insert would otherwise be lost, or
   * make the insert fail. On SQLite the sums are read before the transaction, on the reader's thread
   * when there is one (so that summing a department's year does not hold the event loop), and the
   * transaction writes only the rows that changed; the user rollups of the same pass ran before the
   * read, and nothing else writes facts.
   */
  private async processEntityQueue() {
    await this.drainQueue('rollup_entity_queue', async queued => {
      const rectangles: Array<{ dates: string[]; refs: string[] }> = [];
      for (const { dates, refs } of groupDatesOfSameEntities(queued)) {
        for (const entityChunk of chunked(refs, ENTITIES_PER_STATEMENT)) {
          for (const dateChunk of chunked(
            dates,
            Math.max(
              1,
              Math.floor(ENTITY_DAYS_PER_STATEMENT / entityChunk.length),
            ),
          )) {
            rectangles.push({ dates: dateChunk, refs: entityChunk });
          }
        }
      }
      if (!isSqlite(this.knex)) {
        return async tx => {
          await lockActiveDays(tx);
          for (const { dates, refs } of rectangles) {
            await this.resumEntitiesOnDates(tx, dates, refs);
          }
        };
      }
      const read = this.reader ?? readOnConnection(this.knex);
      const sums = await read(
        rectangles.flatMap(({ dates, refs }) =>
          ENTITY_TABLES.map(table => entitySums(table, refs, dates)),
        ),
      );
      return async tx => {
        for (const [i, { dates, refs }] of rectangles.entries()) {
          for (const [j, table] of ENTITY_TABLES.entries()) {
            const stored = await tx(table)
              .select()
              .whereIn('entity_ref', refs)
              .whereIn('date', dates);
            await replaceRows(
              tx,
              table,
              entityKey(table),
              stored,
              sums[i * ENTITY_TABLES.length + j],
            );
          }
        }
      };
    });
  }

  /**
   * Re-sums the rollups of some entities on some days from the facts of their scopes, in the
   * database (PostgreSQL): one statement per table for all of them, so a catalog change that
   * touches a few entities on every day of a year costs a few statements, not a few per day.
   */
  private async resumEntitiesOnDates(
    tx: Knex.Transaction,
    dates: string[],
    entityRefs: string[],
  ) {
    for (const table of ENTITY_TABLES) {
      await tx(table)
        .whereIn('entity_ref', entityRefs)
        .whereIn('date', dates)
        .delete();
      const { sql, bindings } = entitySums(table, entityRefs, dates);
      await tx.raw(
        `INSERT INTO ${table} (${entityColumns(table).join(', ')}) ${sql}`,
        [...bindings],
      );
    }
  }
}

/**
 * Queued entity-days as (dates, entities) rectangles: consecutive days whose queued entities are the
 * same set share one, so a year of one department's days is one rectangle, and a second of OTLP
 * exports (one day, many entities) another.
 */
function groupDatesOfSameEntities(
  queued: QueuedDay[],
): Array<{ dates: string[]; refs: string[] }> {
  const groups: Array<{ dates: string[]; refs: string[]; key: string }> = [];
  for (const [date, refs] of groupByDate(queued)) {
    const sorted = [...new Set(refs)].sort();
    const key = sorted.join('\u0000');
    const last = groups[groups.length - 1];
    if (last && last.key === key) {
      last.dates.push(date);
    } else {
      groups.push({ dates: [date], refs: sorted, key });
    }
  }
  return groups.map(({ dates, refs }) => ({ dates, refs }));
}

/** Queued pairs by day, each day with its refs. */
function groupByDate(queued: QueuedDay[]): Map<string, string[]> {
  const byDate = new Map<string, string[]>();
  for (const item of queued) {
    const refs = byDate.get(item.date);
    if (refs) {
      refs.push(item.ref);
    } else {
      byDate.set(item.date, [item.ref]);
    }
  }
  return byDate;
}
