import { createHash } from 'node:crypto';
import { http, HttpResponse } from 'msw';

/** A GitHub user as REST responses embed it. */
export function restUser(login: string) {
  const id = [...login].reduce((sum, c) => sum * 31 + c.charCodeAt(0), 7) % 1e7;
  return {
    login,
    id,
    node_id: `MDQ6VXNlcj${id}`,
    avatar_url: `https://avatars.githubusercontent.com/u/${id}?v=4`,
    gravatar_id: '',
    url: `https://api.github.com/users/${login}`,
    html_url: `https://github.com/${login}`,
    type: 'User',
    user_view_type: 'public',
    site_admin: false,
  };
}

/** A pull request node in the shape GitHub's GraphQL API answers the source's query with. */
export type GraphqlPullRequest = Record<string, any> & {
  number: number;
  updatedAt: string;
};

export type FakeRepository = {
  owner: string;
  name: string;
  id: number;
  defaultBranch: string;
  pullRequests: GraphqlPullRequest[];
  /** Commits on the default branch, oldest first (for compare). */
  commits: string[];
  deployments: Array<{ deployment: any; statuses: any[] }>;
  workflowRuns: any[];
  issues: any[];
};

/** An organisation or user account and its repositories (in `restRepository`'s shape). */
export type FakeAccount = {
  login: string;
  id: number;
  type: 'Organization' | 'User';
  repositories: any[];
};

export type LoggedRequest = {
  kind: 'rest' | 'graphql';
  path: string;
  status: number;
};

type Override = (request: {
  kind: 'rest' | 'graphql';
  path: string;
  attempt: number;
}) => Response | undefined;

function etagOf(body: string) {
  return `W/"${createHash('sha1').update(body).digest('hex')}"`;
}

/**
 * A stand-in for api.github.com (REST and GraphQL) that answers in GitHub's real shapes: Link
 * headers, ETags with 304s, rate-limit headers, GraphQL pageInfo cursors.
 */
export class FakeGithub {
  readonly repositories = new Map<string, FakeRepository>();
  /** Organisations and users by lower-case login. */
  readonly accounts = new Map<string, FakeAccount>();
  /** What `GET /installation/repositories` lists (the App installation's repositories). */
  installationRepositories: any[] = [];
  readonly requests: LoggedRequest[] = [];
  /** Page size of REST lists, whatever per_page asks (to exercise Link pagination). */
  restPageSize = 100;
  remaining = { core: 5000, graphql: 5000 };
  override: Override = () => undefined;
  private readonly attempts = new Map<string, number>();

  constructor(readonly apiBaseUrl = 'https://api.github.com') {}

  addRepository(slug: string, repo: Partial<FakeRepository> = {}) {
    const [owner, name] = slug.split('/');
    const created: FakeRepository = {
      owner,
      name,
      id: 1000 + this.repositories.size,
      defaultBranch: 'main',
      pullRequests: [],
      commits: [],
      deployments: [],
      workflowRuns: [],
      issues: [],
      ...repo,
    };
    this.repositories.set(slug, created);
    return created;
  }

  addAccount(login: string, type: FakeAccount['type'], repositories: any[]) {
    const account = {
      login,
      id: 9000 + this.accounts.size,
      type,
      repositories,
    };
    this.accounts.set(login.toLocaleLowerCase('en-US'), account);
    return account;
  }

  count(kind?: 'rest' | 'graphql', pathPattern?: RegExp) {
    return this.requests.filter(
      r =>
        (!kind || r.kind === kind) &&
        (!pathPattern || pathPattern.test(r.path)),
    ).length;
  }

