import { LoggerService } from '@backstage/backend-plugin-api';
import { DateTime } from 'luxon';
import { Knex } from 'knex';
import { chunked } from '../store/chunked';
import {
  ACTIVITY_COLUMNS,
  TOKEN_COLUMNS,
  UsageFactRow,
  UsageModelFactRow,
  UsageToolFactRow,
} from '../store/tables';
import { attributeUsage } from './attributeUsage';
import { RawUserDay, reconcileUserDay } from './reconcileUserDay';
import {
  dequeue,
  enqueueEntityDays,
  QueuedDay,
  readQueue,
} from './rollupQueue';
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

const BATCH = 2000;

function shiftDay(date: string, days: number): string {
  return DateTime.fromISO(date, { zone: 'utc' }).plus({ days }).toISODate()!;
}

/**
 * Turns queued user-days into reconciled facts and queued entity-days into rollups. Work is
 * incremental: only what was queued is recomputed, and each recomputation replaces its rows, so
 * running it twice (or on two replicas) gives the same result.
 */
export class RollupEngine {
  private running: Promise<void> | undefined;
  private again = false;

  private constructor(
    private readonly knex: Knex,
    private readonly logger: LoggerService,
  ) {}

  static create(options: { knex: Knex; logger: LoggerService }) {
    return new RollupEngine(options.knex, options.logger);
  }

