import { Knex } from 'knex';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/createTestDatabases';
import {
  paymentsPeople,
  paymentsService,
  paymentsTeam,
} from '../__testUtils__/paymentsCatalog';
import {
  postImport,
  startAnalyticsBackendOn,
} from '../__testUtils__/startAnalyticsBackend';

jest.setTimeout(60_000);

const entities = [
  ...paymentsTeam(name => ({ 'github.com/user-login': `${name}-gh` })),
  paymentsService('ledger', { 'github.com/project-slug': 'acme/ledger' }),
];

const usageLine = (
  name: string,
  date: string,
  costUsd: number,
  model = 'claude-sonnet-4-5',
) =>
  JSON.stringify({
    type: 'usage_daily',
    date,
    identity: `${name.toUpperCase()}@acme.example`,
    model,
    sessions: 2,
    linesAdded: 10,
    linesRemoved: 3,
    commits: 1,
    pullRequests: 0,
    tokens: { input: 1000, output: 200, cacheRead: 5000, cacheCreation: 300 },
    costUsd,
    toolDecisions: { Edit: { accepted: 4, rejected: 1 } },
  });

const NDJSON = [
  ...paymentsPeople.map(name => usageLine(name, '2026-03-02', 1.25)),
  usageLine('ada', '2026-03-03', 0.5, 'claude-opus-4-5'),
  '{"type":"usage_daily","date":"2026-03-02"}',
  'not json',
  JSON.stringify({
    type: 'pull_request',
    repository: 'acme/ledger',
    number: 7,
    author: 'ada-gh',
    createdAt: '2026-03-01T10:00:00Z',
    firstCommitAt: '2026-03-01T08:00:00+02:00',
    mergedAt: '2026-03-02T12:00:00Z',
    mergeCommitSha: 'abcdef1234567',
    aiAssisted: true,
  }),
  JSON.stringify({
    type: 'deployment',
    repository: 'acme/ledger',
    id: 'd1',
    environment: 'production',
    status: 'success',
    finishedAt: '2026-03-03T09:00:00Z',
    sha: 'abcdef1234567',
    pullRequests: [7],
  }),
  JSON.stringify({
    type: 'incident',
    repository: 'acme/ledger',
    id: 'i1',
    createdAt: '2026-03-03T10:00:00Z',
    resolvedAt: '2026-03-03T09:00:00Z',
  }),
  '',
].join('\n');

async function snapshot(knex: Knex) {
  const out: Record<string, number> = {};
  for (const table of [
    'usage_activity_daily',
    'usage_model_daily',
    'usage_tool_daily',
    'pull_requests',
    'deployments',
    'incidents',
    'session_requests',
  ]) {
    const [{ n }] = await knex(table).count({ n: '*' });
    out[table] = Number(n);
  }
  return out;
}

