import { DateTime } from 'luxon';
import { Knex } from 'knex';
import { ATTRIBUTION_WINDOW_DAYS } from '../rollups/RollupEngine';
import { enqueueUserDays } from '../rollups/rollupQueue';
import { chunked } from '../store/chunked';
import { normalizeIdentity, normalizeRepository } from './normalizeIdentity';
import { DeploymentFact, IncidentFact, PullRequestFact } from './types';

/** Environments that count as production unless configured otherwise. */
export const DEFAULT_PRODUCTION_ENVIRONMENT = /prod/i;

function utcDay(timestamp: string): string {
  return DateTime.fromISO(timestamp, { zone: 'utc' }).toISODate()!;
}

function utcInstant(timestamp: string): string {
  return DateTime.fromISO(timestamp, { zone: 'utc' }).toISO()!;
}

function optionalInstant(timestamp: string | undefined): string | null {
  return timestamp ? utcInstant(timestamp) : null;
}

/**
 * Writes pull requests, deployments and incidents of one source. Natural keys (repository + number,
 * repository + id) make writing the same record again a no-op. Incidents are (re)linked to the
 * latest successful production deployment of their repository that finished before them, whatever
 * order the records arrive in. Merged pull requests weigh the estimated attribution of their
 * author's usage around the merge, so those user-days are queued for recomputation.
 */
export async function writeDeliveryFacts(
  knex: Knex,
  source: string,
  facts: {
    pullRequests?: PullRequestFact[];
    deployments?: DeploymentFact[];
    incidents?: IncidentFact[];
  },
  options: { productionEnvironment?: RegExp } = {},
): Promise<number> {
  const production = options.productionEnvironment ?? DEFAULT_PRODUCTION_ENVIRONMENT;
  const pullRequests = facts.pullRequests ?? [];
  const deployments = facts.deployments ?? [];
  const incidents = facts.incidents ?? [];
  const now = new Date();
  const repositories = new Set<string>();

  await knex.transaction(async tx => {
    const prRows = pullRequests.map(pr => {
      const repository = normalizeRepository(pr.repository);
      repositories.add(repository);
      return {
        repository,
        number: pr.number,
        author: normalizeIdentity(pr.author),
        created_at: utcInstant(pr.createdAt),
        first_commit_at: optionalInstant(pr.firstCommitAt),
        first_review_at: optionalInstant(pr.firstReviewAt),
        merged_at: optionalInstant(pr.mergedAt),
        merged_date: pr.mergedAt ? utcDay(pr.mergedAt) : null,
        merge_commit_sha: pr.mergeCommitSha ?? null,
        ai_assisted: pr.aiAssisted,
        additions: pr.additions ?? null,
        deletions: pr.deletions ?? null,
        labels: pr.labels ? JSON.stringify(pr.labels) : null,
        title: pr.title ?? null,
        source,
      };
    });
    for (const chunk of chunked(prRows, 300)) {
      await tx('pull_requests')
        .insert(chunk)
        .onConflict(['repository', 'number'])
        .merge();
    }

    const deploymentRows = deployments.map(d => {
      const repository = normalizeRepository(d.repository);
      repositories.add(repository);
      return {
        repository,
        id: d.id,
        environment: d.environment,
        status: d.status,
        finished_at: utcInstant(d.finishedAt),
        finished_date: utcDay(d.finishedAt),
        sha: d.sha ?? null,
        source,
      };
    });
    for (const chunk of chunked(deploymentRows, 300)) {
      await tx('deployments')
        .insert(chunk)
        .onConflict(['repository', 'id'])
        .merge();
    }
    for (const d of deployments) {
      const repository = normalizeRepository(d.repository);
      await tx('deployment_pull_requests')
        .where({ repository, deployment_id: d.id })
        .delete();
      for (const chunk of chunked([...new Set(d.pullRequests)], 300)) {
        await tx('deployment_pull_requests').insert(
          chunk.map(number => ({
            repository,
            deployment_id: d.id,
            pull_request_number: number,
          })),
        );
      }
    }

    const incidentRows = incidents.map(i => {
      const repository = normalizeRepository(i.repository);
      repositories.add(repository);
      return {
        repository,
        id: i.id,
        created_at: utcInstant(i.createdAt),
        created_date: utcDay(i.createdAt),
        resolved_at: optionalInstant(i.resolvedAt),
        deployment_id: null,
        source,
      };
    });
    for (const chunk of chunked(incidentRows, 300)) {
      await tx('incidents')
        .insert(chunk)
        .onConflict(['repository', 'id'])
        .merge([
          'created_at',
          'created_date',
          'resolved_at',
          'source',
        ]);
    }

    for (const repository of repositories) {
      await tx('repositories')
        .insert({ repository, updated_at: now })
        .onConflict('repository')
        .merge(['updated_at']);
    }
    if (deployments.length > 0 || incidents.length > 0) {
      await linkIncidents(tx, [...repositories], production);
    }

    const authors = [...new Set(prRows.filter(r => r.merged_date).map(r => r.author))];
    const userOf = new Map<string, string>();
    for (const chunk of chunked(authors, 300)) {
      for (const row of await tx('user_identities')
        .select('identity', 'user_ref')
        .whereIn('identity', chunk)) {
        userOf.set(row.identity, row.user_ref);
      }
    }
    const userDays: Array<{ ref: string; date: string }> = [];
    for (const row of prRows) {
      const user = userOf.get(row.author);
      if (!user || !row.merged_date) {
        continue;
      }
      const merged = DateTime.fromISO(row.merged_date, { zone: 'utc' });
      for (let d = -ATTRIBUTION_WINDOW_DAYS; d <= ATTRIBUTION_WINDOW_DAYS; d++) {
        userDays.push({ ref: user, date: merged.plus({ days: d }).toISODate()! });
      }
    }
    await enqueueUserDays(tx, userDays);

    const written = prRows.length + deploymentRows.length + incidentRows.length;
    await tx('source_status')
      .insert({ source, last_received_at: now, rows: written })
      .onConflict('source')
      .merge({
        last_received_at: now,
        rows: tx.raw('?? + ?', ['source_status.rows', written]),
      });
  });
  return pullRequests.length + deployments.length + incidents.length;
}

async function linkIncidents(
  tx: Knex.Transaction,
  repositories: string[],
  production: RegExp,
) {
  for (const repository of repositories) {
    const successes = (
      await tx('deployments')
        .select('id', 'environment', 'finished_at')
        .where({ repository, status: 'success' })
        .orderBy('finished_at')
    ).filter(d => production.test(d.environment));
    const incidents = await tx('incidents')
      .select('id', 'created_at', 'deployment_id')
      .where({ repository });
    for (const incident of incidents) {
      let linked: string | null = null;
      for (const deployment of successes) {
        if (deployment.finished_at < incident.created_at) {
          linked = deployment.id;
        } else {
          break;
        }
      }
      if (linked !== incident.deployment_id) {
        await tx('incidents')
          .where({ repository, id: incident.id })
          .update({ deployment_id: linked });
      }
    }
  }
}
