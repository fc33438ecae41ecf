import { ConfigReader } from '@backstage/config';
import { JsonObject } from '@backstage/types';
import { createHash } from 'node:crypto';
import { mockServices } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { DateTime } from 'luxon';
import { HttpResponse } from 'msw';
import { migrateStore } from '../../store/migrateStore';
import { createTestDatabases } from '../../__testUtils__/createTestDatabases';
import {
  githubIntegrationsConfig,
  serveFakeGithub,
  setupGithubServer,
} from '../../__testUtils__/githubTestServer';
import {
  GithubDeliveryOptions,
  GithubDeliverySource,
  RepositoryOverrides,
} from './GithubDeliverySource';
import { FakeGithub, FakeRepository } from './__testUtils__/FakeGithub';
import {
  graphqlPullRequest,
  restDeployment,
  restDeploymentStatus,
  restIssue,
  restWorkflowRun,
} from './__testUtils__/githubShapes';

jest.setTimeout(120_000);

const NOW = DateTime.fromISO('2026-03-10T12:00:00Z', { zone: 'utc' });
const TRAILER = 'Co-Authored-By: Claude Sonnet 5 <noreply@anthropic.com>';
const BODY_LINE =
  '🤖 Generated with [Claude Code](https://claude.com/claude-code)';

function at(daysAgo: number, hours = 0) {
  return NOW.minus({ days: daysAgo }).plus({ hours }).toISO({
    suppressMilliseconds: true,
  })!;
}

function sha(label: string) {
  return createHash('sha1').update(label).digest('hex');
}

/** A deployment with GitHub's usual status sequence ending in `state` (or still running). */
function deployment(
  slug: string,
  d: {
    id: number;
    sha: string;
    environment?: string;
    daysAgo: number;
    state?: string;
  },
) {
  const environment = d.environment ?? 'production';
  const created = at(d.daysAgo, 2);
  const statuses = [
    restDeploymentStatus(slug, {
      id: d.id * 10,
      deploymentId: d.id,
      state: 'queued',
      createdAt: created,
      environment,
    }),
    restDeploymentStatus(slug, {
      id: d.id * 10 + 1,
      deploymentId: d.id,
      state: 'in_progress',
      createdAt: at(d.daysAgo, 2.05),
      environment,
    }),
  ];
  if (d.state) {
    statuses.push(
      restDeploymentStatus(slug, {
        id: d.id * 10 + 2,
        deploymentId: d.id,
        state: d.state,
        createdAt: at(d.daysAgo, 2.2),
        environment,
      }),
    );
  }
  return {
    deployment: restDeployment(slug, {
      id: d.id,
      sha: d.sha,
      environment,
      createdAt: created,
    }),
    statuses,
  };
}

/**
 * acme/shop: five pull requests (three with a different Claude Code marker each, one open), one
 * malformed; production deployments D100 (carries #1, #2), D102 failed (#3), D103 (#3, #4), a
 * staging deployment, a running one; an incident after D103, one before any deployment finished,
 * and a pull request labelled incident.
 */
