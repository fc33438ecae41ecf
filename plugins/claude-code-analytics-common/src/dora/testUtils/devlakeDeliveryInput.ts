import {
  DeliveryDeployment,
  DeliveryIncident,
  DeliveryInput,
  DeliveryPullRequest,
} from '../deliveryInput';
import { devlakeTime, readDevlakeTable } from './devlakeFixtures';

/** A DevLake deployment result as our status. */
export function devlakeStatus(result: string): 'success' | 'failure' {
  if (result !== 'SUCCESS' && result !== 'FAILURE') {
    throw new Error(`unexpected DevLake result ${result}`);
  }
  return result === 'SUCCESS' ? 'success' : 'failure';
}

/** Whether a row (of a kind of table, or any) belongs to a DevLake project, per its mapping table. */
export function devlakeProjectRows(
  table: string,
  project: string,
): (rowId: string, kind?: string) => boolean {
  const mapping = readDevlakeTable(table);
  return (rowId, kind) =>
    mapping.some(
      m =>
        m.project_name === project &&
        m.row_id === rowId &&
        (kind === undefined || m.table === kind),
    );
}

/** Our pull request number of a DevLake pull request id (`pr3`). */
export const devlakePullRequestNumber = (id: string) =>
  Number(id.replace(/^pr/, ''));

const earliest = (values: string[]) =>
  values
    .map(v => devlakeTime(v)!)
    .sort()
    .at(0);

/**
 * `change_lead_time`'s project1 as one repository: its pull requests with the first commit and the
 * first review by someone other than the author (as DevLake's getFirstCommit/getFirstReview pick
 * them), and its deployments, each carrying the pull requests whose merge commits lie between the
 * commit of its previous successful deployment (the fixture's prev_success_deployment_commit_id)
 * and its own. The fixtures know nothing of AI assistance: `aiAssisted` decides it per number.
 */
export function devlakeLeadTimeInput(
  repository: string,
  aiAssisted: (number: number) => boolean = () => false,
): Pick<DeliveryInput, 'pullRequests' | 'deployments'> {
  const inProject = devlakeProjectRows(
    'change_lead_time/project_mapping.csv',
    'project1',
  );
  const commits = readDevlakeTable('change_lead_time/pull_request_commits.csv');
  const comments = readDevlakeTable(
    'change_lead_time/pull_request_comments.csv',
  );
  const diffs = readDevlakeTable('change_lead_time/commits_diffs.csv');
  const deploymentRows = readDevlakeTable(
    'change_lead_time/cicd_deployment_commits.csv',
  ).filter(d => inProject(d.cicd_scope_id, 'cicd_scopes'));
  const pullRequests: DeliveryPullRequest[] = readDevlakeTable(
    'change_lead_time/pull_requests.csv',
  )
    .filter(pr => inProject(pr.base_repo_id, 'repos'))
    .map(pr => {
      const number = devlakePullRequestNumber(pr.id);
      return {
        repository,
        number,
        author: pr.author_id,
        createdAt: devlakeTime(pr.created_date)!,
        mergedAt: devlakeTime(pr.merged_date),
        mergeCommitSha: pr.merge_commit_sha,
        firstCommitAt: earliest(
          commits
            .filter(c => c.pull_request_id === pr.id)
            .map(c => c.commit_authored_date),
        ),
        firstReviewAt: earliest(
          comments
            .filter(
              c => c.pull_request_id === pr.id && c.account_id !== pr.author_id,
            )
            .map(c => c.created_date),
        ),
        aiAssisted: aiAssisted(number),
      };
    });
  const deployments: DeliveryDeployment[] = deploymentRows.map(d => {
    const base =
      deploymentRows.find(p => p.id === d.prev_success_deployment_commit_id)
        ?.commit_sha ?? '';
    const shas = diffs
      .filter(
        diff =>
          diff.new_commit_sha === d.commit_sha && diff.old_commit_sha === base,
      )
      .map(diff => diff.commit_sha);
    return {
      repository,
      id: d.id,
      environment: d.environment,
      status: devlakeStatus(d.result),
      finishedAt: devlakeTime(d.finished_date)!,
      pullRequests: pullRequests
        .filter(pr => shas.includes(pr.mergeCommitSha!))
        .map(pr => pr.number),
    };
  });
  return { pullRequests, deployments };
}

/**
 * `connect_incident_to_deployment`'s project1 as one repository: its deployments and incidents,
 * with the CI deployment (pipeline) each deployment commit belongs to, which DevLake names.
 */
export function devlakeIncidentInput(repository: string): Pick<
  DeliveryInput,
  'deployments' | 'incidents'
> & {
  pipelineOf: (deploymentId: string) => string;
} {
  const inProject = devlakeProjectRows(
    'connect_incident_to_deployment/raw_tables/project_mapping.csv',
    'project1',
  );
  const deploymentRows = readDevlakeTable(
    'connect_incident_to_deployment/prev_success_deployment_commit/cicd_deployment_commits_after.csv',
  ).filter(d => inProject(d.cicd_scope_id, 'cicd_scopes'));
  const deployments: DeliveryDeployment[] = deploymentRows.map(d => ({
    repository,
    id: d.id,
    environment: d.environment,
    status: devlakeStatus(d.result),
    finishedAt: devlakeTime(d.finished_date)!,
    pullRequests: [],
  }));
  const incidents: DeliveryIncident[] = readDevlakeTable(
    'connect_incident_to_deployment/raw_tables/incidents.csv',
  )
    .filter(i => inProject(i.scope_id, i.table))
    .map(i => ({
      repository,
      id: i.id,
      createdAt: devlakeTime(i.created_date)!,
    }));
  return {
    deployments,
    incidents,
    pipelineOf: id => deploymentRows.find(d => d.id === id)!.cicd_deployment_id,
  };
}

/**
 * The events of Apache DevLake's DORA fixtures (read in place) as one input of three repositories:
 * `change_lead_time`'s pull requests and deployments (`project1`; odd pull request numbers marked
 * AI-assisted so that both sides of the split have data), `connect_incident_to_deployment`'s
 * deployments and incidents (`incidents`), and `deployment_generator`'s finished deployments
 * (`generator`).
 */
export function devlakeDeliveryInput(): Omit<DeliveryInput, 'from' | 'to'> {
  const leadTime = devlakeLeadTimeInput('project1', n => n % 2 === 1);
  const incidents = devlakeIncidentInput('incidents');
  const generated: DeliveryDeployment[] = readDevlakeTable(
    'deployment_generator/cicd_deployment_commits.csv',
  )
    .filter(row => row.finished_date !== '')
    .map(d => ({
      repository: 'generator',
      id: d.id,
      environment: d.environment,
      status: devlakeStatus(d.result),
      finishedAt: d.finished_date,
      pullRequests: [],
    }));
  return {
    pullRequests: leadTime.pullRequests,
    deployments: [
      ...leadTime.deployments,
      ...incidents.deployments,
      ...generated,
    ],
    incidents: incidents.incidents,
  };
}
