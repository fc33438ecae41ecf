import {
  DEFAULT_PRODUCTION_ENVIRONMENT,
  isProductionDeployment,
} from 'backstage-plugin-claude-code-analytics-common';
import { DateTime } from 'luxon';
import { Knex } from 'knex';
import {
  enqueueAuthoredMerges,
  enqueueDeliveryRepositories,
} from '../rollups/DeliveryRollups';
import { ATTRIBUTION_WINDOW_DAYS } from '../rollups/RollupEngine';
import { enqueueUserDays } from '../rollups/rollupQueue';
import { chunked } from '../store/chunked';
import { normalizeIdentity, normalizeRepository } from './normalizeIdentity';
import { DeploymentFact, IncidentFact, PullRequestFact } from './types';

/**
 * A deployment to write. `production` says whether it went to production when the record itself
 * says so (an imported record's flag); otherwise the repository's production pattern decides.
 */
export type DeploymentToWrite = DeploymentFact & { production?: boolean };

/** How a production pattern is stored in `repositories.production_pattern`: `/source/flags`. */
function storedPattern(pattern: RegExp): string {
  return String(pattern);
}

function parseStoredPattern(text: unknown): RegExp | undefined {
  if (typeof text !== 'string') {
    return undefined;
  }
  const end = text.lastIndexOf('/');
  try {
    return end > 0
      ? new RegExp(text.slice(1, end), text.slice(end + 1))
      : undefined;
  } catch {
    return undefined;
  }
}

/** The production pattern stored for each of the repositories (those without one are left out). */
async function storedPatterns(
  tx: Knex.Transaction,
  repositories: string[],
): Promise<Map<string, RegExp>> {
  const patterns = new Map<string, RegExp>();
  for (const chunk of chunked(repositories, 300)) {
    for (const row of await tx('repositories')
      .select('repository', 'production_pattern')
      .whereIn('repository', chunk)
      .whereNotNull('production_pattern')) {
      const pattern = parseStoredPattern(row.production_pattern);
      if (pattern) {
        patterns.set(row.repository, pattern);
      }
    }
  }
  return patterns;
}

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
 * repository + id) make writing the same record again a no-op. Whether a deployment went to
 * production is decided here, once, and stored: by the record's own `production` flag, else by
 * `options.productionEnvironment`, else by the pattern stored for its repository (see
 * {@link applyProductionPattern}), else by {@link DEFAULT_PRODUCTION_ENVIRONMENT}. Incidents are
 * (re)linked to the latest successful production deployment of their repository that finished
 * before them, whatever order the records arrive in. Merged pull requests weigh the estimated
 * attribution of their author's usage around the merge, so those user-days are queued for
 * recomputation. The repositories written are queued for their delivery rollups, and the people
 * entities of the authors of merged pull requests for their counts, on the merge days.
 */
export async function writeDeliveryFacts(
  knex: Knex,
  source: string,
  facts: {
    pullRequests?: PullRequestFact[];
    deployments?: DeploymentToWrite[];
    incidents?: IncidentFact[];
  },
  options: { productionEnvironment?: RegExp } = {},
): Promise<number> {
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
    // The merges these rows replace: a changed merge day or author changes two days' counts.
    const replacedMerges: Array<{ identity: string; date: string }> = [];
    for (const chunk of chunked(prRows, 250)) {
      for (const row of await tx('pull_requests')
        .select('author', 'merged_date')
        .whereIn(
          ['repository', 'number'],
          chunk.map(r => [r.repository, r.number]),
        )
        .whereNotNull('merged_date')) {
        replacedMerges.push({ identity: row.author, date: row.merged_date });
      }
    }
    for (const chunk of chunked(prRows, 300)) {
      await tx('pull_requests')
        .insert(chunk)
        .onConflict(['repository', 'number'])
        .merge();
    }

    const patterns = options.productionEnvironment
      ? new Map<string, RegExp>()
      : await storedPatterns(tx, [
          ...new Set(deployments.map(d => normalizeRepository(d.repository))),
        ]);
    const deploymentRows = deployments.map(d => {
      const repository = normalizeRepository(d.repository);
      repositories.add(repository);
      return {
        repository,
        id: d.id,
        environment: d.environment,
        production:
          d.production ??
          isProductionDeployment(
            { environment: d.environment },
            options.productionEnvironment ??
              patterns.get(repository) ??
              DEFAULT_PRODUCTION_ENVIRONMENT,
          ),
        production_declared: d.production !== undefined,
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
      await linkIncidents(tx, [...repositories]);
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
    // Delivery rollups: the repositories' summaries, and the authors' counts of merged PRs.
    await enqueueDeliveryRepositories(tx, repositories);
    await enqueueAuthoredMerges(tx, [
      ...replacedMerges,
      ...prRows.flatMap(row =>
        row.merged_date
          ? [{ identity: row.author, date: row.merged_date }]
          : [],
      ),
    ]);

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

/**
 * Stores the production pattern of a repository (the GitHub source's, for the repository's
 * component) for the deployments written later without a pattern of their own, such as imported
 * ones. When it differs from the stored one, the repository's deployments are decided again with
 * it (except those whose record declared `production` itself) and its incidents relinked, so a
 * changed annotation applies to the whole history, not only to what is read next.
 *
 * @returns how many deployments changed their decision.
 */
export async function applyProductionPattern(
  knex: Knex,
  repository: string,
  pattern: RegExp,
): Promise<number> {
  const slug = normalizeRepository(repository);
  const text = storedPattern(pattern);
  return knex.transaction(async tx => {
    const row = await tx('repositories')
      .select('production_pattern')
      .where({ repository: slug })
      .first();
    if (row?.production_pattern === text) {
      return 0;
    }
    await tx('repositories')
      .insert({
        repository: slug,
        production_pattern: text,
        updated_at: new Date(),
      })
      .onConflict('repository')
      .merge(['production_pattern']);
    const changed = { true: [] as string[], false: [] as string[] };
    for (const d of await tx('deployments')
      .select('id', 'environment', 'production')
      .where({ repository: slug, production_declared: false })) {
      const production = isProductionDeployment(
        { environment: d.environment },
        pattern,
      );
      if (production !== Boolean(d.production)) {
        changed[`${production}`].push(d.id);
      }
    }
    for (const production of [true, false]) {
      for (const ids of chunked(changed[`${production}`], 300)) {
        await tx('deployments')
          .where({ repository: slug })
          .whereIn('id', ids)
          .update({ production });
      }
    }
    const count = changed.true.length + changed.false.length;
    if (count > 0) {
      await linkIncidents(tx, [slug]);
      await enqueueDeliveryRepositories(tx, [slug]);
    }
    return count;
  });
}

/** Links every incident of the repositories to the production deployment decided for it. */
async function linkIncidents(tx: Knex.Transaction, repositories: string[]) {
  for (const repository of repositories) {
    const successes = await tx('deployments')
      .select('id', 'finished_at')
      .where({ repository, status: 'success', production: true })
      .orderBy('finished_at');
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
