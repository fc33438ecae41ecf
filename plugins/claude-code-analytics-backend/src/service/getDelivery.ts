import {
  computeDeliveryMetrics,
  DateRange,
  DeliveryDeployment,
  DeliveryIncident,
  DeliveryPullRequest,
  DeliveryResponse,
  splitByAiAssistance,
} from 'backstage-plugin-claude-code-analytics-common';
import { DateTime } from 'luxon';
import { Knex } from 'knex';
import { chunked } from '../store/chunked';
import { toNumber } from '../store/tables';

/**
 * How far before a period delivery records are read: a change deployed in the period may have been
 * merged, and an incident may point at a deployment, this long before it.
 */
const LOOKBACK_DAYS = 90;
/** How far after a period deployments are read: the recovery of a failure may come after it. */
const LOOKAHEAD_DAYS = 30;

function shift(day: string, days: number): string {
  return DateTime.fromISO(day, { zone: 'utc' }).plus({ days }).toISODate()!;
}

function parseLabels(value: unknown): string[] | undefined {
  if (typeof value !== 'string') {
    return undefined;
  }
  try {
    const parsed = JSON.parse(value);
    return Array.isArray(parsed) ? parsed.map(String) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The delivery metrics of the components an entity delivers, pooled (never an average of
 * per-component numbers), with the AI-assisted split and the previous period of equal length.
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
  const components = (
    await knex('entity_components')
      .select('component_ref')
      .where('entity_ref', entityRef)
  ).map(row => row.component_ref as string);
  const repositoryRows: Array<{ repository: string; component_ref: string }> =
    [];
  for (const chunk of chunked(components, 300)) {
    repositoryRows.push(
      ...(await knex('repository_components')
        .select('repository', 'component_ref')
        .whereIn('component_ref', chunk)),
    );
  }
  const repositories = [...new Set(repositoryRows.map(r => r.repository))];

  const readFrom = shift(previous.from, -LOOKBACK_DAYS);
  const pullRequests: DeliveryPullRequest[] = [];
  const deployments: DeliveryDeployment[] = [];
  const incidents: DeliveryIncident[] = [];
  const reposWithData = new Set<string>();
  for (const chunk of chunked(repositories, 200)) {
    for (const row of await knex('pull_requests')
      .select()
      .whereIn('repository', chunk)
      .whereBetween('merged_date', [readFrom, range.to])) {
      reposWithData.add(row.repository);
      pullRequests.push({
        repository: row.repository,
        number: toNumber(row.number),
        author: row.author,
        createdAt: row.created_at,
        firstCommitAt: row.first_commit_at ?? undefined,
        firstReviewAt: row.first_review_at ?? undefined,
        mergedAt: row.merged_at ?? undefined,
        mergeCommitSha: row.merge_commit_sha ?? undefined,
        aiAssisted: Boolean(row.ai_assisted),
        labels: parseLabels(row.labels),
        title: row.title ?? undefined,
      });
    }
    const deploymentRows = await knex('deployments')
      .select()
      .whereIn('repository', chunk)
      .whereBetween('finished_date', [
        readFrom,
        shift(range.to, LOOKAHEAD_DAYS),
      ]);
    const carried = new Map<string, number[]>();
    for (const link of await knex('deployment_pull_requests as l')
      .join('deployments as d', join =>
        join
          .on('d.repository', '=', 'l.repository')
          .andOn('d.id', '=', 'l.deployment_id'),
      )
      .whereIn('d.repository', chunk)
      .whereBetween('d.finished_date', [
        readFrom,
        shift(range.to, LOOKAHEAD_DAYS),
      ])
      .select('l.repository', 'l.deployment_id', 'l.pull_request_number')) {
      const key = `${link.repository}#${link.deployment_id}`;
      carried.set(key, [
        ...(carried.get(key) ?? []),
        toNumber(link.pull_request_number),
      ]);
    }
    for (const row of deploymentRows) {
      reposWithData.add(row.repository);
      deployments.push({
        repository: row.repository,
        id: row.id,
        environment: row.environment,
        production: Boolean(row.production),
        status: row.status,
        finishedAt: row.finished_at,
        pullRequests: carried.get(`${row.repository}#${row.id}`) ?? [],
      });
    }
    for (const row of await knex('incidents')
      .select()
      .whereIn('repository', chunk)
      .whereBetween('created_date', [readFrom, range.to])) {
      incidents.push({
        repository: row.repository,
        id: row.id,
        createdAt: row.created_at,
        resolvedAt: row.resolved_at ?? undefined,
        deploymentId: row.deployment_id ?? undefined,
      });
    }
  }

  const input = { pullRequests, deployments, incidents };
  const current = computeDeliveryMetrics({ ...input, ...range });
  const split = splitByAiAssistance({ ...input, ...range });
  const inRange = (at: string | undefined) => {
    const day = at?.slice(0, 10);
    return day !== undefined && day >= range.from && day <= range.to;
  };
  const componentsWithData = new Set(
    repositoryRows
      .filter(r => reposWithData.has(r.repository))
      .map(r => r.component_ref),
  ).size;

  return {
    entityRef,
    from: range.from,
    to: range.to,
    ...current,
    aiAssistedPullRequests: pullRequests.filter(
      pr => pr.aiAssisted && inRange(pr.mergedAt),
    ).length,
    split,
    previous: {
      ...computeDeliveryMetrics({ ...input, ...previous }),
      ...previous,
    },
    components: components.length,
    componentsWithData,
  };
}
