import {
  DateRange,
  EntitySummary,
  EntitySummaryList,
} from 'backstage-plugin-claude-code-analytics-common';
import { Knex } from 'knex';
import { getAdoption } from './getAdoption';
import { getCost } from './getCost';
import { getDelivery } from './getDelivery';

type EntityRow = {
  entity_ref: string;
  kind: string;
  title: string | null;
  parent_ref: string | null;
  type: string | null;
};

/**
 * The headline numbers of entities, each from the same functions as the entity's own cards, so a
 * table row and a card never disagree.
 */
async function summarize(
  knex: Knex,
  entity: EntityRow,
  range: DateRange,
  options: { minimumGroupSize: number },
): Promise<EntitySummary> {
  const [adoption, cost, delivery] = await Promise.all([
    getAdoption(knex, entity.entity_ref, entity.kind, range, options),
    getCost(knex, entity.entity_ref, entity.kind, range, options),
    getDelivery(knex, entity.entity_ref, range),
  ]);
  return {
    entityRef: entity.entity_ref,
    kind: entity.kind,
    title: entity.title ?? undefined,
    parentRef: entity.parent_ref ?? undefined,
    type: entity.type ?? undefined,
    members: adoption.members,
    activeUsers: adoption.activeUsers,
    adoptionRate: adoption.adoptionRate,
    sessions: adoption.sessions,
    costUsd: cost.costUsd,
    mergedPullRequests: delivery.mergedPullRequests,
    aiAssistedPullRequests: delivery.aiAssistedPullRequests,
    costPerMergedPullRequest: cost.costPerMergedPullRequest,
    deployments: delivery.deployments,
    deploymentFrequency: delivery.deploymentFrequency,
    leadTime: {
      medianHours: delivery.leadTime.medianHours,
      tier: delivery.leadTime.tier,
    },
    changeFailureRate: delivery.changeFailureRate,
    recoveryTime: delivery.recoveryTime,
    suppressed: adoption.suppressed || cost.suppressed,
  };
}

/**
 * Summaries of groups: the direct sub-groups of `parentRef`, or every group when it is undefined.
 */
export async function getGroupSummaries(
  knex: Knex,
  range: DateRange,
  options: { minimumGroupSize: number; parentRef?: string },
): Promise<EntitySummaryList> {
  const query = knex('ownership_entities')
    .select('entity_ref', 'kind', 'title', 'parent_ref', 'type')
    .where('kind', 'group')
    .orderBy('entity_ref');
  if (options.parentRef) {
    query.where('parent_ref', options.parentRef);
  }
  const groups: EntityRow[] = await query;
  const items: EntitySummary[] = [];
  for (const group of groups) {
    items.push(await summarize(knex, group, range, options));
  }
  return { from: range.from, to: range.to, items };
}