describe('POST /v1/import and GET cost', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'imports valid lines once, reports rejected ones, and answers cost, %p',
    async databaseId => {
      const { knex, server } = await startAnalyticsBackendOn(
        databases,
        databaseId,
        { entities },
      );
      const post = (body: string) => postImport(server, body);

      const first = await post(NDJSON);
      expect(first.status).toBe(200);
      expect(first.body.accepted).toBe(8);
      expect(first.body.rejected).toEqual([
        { line: 7, reason: expect.stringContaining('identity') },
        { line: 8, reason: expect.stringContaining('not JSON') },
        { line: 11, reason: 'resolvedAt is before createdAt' },
      ]);
      const afterFirst = await snapshot(knex);
      expect(afterFirst.incidents).toBe(0);

      const again = await post(NDJSON);
      expect(again.body.accepted).toBe(8);
      expect(await snapshot(knex)).toEqual(afterFirst);

      const empty = await post('');
      expect(empty.status).toBe(400);

      const cost = await request(server).get(
        '/api/claude-code-analytics/v1/entities/group/default/payments/cost?from=2026-03-01&to=2026-03-03',
      );
      expect(cost.status).toBe(200);
      expect(cost.body).toMatchObject({
        costUsd: 5 * 1.25 + 0.5,
        tokens: {
          input: 6000,
          output: 1200,
          cacheRead: 30000,
          cacheCreation: 1800,
        },
        activeUsers: 5,
        costPerActiveUser: (5 * 1.25 + 0.5) / 5,
        mergedPullRequests: 1,
        costPerMergedPullRequest: 5 * 1.25 + 0.5,
        deployments: 1,
        costPerDeployment: 5 * 1.25 + 0.5,
        monthToDateUsd: 5 * 1.25 + 0.5,
        monthEndProjectionUsd: ((5 * 1.25 + 0.5) / 3) * 31,
        suppressed: false,
      });
      expect(cost.body.cacheHitRate).toBeCloseTo(30000 / (6000 + 30000 + 1800));
      expect(cost.body.byModel.map((m: any) => [m.model, m.costUsd])).toEqual([
        ['claude-sonnet-4-5', 6.25],
        ['claude-opus-4-5', 0.5],
      ]);

      const adoption = await request(server).get(
        '/api/claude-code-analytics/v1/entities/group/default/payments/adoption?from=2026-03-01&to=2026-03-03',
      );
      expect(adoption.body).toMatchObject({
        activeUsers: 5,
        sessions: 12,
        linesAdded: 60,
        toolDecisions: { Edit: { accepted: 24, rejected: 6 } },
      });
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'counts a request once when OTLP and transcripts both send it, and prefers daily sources, %p',
    async databaseId => {
      const { knex, server } = await startAnalyticsBackendOn(
        databases,
        databaseId,
        { entities },
      );
      const requestLine = (extra: object) =>
        JSON.stringify({
          type: 'request',
          sessionId: 's-1',
          requestId: 'req_1',
          messageId: 'msg_1',
          timestamp: '2026-03-05T10:00:00Z',
          model: 'claude-sonnet-4-5',
          provider: 'bedrock',
          tokens: {
            input: 100,
            output: 10,
            cacheRead: 1000,
            cacheCreation: 50,
          },
          ...extra,
        });
      const post = (body: string) => postImport(server, body);
      // As the OTLP receiver knows it (identity, cost) and as the collector knows it (repository).
      await post(
        requestLine({ identity: 'grace@acme.example', costUsd: 0.01 }),
      );
      await post(requestLine({ repository: 'acme/ledger' }));

      const [row] = await knex('session_requests');
      expect(row).toMatchObject({
        identity: 'grace@acme.example',
        repository: 'acme/ledger',
      });
      const cost = await request(server).get(
        '/api/claude-code-analytics/v1/entities/user/default/grace/cost?from=2026-03-05&to=2026-03-05',
      );
      expect(cost.body.tokens).toEqual({
        input: 100,
        output: 10,
        cacheRead: 1000,
        cacheCreation: 50,
      });
      expect(cost.body.costUsd).toBe(0.01);
      const component = await request(server).get(
        '/api/claude-code-analytics/v1/entities/component/default/ledger/adoption?from=2026-03-05&to=2026-03-05',
      );
      // One person on the component: withheld from the API, attributed exactly underneath.
      expect(component.body.suppressed).toBe(true);
      const [fact] = await knex('usage_facts').where({
        scope_ref: 'component:default/ledger',
      });
      expect(fact).toMatchObject({
        attribution: 'exact',
        user_ref: 'user:default/grace',
      });
      expect(Number(fact.sessions)).toBe(1);
      expect(Number(fact.input_tokens)).toBe(100);

      // A daily first-party record and a first-party session of the same user-day: the daily one
      // counts, the session does not add to it.
      await post(
        [
          usageLine('grace', '2026-03-05', 2),
          requestLine({
            requestId: 'req_2',
            messageId: 'msg_2',
            provider: 'firstParty',
            identity: 'grace@acme.example',
          }),
        ].join('\n'),
      );
      const both = await request(server).get(
        '/api/claude-code-analytics/v1/entities/user/default/grace/cost?from=2026-03-05&to=2026-03-05',
      );
      expect(both.body.tokens).toEqual({
        input: 1000 + 100,
        output: 200 + 10,
        cacheRead: 5000 + 1000,
        cacheCreation: 300 + 50,
      });
      await knex.destroy();
    },
  );
});
