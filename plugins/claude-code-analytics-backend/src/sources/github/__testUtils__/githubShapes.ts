import { restUser } from './FakeGithub';

const API = 'https://api.github.com';

/** A pull request node as GitHub's GraphQL API returns it for the source's query. */
export function graphqlPullRequest(pr: {
  number: number;
  author?: string | null;
  createdAt: string;
  updatedAt?: string;
  mergedAt?: string;
  mergeSha?: string;
  title?: string;
  body?: string;
  labels?: string[];
  commits?: Array<{ message: string; authoredDate: string }>;
  reviews?: Array<{
    login: string;
    submittedAt: string;
    bot?: boolean;
    state?: string;
  }>;
  comments?: Array<{ login: string; createdAt: string; bot?: boolean }>;
}) {
  const actor = (login: string, bot?: boolean) =>
    bot ? { __typename: 'Bot', login } : { __typename: 'User', login };
  return {
    number: pr.number,
    title: pr.title ?? `Change ${pr.number}`,
    body: pr.body ?? '',
    createdAt: pr.createdAt,
    updatedAt: pr.updatedAt ?? pr.mergedAt ?? pr.createdAt,
    mergedAt: pr.mergedAt ?? null,
    additions: 10 * pr.number,
    deletions: pr.number,
    author: pr.author === null ? null : actor(pr.author ?? 'ada'),
    mergeCommit: pr.mergeSha ? { oid: pr.mergeSha } : null,
    labels: { nodes: (pr.labels ?? []).map(name => ({ name })) },
    commits: {
      nodes: (
        pr.commits ?? [
          { message: `Work on ${pr.number}`, authoredDate: pr.createdAt },
        ]
      ).map((c, i) => ({
        commit: {
          oid: `${pr.number.toString(16).padStart(8, '0')}${i
            .toString(16)
            .padStart(32, '0')}`,
          message: c.message,
          authoredDate: c.authoredDate,
          committedDate: c.authoredDate,
        },
      })),
    },
    reviews: {
      nodes: (pr.reviews ?? []).map(r => ({
        author: actor(r.login, r.bot),
        state: r.state ?? 'APPROVED',
        submittedAt: r.submittedAt,
        createdAt: r.submittedAt,
      })),
    },
    comments: {
      nodes: (pr.comments ?? []).map(c => ({
        author: actor(c.login, c.bot),
        createdAt: c.createdAt,
      })),
    },
  };
}

/** A deployment as `GET /repos/{owner}/{repo}/deployments` lists it. */
export function restDeployment(
  slug: string,
  d: { id: number; sha: string; environment: string; createdAt: string },
) {
  return {
    url: `${API}/repos/${slug}/deployments/${d.id}`,
    id: d.id,
    node_id: `DE_kwDOB${d.id}`,
    task: 'deploy',
    original_environment: d.environment,
    environment: d.environment,
    description: null,
    created_at: d.createdAt,
    updated_at: d.createdAt,
    statuses_url: `${API}/repos/${slug}/deployments/${d.id}/statuses`,
    repository_url: `${API}/repos/${slug}`,
    creator: restUser('github-actions[bot]'),
    sha: d.sha,
    ref: 'main',
    payload: {},
    transient_environment: false,
    production_environment: /prod/i.test(d.environment),
    performed_via_github_app: null,
  };
}

/** A deployment status as `GET .../deployments/{id}/statuses` lists it. */
export function restDeploymentStatus(
  slug: string,
  s: {
    id: number;
    deploymentId: number;
    state: string;
    createdAt: string;
    environment?: string;
  },
) {
  return {
    url: `${API}/repos/${slug}/deployments/${s.deploymentId}/statuses/${s.id}`,
    id: s.id,
    node_id: `DES_kwDOB${s.id}`,
    state: s.state,
    creator: restUser('github-actions[bot]'),
    description: '',
    environment: s.environment ?? 'production',
    target_url: `https://github.com/${slug}/actions/runs/${s.id}`,
    created_at: s.createdAt,
    updated_at: s.createdAt,
    deployment_url: `${API}/repos/${slug}/deployments/${s.deploymentId}`,
    repository_url: `${API}/repos/${slug}`,
    environment_url: '',
    log_url: `https://github.com/${slug}/actions/runs/${s.id}`,
    performed_via_github_app: null,
  };
}

