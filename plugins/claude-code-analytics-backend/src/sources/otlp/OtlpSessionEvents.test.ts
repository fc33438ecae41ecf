import { settleRollups } from './__testUtils__/settleRollups';
import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { Knex } from 'knex';
import { Server } from 'node:http';
import request from 'supertest';
import { createTestDatabases } from '../../__testUtils__/createTestDatabases';
import { startAnalyticsBackend } from '../../__testUtils__/startAnalyticsBackend';
import { DEFAULT_PRICING } from '../../ingestion/PricingOptions';
import { writeUsageDays } from '../../ingestion/writeUsageDays';
import {
  describeIfFixtures,
  readOtlpFixture,
} from './__testUtils__/otlpFixtures';
import { OtlpKeyValue, OtlpLogRecord, OtlpLogsRequest } from './types';

jest.setTimeout(60_000);

const API = '/api/claude-code-analytics';

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'ada' },
    spec: { profile: { email: 'ada@example.com' }, memberOf: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'payments',
      annotations: { 'github.com/project-slug': 'acme/payments' },
    },
    spec: { type: 'service', owner: 'user:ada', lifecycle: 'production' },
  },
];

/** Content the client sends when told to (OTEL_LOG_USER_PROMPTS and the like): never stored. */
const PROMPT_TEXT = 'PROMPT-TEXT-7c1e please refactor the ledger';
const TOOL_CONTENT = 'TOOL-CONTENT-52ab cat /etc/passwd';
const ERROR_MESSAGE = 'ERROR-MESSAGE-9d04 Overloaded';
const SECRETS = [PROMPT_TEXT, TOOL_CONTENT, ERROR_MESSAGE];

type CapturedEvent = { record: OtlpLogRecord; attributes: Map<string, any> };

function eventsOf(logs: OtlpLogsRequest): CapturedEvent[] {
  return logs.resourceLogs.flatMap(resource =>
    (resource.scopeLogs ?? []).flatMap(scope =>
      (scope.logRecords ?? []).map(record => ({
        record,
        attributes: new Map(
          (record.attributes ?? []).map(kv => [
            kv.key ?? '',
            Object.values(kv.value ?? {})[0],
          ]),
        ),
      })),
    ),
  );
}

const named = (events: CapturedEvent[], name: string) =>
  events.filter(e => e.attributes.get('event.name') === name);

const text = (key: string, value: string): OtlpKeyValue => ({
  key,
  value: { stringValue: value },
});

/**
 * The capture of ada's session as a client sends it with every content flag on: the prompt text
 * on the prompt, tool input and output on the tool results; and one failed API attempt (an
 * `api_error` event) made from its first request, since the captured session had none.
 */
function captureWithContent(): OtlpLogsRequest {
  const logs: OtlpLogsRequest = JSON.parse(
    readOtlpFixture('ada.logs.json').toString('utf8'),
  );
  const events = eventsOf(logs);
  for (const { record } of named(events, 'user_prompt')) {
    record.attributes = [
      ...record.attributes!.filter(kv => kv.key !== 'prompt'),
      text('prompt', PROMPT_TEXT),
    ];
  }
  for (const { record } of named(events, 'tool_result')) {
    record.attributes!.push(
      text('tool_parameters', JSON.stringify({ command: TOOL_CONTENT })),
      text('tool_input', TOOL_CONTENT),
      text('tool_output', TOOL_CONTENT),
    );
  }
  const [firstRequest] = named(events, 'api_request');
  const lastSequence = Math.max(
    ...events.map(e => Number(e.attributes.get('event.sequence') ?? 0)),
  );
  const keep = new Set([
    'user.email',
    'repo',
    'user.id',
    'session.id',
    'anthropic.provider',
    'terminal.type',
    'event.timestamp',
    'prompt.id',
    'model',
  ]);
  const apiError: OtlpLogRecord = {
    ...firstRequest.record,
    body: { stringValue: 'claude_code.api_error' },
    attributes: [
      ...firstRequest.record.attributes!.filter(kv => keep.has(kv.key!)),
      text('event.name', 'api_error'),
      { key: 'event.sequence', value: { intValue: lastSequence + 1 } },
      text('error', ERROR_MESSAGE),
      text('status_code', '529'),
      text('attempt', '1'),
      text('duration_ms', '1500'),
    ],
  };
  logs.resourceLogs[0].scopeLogs![0].logRecords!.push(apiError);
  return logs;
}

