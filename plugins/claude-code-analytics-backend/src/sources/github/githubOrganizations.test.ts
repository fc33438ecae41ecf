import request from 'supertest';
import { createTestDatabases } from '../../__testUtils__/createTestDatabases';
import {
  githubConfig,
  serveFakeGithub,
  setupGithubServer,
} from '../../__testUtils__/githubTestServer';
import {
  paymentsGroup,
  paymentsService,
} from '../../__testUtils__/paymentsCatalog';
import { startAnalyticsBackendOn } from '../../__testUtils__/startAnalyticsBackend';
import {
  graphqlPullRequest,
  restRepository,
} from './__testUtils__/githubShapes';

jest.setTimeout(120_000);

const entities = [
  paymentsGroup(),
  paymentsService('shop', { 'github.com/project-slug': 'acme/shop' }),
];

const config = githubConfig({
  organizations: ['acme', { name: 'labs', exclude: '^sandbox-' }, 'ghost'],
});

describe('GitHub organisations', () => {
  const databases = createTestDatabases();
  const server = setupGithubServer();

  it.each(databases.eachSupportedId())(
    'reads every repository of the configured organisations, and lists those of no component as unmapped, %p',
    async databaseId => {
      const fake = serveFakeGithub(server);
      fake.restPageSize = 2;
      const acme = { login: 'acme', type: 'Organization' as const };
      const labs = { login: 'labs', type: 'Organization' as const };
      fake.addAccount('acme', 'Organization', [
        restRepository(acme, { id: 1, name: 'shop' }),
        restRepository(acme, { id: 2, name: 'Web', private: true }),
        restRepository(acme, { id: 3, name: 'legacy', archived: true }),
      ]);
      fake.addAccount('labs', 'Organization', [
        restRepository(labs, { id: 4, name: 'tool' }),
        restRepository(labs, { id: 5, name: 'sandbox-ada' }),
      ]);
      fake.addRepository('acme/shop');
      // GitHub names it acme/Web; the source reads it by its lower-case slug.
      fake.addRepository('acme/web', {
        pullRequests: [
          graphqlPullRequest({
            number: 1,
            createdAt: new Date(Date.now() - 86_400_000).toISOString(),
          }),
        ],
      });
      fake.addRepository('labs/tool');

      const {
        knex,
        server: backend,
        scheduler,
      } = await startAnalyticsBackendOn(databases, databaseId, {
        entities,
        config,
      });
      await scheduler.triggerTask('claude-code-analytics-github');

      // Each repository read once: the component's repository is in an organisation too.
      expect(
        fake.requests
          .filter(r => r.kind === 'graphql')
          .map(r => r.path)
          .sort(),
      ).toEqual([
        'graphql:acme/shop:',
        'graphql:acme/web:',
        'graphql:labs/tool:',
      ]);
      // Two pages for acme (Link header), one for labs, and a user look-up for ghost.
      expect(fake.count('rest', /repos\?/)).toBe(5);

      const log = await knex('ingestion_log')
        .where({ source: 'github' })
        .orderBy('unit');
      expect(
        log.map(l => [l.unit, l.status, Number(l.rows), Number(l.skipped)]),
      ).toEqual([
        ['organization:github.com/acme', 'succeeded', 2, 1],
        ['organization:github.com/ghost', 'failed', 0, 0],
        ['organization:github.com/labs', 'succeeded', 1, 1],
        ['repository:acme/shop', 'succeeded', 0, 0],
        ['repository:acme/web', 'succeeded', 1, 0],
        ['repository:labs/tool', 'succeeded', 0, 0],
      ]);
      expect(await knex('pull_requests')).toHaveLength(1);

      const status = await request(backend).get(
        '/api/claude-code-analytics/v1/status',
      );
      expect(status.status).toBe(200);
      expect(status.body.unmappedRepositories).toEqual([
        'acme/web',
        'labs/tool',
      ]);
      const github = status.body.sources.find(
        (s: { source: string }) => s.source === 'github',
      );
      expect(github).toMatchObject({
        lastSuccessAt: expect.any(String),
        lastError: expect.stringContaining(
          '1 organisations and repositories failed, first organisation github.com/ghost: NotFoundError: GitHub github.com has no organisation or user ghost',
        ),
      });
      await knex.destroy();
    },
  );
});