function shop(fake: FakeGithub): FakeRepository {
  const slug = 'acme/shop';
  return fake.addRepository(slug, {
    commits: [sha('b0'), sha('c1'), sha('c2'), sha('d0'), sha('c3'), sha('c4')],
    pullRequests: [
      graphqlPullRequest({
        number: 1,
        createdAt: at(21),
        mergedAt: at(20),
        mergeSha: sha('c1'),
        commits: [
          { message: 'Start', authoredDate: at(22) },
          { message: `Finish\n\n${TRAILER}`, authoredDate: at(21, -1) },
        ],
        comments: [{ login: 'grace', createdAt: at(20, -5) }],
      }),
      graphqlPullRequest({
        number: 2,
        createdAt: at(20),
        mergedAt: at(19),
        mergeSha: sha('c2'),
        body: `Adds retries.\n\n${BODY_LINE}`,
      }),
      graphqlPullRequest({
        number: 3,
        createdAt: at(19),
        mergedAt: at(18),
        mergeSha: sha('c3'),
        labels: ['enhancement', 'claude-code-assisted'],
      }),
      graphqlPullRequest({
        number: 4,
        author: 'Linus',
        createdAt: at(12),
        mergedAt: at(10),
        mergeSha: sha('c4'),
        title: 'Revert "Add retries"',
        labels: ['hotfix'],
        reviews: [
          { login: 'linus', submittedAt: at(12, 1) },
          {
            login: 'copilot-pull-request-reviewer',
            submittedAt: at(12, 2),
            bot: true,
          },
          { login: 'grace', submittedAt: at(11), state: 'PENDING' },
          { login: 'grace', submittedAt: at(11, 1) },
        ],
        comments: [
          { login: 'github-actions', createdAt: at(12, 1), bot: true },
          { login: 'margaret', createdAt: at(11, 3) },
        ],
      }),
      graphqlPullRequest({ number: 5, createdAt: at(3), updatedAt: at(2) }),
      {
        ...graphqlPullRequest({
          number: 6,
          createdAt: at(5),
          updatedAt: at(4),
        }),
        createdAt: null,
      },
    ],
    deployments: [
      deployment(slug, {
        id: 100,
        sha: sha('c2'),
        daysAgo: 19,
        state: 'success',
      }),
      deployment(slug, {
        id: 101,
        sha: sha('c3'),
        environment: 'staging',
        daysAgo: 18,
        state: 'success',
      }),
      deployment(slug, {
        id: 102,
        sha: sha('c3'),
        daysAgo: 18,
        state: 'failure',
      }),
      deployment(slug, {
        id: 103,
        sha: sha('c4'),
        daysAgo: 10,
        state: 'success',
      }),
      deployment(slug, { id: 104, sha: sha('c4'), daysAgo: 1 }),
    ],
    issues: [
      restIssue(slug, {
        number: 50,
        labels: ['incident', 'sev2'],
        createdAt: at(9),
        closedAt: at(8),
      }),
      restIssue(slug, {
        number: 51,
        labels: ['incident'],
        createdAt: at(9),
        pullRequest: true,
      }),
      restIssue(slug, {
        number: 52,
        labels: ['incident'],
        createdAt: at(19, 1),
      }),
    ],
  });
}

/** D100's statuses as GitHub shows them once D103 replaced it. */
function markInactive(repo: FakeRepository, id: number) {
  const d = repo.deployments.find(x => x.deployment.id === id)!;
  d.statuses.push(
    restDeploymentStatus(`${repo.owner}/${repo.name}`, {
      id: id * 10 + 9,
      deploymentId: id,
      state: 'inactive',
      createdAt: at(10, 3),
    }),
  );
}