/** The numbers the capture stands for, counted from its events. */
function expectedFrom(logs: OtlpLogsRequest) {
  const events = eventsOf(logs);
  const prompts = named(events, 'user_prompt');
  const toolResults: Record<string, { succeeded: number; failed: number }> = {};
  for (const event of named(events, 'tool_result')) {
    const tool = event.attributes.get('tool_name');
    const counts = toolResults[tool] ?? { succeeded: 0, failed: 0 };
    counts[
      String(event.attributes.get('success')) === 'true'
        ? 'succeeded'
        : 'failed'
    ] += 1;
    toolResults[tool] = counts;
  }
  const apiRequests = named(events, 'api_request').length;
  const apiErrors = named(events, 'api_error').length;
  return {
    prompts: prompts.length,
    promptCharacters: prompts.reduce(
      (sum, e) => sum + Number(e.attributes.get('prompt_length')),
      0,
    ),
    apiRequests,
    apiErrors,
    apiErrorRate: apiErrors / (apiRequests + apiErrors),
    toolResults,
    sessionEvents:
      prompts.length + named(events, 'tool_result').length + apiErrors,
  };
}

function post(server: Server, signal: string, body: unknown) {
  return request(server)
    .post(`${API}/otlp/v1/${signal}`)
    .set('Authorization', mockCredentials.service.header())
    .set('Content-Type', 'application/json')
    .send(JSON.stringify(body));
}


async function adoptionOf(server: Server, entity: string, day: string) {
  const { body } = await request(server).get(
    `${API}/v1/entities/${entity}/adoption?from=${day}&to=${day}`,
  );
  return body;
}

/** Tool runs in the reconciled facts of a scope, per tool that ran. */
async function toolResultFacts(knex: Knex, scopeRef: string) {
  const rows: Array<Record<string, any>> = await knex('usage_tool_facts')
    .where('scope_ref', scopeRef)
    .select('tool')
    .sum({ succeeded: 'succeeded', failed: 'failed' })
    .groupBy('tool');
  return Object.fromEntries(
    rows
      .map(row => ({
        tool: row.tool,
        succeeded: Number(row.succeeded),
        failed: Number(row.failed),
      }))
      .filter(row => row.succeeded + row.failed > 0)
      .map(({ tool, ...counts }) => [tool, counts]),
  );
}

/** Ada's adoption and reconciled tool facts hold exactly the counts of the events sent. */
async function expectEventCounts(
  knex: Knex,
  adoption: Record<string, any>,
  expected: ReturnType<typeof expectedFrom>,
) {
  expect(adoption).toMatchObject({
    prompts: expected.prompts,
    promptCharacters: expected.promptCharacters,
    apiRequests: expected.apiRequests,
    apiErrors: expected.apiErrors,
  });
  expect(adoption.apiErrorRate).toBeCloseTo(expected.apiErrorRate, 12);
  expect(await toolResultFacts(knex, 'user:default/ada')).toEqual(
    expected.toolResults,
  );
}

/** Every value of every row of every table of the store, as text. */
async function everyStoredValue(knex: Knex): Promise<string> {
  const tables: string[] =
    knex.client.config.client === 'pg'
      ? (
          await knex.raw(
            'SELECT tablename FROM pg_tables WHERE schemaname = current_schema()',
          )
        ).rows.map((row: any) => row.tablename)
      : (
          await knex.raw(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
          )
        ).map((row: any) => row.name);
  expect(tables).toContain('session_events');
  const values: string[] = [];
  for (const table of tables) {
    values.push(JSON.stringify(await knex(table).select()));
  }
  return values.join('\n');
}