  handlers() {
    const graphqlUrl = this.apiBaseUrl.endsWith('/api/v3')
      ? this.apiBaseUrl.replace(/\/api\/v3$/, '/api/graphql')
      : `${this.apiBaseUrl}/graphql`;
    return [
      http.post(graphqlUrl, async ({ request }) => {
        const body = (await request.json()) as {
          query: string;
          variables: Record<string, any>;
        };
        const path = `graphql:${body.variables.owner}/${body.variables.name}:${
          body.variables.after ?? ''
        }`;
        return this.answer('graphql', path, request, () =>
          this.graphql(body.variables),
        );
      }),
      http.get(`${this.apiBaseUrl}/*`, ({ request }) => {
        const url = new URL(request.url);
        const path = url.pathname.slice(
          new URL(this.apiBaseUrl).pathname.replace(/\/$/, '').length,
        );
        return this.answer('rest', `${path}${url.search}`, request, () =>
          this.rest(path, url),
        );
      }),
    ];
  }

  private rateHeaders(kind: 'rest' | 'graphql') {
    const resource = kind === 'rest' ? 'core' : 'graphql';
    return {
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': String(Math.max(0, this.remaining[resource])),
      'x-ratelimit-reset': '1773148800',
      'x-ratelimit-used': String(5000 - this.remaining[resource]),
      'x-ratelimit-resource': resource,
      'x-github-api-version-selected': '2022-11-28',
    };
  }

  private answer(
    kind: 'rest' | 'graphql',
    path: string,
    request: Request,
    build: () => { body: unknown; status?: number; link?: string },
  ): Response {
    const attempt = this.attempts.get(path) ?? 0;
    this.attempts.set(path, attempt + 1);
    const overridden = this.override({ kind, path, attempt });
    if (overridden) {
      this.requests.push({ kind, path, status: overridden.status });
      return overridden;
    }
    const { body, status = 200, link } = build();
    const text = JSON.stringify(body);
    const etag = etagOf(text);
    const headers: Record<string, string> = {
      'content-type': 'application/json; charset=utf-8',
      ...this.rateHeaders(kind),
    };
    if (kind === 'rest' && status === 200) {
      headers.etag = etag;
      if (request.headers.get('if-none-match') === etag) {
        this.requests.push({ kind, path, status: 304 });
        return new HttpResponse(null, { status: 304, headers });
      }
    }
    this.remaining[kind === 'rest' ? 'core' : 'graphql'] -= 1;
    headers['x-ratelimit-remaining'] =
      this.rateHeaders(kind)['x-ratelimit-remaining'];
    if (link) {
      headers.link = link;
    }
    this.requests.push({ kind, path, status });
    return new HttpResponse(text, { status, headers });
  }

  private graphql(variables: Record<string, any>) {
    const repo = this.repositories.get(`${variables.owner}/${variables.name}`);
    if (!repo) {
      return {
        body: {
          data: { repository: null },
          errors: [
            {
              type: 'NOT_FOUND',
              path: ['repository'],
              locations: [{ line: 3, column: 3 }],
              message: `Could not resolve to a Repository with the name '${variables.owner}/${variables.name}'.`,
            },
          ],
        },
      };
    }
    const sorted = [...repo.pullRequests].sort((a, b) =>
      b.updatedAt.localeCompare(a.updatedAt),
    );
    const start = variables.after
      ? Number(
          Buffer.from(variables.after, 'base64').toString().split(':').pop(),
        ) + 1
      : 0;
    const nodes = sorted.slice(start, start + variables.first);
    const end = start + nodes.length - 1;
    return {
      body: {
        data: {
          repository: {
            defaultBranchRef: { name: repo.defaultBranch },
            pullRequests: {
              pageInfo: {
                hasNextPage: end + 1 < sorted.length,
                endCursor:
                  nodes.length > 0
                    ? Buffer.from(`cursor:v2:${end}`).toString('base64')
                    : null,
              },
              nodes,
            },
          },
        },
      },
    };
  }