  /**
   * Processes everything queued. Calls made while a run is under way are folded into one more run
   * after it, so callers can trigger freely after each write.
   */
  async run(): Promise<void> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          await this.processUserQueue();
          await this.processEntityQueue();
        } while (this.again);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }

  private async processUserQueue() {
    for (;;) {
      const queued = await readQueue(this.knex, 'rollup_user_queue', BATCH);
      if (queued.length === 0) {
        return;
      }
      const byUser = new Map<string, string[]>();
      for (const item of queued) {
        byUser.set(item.ref, [...(byUser.get(item.ref) ?? []), item.date]);
      }
      await this.knex.transaction(async tx => {
        for (const [userRef, dates] of byUser) {
          for (const chunk of chunked(dates, 200)) {
            await this.recomputeUserDays(tx, userRef, chunk);
          }
        }
        await dequeue(tx, 'rollup_user_queue', queued);
      });
    }
  }

  private async loadRaw(
    tx: Knex.Transaction,
    identities: string[],
    dates: string[],
  ): Promise<Map<string, RawUserDay>> {
    const raw = new Map<string, RawUserDay>(
      dates.map(date => [date, { activity: [], models: [], tools: [] }]),
    );
    if (identities.length === 0) {
      return raw;
    }
    const load = (table: string) =>
      tx(table).select().whereIn('identity', identities).whereIn('date', dates);
    for (const row of await load('usage_activity_daily')) {
      raw.get(row.date)!.activity.push(row);
    }
    for (const row of await load('usage_model_daily')) {
      raw.get(row.date)!.models.push(row);
    }
    for (const row of await load('usage_tool_daily')) {
      raw.get(row.date)!.tools.push(row);
    }
    return raw;
  }

  private async recomputeUserDays(
    tx: Knex.Transaction,
    userRef: string,
    dates: string[],
  ) {
    const identities = (
      await tx('user_identities').select('identity').where('user_ref', userRef)
    ).map(row => row.identity as string);
    const raw = await this.loadRaw(tx, identities, dates);

    const sorted = [...dates].sort();
    const pullRequests =
      identities.length === 0
        ? []
        : await tx('pull_requests')
            .select('repository', 'merged_date')
            .whereIn('author', identities)
            .whereNotNull('merged_date')
            .whereBetween('merged_date', [
              shiftDay(sorted[0], -ATTRIBUTION_WINDOW_DAYS),
              shiftDay(sorted[sorted.length - 1], ATTRIBUTION_WINDOW_DAYS),
            ]);
    const repositories = new Set<string>(
      pullRequests.map(pr => pr.repository),
    );
    for (const day of raw.values()) {
      for (const row of [...day.activity, ...day.models, ...day.tools]) {
        if (row.repository) {
          repositories.add(row.repository);
        }
      }
    }
    const componentsOf = new Map<string, string[]>();
    for (const chunk of chunked([...repositories], 300)) {
      for (const row of await tx('repository_components')
        .select('repository', 'component_ref')
        .whereIn('repository', chunk)) {
        componentsOf.set(row.repository, [
          ...(componentsOf.get(row.repository) ?? []),
          row.component_ref,
        ]);
      }
    }

    const previous = await tx('usage_facts')
      .distinct('scope_ref', 'date')
      .where('user_ref', userRef)
      .whereIn('date', dates);
    for (const table of ['usage_facts', 'usage_model_facts', 'usage_tool_facts']) {
      await tx(table).where('user_ref', userRef).whereIn('date', dates).delete();
    }

    const facts: UsageFactRow[] = [];
    const modelFacts: UsageModelFactRow[] = [];
    const toolFacts: UsageToolFactRow[] = [];
    const touched: QueuedDay[] = previous.map(row => ({
      ref: row.scope_ref,
      date: row.date,
    }));
    const pushFacts = (
      scopeRef: string,
      date: string,
      attribution: UsageFactRow['attribution'],
      usage: UsageVector,
    ) => {
      const key = { scope_ref: scopeRef, user_ref: userRef, date, attribution };
      facts.push({ ...key, ...usage.activity, ...totalTokens(usage) });
      for (const [model, tokens] of usage.models) {
        modelFacts.push({ ...key, model, ...tokens });
      }
      for (const [tool, counts] of usage.tools) {
        toolFacts.push({ ...key, tool, ...counts });
      }
      touched.push({ ref: scopeRef, date });
    };

    for (const date of dates) {
      const byRepository = reconcileUserDay(raw.get(date)!);
      const total = emptyUsageVector();
      for (const usage of byRepository.values()) {
        addUsageVector(total, usage);
      }
      if (!isActive(total)) {
        continue;
      }
      pushFacts(userRef, date, 'self', total);

      const from = shiftDay(date, -ATTRIBUTION_WINDOW_DAYS);
      const to = shiftDay(date, ATTRIBUTION_WINDOW_DAYS);
      const weights = new Map<string, number>();
      for (const pr of pullRequests) {
        if (pr.merged_date < from || pr.merged_date > to) {
          continue;
        }
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
          pushFacts(share.componentRef, date, share.attribution, share.usage);
        }
      }
    }

    for (const rows of chunked(facts, 300)) {
      await tx('usage_facts').insert(rows);
    }
    for (const rows of chunked(modelFacts, 300)) {
      await tx('usage_model_facts').insert(rows);
    }
    for (const rows of chunked(toolFacts, 300)) {
      await tx('usage_tool_facts').insert(rows);
    }

    const scopes = [...new Set(touched.map(t => t.ref))];
    const entitiesOfScope = new Map<string, string[]>();
    for (const chunk of chunked(scopes, 300)) {
      for (const row of await tx('entity_scopes')
        .select('entity_ref', 'scope_ref')
        .whereIn('scope_ref', chunk)) {
        entitiesOfScope.set(row.scope_ref, [
          ...(entitiesOfScope.get(row.scope_ref) ?? []),
          row.entity_ref,
        ]);
      }
    }
    await enqueueEntityDays(
      tx,
      touched.flatMap(t =>
        (entitiesOfScope.get(t.ref) ?? []).map(entity => ({
          ref: entity,
          date: t.date,
        })),
      ),
    );
  }

  private async processEntityQueue() {
    for (;;) {
      const queued = await readQueue(this.knex, 'rollup_entity_queue', BATCH);
      if (queued.length === 0) {
        return;
      }
      const byEntity = new Map<string, string[]>();
      for (const item of queued) {
        byEntity.set(item.ref, [...(byEntity.get(item.ref) ?? []), item.date]);
      }
      await this.knex.transaction(async tx => {
        for (const [entityRef, dates] of byEntity) {
          for (const chunk of chunked(dates, 300)) {
            await this.recomputeEntityDays(tx, entityRef, chunk);
          }
        }
        await dequeue(tx, 'rollup_entity_queue', queued);
      });
      this.logger.debug(`Rolled up ${queued.length} entity-days`);
    }
  }

  private async recomputeEntityDays(
    tx: Knex.Transaction,
    entityRef: string,
    dates: string[],
  ) {
    for (const table of ['entity_daily', 'entity_model_daily', 'entity_tool_daily']) {
      await tx(table).where('entity_ref', entityRef).whereIn('date', dates).delete();
    }
    const datePlaceholders = dates.map(() => '?').join(', ');
    const sums = (columns: readonly string[]) =>
      columns.map(c => `SUM(f.${c})`).join(', ');

    await tx.raw(
      `INSERT INTO entity_daily (entity_ref, date, active_users, ${[
        ...ACTIVITY_COLUMNS,
        ...TOKEN_COLUMNS,
      ].join(', ')})
       SELECT s.entity_ref, f.date, COUNT(DISTINCT f.user_ref), ${sums([
         ...ACTIVITY_COLUMNS,
         ...TOKEN_COLUMNS,
       ])}
       FROM usage_facts f JOIN entity_scopes s ON s.scope_ref = f.scope_ref
       WHERE s.entity_ref = ? AND f.date IN (${datePlaceholders})
       GROUP BY s.entity_ref, f.date`,
      [entityRef, ...dates],
    );
    await tx.raw(
      `INSERT INTO entity_model_daily (entity_ref, date, model, ${TOKEN_COLUMNS.join(
        ', ',
      )})
       SELECT s.entity_ref, f.date, f.model, ${sums(TOKEN_COLUMNS)}
       FROM usage_model_facts f JOIN entity_scopes s ON s.scope_ref = f.scope_ref
       WHERE s.entity_ref = ? AND f.date IN (${datePlaceholders})
       GROUP BY s.entity_ref, f.date, f.model`,
      [entityRef, ...dates],
    );
    await tx.raw(
      `INSERT INTO entity_tool_daily (entity_ref, date, tool, accepted, rejected)
       SELECT s.entity_ref, f.date, f.tool, SUM(f.accepted), SUM(f.rejected)
       FROM usage_tool_facts f JOIN entity_scopes s ON s.scope_ref = f.scope_ref
       WHERE s.entity_ref = ? AND f.date IN (${datePlaceholders})
       GROUP BY s.entity_ref, f.date, f.tool`,
      [entityRef, ...dates],
    );
  }
}
