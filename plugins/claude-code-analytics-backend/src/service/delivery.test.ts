import { Entity } from '@backstage/catalog-model';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/createTestDatabases';
import { startAnalyticsBackend } from '../__testUtils__/startAnalyticsBackend';
import { withinSketchAccuracy } from '../__testUtils__/withinSketchAccuracy';

jest.setTimeout(60_000);

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'payments' },
    spec: { type: 'team', children: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'ledger',
      annotations: { 'github.com/project-slug': 'acme/ledger' },
    },
    spec: { type: 'service', owner: 'payments', lifecycle: 'production' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'docs' },
    spec: { type: 'website', owner: 'payments', lifecycle: 'production' },
  },
];

const pr = (
  number: number,
  times: Record<string, string>,
  aiAssisted: boolean,
) =>
  JSON.stringify({
    type: 'pull_request',
    repository: 'acme/ledger',
    number,
    author: `dev${number}`,
    mergeCommitSha: `abcdef${number}`,
    aiAssisted,
    ...times,
  });
const deployment = (
  id: string,
  status: string,
  finishedAt: string,
  prs: number[],
) =>
  JSON.stringify({
    type: 'deployment',
    repository: 'acme/ledger',
    id,
    environment: 'production',
    status,
    finishedAt,
    sha: 'abcdef1',
    pullRequests: prs,
  });

// Two changes shipped by one deployment, which an incident follows; then a failed deployment
// and its recovery.
const NDJSON = [
  pr(
    1,
    {
      firstCommitAt: '2026-03-01T08:00:00Z',
      createdAt: '2026-03-01T10:00:00Z',
      firstReviewAt: '2026-03-01T12:00:00Z',
      mergedAt: '2026-03-02T10:00:00Z',
    },
    true,
  ),
  pr(
    2,
    {
      firstCommitAt: '2026-03-02T00:00:00Z',
      createdAt: '2026-03-02T06:00:00Z',
      firstReviewAt: '2026-03-02T08:00:00Z',
      mergedAt: '2026-03-02T12:00:00Z',
    },
    false,
  ),
  deployment('d1', 'success', '2026-03-03T10:00:00Z', [1, 2]),
  deployment('d2', 'failure', '2026-03-04T10:00:00Z', []),
  deployment('d3', 'success', '2026-03-04T14:00:00Z', []),
  JSON.stringify({
    type: 'incident',
    repository: 'acme/ledger',
    id: 'i1',
    createdAt: '2026-03-03T12:00:00Z',
    resolvedAt: '2026-03-03T15:00:00Z',
  }),
].join('\n');

describe('GET delivery', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'answers the pooled DORA metrics of the components an entity delivers, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const { server } = await startAnalyticsBackend({ knex, entities });
      const imported = await request(server)
        .post('/api/claude-code-analytics/v1/import')
        .set('Content-Type', 'application/x-ndjson')
        .send(NDJSON);
      expect(imported.body).toEqual({ accepted: 6, rejected: [] });

      for (const ref of [
        'component/default/ledger',
        'group/default/payments',
      ]) {
        const res = await request(server).get(
          `/api/claude-code-analytics/v1/entities/${ref}/delivery?from=2026-03-01&to=2026-03-07`,
        );
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({
          deployments: 2,
          mergedPullRequests: 2,
          aiAssistedPullRequests: 1,
          deploymentFrequency: { perWeek: 2, tier: 'high' },
          // 50 h and 34 h from first commit to production. Medians come from the delivery
          // rollups' sketches: within their 1 % of the exact value, tiers exact.
          leadTime: { medianHours: withinSketchAccuracy(42), tier: 'high' },
          // d1 is followed by an incident, d2 failed: 2 of 3 production deployments.
          changeFailureRate: { value: 2 / 3, tier: 'low' },
          // 5 h to resolve the incident, 4 h from the failure to the next success.
          recoveryTime: {
            medianHours: withinSketchAccuracy(4.5),
            tier: 'high',
          },
          cycleTime: {
            codingHours: withinSketchAccuracy(4),
            pickupHours: withinSketchAccuracy(2),
            reviewHours: withinSketchAccuracy(13),
            deployHours: withinSketchAccuracy(23),
          },
          split: { comparable: false },
          previous: { from: '2026-02-22', to: '2026-02-28', deployments: 0 },
        });
        expect(res.body.split.aiAssisted.mergedPullRequests).toBe(1);
        expect(res.body.split.other.mergedPullRequests).toBe(1);
      }
      const group = await request(server).get(
        '/api/claude-code-analytics/v1/entities/group/default/payments/delivery?from=2026-03-01&to=2026-03-07',
      );
      expect(group.body).toMatchObject({
        components: 2,
        componentsWithData: 1,
      });
      await knex.destroy();
    },
  );
});
