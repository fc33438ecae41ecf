import {
  DeliveryDeployment,
  DeliveryIncident,
  DeliveryInput,
  DeliveryPullRequest,
} from '../../deliveryInput';
import { devlakeTime, readDevlakeTable } from '../../testUtils/devlakeFixtures';

function status(result: string): 'success' | 'failure' {
  if (result !== 'SUCCESS' && result !== 'FAILURE') {
    throw new Error(`unexpected DevLake result ${result}`);
  }
  return result === 'SUCCESS' ? 'success' : 'failure';
}

function inProject(table: string): (rowId: string, kind: string) => boolean {
  const mapping = readDevlakeTable(table);
  return (rowId, kind) =>
    mapping.some(
      m =>
        m.project_name === 'project1' && m.row_id === rowId && m.table === kind,
    );
}

const earliest = (values: string[]) =>
  values
    .map(v => devlakeTime(v)!)
    .sort()
    .at(0);

/**
 * The events of Apache DevLake's DORA fixtures (read in place, mapped as in
 * `devlakeConformance.test.ts`) as one input of three repositories: `change_lead_time`'s pull
 * requests and deployments, `connect_incident_to_deployment`'s deployments and incidents, and
 * `deployment_generator`'s finished deployments. The fixtures know nothing of AI assistance: odd
 * pull request numbers are marked AI-assisted so that both sides of the split have data.
 */
export function devlakeDeliveryInput(): Omit<DeliveryInput, 'from' | 'to'> {
  const leadTimeProject = inProject('change_lead_time/project_mapping.csv');
  const commits = readDevlakeTable('change_lead_time/pull_request_commits.csv');
  const comments = readDevlakeTable(
    'change_lead_time/pull_request_comments.csv',
  );
  const diffs = readDevlakeTable('change_lead_time/commits_diffs.csv');
  const leadTimeDeployments = readDevlakeTable(
    'change_lead_time/cicd_deployment_commits.csv',
  ).filter(d => leadTimeProject(d.cicd_scope_id, 'cicd_scopes'));
  const pullRequests: DeliveryPullRequest[] = readDevlakeTable(
    'change_lead_time/pull_requests.csv',
  )
    .filter(pr => leadTimeProject(pr.base_repo_id, 'repos'))
    .map(pr => {
      const number = Number(pr.id.replace(/^pr/, ''));
      return {
        repository: 'project1',
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
        aiAssisted: number % 2 === 1,
      };
    });
  const deployments: DeliveryDeployment[] = leadTimeDeployments.map(d => {
    const base =
      leadTimeDeployments.find(
        p => p.id === d.prev_success_deployment_commit_id,
      )?.commit_sha ?? '';
    const shas = diffs
      .filter(
        diff =>
          diff.new_commit_sha === d.commit_sha && diff.old_commit_sha === base,
      )
      .map(diff => diff.commit_sha);
    return {
      repository: 'project1',
      id: d.id,
      environment: d.environment,
      status: status(d.result),
      finishedAt: devlakeTime(d.finished_date)!,
      pullRequests: pullRequests
        .filter(pr => shas.includes(pr.mergeCommitSha!))
        .map(pr => pr.number),
    };
  });

  const incidentProject = inProject(
    'connect_incident_to_deployment/raw_tables/project_mapping.csv',
  );
  for (const d of readDevlakeTable(
    'connect_incident_to_deployment/prev_success_deployment_commit/cicd_deployment_commits_after.csv',
  ).filter(row => incidentProject(row.cicd_scope_id, 'cicd_scopes'))) {
    deployments.push({
      repository: 'incidents',
      id: d.id,
      environment: d.environment,
      status: status(d.result),
      finishedAt: devlakeTime(d.finished_date)!,
      pullRequests: [],
    });
  }
  const incidents: DeliveryIncident[] = readDevlakeTable(
    'connect_incident_to_deployment/raw_tables/incidents.csv',
  )
    .filter(i => incidentProject(i.scope_id, i.table))
    .map(i => ({
      repository: 'incidents',
      id: i.id,
      createdAt: devlakeTime(i.created_date)!,
    }));

  for (const d of readDevlakeTable(
    'deployment_generator/cicd_deployment_commits.csv',
  ).filter(row => row.finished_date !== '')) {
    deployments.push({
      repository: 'generator',
      id: d.id,
      environment: d.environment,
      status: status(d.result),
      finishedAt: d.finished_date,
      pullRequests: [],
    });
  }
  return { pullRequests, deployments, incidents };
}