  private page(items: any[], url: URL, path: string) {
    const perPage = Math.min(
      Number(url.searchParams.get('per_page') ?? 30),
      this.restPageSize,
    );
    const page = Number(url.searchParams.get('page') ?? 1);
    const slice = items.slice((page - 1) * perPage, page * perPage);
    const pages = Math.max(1, Math.ceil(items.length / perPage));
    const linkTo = (n: number) => {
      const next = new URL(`${this.apiBaseUrl}${path}`);
      url.searchParams.forEach((v, k) => next.searchParams.set(k, v));
      next.searchParams.set('page', String(n));
      return next.toString();
    };
    const links = [];
    if (page < pages) {
      links.push(
        `<${linkTo(page + 1)}>; rel="next"`,
        `<${linkTo(pages)}>; rel="last"`,
      );
    }
    if (page > 1) {
      links.push(
        `<${linkTo(1)}>; rel="first"`,
        `<${linkTo(page - 1)}>; rel="prev"`,
      );
    }
    return { slice, link: links.length ? links.join(', ') : undefined };
  }

  /**
   * `GET /orgs/{org}/repos` (organisations only), `GET /users/{username}/repos` (public
   * repositories only) and `GET /installation/repositories`; GitHub's Link headers name accounts
   * by id (`/organizations/{id}/repos`, `/user/{id}/repos`).
   */
  private accountRest(path: string, url: URL) {
    if (path === '/installation/repositories') {
      const { slice, link } = this.page(
        this.installationRepositories,
        url,
        path,
      );
      return {
        body: {
          total_count: this.installationRepositories.length,
          repository_selection: 'selected',
          repositories: slice,
        },
        link,
      };
    }
    const match = path.match(
      /^\/(orgs|organizations|users|user)\/([^/]+)\/repos$/,
    );
    if (!match) {
      return undefined;
    }
    const [, kind, key] = match;
    const account = /^(organizations|user)$/.test(kind)
      ? [...this.accounts.values()].find(a => a.id === Number(key))
      : this.accounts.get(key.toLocaleLowerCase('en-US'));
    const organizationsOnly = kind === 'orgs' || kind === 'organizations';
    if (!account || (organizationsOnly && account.type !== 'Organization')) {
      return {
        status: 404,
        body: {
          message: 'Not Found',
          documentation_url: organizationsOnly
            ? 'https://docs.github.com/rest/repos/repos#list-organization-repositories'
            : 'https://docs.github.com/rest/repos/repos#list-repositories-for-a-user',
          status: '404',
        },
      };
    }
    const listed = organizationsOnly
      ? account.repositories
      : account.repositories.filter(r => !r.private);
    const { slice, link } = this.page(
      listed,
      url,
      organizationsOnly
        ? `/organizations/${account.id}/repos`
        : `/user/${account.id}/repos`,
    );
    return { body: slice, link };
  }

