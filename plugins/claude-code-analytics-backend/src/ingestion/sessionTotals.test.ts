import { RequestRecord } from 'backstage-plugin-claude-code-analytics-common';
import { Knex } from 'knex';
import { createTestDatabases } from '../__testUtils__/createTestDatabases';
import { migrateUpToBefore } from '../__testUtils__/migrateUpToBefore';
import { migrateStore } from '../store/migrateStore';
import { toNumber } from '../store/tables';
import { SessionGroup } from './sessionGroup';
import { readGroupTotals } from './sessionTotals';
import { storeSessionEvents } from './storeSessionEvents';
import { MetricPointInput, storeMetricPoints } from './writeMetricPoints';
import { storeRequestRecords } from './writeRequestRecords';
import { SessionEvent } from './types';

jest.setTimeout(60_000);

const GROUP = ['identity', 'date', 'provider', 'repository'];

/** A model's request totals as plain numbers, from the oracle or from the totals. */
const modelTotals = (row: Record<string, any>) => ({
  model: row.model as string,
  input: toNumber(row.input),
  output: toNumber(row.output),
  cacheRead: toNumber(row.cacheRead),
  cacheCreation: toNumber(row.cacheCreation),
  reported: toNumber(row.reported),
  requests: toNumber(row.requests),
  withCost: toNumber(row.withCost),
});

type EventTotal = { kind: string; tool: string; success: boolean | null };
const byEvent = (a: EventTotal, b: EventTotal) =>
  `${a.kind}|${a.tool}|${a.success}`.localeCompare(
    `${b.kind}|${b.tool}|${b.success}`,
  );

/**
 * The oracle: what the totals must hold, summed straight from every stored request, point and event
 * (as the re-sum did before the totals existed).
 */
async function totalsFromRawRows(knex: Knex, groups: SessionGroup[]) {
  const result = new Map<string, unknown>();
  for (const group of groups) {
    const where = {
      identity: group.identity,
      date: group.date,
      provider: group.provider,
      repository: group.repository,
    };
    const requestModels = (
      (await knex('session_requests')
        .where(where)
        .select('model')
        .sum({
          input: 'input_tokens',
          output: 'output_tokens',
          cacheRead: 'cache_read_tokens',
          cacheCreation: 'cache_creation_tokens',
          reported: 'reported_cost_micros',
        })
        .count({ requests: '*', withCost: 'reported_cost_micros' })
        .groupBy('model')
        .orderBy('model')) as Array<Record<string, any>>
    ).map(modelTotals);
    const [sessions] = await knex('session_requests')
      .where(where)
      .countDistinct({ n: 'session_id' });
    const otlp = await knex('session_requests')
      .where(where)
      .where('sources', 'like', '%otlp%')
      .count({ n: '*' });
    const points = (
      await knex('session_metric_points')
        .where(where)
        .select('measure', 'tool', 'model')
        .sum({ delta: 'delta' })
        .groupBy('measure', 'tool', 'model')
        .orderBy(['measure', 'tool', 'model'])
    ).map(row => ({ ...row, delta: Number(row.delta) }));
    const events = (
      (await knex('session_events')
        .where(where)
        .select('kind', 'tool', 'success')
        .count({ events: '*' })
        .sum({ promptCharacters: 'prompt_length' })
        .groupBy('kind', 'tool', 'success')) as Array<Record<string, any>>
    ).map(row => ({
      kind: row.kind,
      tool: row.tool,
      success: row.success === null ? null : Boolean(row.success),
      events: toNumber(row.events),
      promptCharacters: toNumber(row.promptCharacters),
    }));
    events.sort(byEvent);
    result.set(GROUP.map(c => (group as any)[c]).join('|'), {
      requestModels,
      requestSessions: toNumber(sessions.n),
      otlpRequests: toNumber(otlp[0].n),
      points,
      events,
    });
  }
  return result;
}