describe('GithubDeliverySource', () => {
  const databases = createTestDatabases();
  const server = setupGithubServer({ localhostPassesThrough: false });

  let fake: FakeGithub;
  let sleep: jest.Mock;
  beforeEach(() => {
    fake = serveFakeGithub(server);
    sleep = jest.fn(async () => {});
  });

  function source(
    knex: Knex,
    repositories: string[],
    options: GithubDeliveryOptions = {},
    integrations?: JsonObject[],
  ) {
    return GithubDeliverySource.create({
      knex,
      config: new ConfigReader(githubIntegrationsConfig(integrations)),
      logger: mockServices.logger.mock(),
      repositories: async () => repositories,
      options,
      now: () => NOW,
      sleep,
    });
  }

  async function init(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    await migrateStore(knex);
    return knex;
  }

  async function carried(knex: Knex) {
    const rows = await knex('deployment_pull_requests').orderBy([
      'deployment_id',
      'pull_request_number',
    ]);
    const result: Record<string, number[]> = {};
    for (const row of rows) {
      (result[row.deployment_id] ??= []).push(Number(row.pull_request_number));
    }
    return result;
  }

  it.each(databases.eachSupportedId())(
    'backfills pull requests with markers, deployments with the pull requests they carried, and linked incidents, %p',
    async databaseId => {
      const knex = await init(databaseId);
      const repo = shop(fake);
      markInactive(repo, 100);
      fake.restPageSize = 2;

      const summary = await source(knex, ['acme/shop'], { pageSize: 2 }).run();

      expect(summary).toMatchObject({
        repositoriesRead: 1,
        pullRequests: 5,
        deployments: 3,
        incidents: 2,
        skipped: 1,
        skippedReasons: ['acme/shop: #6 has no valid createdAt or updatedAt'],
        failedRepositories: [],
        postponedRepositories: [],
        rateLimit: {
          core: {
            remaining: expect.any(Number),
            resetAt: '2026-03-10T13:20:00.000Z',
          },
          graphql: { remaining: 4997, resetAt: '2026-03-10T13:20:00.000Z' },
        },
      });
      expect(summary.stoppedEarly).toBeUndefined();
      // Three GraphQL pages of two; deployments listed two per page (Link headers) until D100.
      expect(fake.count('graphql')).toBe(3);
      expect(fake.count('rest', /\/deployments\?/)).toBe(3);
      expect(fake.count('rest', /\/statuses/)).toBe(4);
      // c2...c3, and c2...c4 on two pages of two commits.
      expect(fake.count('rest', /\/compare\//)).toBe(3);
      expect(summary.requests).toEqual({
        graphql: 3,
        rest: fake.count('rest'),
        notModified: 0,
      });

      const prs = await knex('pull_requests').orderBy('number');
      expect(
        prs.map(pr => [Number(pr.number), pr.author, Boolean(pr.ai_assisted)]),
      ).toEqual([
        [1, 'ada', true],
        [2, 'ada', true],
        [3, 'ada', true],
        [4, 'linus', false],
        [5, 'ada', false],
      ]);
      expect(prs[0]).toMatchObject({
        first_commit_at: NOW.minus({ days: 22 }).toISO(),
        first_review_at: NOW.minus({ days: 20, hours: 5 }).toISO(),
        merge_commit_sha: sha('c1'),
        source: 'github',
      });
      // The author's own review, bots and a pending review are no pickup.
      expect(prs[3]).toMatchObject({
        first_review_at: NOW.minus({ days: 11 }).plus({ hours: 1 }).toISO(),
        title: 'Revert "Add retries"',
        labels: JSON.stringify(['hotfix']),
        additions: 40,
        deletions: 4,
      });
      expect(prs[4]).toMatchObject({ merged_at: null, merge_commit_sha: null });

      const deployments = await knex('deployments').orderBy('id');
      expect(
        deployments.map(d => [
          d.id,
          d.environment,
          d.status,
          d.sha,
          d.finished_at,
        ]),
      ).toEqual([
        [
          'deployment-100',
          'production',
          'success',
          sha('c2'),
          NOW.minus({ days: 19 }).plus({ hours: 2.2 }).toISO(),
        ],
        [
          'deployment-102',
          'production',
          'failure',
          sha('c3'),
          NOW.minus({ days: 18 }).plus({ hours: 2.2 }).toISO(),
        ],
        [
          'deployment-103',
          'production',
          'success',
          sha('c4'),
          NOW.minus({ days: 10 }).plus({ hours: 2.2 }).toISO(),
        ],
      ]);
      expect(await carried(knex)).toEqual({
        'deployment-100': [1, 2],
        'deployment-102': [3],
        'deployment-103': [3, 4],
      });

      const incidents = await knex('incidents').orderBy('id');
      expect(
        incidents.map(i => [i.id, i.deployment_id, i.resolved_at]),
      ).toEqual([
        ['issue-50', 'deployment-103', NOW.minus({ days: 8 }).toISO()],
        ['issue-52', null, null],
      ]);

      const [log] = await knex('ingestion_log').where({ source: 'github' });
      expect(log).toMatchObject({
        unit: 'repository:acme/shop',
        status: 'succeeded',
        rows: 10,
        skipped: 1,
      });
      expect(log.error).toContain('#6 has no valid createdAt');
      const [status] = await knex('source_status').where({ source: 'github' });
      expect(status.last_success_at).toBeTruthy();
      expect(status.last_error).toBeFalsy();
      expect(Number(status.rows)).toBe(10);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'reads only what changed on the next runs: a cursor for pull requests, 304s for lists, %p',
    async databaseId => {
      const knex = await init(databaseId);
      const repo = shop(fake);
      repo.deployments.pop();
      await source(knex, ['acme/shop']).run();
      const before = {
        prs: await knex('pull_requests').orderBy('number'),
        deployments: await knex('deployments').orderBy('id'),
        carried: await carried(knex),
      };
      fake.requests.length = 0;

      const second = await source(knex, ['acme/shop']).run();

      // The newest pull request and incident are read again (their cursors are inclusive, and
      // the issue query now starts at the newest incident); the deployment list answers 304.
      expect(second).toMatchObject({
        pullRequests: 1,
        deployments: 0,
        incidents: 1,
      });
      expect(second.requests).toEqual({ graphql: 1, rest: 2, notModified: 1 });
      fake.requests.length = 0;

      const quiet = await source(knex, ['acme/shop']).run();

      // One GraphQL page that stops at the cursor; both lists answer 304, free of rate limit.
      expect(quiet.requests).toEqual({ graphql: 1, rest: 2, notModified: 2 });
      expect(
        fake.requests.filter(r => r.kind === 'rest').map(r => r.status),
      ).toEqual([304, 304]);
      expect(await knex('pull_requests').orderBy('number')).toEqual(before.prs);
      expect(await knex('deployments').orderBy('id')).toEqual(
        before.deployments,
      );
      expect(await carried(knex)).toEqual(before.carried);

      // #5 is merged and deployed; a new incident follows.
      Object.assign(repo.pullRequests.find(pr => pr.number === 5)!, {
        mergedAt: at(1),
        updatedAt: at(1),
        mergeCommit: { oid: sha('c5') },
        body: BODY_LINE,
      });
      repo.commits.push(sha('c5'));
      repo.deployments.push(
        deployment('acme/shop', {
          id: 105,
          sha: sha('c5'),
          daysAgo: 1,
          state: 'success',
        }),
      );
      markInactive(repo, 103);
      repo.issues.push(
        restIssue('acme/shop', {
          number: 53,
          labels: ['incident'],
          createdAt: at(0, -2),
        }),
      );
      fake.requests.length = 0;

      const third = await source(knex, ['acme/shop']).run();

      // #53 is new; #50 is re-read once more because the issue cursor is inclusive.
      expect(third).toMatchObject({
        pullRequests: 1,
        deployments: 1,
        incidents: 2,
      });
      expect(fake.count('graphql')).toBe(1);
      expect(fake.count('rest', /\/compare\//)).toBe(1);
      expect((await carried(knex))['deployment-105']).toEqual([5]);
      const five = await knex('pull_requests').where({ number: 5 }).first();
      expect(five.merge_commit_sha).toBe(sha('c5'));
      expect(Boolean(five.ai_assisted)).toBe(true);
      expect(
        (await knex('incidents').where({ id: 'issue-53' }).first())
          .deployment_id,
      ).toBe('deployment-105');
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'reads Actions workflow runs as deployments where a repository has no Deployments API deployments, %p',
    async databaseId => {
      const knex = await init(databaseId);
      const slug = 'acme/api';
      fake.addRepository(slug, {
        commits: [sha('a0'), sha('a1'), sha('a2'), sha('a3')],
        pullRequests: [
          graphqlPullRequest({
            number: 7,
            createdAt: at(9),
            mergedAt: at(8),
            mergeSha: sha('a1'),
          }),
          graphqlPullRequest({
            number: 8,
            createdAt: at(7),
            mergedAt: at(6),
            mergeSha: sha('a2'),
          }),
          graphqlPullRequest({
            number: 9,
            createdAt: at(5),
            mergedAt: at(4),
            mergeSha: sha('a3'),
          }),
        ],
        workflowRuns: [
          restWorkflowRun(slug, {
            id: 501,
            name: 'Deploy production',
            sha: sha('a1'),
            conclusion: 'success',
            createdAt: at(8, 1),
            updatedAt: at(8, 2),
          }),
          restWorkflowRun(slug, {
            id: 502,
            name: 'CI',
            sha: sha('a2'),
            conclusion: 'success',
            createdAt: at(6, 1),
            updatedAt: at(6, 2),
          }),
          restWorkflowRun(slug, {
            id: 503,
            name: 'Deploy staging',
            sha: sha('a2'),
            conclusion: 'success',
            createdAt: at(6, 1),
            updatedAt: at(6, 2),
          }),
          restWorkflowRun(slug, {
            id: 504,
            name: 'Deploy production',
            sha: sha('a3'),
            conclusion: 'failure',
            createdAt: at(4, 1),
            updatedAt: at(4, 2),
          }),
          restWorkflowRun(slug, {
            id: 505,
            name: 'Deploy production',
            sha: sha('a3'),
            conclusion: 'success',
            createdAt: at(4, 3),
            updatedAt: at(4, 4),
          }),
          restWorkflowRun(slug, {
            id: 506,
            name: 'Deploy production',
            sha: sha('a3'),
            conclusion: 'cancelled',
            createdAt: at(3),
            updatedAt: at(3),
          }),
          restWorkflowRun(slug, {
            id: 507,
            name: 'Deploy production',
            sha: sha('a3'),
            conclusion: 'success',
            createdAt: at(3),
            updatedAt: at(3),
            branch: 'feature',
          }),
        ],
      });

      const summary = await source(knex, [slug]).run();

      expect(summary).toMatchObject({
        pullRequests: 3,
        deployments: 4,
        failedRepositories: [],
      });
      const deployments = await knex('deployments').orderBy('id');
      expect(deployments.map(d => [d.id, d.environment, d.status])).toEqual([
        ['run-501', 'production', 'success'],
        ['run-503', 'Deploy staging', 'success'],
        ['run-504', 'production', 'failure'],
        ['run-505', 'production', 'success'],
      ]);
      expect(await carried(knex)).toEqual({
        'run-501': [7],
        'run-504': [8, 9],
        'run-505': [8, 9],
      });
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'waits out secondary rate limits, retries 5xx, stops on an exhausted primary limit and resumes, %p',
    async databaseId => {
      const knex = await init(databaseId);
      shop(fake);
      fake.addRepository('acme/web', {
        commits: [sha('e1')],
        pullRequests: [
          graphqlPullRequest({
            number: 1,
            createdAt: at(3),
            mergedAt: at(2),
            mergeSha: sha('e1'),
          }),
        ],
      });
      let exhausted = true;
      fake.override = ({ kind, path, attempt }) => {
        if (
          kind === 'graphql' &&
          path.startsWith('graphql:acme/shop') &&
          attempt === 0
        ) {
          return HttpResponse.json(
            { message: 'Server Error' },
            { status: 502, statusText: 'Bad Gateway' },
          );
        }
        if (path.includes('/deployments?') && attempt === 0) {
          return HttpResponse.json(
            {
              documentation_url:
                'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
              message:
                'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
            },
            {
              status: 403,
              statusText: 'Forbidden',
              headers: { 'retry-after': '7', 'x-ratelimit-remaining': '4000' },
            },
          );
        }
        if (
          kind === 'graphql' &&
          path.startsWith('graphql:acme/web') &&
          exhausted
        ) {
          return HttpResponse.json(
            {
              documentation_url:
                'https://docs.github.com/graphql/overview/rate-limits-and-query-limits-for-the-graphql-api',
              message: 'API rate limit exceeded for user ID 1.',
            },
            {
              status: 403,
              statusText: 'Forbidden',
              headers: {
                'x-ratelimit-limit': '5000',
                'x-ratelimit-remaining': '0',
                'x-ratelimit-reset': '1773151200',
                'x-ratelimit-resource': 'graphql',
              },
            },
          );
        }
        return undefined;
      };

      const first = await source(knex, [
        'acme/shop',
        'acme/web',
        'acme/late',
      ]).run();

      expect(sleep).toHaveBeenCalledWith(7000);
      expect(sleep).toHaveBeenCalledWith(1000);
      expect(first).toMatchObject({
        repositoriesRead: 1,
        failedRepositories: [],
        postponedRepositories: ['acme/web', 'acme/late'],
        stoppedEarly:
          'the GitHub rate limit is exhausted until 2026-03-10T14:00:00.000Z',
      });
      expect(first.rateLimit.graphql.remaining).toBe(0);
      expect(fake.count(undefined, /acme\/late/)).toBe(0);
      expect(
        await knex('pull_requests').where({ repository: 'acme/web' }),
      ).toHaveLength(0);

      exhausted = false;
      const second = await source(knex, ['acme/shop', 'acme/web']).run();

      expect(second).toMatchObject({
        repositoriesRead: 2,
        postponedRepositories: [],
      });
      expect(
        await knex('pull_requests').where({ repository: 'acme/web' }),
      ).toHaveLength(1);
      expect(
        await knex('pull_requests').where({ repository: 'acme/shop' }),
      ).toHaveLength(5);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'stops before the rate limit falls under the reserve, and within the request budget, %p',
    async databaseId => {
      const knex = await init(databaseId);
      shop(fake);
      fake.addRepository('acme/web');
      fake.remaining.graphql = 150;

      const low = await source(knex, ['acme/shop', 'acme/web'], {
        rateLimitReserve: 200,
      }).run();

      expect(low.requests).toEqual({ graphql: 1, rest: 0, notModified: 0 });
      expect(low.postponedRepositories).toEqual(['acme/shop', 'acme/web']);
      expect(low.stoppedEarly).toContain(
        'only 149 GitHub graphql requests remain',
      );

      fake.remaining.graphql = 5000;
      const budget = await source(knex, ['acme/shop', 'acme/web'], {
        maxRequestsPerRun: 3,
      }).run();
      expect(budget.requests.graphql + budget.requests.rest).toBe(3);
      expect(budget.stoppedEarly).toBe(
        "the run's budget of 3 GitHub requests is spent",
      );
      expect(await knex('pull_requests')).toHaveLength(0);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'reports a failing repository and reads the others, %p',
    async databaseId => {
      const knex = await init(databaseId);
      shop(fake);

      const summary = await source(knex, [
        'acme/gone',
        'acme/shop',
        'not a slug',
      ]).run();

      expect(summary.repositoriesRead).toBe(1);
      expect(summary.failedRepositories).toEqual([
        {
          repository: 'acme/gone',
          error: expect.stringContaining(
            "Could not resolve to a Repository with the name 'acme/gone'",
          ),
        },
        {
          repository: 'not a slug',
          error: expect.stringContaining('is not a repository slug'),
        },
      ]);
      const failed = await knex('ingestion_log')
        .where({ unit: 'repository:acme/gone' })
        .first();
      expect(failed).toMatchObject({ status: 'failed' });
      const [status] = await knex('source_status').where({ source: 'github' });
      expect(status.last_error).toContain(
        '2 repositories failed, first acme/gone',
      );
      expect(status.last_success_at).toBeTruthy();
      await knex.destroy();
    },
  );

  it('applies the deployment patterns a component sets for its repository', async () => {
    const knex = await init('SQLITE_3');
    const slug = 'acme/api';
    fake.addRepository(slug, {
      commits: [sha('a0'), sha('a1'), sha('a2')],
      pullRequests: [
        graphqlPullRequest({
          number: 7,
          createdAt: at(9),
          mergedAt: at(8),
          mergeSha: sha('a1'),
        }),
      ],
      workflowRuns: [
        restWorkflowRun(slug, {
          id: 501,
          name: 'Deploy production',
          sha: sha('a1'),
          conclusion: 'success',
          createdAt: at(8, 1),
          updatedAt: at(8, 2),
        }),
        restWorkflowRun(slug, {
          id: 502,
          name: 'Ship it',
          sha: sha('a1'),
          conclusion: 'success',
          createdAt: at(7, 1),
          updatedAt: at(7, 2),
        }),
      ],
    });
    await GithubDeliverySource.create({
      knex,
      config: new ConfigReader(githubIntegrationsConfig()),
      logger: mockServices.logger.mock(),
      // This component deploys with a workflow named "Ship it", and every run of it is production.
      repositories: async () => [
        {
          slug,
          overrides: {
            workflowNamePattern: /^ship/i,
            productionPattern: /ship/i,
          },
        },
      ],
      now: () => NOW,
      sleep,
    }).run();
    const deployments = await knex('deployments').orderBy('id');
    expect(deployments.map(d => [d.id, d.environment, d.status])).toEqual([
      ['run-502', 'production', 'success'],
    ]);
    expect(await carried(knex)).toEqual({ 'run-502': [7] });
    await knex.destroy();
  });

  it.each(databases.eachSupportedId())(
    "decides production with the component's pattern, and again for stored deployments when it changes, %p",
    async databaseId => {
      const knex = await init(databaseId);
      const slug = 'acme/ledger';
      fake.addRepository(slug, {
        commits: [sha('l1'), sha('l2')],
        deployments: [
          deployment(slug, {
            id: 201,
            sha: sha('l1'),
            environment: 'live',
            daysAgo: 6,
            state: 'success',
          }),
          deployment(slug, {
            id: 202,
            sha: sha('l2'),
            environment: 'production-canary',
            daysAgo: 5,
            state: 'success',
          }),
        ],
        issues: [
          restIssue(slug, {
            number: 60,
            labels: ['incident'],
            createdAt: at(4),
          }),
        ],
      });
      // The component's annotations, changed between the runs.
      const component: { overrides?: RepositoryOverrides } = {};
      const ledger = GithubDeliverySource.create({
        knex,
        config: new ConfigReader(githubIntegrationsConfig()),
        logger: mockServices.logger.mock(),
        repositories: async () => [{ slug, overrides: component.overrides }],
        now: () => NOW,
        sleep,
      });
      const decided = async () =>
        (await knex('deployments').orderBy('id')).map(d => [
          d.id,
          Boolean(d.production),
        ]);
      const blamed = async () =>
        (await knex('incidents').first()).deployment_id;

      // Without an annotation: /prod/i. `live` is read (the Deployments API pattern is global
      // here) only once the component says it is production.
      await ledger.run();
      expect(await decided()).toEqual([['deployment-202', true]]);
      expect(await blamed()).toBe('deployment-202');

      component.overrides = { productionPattern: /^live$/i };
      const before = fake.requests.length;
      await ledger.run();
      // The new pattern reads `live` deployments too, and decides the stored canary again.
      expect(await decided()).toEqual([
        ['deployment-201', true],
        ['deployment-202', false],
      ]);
      expect(await blamed()).toBe('deployment-201');
      expect(
        fake.requests.slice(before).filter(r => /statuses/.test(r.path)),
      ).toHaveLength(1);
      expect(
        (await knex('repositories').where({ repository: slug }).first())
          .production_pattern,
      ).toBe('/^production$|^live$/i');
      await knex.destroy();
    },
  );

  it('reads GitHub Enterprise Server through its apiBaseUrl', async () => {
    const knex = await init('SQLITE_3');
    const ghe = serveFakeGithub(server, 'https://ghe.acme.example/api/v3');
    ghe.addRepository('platform/billing', {
      pullRequests: [graphqlPullRequest({ number: 3, createdAt: at(2) })],
    });

    const summary = await source(
      knex,
      ['ghe.acme.example/platform/billing'],
      {},
      [
        {
          host: 'ghe.acme.example',
          apiBaseUrl: 'https://ghe.acme.example/api/v3',
          token: 'ghe_test',
        },
      ],
    ).run();

    expect(summary).toMatchObject({
      repositoriesRead: 1,
      pullRequests: 1,
      failedRepositories: [],
    });
    expect(ghe.count('graphql')).toBe(1);
    expect(await knex('pull_requests').first()).toMatchObject({
      repository: 'platform/billing',
    });
    await knex.destroy();
  });

  it('costs ceil(P/50) GraphQL queries plus deployment, status, compare and issue requests for a backfill', async () => {
    const knex = await init('SQLITE_3');
    const slug = 'acme/monolith';
    const P = 250;
    const D = 10;
    const repo = fake.addRepository(slug, { commits: [sha('f0')] });
    for (let n = 1; n <= P; n++) {
      const merged = 80 - (80 * n) / (P + 1);
      repo.commits.push(sha(`f${n.toString(16)}`));
      repo.pullRequests.push(
        graphqlPullRequest({
          number: n,
          createdAt: at(merged + 1),
          mergedAt: at(merged),
          mergeSha: sha(`f${n.toString(16)}`),
          commits: Array.from({ length: 5 }, (_, i) => ({
            message: i === 4 && n % 3 === 0 ? `Fix\n\n${TRAILER}` : `Step ${i}`,
            authoredDate: at(merged + 2 - i * 0.1),
          })),
        }),
      );
      if (n % (P / D) === 0) {
        repo.deployments.push(
          deployment(slug, {
            id: 1000 + n,
            sha: sha(`f${n.toString(16)}`),
            daysAgo: merged - 0.01,
            state: 'success',
          }),
        );
      }
    }
    repo.issues.push(
      restIssue(slug, { number: 900, labels: ['incident'], createdAt: at(5) }),
    );

    const summary = await source(knex, [slug]).run();

    const expected = {
      graphql: Math.ceil(P / 50),
      rest:
        1 /* deployment list */ +
        D /* statuses */ +
        (D - 1) /* compare */ +
        1 /* issues */,
    };
    // eslint-disable-next-line no-console
    console.log(
      `Backfill of ${P} pull requests and ${D} production deployments: ${summary.requests.graphql} GraphQL + ${summary.requests.rest} REST requests`,
    );
    expect(summary.requests).toEqual({ ...expected, notModified: 0 });
    expect(summary).toMatchObject({
      pullRequests: P,
      deployments: D,
      incidents: 1,
    });
    const links = await knex('deployment_pull_requests');
    // Every merged pull request is carried by exactly one deployment.
    expect(new Set(links.map(l => Number(l.pull_request_number))).size).toBe(P);
    expect(links).toHaveLength(P);
    const [{ n }] = await knex('pull_requests')
      .where({ ai_assisted: true })
      .count({ n: '*' });
    expect(Number(n)).toBe(Math.floor(P / 3));
    await knex.destroy();
  });
});