  private rest(path: string, url: URL) {
    const listed = this.accountRest(path, url);
    if (listed) {
      return listed;
    }
    const match = path.match(
      /^\/(?:repos\/([^/]+)\/([^/]+)|repositories\/(\d+))(\/.*)$/,
    );
    let repo: FakeRepository | undefined;
    if (match?.[3]) {
      repo = [...this.repositories.values()].find(
        r => r.id === Number(match[3]),
      );
    } else if (match) {
      repo = this.repositories.get(`${match[1]}/${match[2]}`);
    }
    const notFound = {
      status: 404,
      body: {
        message: 'Not Found',
        documentation_url: 'https://docs.github.com/rest',
        status: '404',
      },
    };
    if (!repo || !match) {
      return notFound;
    }
    // GitHub's Link headers name repositories by id.
    const base = `/repositories/${repo.id}`;
    const rest = match[4];
    if (rest === '/deployments') {
      const sorted = repo.deployments
        .map(d => d.deployment)
        .sort(
          (a, b) => b.created_at.localeCompare(a.created_at) || b.id - a.id,
        );
      const { slice, link } = this.page(sorted, url, `${base}/deployments`);
      return { body: slice, link };
    }
    const statuses = rest.match(/^\/deployments\/(\d+)\/statuses$/);
    if (statuses) {
      const d = repo.deployments.find(
        x => x.deployment.id === Number(statuses[1]),
      );
      if (!d) {
        return notFound;
      }
      const sorted = [...d.statuses].sort(
        (a, b) => b.created_at.localeCompare(a.created_at) || b.id - a.id,
      );
      return { body: this.page(sorted, url, `${base}${rest}`).slice };
    }
    if (rest === '/actions/runs') {
      const branch = url.searchParams.get('branch');
      const status = url.searchParams.get('status');
      const runs = repo.workflowRuns
        .filter(r => !branch || r.head_branch === branch)
        .filter(r => !status || r.status === status)
        .sort((a, b) => b.created_at.localeCompare(a.created_at));
      const { slice, link } = this.page(runs, url, `${base}/actions/runs`);
      return { body: { total_count: runs.length, workflow_runs: slice }, link };
    }
    const compare = rest.match(/^\/compare\/([0-9a-f]+)\.\.\.([0-9a-f]+)$/);
    if (compare) {
      const from = repo.commits.indexOf(compare[1]);
      const to = repo.commits.indexOf(compare[2]);
      if (from < 0 || to < 0) {
        return notFound;
      }
      const commits = repo.commits.slice(from + 1, to + 1).map((sha, i) => ({
        sha,
        node_id: `C_kwDO${sha.slice(0, 12)}`,
        commit: {
          author: {
            name: 'Dev',
            email: 'dev@acme.example',
            date: '2026-03-01T00:00:00Z',
          },
          committer: {
            name: 'GitHub',
            email: 'noreply@github.com',
            date: '2026-03-01T00:00:00Z',
          },
          message: `commit ${sha.slice(0, 7)}`,
          tree: {
            sha: sha.split('').reverse().join(''),
            url: `${this.apiBaseUrl}/repos/${repo.owner}/${repo.name}/git/trees/x`,
          },
          url: `${this.apiBaseUrl}/repos/${repo.owner}/${repo.name}/git/commits/${sha}`,
          comment_count: 0,
          verification: {
            verified: false,
            reason: 'unsigned',
            signature: null,
            payload: null,
            verified_at: null,
          },
        },
        url: `${this.apiBaseUrl}/repos/${repo.owner}/${repo.name}/commits/${sha}`,
        html_url: `https://github.com/${repo.owner}/${repo.name}/commit/${sha}`,
        comments_url: `${this.apiBaseUrl}/repos/${repo.owner}/${repo.name}/commits/${sha}/comments`,
        author: restUser('dev'),
        committer: restUser('web-flow'),
        parents: [{ sha: repo.commits[from + i], url: '', html_url: '' }],
      }));
      const { slice, link } = this.page(commits, url, `${base}${rest}`);
      return {
        body: {
          url: `${this.apiBaseUrl}/repos/${repo.owner}/${repo.name}/compare/${compare[1]}...${compare[2]}`,
          html_url: `https://github.com/${repo.owner}/${repo.name}/compare/${compare[1]}...${compare[2]}`,
          permalink_url: `https://github.com/${repo.owner}/${
            repo.name
          }/compare/${repo.owner}:${compare[1].slice(0, 7)}...${
            repo.owner
          }:${compare[2].slice(0, 7)}`,
          diff_url: `https://github.com/${repo.owner}/${repo.name}/compare/${compare[1]}...${compare[2]}.diff`,
          patch_url: `https://github.com/${repo.owner}/${repo.name}/compare/${compare[1]}...${compare[2]}.patch`,
          status: 'ahead',
          ahead_by: commits.length,
          behind_by: 0,
          total_commits: commits.length,
          commits: slice,
          files: [],
        },
        link,
      };
    }
    if (rest === '/issues') {
      const label = url.searchParams.get('labels');
      const since = url.searchParams.get('since');
      const issues = repo.issues
        .filter(i => !label || i.labels.some((l: any) => l.name === label))
        .filter(i => !since || Date.parse(i.updated_at) >= Date.parse(since))
        .sort((a, b) => b.updated_at.localeCompare(a.updated_at));
      const { slice, link } = this.page(issues, url, `${base}/issues`);
      return { body: slice, link };
    }
    return notFound;
  }
}
