import {
  aiAssistanceSplitFromSummary,
  DateRange,
  deliveryMetricsFromSummary,
  deliveryPeriod,
  DeliveryResponse,
} from 'backstage-plugin-claude-code-analytics-common';
import { DateTime } from 'luxon';
import { Knex } from 'knex';
import { readEntityDeliverySummaries } from '../rollups/DeliveryRollups';
import { toNumber } from '../store/tables';

function shift(day: string, days: number): string {
  return DateTime.fromISO(day, { zone: 'utc' }).plus({ days }).toISODate()!;
}

/**
 * The delivery metrics of the components an entity delivers, pooled (never an average of
 * per-component numbers), with the AI-assisted split and the previous period of equal length.
 * Read from the entity's delivery rollups (months inside the period, days at its edges): counts,
 * rates and tiers as the DORA engine gives them over the same records, medians and p75 within the
 * summaries' sketch accuracy (see the common package's DORA.md).
 */
export async function getDelivery(
  knex: Knex,
  entityRef: string,
  range: DateRange,
): Promise<DeliveryResponse> {
  const previous = {
    from: shift(range.from, -range.days),
    to: shift(range.from, -1),
  };
  // Independent reads: concurrent on PostgreSQL, one after the other on SQLite.
  const [
    [summary, previousSummary],
    [{ components }],
    [{ componentsWithData }],
  ] = await Promise.all([
    readEntityDeliverySummaries(knex, entityRef, [range, previous]),
    knex('entity_components')
      .count({ components: '*' })
      .where('entity_ref', entityRef),
    // Components whose repositories have any delivery data (kept by the delivery rollups).
    knex('entity_components as ec')
      .join(
        'repository_components as rc',
        'rc.component_ref',
        'ec.component_ref',
      )
      .join('delivery_repositories as dr', 'dr.repository', 'rc.repository')
      .where('ec.entity_ref', entityRef)
      .countDistinct({ componentsWithData: 'rc.component_ref' }),
  ]);
  const period = deliveryPeriod(range.from, range.to);
  const split = aiAssistanceSplitFromSummary(summary, period);

  return {
    entityRef,
    from: range.from,
    to: range.to,
    ...deliveryMetricsFromSummary(summary, period),
    aiAssistedPullRequests: split.aiAssisted.mergedPullRequests,
    split,
    previous: {
      ...deliveryMetricsFromSummary(
        previousSummary,
        deliveryPeriod(previous.from, previous.to),
      ),
      ...previous,
    },
    components: toNumber(components),
    componentsWithData: toNumber(componentsWithData),
  };
}
