import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/createTestDatabases';
import {
  githubConfig,
  serveFakeGithub,
  setupGithubServer,
} from '../__testUtils__/githubTestServer';
import {
  paymentsPeople,
  paymentsService,
  paymentsTeam,
} from '../__testUtils__/paymentsCatalog';
import {
  postImport,
  startAnalyticsBackendOn,
} from '../__testUtils__/startAnalyticsBackend';
import { withinSketchAccuracy } from '../__testUtils__/withinSketchAccuracy';
import {
  restDeployment,
  restDeploymentStatus,
  restIssue,
} from '../sources/github/__testUtils__/githubShapes';

jest.setTimeout(120_000);

const entities = [
  ...paymentsTeam(),
  // Ledger's production is called `live`; its `production-canary` is no production.
  paymentsService('ledger', {
    'github.com/project-slug': 'acme/ledger',
    'claude-code-analytics/production-pattern': '^live$',
  }),
  // Web keeps the default: `production-canary` is production.
  paymentsService('web', { 'github.com/project-slug': 'acme/web' }),
];

// The source reads the last 90 days of the real clock.
const TODAY = DateTime.utc().startOf('day');
const daysAgo = (days: number, hours = 0) =>
  TODAY.minus({ days }).plus({ hours }).toISO({ suppressMilliseconds: true })!;
const sha = (label: string) => createHash('sha1').update(label).digest('hex');

/** A Deployments API deployment that ended in `state` 2 hours after it was created. */
function deployment(
  slug: string,
  id: number,
  environment: string,
  days: number,
  state: string,
) {
  return {
    deployment: restDeployment(slug, {
      id,
      sha: sha(`${id}`),
      environment,
      createdAt: daysAgo(days),
    }),
    statuses: [
      restDeploymentStatus(slug, {
        id: id * 10,
        deploymentId: id,
        state: 'in_progress',
        createdAt: daysAgo(days, 1),
        environment,
      }),
      restDeploymentStatus(slug, {
        id: id * 10 + 1,
        deploymentId: id,
        state,
        createdAt: daysAgo(days, 2),
        environment,
      }),
    ],
  };
}

const importedDeployment = (
  id: string,
  environment: string,
  days: number,
  production?: boolean,
) =>
  JSON.stringify({
    type: 'deployment',
    repository: 'acme/ledger',
    id,
    environment,
    status: 'success',
    finishedAt: daysAgo(days, 12),
    sha: sha(id),
    pullRequests: [],
    ...(production === undefined ? {} : { production }),
  });

describe("a component's own production pattern", () => {
  const databases = createTestDatabases();
  const server = setupGithubServer();

  it.each(databases.eachSupportedId())(
    'decides which deployments the delivery and cost APIs count, for GitHub and imported deployments alike, %p',
    async databaseId => {
      const fake = serveFakeGithub(server);
      fake.addRepository('acme/ledger', {
        commits: [1, 2, 3, 4, 5].map(n => sha(`${n}`)),
        deployments: [
          deployment('acme/ledger', 1, 'live', 10, 'success'),
          deployment('acme/ledger', 2, 'production-canary', 8, 'success'),
          deployment('acme/ledger', 3, 'live', 6, 'failure'),
          deployment('acme/ledger', 4, 'live', 5, 'success'),
          deployment('acme/ledger', 5, 'staging', 4, 'success'),
        ],
        issues: [
          restIssue('acme/ledger', {
            number: 50,
            labels: ['incident'],
            createdAt: daysAgo(7),
          }),
        ],
      });
      fake.addRepository('acme/web', {
        deployments: [
          deployment('acme/web', 6, 'production-canary', 3, 'success'),
        ],
      });

      const {
        knex,
        server: backend,
        scheduler,
      } = await startAnalyticsBackendOn(databases, databaseId, {
        entities,
        config: githubConfig(),
      });
      await scheduler.triggerTask('claude-code-analytics-github');

      // Imported records of ledger: decided by ledger's pattern unless they say it themselves.
      const imported = await postImport(
        backend,
        [
          importedDeployment('imported-live', 'live', 2),
          importedDeployment('imported-canary', 'production-canary', 2),
          importedDeployment('imported-blue', 'blue', 1, true),
          importedDeployment('imported-live-eu', 'live', 1, false),
          ...paymentsPeople.map(name =>
            JSON.stringify({
              type: 'usage_daily',
              date: TODAY.minus({ days: 3 }).toISODate(),
              identity: `${name}@acme.example`,
              model: 'claude-sonnet-4-5',
              sessions: 1,
              linesAdded: 1,
              linesRemoved: 0,
              commits: 0,
              pullRequests: 0,
              tokens: { input: 1, output: 1, cacheRead: 0, cacheCreation: 0 },
              costUsd: 3,
              toolDecisions: {},
            }),
          ),
        ].join('\n'),
      );
      expect(imported.body).toEqual({ accepted: 9, rejected: [] });

      const rows = await knex('deployments').orderBy(['repository', 'id']);
      expect(
        rows.map(r => [`${r.repository}#${r.id}`, Boolean(r.production)]),
      ).toEqual([
        ['acme/ledger#deployment-1', true],
        ['acme/ledger#deployment-2', false],
        ['acme/ledger#deployment-3', true],
        ['acme/ledger#deployment-4', true],
        ['acme/ledger#imported-blue', true],
        ['acme/ledger#imported-canary', false],
        ['acme/ledger#imported-live', true],
        ['acme/ledger#imported-live-eu', false],
        ['acme/web#deployment-6', true],
      ]);
      // Opened after the canary: blamed on the production deployment before it, deployment-1.
      const [incident] = await knex('incidents');
      expect(incident.deployment_id).toBe('deployment-1');

      const range = `from=${TODAY.minus({
        days: 13,
      }).toISODate()}&to=${TODAY.toISODate()}`;
      const delivery = await request(backend).get(
        `/api/claude-code-analytics/v1/entities/component/default/ledger/delivery?${range}`,
      );
      expect(delivery.status).toBe(200);
      expect(delivery.body).toMatchObject({
        // deployment-1, deployment-4, imported-live, imported-blue.
        deployments: 4,
        // deployment-3 failed, deployment-1 is blamed for the incident: 2 of 5.
        changeFailureRate: { value: 2 / 5 },
        // From deployment-3's failure to deployment-4, a day later (a median from the delivery
        // rollups' sketches: within their 1 % of the exact value).
        recoveryTime: { medianHours: withinSketchAccuracy(24) },
      });

      const group = await request(backend).get(
        `/api/claude-code-analytics/v1/entities/group/default/payments/delivery?${range}`,
      );
      expect(group.body.deployments).toBe(5);

      const cost = await request(backend).get(
        `/api/claude-code-analytics/v1/entities/group/default/payments/cost?${range}`,
      );
      expect(cost.status).toBe(200);
      expect(cost.body).toMatchObject({
        costUsd: 15,
        // Ledger's four and web's production-canary.
        deployments: 5,
        costPerDeployment: 3,
        suppressed: false,
      });
      const ledgerCost = await request(backend).get(
        `/api/claude-code-analytics/v1/entities/component/default/ledger/cost?${range}`,
      );
      expect(ledgerCost.body.deployments).toBe(4);
      await knex.destroy();
    },
  );
});