/** The totals as the re-sum reads them, in the oracle's shape. */
async function totalsAsRead(knex: Knex, groups: SessionGroup[]) {
  const read = await readGroupTotals(knex, groups);
  const result = new Map<string, unknown>();
  for (const group of groups) {
    const totals = read.get(
      [group.identity, group.date, group.provider, group.repository].join(
        '\u0000',
      ),
    )!;
    result.set(GROUP.map(c => (group as any)[c]).join('|'), {
      requestModels: totals.requestModels
        .map(modelTotals)
        .sort((a, b) => a.model.localeCompare(b.model)),
      requestSessions: totals.requestSessions,
      otlpRequests: totals.otlpRequests,
      points: totals.points
        .map(row => ({
          measure: row.measure,
          tool: row.tool,
          model: row.model,
          delta: Number(row.delta),
        }))
        .sort((a, b) =>
          `${a.measure}|${a.tool}|${a.model}`.localeCompare(
            `${b.measure}|${b.tool}|${b.model}`,
          ),
        ),
      events: totals.events
        .map(row => ({
          kind: row.kind,
          tool: row.tool,
          success: row.success,
          events: toNumber(row.events),
          promptCharacters: toNumber(row.promptCharacters),
        }))
        .sort(byEvent),
    });
  }
  return result;
}

function request(
  id: string,
  options: Partial<RequestRecord> & { input?: number } = {},
): RequestRecord {
  const { input = 100, ...rest } = options;
  return {
    type: 'request',
    sessionId: 's1',
    requestId: id,
    timestamp: '2026-11-24T10:00:00Z',
    identity: 'ada@acme.example',
    model: 'claude-sonnet-4-5',
    tokens: { input, output: 10, cacheRead: 1000, cacheCreation: 5 },
    ...rest,
  };
}

function point(
  seconds: number,
  value: number,
  type = 'added',
): MetricPointInput {
  const attributes = {
    'user.email': 'ada@acme.example',
    'session.id': 's1',
    type,
  };
  return {
    metric: 'claude_code.lines_of_code.count',
    value,
    temporality: 'delta',
    startTimeUnixNano: String(
      1_795_478_400_000_000_000n + BigInt(seconds - 60) * 1_000_000_000n,
    ),
    timeUnixNano: String(
      1_795_478_400_000_000_000n + BigInt(seconds) * 1_000_000_000n,
    ),
    attributes,
    seriesKey: `claude_code.lines_of_code.count|${JSON.stringify(attributes)}`,
  };
}

const event = (
  key: string,
  rest: Partial<SessionEvent> & Pick<SessionEvent, 'kind'>,
): SessionEvent =>
  ({
    sessionId: 's1',
    eventKey: key,
    timestamp: '2026-11-24T10:00:00Z',
    identity: 'ada@acme.example',
    provider: 'firstParty',
    ...rest,
  } as SessionEvent);

