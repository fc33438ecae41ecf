import { DeploymentFact } from '../../ingestion/types';
import { GithubApi } from './GithubApi';
import { SourceCursors } from './SourceCursors';
import { readPages } from './readPages';
import { parseInstant } from './parseInstant';

/** A deployment before the pull requests it carried are known. */
export type FoundDeployment = Omit<DeploymentFact, 'pullRequests'>;

/** What the store already holds of a deployment: unchanged ones are not read again. */
export type KnownDeployment = {
  environment: string;
  status: string;
  finishedAt: string;
};

/** How deployments are recognised (see GithubDeliverySourceOptions). */
export type DeploymentPatterns = {
  deploymentEnvironmentPattern: RegExp;
  workflowNamePattern: RegExp;
  productionPattern: RegExp;
  useDeploymentsApi: boolean;
  useWorkflowRuns: boolean;
};

const DEPLOYMENT_PREFIX = 'deployment-';
const RUN_PREFIX = 'run-';
const PAGE_SIZE = 100;
const TERMINAL_STATES: Record<string, 'success' | 'failure'> = {
  success: 'success',
  failure: 'failure',
  error: 'failure',
};
const RUN_CONCLUSIONS: Record<string, 'success' | 'failure'> = {
  success: 'success',
  failure: 'failure',
  timed_out: 'failure',
};
/** Environment name written for a production workflow run (runs name no environment). */
export const WORKFLOW_PRODUCTION_ENVIRONMENT = 'production';

type RestDeployment = {
  id?: number;
  sha?: string;
  environment?: string;
  created_at?: string;
};
type RestDeploymentStatus = { state?: string; created_at?: string };
type RestWorkflowRun = {
  id?: number;
  name?: string;
  path?: string;
  head_branch?: string;
  head_sha?: string;
  conclusion?: string | null;
  created_at?: string;
  updated_at?: string;
};

function isUnchanged(
  known: KnownDeployment | undefined,
  found: FoundDeployment,
): boolean {
  return (
    !!known &&
    known.environment === found.environment &&
    known.status === found.status &&
    parseInstant(known.finishedAt) === found.finishedAt
  );
}

/**
 * New and changed deployments of a repository since the horizon, from the Deployments API and/or
 * Actions workflow runs. Workflow runs are only read for repositories without Deployments API
 * deployments: a workflow that deploys to a GitHub environment creates both, and would count twice.
 * With `rescan` (the patterns changed since the last read) the lists are read back to the horizon,
 * unconditionally and past known deployments, since what was passed over before may match now.
 * Returns the cursor values (ETags) to store once the deployments are written.
 */
