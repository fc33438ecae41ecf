import { decodeOtlpRequest } from './decodeOtlpRequest';
import {
  capturedSessions,
  describeIfFixtures,
  readOtlpFixture,
} from './__testUtils__/otlpFixtures';
import { ApiRequestEvent, readClaudeCodeEvents } from './readClaudeCodeEvents';
import { requestRecordFromEvent } from './requestRecordFromEvent';

const event: ApiRequestEvent = {
  type: 'api_request',
  name: 'api_request',
  timestamp: '2026-11-25T12:23:37.533Z',
  sessionId: 'bd80e3c9-26ad-4a03-bfb8-0831b875d873',
  userId: '8735d1936a6fb80de26ad82ef42e88d1765871c52cef22a4f7ef41542a1517ae',
  email: 'ada@example.com',
  provider: 'firstParty',
  repository: 'acme/payments',
  model: 'claude-opus-5-5',
  requestId: 'req_stub_2',
  inputTokens: 1200,
  outputTokens: 42,
  cacheReadTokens: 5000,
  cacheCreationTokens: 300,
  cacheCreation5mTokens: 300,
  cacheCreation1hTokens: 0,
  costUsd: 0.0081,
  costUsdMicros: 8140,
};

describe('requestRecordFromEvent', () => {
  it('maps an api_request event, preferring the exact micro-dollar cost', () => {
    expect(requestRecordFromEvent(event)).toEqual({
      type: 'request',
      sessionId: 'bd80e3c9-26ad-4a03-bfb8-0831b875d873',
      requestId: 'req_stub_2',
      timestamp: '2026-11-25T12:23:37.533Z',
      identity: 'ada@example.com',
      model: 'claude-opus-5-5',
      provider: 'firstParty',
      repository: 'acme/payments',
      tokens: {
        input: 1200,
        output: 42,
        cacheRead: 5000,
        cacheCreation: 300,
        cacheCreation1h: 0,
      },
      costUsd: 0.00814,
    });
  });

  it('falls back to cost_usd, the install id and the event sequence, and leaves out the rest', () => {
    const {
      email,
      repository,
      requestId,
      costUsdMicros,
      cacheCreation1hTokens,
      accountUuid,
      ...bare
    } = event;
    expect(
      requestRecordFromEvent({ ...bare, provider: 'bedrock', sequence: 7 }),
    ).toEqual({
      type: 'request',
      sessionId: 'bd80e3c9-26ad-4a03-bfb8-0831b875d873',
      // Without an email the install id stands in, as for metric points of the same session.
      identity: bare.userId,
      messageId: 'event-7',
      timestamp: '2026-11-25T12:23:37.533Z',
      model: 'claude-opus-5-5',
      provider: 'bedrock',
      tokens: { input: 1200, output: 42, cacheRead: 5000, cacheCreation: 300 },
      costUsd: 0.0081,
    });
    const { userId, sequence, ...anonymous } = bare;
    expect(requestRecordFromEvent(anonymous)).not.toHaveProperty('identity');
  });

  it('gives nothing without a session id or a model', () => {
    expect(
      requestRecordFromEvent({ ...event, sessionId: undefined }),
    ).toBeUndefined();
    expect(requestRecordFromEvent({ ...event, model: '' })).toBeUndefined();
  });
});

describeIfFixtures(
  'requestRecordFromEvent on captured Claude Code exports',
  () => {
    it.each(capturedSessions)(
      'gives one record per API request of $user',
      session => {
        const { events } = readClaudeCodeEvents(
          decodeOtlpRequest(
            'logs',
            readOtlpFixture(session.logsFile),
            session.contentType,
            undefined,
            {
              maxBytes: 1024 * 1024,
            },
          ),
        );
        const records = events.flatMap(e =>
          e.type === 'api_request' ? requestRecordFromEvent(e) ?? [] : [],
        );
        expect(records).toHaveLength(3);
        for (const record of records) {
          expect(record).toMatchObject({
            identity: session.email,
            repository: session.repository,
            provider: 'firstParty',
            model: 'claude-opus-5-5',
            tokens: {
              input: 1200,
              output: 42,
              cacheRead: 5000,
              cacheCreation: 300,
              cacheCreation1h: 0,
            },
            costUsd: 0.00814,
          });
        }
        const total = records.reduce((sum, r) => sum + (r.costUsd ?? 0), 0);
        expect(total).toBeCloseTo(0.02442, 8);
      },
    );
  },
);