describe('session totals', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'equal the sums over the stored rows through merges, moves between groups and retries, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateStore(knex);
      const touched = new Map<string, SessionGroup>();
      const remember = (groups: SessionGroup[]) =>
        groups.forEach(g => touched.set(JSON.stringify(g), g));

      // OTLP requests, one with a reported cost, two models, two sessions.
      remember(
        (
          await storeRequestRecords(knex, 'otlp', [
            request('r1', { costUsd: 0.01 }),
            request('r2', { model: 'claude-haiku-4-5', sessionId: 's2' }),
            // No identity yet: kept under its session.
            request('r3', { identity: undefined, sessionId: 's3' }),
          ])
        ).groups,
      );
      // The same requests from a transcript: r1 partial (smaller, ignored), r2 larger (replaces),
      // r3 now with an identity and repository (moves to ada's group of that repository).
      remember(
        (
          await storeRequestRecords(knex, 'transcripts', [
            request('r1', { input: 50 }),
            request('r2', {
              model: 'claude-haiku-4-5',
              sessionId: 's2',
              input: 900,
            }),
            request('r3', {
              sessionId: 's3',
              repository: 'github.com/acme/payments',
            }),
            request('r4', { timestamp: '2026-11-25T09:00:00Z' }),
          ])
        ).groups,
      );
      // An exporter retry of the first batch.
      remember(
        (
          await storeRequestRecords(knex, 'otlp', [
            request('r1', { costUsd: 0.01 }),
          ])
        ).groups,
      );

      remember(
        (
          await storeMetricPoints(knex, [
            point(60, 5),
            point(120, 7),
            point(60, 2, 'removed'),
          ])
        ).groups,
      );
      // Retried, plus one new interval.
      remember(
        (await storeMetricPoints(knex, [point(60, 5), point(180, 1)])).groups,
      );

      const events = [
        event('seq:1', { kind: 'user_prompt', promptLength: 120 }),
        event('seq:2', { kind: 'tool_result', tool: 'Bash', success: true }),
        event('seq:3', { kind: 'tool_result', tool: 'Bash', success: false }),
        event('seq:4', { kind: 'api_error', statusCode: 529 }),
      ];
      remember(await storeSessionEvents(knex, events));
      remember(
        await storeSessionEvents(knex, [
          ...events,
          event('seq:5', { kind: 'user_prompt', promptLength: 30 }),
        ]),
      );

      const groups = [...touched.values()];
      // ada's day, ada's day in payments, the session without identity (now empty), the next day.
      expect(groups.length).toBeGreaterThanOrEqual(4);
      const expected = await totalsFromRawRows(knex, groups);
      expect(await totalsAsRead(knex, groups)).toEqual(expected);
      // The figures themselves, so that both sides cannot be wrong the same way.
      expect(
        expected.get('ada@acme.example|2026-11-24|firstParty|'),
      ).toMatchObject({
        requestModels: [
          { model: 'claude-haiku-4-5', input: 900, requests: 1 },
          {
            model: 'claude-sonnet-4-5',
            input: 100,
            reported: 10_000,
            requests: 1,
            withCost: 1,
          },
        ],
        requestSessions: 2,
        otlpRequests: 2,
        points: [
          { measure: 'lines_added', delta: 13 },
          { measure: 'lines_removed', delta: 2 },
        ],
        events: [
          { kind: 'api_error', events: 1 },
          { kind: 'tool_result', tool: 'Bash', success: false, events: 1 },
          { kind: 'tool_result', tool: 'Bash', success: true, events: 1 },
          { kind: 'user_prompt', events: 2, promptCharacters: 150 },
        ],
      });
      expect(expected.get('session:s3|2026-11-24|firstParty|')).toMatchObject({
        requestModels: [],
        requestSessions: 0,
      });
    },
  );

  it.each(databases.eachSupportedId())(
    'are computed from the rows stored before the migration that adds them, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateUpToBefore(knex, '20261125210000_session_totals.js');
      const group = {
        identity: 'ada@acme.example',
        date: '2026-11-24',
        provider: 'firstParty',
        repository: '',
      };
      const requestRow = (key: string, session: string, more: object) => ({
        ...group,
        request_key: key,
        session_id: session,
        timestamp: '2026-11-24T10:00:00Z',
        model: 'claude-sonnet-4-5',
        input_tokens: 100,
        output_tokens: 10,
        cache_read_tokens: 0,
        cache_creation_tokens: 0,
        sources: 'otlp',
        received_at: new Date(),
        ...more,
      });
      await knex('session_requests').insert([
        requestRow('r1', 's1', { reported_cost_micros: 700 }),
        requestRow('r2', 's1', {
          sources: 'otlp,transcripts',
          input_tokens: 5,
        }),
        requestRow('r3', 's2', {
          sources: 'transcripts',
          model: 'claude-opus-4-5',
        }),
      ]);
      const pointRow = (time: string, delta: number) => ({
        ...group,
        series_hash: 'h1',
        start_nano: '1',
        time_nano: time,
        session_id: 's1',
        measure: 'lines_added',
        tool: '',
        model: '',
        value: delta,
        delta,
        received_at: new Date(),
      });
      await knex('session_metric_points').insert([
        pointRow('2', 4),
        pointRow('3', 2.5),
      ]);
      await knex('session_events').insert([
        {
          ...group,
          session_id: 's1',
          event_key: 'seq:1',
          kind: 'user_prompt',
          tool: '',
          prompt_length: 42,
        },
        {
          ...group,
          session_id: 's1',
          event_key: 'seq:2',
          kind: 'tool_result',
          tool: 'Edit',
          success: true,
        },
        {
          ...group,
          session_id: 's1',
          event_key: 'seq:3',
          kind: 'tool_result',
          tool: 'Edit',
          success: false,
        },
      ]);

      await migrateStore(knex);
      const expected = await totalsFromRawRows(knex, [group]);
      expect(await totalsAsRead(knex, [group])).toEqual(expected);
      expect(
        expected.get('ada@acme.example|2026-11-24|firstParty|'),
      ).toMatchObject({
        requestModels: [
          { model: 'claude-opus-4-5', requests: 1, withCost: 0 },
          {
            model: 'claude-sonnet-4-5',
            input: 105,
            reported: 700,
            requests: 2,
            withCost: 1,
          },
        ],
        requestSessions: 2,
        otlpRequests: 2,
        points: [{ measure: 'lines_added', delta: 6.5 }],
      });
    },
  );
});