describeIfFixtures('OTLP prompts, API errors and tool results', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'stores each event of a real capture once, without its content, and shows the counts, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const { server } = await startAnalyticsBackend({ knex, entities });
      const logs = captureWithContent();
      const expected = expectedFrom(logs);
      expect(expected.prompts).toBeGreaterThan(0);
      expect(Object.keys(expected.toolResults).length).toBeGreaterThan(0);

      const metrics = JSON.parse(
        readOtlpFixture('ada.metrics.json').toString('utf8'),
      );
      expect((await post(server, 'metrics', metrics)).status).toBe(200);
      const first = await post(server, 'logs', logs);
      expect(first.status).toBe(200);
      expect(first.body).toEqual({});
      await settleRollups(server);

      const day = (await knex('session_events').first('date')).date;
      const adoption = await adoptionOf(server, 'user/default/ada', day);
      expect(adoption).toMatchObject({ suppressed: false, sessions: 1 });
      await expectEventCounts(knex, adoption, expected);

      // The exporter retries the batch: nothing changes.
      expect((await post(server, 'logs', logs)).status).toBe(200);
      await settleRollups(server);
      const [{ n }] = await knex('session_events').count({ n: '*' });
      expect(Number(n)).toBe(expected.sessionEvents);
      const { sources, ...numbers } = adoption;
      expect(await adoptionOf(server, 'user/default/ada', day)).toEqual({
        ...numbers,
        sources: expect.any(Array),
      });

      // A row holds counts and measurements only.
      const rows = await knex('session_events').select();
      for (const row of rows) {
        expect(Object.keys(row).sort()).toEqual(
          [
            'session_id',
            'event_key',
            'identity',
            'date',
            'provider',
            'repository',
            'kind',
            'tool',
            'success',
            'duration_ms',
            'status_code',
            'prompt_length',
          ].sort(),
        );
      }
      expect(rows.find(row => row.kind === 'api_error')).toMatchObject({
        status_code: 529,
        duration_ms: 1500,
        identity: 'ada@example.com',
        repository: 'acme/payments',
      });

      const stored = await everyStoredValue(knex);
      for (const secret of SECRETS) {
        expect(stored).not.toContain(secret);
        expect(JSON.stringify(adoption)).not.toContain(secret);
      }

      // One active person: the component's aggregate is withheld, these numbers with it.
      const component = await adoptionOf(
        server,
        'component/default/payments',
        day,
      );
      expect(component).toMatchObject({
        suppressed: true,
        prompts: 0,
        apiErrors: 0,
        toolResults: {},
      });
      expect(component.apiErrorRate).toBeUndefined();

      // Per tool, from the entity rollups.
      expect(adoption.toolResults).toEqual(expected.toolResults);
      // Tools that only ran were never offered for a decision.
      expect(adoption.toolDecisions).toEqual({
        Write: { accepted: 1, rejected: 0 },
      });
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'adds them to a day the Admin API describes, counting nothing twice, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const { server } = await startAnalyticsBackend({
        knex,
        entities,
        config: { claudeCodeAnalytics: { privacy: { minimumGroupSize: 1 } } },
      });
      const logs = captureWithContent();
      const expected = expectedFrom(logs);
      const day = eventsOf(logs)[0]
        .attributes.get('event.timestamp')
        .slice(0, 10);

      await writeUsageDays(
        knex,
        'admin-api',
        [
          {
            identity: 'ada@example.com',
            date: day,
            provider: 'firstParty',
            activity: {
              sessions: 6,
              activeSeconds: 0,
              linesAdded: 120,
              linesRemoved: 30,
              commits: 2,
              pullRequests: 1,
              toolDecisions: { Edit: { accepted: 9, rejected: 1 } },
            },
            models: [
              {
                model: 'claude-sonnet-4-5',
                tokens: {
                  input: 50_000,
                  output: 4_000,
                  cacheRead: 0,
                  cacheCreation: 0,
                },
                costMicros: 210_000,
              },
            ],
          },
        ],
        DEFAULT_PRICING,
      );
      const metrics = JSON.parse(
        readOtlpFixture('ada.metrics.json').toString('utf8'),
      );
      expect((await post(server, 'metrics', metrics)).status).toBe(200);
      expect((await post(server, 'logs', logs)).status).toBe(200);
      await settleRollups(server);

      const adoption = await adoptionOf(server, 'user/default/ada', day);
      // Sessions, lines, commits and edit decisions: the Admin API's alone.
      expect(adoption).toMatchObject({
        activeUsers: 1,
        sessions: 6,
        linesAdded: 120,
        linesRemoved: 30,
        commitsByClaudeCode: 2,
        pullRequestsByClaudeCode: 1,
        toolDecisions: { Edit: { accepted: 9, rejected: 1 } },
      });
      // Prompts, API errors and tool runs: the OTLP events', once.
      await expectEventCounts(knex, adoption, expected);

      const { body: cost } = await request(server).get(
        `${API}/v1/entities/user/default/ada/cost?from=${day}&to=${day}`,
      );
      expect(cost.tokens).toEqual({
        input: 50_000,
        output: 4_000,
        cacheRead: 0,
        cacheCreation: 0,
      });

      // The session named its repository: its component gets exactly those events.
      const component = await adoptionOf(
        server,
        'component/default/payments',
        day,
      );
      expect(component).toMatchObject({
        suppressed: false,
        prompts: expected.prompts,
        apiErrors: expected.apiErrors,
      });
      expect(await toolResultFacts(knex, 'component:default/payments')).toEqual(
        expected.toolResults,
      );

      // Per tool, from the entity rollups: the Admin API's decisions, the events' runs.
      expect(Object.keys(adoption.toolDecisions)).toEqual(['Edit']);
      expect(adoption.toolResults).toEqual(expected.toolResults);
      expect(component.toolResults).toEqual(expected.toolResults);
      await knex.destroy();
    },
  );
});