/** A workflow run as `GET /repos/{owner}/{repo}/actions/runs` lists it. */
export function restWorkflowRun(
  slug: string,
  r: {
    id: number;
    name: string;
    sha: string;
    conclusion: string | null;
    createdAt: string;
    updatedAt: string;
    branch?: string;
  },
) {
  return {
    id: r.id,
    name: r.name,
    node_id: `WFR_kwLOB${r.id}`,
    head_branch: r.branch ?? 'main',
    head_sha: r.sha,
    path: `.github/workflows/${r.name.toLowerCase().replace(/\W+/g, '-')}.yml`,
    display_title: `Merge pull request from ada/change`,
    run_number: r.id % 1000,
    event: 'push',
    status: r.conclusion ? 'completed' : 'in_progress',
    conclusion: r.conclusion,
    workflow_id: 161335,
    check_suite_id: r.id * 2,
    check_suite_node_id: `CS_kwDOB${r.id}`,
    url: `${API}/repos/${slug}/actions/runs/${r.id}`,
    html_url: `https://github.com/${slug}/actions/runs/${r.id}`,
    pull_requests: [],
    created_at: r.createdAt,
    updated_at: r.updatedAt,
    actor: restUser('ada'),
    run_attempt: 1,
    referenced_workflows: [],
    run_started_at: r.createdAt,
    triggering_actor: restUser('ada'),
    jobs_url: `${API}/repos/${slug}/actions/runs/${r.id}/jobs`,
    logs_url: `${API}/repos/${slug}/actions/runs/${r.id}/logs`,
    check_suite_url: `${API}/repos/${slug}/check-suites/${r.id * 2}`,
    artifacts_url: `${API}/repos/${slug}/actions/runs/${r.id}/artifacts`,
    cancel_url: `${API}/repos/${slug}/actions/runs/${r.id}/cancel`,
    rerun_url: `${API}/repos/${slug}/actions/runs/${r.id}/rerun`,
    previous_attempt_url: null,
    workflow_url: `${API}/repos/${slug}/actions/workflows/161335`,
    head_commit: {
      id: r.sha,
      tree_id: r.sha.split('').reverse().join(''),
      message: 'Merge pull request',
      timestamp: r.createdAt,
      author: { name: 'Ada', email: 'ada@acme.example' },
      committer: { name: 'GitHub', email: 'noreply@github.com' },
    },
  };
}

/** An issue (or, with `pullRequest`, a pull request) as `GET /repos/{owner}/{repo}/issues` lists it. */
export function restIssue(
  slug: string,
  i: {
    number: number;
    labels: string[];
    createdAt: string;
    closedAt?: string;
    updatedAt?: string;
    pullRequest?: boolean;
  },
) {
  return {
    url: `${API}/repos/${slug}/issues/${i.number}`,
    repository_url: `${API}/repos/${slug}`,
    labels_url: `${API}/repos/${slug}/issues/${i.number}/labels{/name}`,
    comments_url: `${API}/repos/${slug}/issues/${i.number}/comments`,
    events_url: `${API}/repos/${slug}/issues/${i.number}/events`,
    html_url: `https://github.com/${slug}/issues/${i.number}`,
    id: 9000000 + i.number,
    node_id: `I_kwDOB${i.number}`,
    number: i.number,
    title: `Outage ${i.number}`,
    user: restUser('oncall'),
    labels: i.labels.map((name, n) => ({
      id: 100 + n,
      node_id: `LA_kwDOB${n}`,
      url: `${API}/repos/${slug}/labels/${name}`,
      name,
      color: 'd73a4a',
      default: false,
      description: null,
    })),
    state: i.closedAt ? 'closed' : 'open',
    locked: false,
    assignee: null,
    assignees: [],
    milestone: null,
    comments: 0,
    created_at: i.createdAt,
    updated_at: i.updatedAt ?? i.closedAt ?? i.createdAt,
    closed_at: i.closedAt ?? null,
    author_association: 'MEMBER',
    active_lock_reason: null,
    ...(i.pullRequest
      ? {
          draft: false,
          pull_request: {
            url: `${API}/repos/${slug}/pulls/${i.number}`,
            html_url: `https://github.com/${slug}/pull/${i.number}`,
            diff_url: `https://github.com/${slug}/pull/${i.number}.diff`,
            patch_url: `https://github.com/${slug}/pull/${i.number}.patch`,
            merged_at: null,
          },
        }
      : {}),
    body: 'Checkout is down',
    closed_by: i.closedAt ? restUser('oncall') : null,
    reactions: { url: '', total_count: 0 },
    timeline_url: `${API}/repos/${slug}/issues/${i.number}/timeline`,
    performed_via_github_app: null,
    state_reason: i.closedAt ? 'completed' : null,
  };
}

