import {
  CostResponse,
  DateRange,
  DeliverySummary,
  eachDay,
  isSuppressed,
  microsToUsd,
} from 'backstage-plugin-claude-code-analytics-common';
import { DateTime } from 'luxon';
import { Knex } from 'knex';
import {
  countAuthoredMergedPullRequests,
  readEntityDeliverySummaries,
} from '../rollups/DeliveryRollups';
import { toNumber } from '../store/tables';
import { countActiveUsers } from './countActiveUsers';

const PEOPLE_KINDS = ['user', 'group'];

/**
 * Successful production deployments of the components an entity delivers, in a range, from the
 * entity's delivery summary of the range.
 */
function countDeployments(delivery: DeliverySummary): number {
  return delivery.deployments.all.successful;
}

const per = (usd: number, count: number) =>
  count > 0 ? usd / count : undefined;

/**
 * The cost numbers of one entity over a range of days, from the entity rollups, joined with
 * delivery (merged pull requests, deployments) for unit costs.
 */
export async function getCost(
  knex: Knex,
  entityRef: string,
  kind: string,
  range: DateRange,
  options: { minimumGroupSize: number },
): Promise<CostResponse> {
  const monthStart = DateTime.fromISO(range.to, { zone: 'utc' }).startOf(
    'month',
  );
  // Independent reads: concurrent on PostgreSQL (the active-user count of a large group and the
  // delivery summaries are the slowest), one after the other on SQLite.
  const [
    daily,
    models,
    { activeUsers },
    [{ monthToDate }],
    [delivery],
    authoredMerged,
  ]: [
    Array<Record<string, any>>,
    Array<Record<string, any>>,
    { activeUsers: number },
    Array<Record<string, any>>,
    DeliverySummary[],
    number | undefined,
  ] = await Promise.all([
    knex('entity_daily')
      .select(
        'date',
        'cost_micros',
        'input_tokens',
        'output_tokens',
        'cache_read_tokens',
        'cache_creation_tokens',
        'unpriced_tokens',
      )
      .where('entity_ref', entityRef)
      .whereBetween('date', [range.from, range.to]),
    knex('entity_model_daily')
      .select('model')
      .sum({
        cost: 'cost_micros',
        input: 'input_tokens',
        output: 'output_tokens',
        cacheRead: 'cache_read_tokens',
        cacheCreation: 'cache_creation_tokens',
        unpriced: 'unpriced_tokens',
      })
      .where('entity_ref', entityRef)
      .whereBetween('date', [range.from, range.to])
      .groupBy('model'),
    countActiveUsers(knex, entityRef, kind, range),
    knex('entity_daily')
      .sum({ monthToDate: 'cost_micros' })
      .where('entity_ref', entityRef)
      .whereBetween('date', [monthStart.toISODate()!, range.to]),
    readEntityDeliverySummaries(knex, entityRef, [range]),
    // People: pull requests their members authored; services: those merged into their
    // repositories, from the delivery summary below.
    PEOPLE_KINDS.includes(kind)
      ? countAuthoredMergedPullRequests(knex, entityRef, range)
      : Promise.resolve(undefined),
  ]);

  const sum = (column: string) =>
    daily.reduce((total, row) => total + toNumber(row[column]), 0);
  const byDate = new Map(
    daily.map(row => [row.date, toNumber(row.cost_micros)]),
  );
  const costUsd = microsToUsd(sum('cost_micros'));
  const tokens = {
    input: sum('input_tokens'),
    output: sum('output_tokens'),
    cacheRead: sum('cache_read_tokens'),
    cacheCreation: sum('cache_creation_tokens'),
  };
  const prompt = tokens.input + tokens.cacheRead + tokens.cacheCreation;
  const active = activeUsers;
  const mergedPullRequests =
    authoredMerged ??
    delivery.pullRequests.aiAssisted.merged +
      delivery.pullRequests.other.merged;
  const deployments = countDeployments(delivery);
  const monthToDateUsd = microsToUsd(toNumber(monthToDate));
  const daysElapsed = DateTime.fromISO(range.to, { zone: 'utc' }).day;

  const response: CostResponse = {
    entityRef,
    from: range.from,
    to: range.to,
    costUsd,
    tokens,
    cacheHitRate: prompt > 0 ? tokens.cacheRead / prompt : 0,
    unpricedTokens: sum('unpriced_tokens'),
    byModel: models
      .map(row => ({
        model: row.model as string,
        costUsd: microsToUsd(toNumber(row.cost)),
        tokens: {
          input: toNumber(row.input),
          output: toNumber(row.output),
          cacheRead: toNumber(row.cacheRead),
          cacheCreation: toNumber(row.cacheCreation),
        },
        unpriced: toNumber(row.unpriced) > 0,
      }))
      .sort((a, b) => b.costUsd - a.costUsd || a.model.localeCompare(b.model)),
    daily: eachDay(range).map(date => ({
      date,
      costUsd: microsToUsd(byDate.get(date) ?? 0),
    })),
    activeUsers: active,
    costPerActiveUser: per(costUsd, active),
    mergedPullRequests,
    costPerMergedPullRequest: per(costUsd, mergedPullRequests),
    deployments,
    costPerDeployment: per(costUsd, deployments),
    monthToDateUsd,
    monthEndProjectionUsd:
      (monthToDateUsd / daysElapsed) * monthStart.daysInMonth!,
    suppressed: false,
  };
  if (kind !== 'user' && isSuppressed(active, options.minimumGroupSize)) {
    return {
      ...response,
      costUsd: 0,
      tokens: { input: 0, output: 0, cacheRead: 0, cacheCreation: 0 },
      cacheHitRate: 0,
      unpricedTokens: 0,
      byModel: [],
      daily: [],
      activeUsers: 0,
      costPerActiveUser: undefined,
      costPerMergedPullRequest: undefined,
      costPerDeployment: undefined,
      monthToDateUsd: 0,
      monthEndProjectionUsd: 0,
      suppressed: true,
    };
  }
  return response;
}