export async function readDeployments(
  api: GithubApi,
  repository: { owner: string; name: string; slug: string },
  options: DeploymentPatterns & {
    horizon: string;
    defaultBranch?: string;
    known: Map<string, KnownDeployment>;
    cursors: SourceCursors;
    rescan: boolean;
  },
): Promise<{
  deployments: FoundDeployment[];
  skippedReasons: string[];
  cursorUpdates: Array<[string, string | undefined]>;
}> {
  const deployments: FoundDeployment[] = [];
  const skippedReasons: string[] = [];
  const cursorUpdates: Array<[string, string | undefined]> = [];
  const path = { owner: repository.owner, repo: repository.name };

  let usesDeploymentsApi = [...options.known.keys()].some(id =>
    id.startsWith(DEPLOYMENT_PREFIX),
  );
  if (options.useDeploymentsApi) {
    const candidates: RestDeployment[] = [];
    const read = await readPages<RestDeployment>(
      api,
      'GET /repos/{owner}/{repo}/deployments',
      { ...path, per_page: PAGE_SIZE },
      {
        cursors: options.cursors,
        etagName: 'etag:deployments',
        conditional: !options.rescan,
        items: data => (Array.isArray(data) ? data : []),
        onPage: page => {
          let reachedKnown = false;
          let reachedHorizon = false;
          for (const d of page) {
            const createdAt = parseInstant(d?.created_at);
            if (createdAt && createdAt < options.horizon) {
              reachedHorizon = true;
              continue;
            }
            // A production environment is read whatever the deployment environment pattern says.
            if (
              typeof d?.environment === 'string' &&
              (options.deploymentEnvironmentPattern.test(d.environment) ||
                options.productionPattern.test(d.environment))
            ) {
              usesDeploymentsApi = true;
              if (options.known.has(`${DEPLOYMENT_PREFIX}${d.id}`)) {
                reachedKnown = true;
              } else {
                candidates.push(d);
              }
            }
          }
          // Newest first: past a known deployment or the horizon there is nothing new.
          return !reachedHorizon && (!reachedKnown || options.rescan);
        },
      },
    );
    let pending = false;
    for (const d of candidates) {
      if (!Number.isInteger(d.id) || !d.sha || !d.created_at) {
        skippedReasons.push(
          `${repository.slug}: deployment ${d.id ?? '?'} has no id or sha`,
        );
        continue;
      }
      const statuses = await api.get<RestDeploymentStatus[]>(
        'GET /repos/{owner}/{repo}/deployments/{deployment_id}/statuses',
        { ...path, deployment_id: d.id, per_page: PAGE_SIZE },
      );
      // Newest first; a later `inactive` only means a newer deployment replaced this one.
      const terminal = (statuses.data ?? []).find(
        s => s?.state && s.state in TERMINAL_STATES,
      );
      const finishedAt = parseInstant(terminal?.created_at);
      if (!terminal || !finishedAt) {
        pending = true;
        continue;
      }
      deployments.push({
        repository: repository.slug,
        id: `${DEPLOYMENT_PREFIX}${d.id}`,
        environment: d.environment!,
        status: TERMINAL_STATES[terminal.state!],
        finishedAt,
        sha: d.sha,
      });
    }
    if (!read.notModified) {
      // A deployment still running must be looked at again: no 304 for this list next time.
      cursorUpdates.push(['etag:deployments', pending ? undefined : read.etag]);
    }
  }

  if (options.useWorkflowRuns && !usesDeploymentsApi && options.defaultBranch) {
    const read = await readPages<RestWorkflowRun>(
      api,
      'GET /repos/{owner}/{repo}/actions/runs',
      {
        ...path,
        branch: options.defaultBranch,
        status: 'completed',
        exclude_pull_requests: true,
        per_page: PAGE_SIZE,
      },
      {
        cursors: options.cursors,
        etagName: 'etag:workflow-runs',
        conditional: !options.rescan,
        items: data =>
          Array.isArray(data?.workflow_runs) ? data.workflow_runs : [],
        onPage: page => {
          let reachedKnown = false;
          let reachedHorizon = false;
          for (const run of page) {
            const createdAt = parseInstant(run?.created_at);
            if (createdAt && createdAt < options.horizon) {
              reachedHorizon = true;
              continue;
            }
            if (
              !createdAt ||
              typeof run.name !== 'string' ||
              !options.workflowNamePattern.test(run.name)
            ) {
              continue;
            }
            const status = RUN_CONCLUSIONS[run.conclusion ?? ''];
            if (!status) {
              continue;
            }
            const finishedAt = parseInstant(run.updated_at);
            if (!Number.isInteger(run.id) || !finishedAt || !run.head_sha) {
              skippedReasons.push(
                `${repository.slug}: workflow run ${
                  run.id ?? '?'
                } has no id, updated_at or head_sha`,
              );
              continue;
            }
            const production = [run.name, run.head_branch, run.path].some(
              text =>
                typeof text === 'string' &&
                options.productionPattern.test(text),
            );
            const found: FoundDeployment = {
              repository: repository.slug,
              id: `${RUN_PREFIX}${run.id}`,
              environment: production
                ? WORKFLOW_PRODUCTION_ENVIRONMENT
                : run.name,
              status,
              finishedAt,
              sha: run.head_sha,
            };
            if (isUnchanged(options.known.get(found.id), found)) {
              reachedKnown = true;
            } else {
              deployments.push(found);
            }
          }
          return !reachedHorizon && (!reachedKnown || options.rescan);
        },
      },
    );
    if (!read.notModified) {
      cursorUpdates.push(['etag:workflow-runs', read.etag]);
    }
  }
  return { deployments, skippedReasons, cursorUpdates };
}