/**
 * A repository as `GET /orgs/{org}/repos`, `GET /users/{username}/repos` and
 * `GET /installation/repositories` list it (the "minimal repository" shape).
 */
export function restRepository(
  owner: { login: string; type: 'Organization' | 'User' },
  r: {
    id: number;
    name: string;
    private?: boolean;
    archived?: boolean;
    fork?: boolean;
    disabled?: boolean;
    pushedAt?: string;
  },
) {
  const slug = `${owner.login}/${r.name}`;
  const repo = `${API}/repos/${slug}`;
  const pushedAt = r.pushedAt ?? '2026-03-01T10:00:00Z';
  return {
    id: r.id,
    node_id: `R_kgDOH${r.id}`,
    name: r.name,
    full_name: slug,
    private: r.private ?? false,
    owner: { ...restUser(owner.login), type: owner.type },
    html_url: `https://github.com/${slug}`,
    description: r.fork ? `Fork of upstream/${r.name}` : null,
    fork: r.fork ?? false,
    url: repo,
    forks_url: `${repo}/forks`,
    keys_url: `${repo}/keys{/key_id}`,
    collaborators_url: `${repo}/collaborators{/collaborator}`,
    teams_url: `${repo}/teams`,
    hooks_url: `${repo}/hooks`,
    issue_events_url: `${repo}/issues/events{/number}`,
    events_url: `${repo}/events`,
    assignees_url: `${repo}/assignees{/user}`,
    branches_url: `${repo}/branches{/branch}`,
    tags_url: `${repo}/tags`,
    blobs_url: `${repo}/git/blobs{/sha}`,
    git_tags_url: `${repo}/git/tags{/sha}`,
    git_refs_url: `${repo}/git/refs{/sha}`,
    trees_url: `${repo}/git/trees{/sha}`,
    statuses_url: `${repo}/statuses/{sha}`,
    languages_url: `${repo}/languages`,
    stargazers_url: `${repo}/stargazers`,
    contributors_url: `${repo}/contributors`,
    subscribers_url: `${repo}/subscribers`,
    subscription_url: `${repo}/subscription`,
    commits_url: `${repo}/commits{/sha}`,
    git_commits_url: `${repo}/git/commits{/sha}`,
    comments_url: `${repo}/comments{/number}`,
    issue_comment_url: `${repo}/issues/comments{/number}`,
    contents_url: `${repo}/contents/{+path}`,
    compare_url: `${repo}/compare/{base}...{head}`,
    merges_url: `${repo}/merges`,
    archive_url: `${repo}/{archive_format}{/ref}`,
    downloads_url: `${repo}/downloads`,
    issues_url: `${repo}/issues{/number}`,
    pulls_url: `${repo}/pulls{/number}`,
    milestones_url: `${repo}/milestones{/number}`,
    notifications_url: `${repo}/notifications{?since,all,participating}`,
    labels_url: `${repo}/labels{/name}`,
    releases_url: `${repo}/releases{/id}`,
    deployments_url: `${repo}/deployments`,
    created_at: '2024-05-02T09:12:44Z',
    updated_at: pushedAt,
    pushed_at: pushedAt,
    git_url: `git://github.com/${slug}.git`,
    ssh_url: `git@github.com:${slug}.git`,
    clone_url: `https://github.com/${slug}.git`,
    svn_url: `https://github.com/${slug}`,
    homepage: null,
    size: 1024 + r.id,
    stargazers_count: 3,
    watchers_count: 3,
    language: 'TypeScript',
    has_issues: true,
    has_projects: false,
    has_downloads: true,
    has_wiki: false,
    has_pages: false,
    has_discussions: false,
    forks_count: 0,
    mirror_url: null,
    archived: r.archived ?? false,
    disabled: r.disabled ?? false,
    open_issues_count: 2,
    license: null,
    allow_forking: true,
    is_template: false,
    web_commit_signoff_required: false,
    topics: [],
    visibility: r.private ? 'private' : 'public',
    forks: 0,
    open_issues: 2,
    watchers: 3,
    default_branch: 'main',
    permissions: {
      admin: false,
      maintain: false,
      push: false,
      triage: false,
      pull: true,
    },
  };
}
