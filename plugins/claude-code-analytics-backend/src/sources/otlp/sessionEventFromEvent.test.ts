import { decodeOtlpRequest } from './decodeOtlpRequest';
import {
  capturedSessions,
  describeIfFixtures,
  readOtlpFixture,
} from './__testUtils__/otlpFixtures';
import {
  ApiErrorEvent,
  ClaudeCodeEventCommon,
  readClaudeCodeEvents,
  ToolResultEvent,
  UserPromptEvent,
} from './readClaudeCodeEvents';
import { sessionEventFromEvent } from './sessionEventFromEvent';

const common: ClaudeCodeEventCommon = {
  name: '',
  timestamp: '2026-11-25T12:23:37.563Z',
  sessionId: 'bd80e3c9-26ad-4a03-bfb8-0831b875d873',
  userId: '8735d1936a6fb80de26ad82ef42e88d1765871c52cef22a4f7ef41542a1517ae',
  email: 'ada@example.com',
  provider: 'firstParty',
  repository: 'acme/payments',
  promptId: '1b554eca-73a2-42ca-a8cb-ca7e0f875579',
  sequence: 7,
};

const toolResult: ToolResultEvent = {
  ...common,
  name: 'tool_result',
  type: 'tool_result',
  toolName: 'Bash',
  success: false,
  toolUseId: 'toolu_b1795609417593',
  durationMs: 32,
  errorType: 'ShellError',
};

const prompt: UserPromptEvent = {
  ...common,
  name: 'user_prompt',
  type: 'user_prompt',
  promptLength: 30,
};

const apiError: ApiErrorEvent = {
  ...common,
  name: 'api_error',
  type: 'api_error',
  model: 'claude-opus-5-5',
  statusCode: 529,
  errorLength: 41,
  attempt: 2,
  durationMs: 1200,
};

const withoutSequence = <T extends ClaudeCodeEventCommon>(event: T): T => {
  const { sequence, ...rest } = event;
  return rest as T;
};

describe('sessionEventFromEvent', () => {
  it('keeps of a tool result its tool, outcome and duration, keyed by its place in the session', () => {
    expect(sessionEventFromEvent(toolResult)).toEqual({
      sessionId: 'bd80e3c9-26ad-4a03-bfb8-0831b875d873',
      eventKey: 'seq:7',
      timestamp: '2026-11-25T12:23:37.563Z',
      identity: 'ada@example.com',
      provider: 'firstParty',
      repository: 'acme/payments',
      kind: 'tool_result',
      tool: 'Bash',
      success: false,
      durationMs: 32,
    });
  });

  it('keeps of a prompt its length and of an API error its status and duration, nothing else', () => {
    expect(sessionEventFromEvent(prompt)).toMatchObject({
      kind: 'user_prompt',
      promptLength: 30,
    });
    const error = sessionEventFromEvent(apiError)!;
    expect(error).toMatchObject({
      kind: 'api_error',
      statusCode: 529,
      durationMs: 1200,
    });
    expect(Object.keys(error).sort()).toEqual(
      [
        'sessionId',
        'eventKey',
        'timestamp',
        'identity',
        'provider',
        'repository',
        'kind',
        'statusCode',
        'durationMs',
      ].sort(),
    );
  });

  it('keys an event without a sequence by its own id, else by its kind and time', () => {
    expect(sessionEventFromEvent(withoutSequence(toolResult))?.eventKey).toBe(
      'tool_result:toolu_b1795609417593',
    );
    expect(sessionEventFromEvent(withoutSequence(prompt))?.eventKey).toBe(
      'user_prompt:1b554eca-73a2-42ca-a8cb-ca7e0f875579',
    );
    expect(sessionEventFromEvent(withoutSequence(apiError))?.eventKey).toBe(
      'api_error:2026-11-25T12:23:37.563Z:2',
    );
    const { toolUseId, ...anonymousResult } = withoutSequence(toolResult);
    expect(sessionEventFromEvent(anonymousResult)?.eventKey).toBe(
      'tool_result:2026-11-25T12:23:37.563Z:Bash',
    );
  });

  it('falls back to the account or install id for the identity', () => {
    const { email, ...anonymous } = prompt;
    expect(sessionEventFromEvent(anonymous)?.identity).toBe(common.userId);
    expect(
      sessionEventFromEvent({ ...anonymous, accountUuid: 'account-1' })
        ?.identity,
    ).toBe('account-1');
  });

  it('leaves out other events and events without a session', () => {
    expect(
      sessionEventFromEvent({ ...common, name: 'compaction', type: 'other' }),
    ).toBeUndefined();
    expect(
      sessionEventFromEvent({ ...toolResult, sessionId: undefined }),
    ).toBeUndefined();
  });
});

describeIfFixtures(
  'sessionEventFromEvent on captured Claude Code exports',
  () => {
    it.each(capturedSessions)(
      'gives one session event per prompt and tool result of $user, each with its own key',
      session => {
        const { events } = readClaudeCodeEvents(
          decodeOtlpRequest(
            'logs',
            readOtlpFixture(session.logsFile),
            session.contentType,
            undefined,
            { maxBytes: 1024 * 1024 },
          ),
        );
        const counted = events.filter(e =>
          ['user_prompt', 'api_error', 'tool_result'].includes(e.type),
        );
        const sessionEvents = events.flatMap(e => {
          const sessionEvent = sessionEventFromEvent(e);
          return sessionEvent ? [sessionEvent] : [];
        });
        expect(sessionEvents).toHaveLength(counted.length);
        expect(sessionEvents.length).toBeGreaterThan(0);
        expect(new Set(sessionEvents.map(e => e.eventKey)).size).toBe(
          sessionEvents.length,
        );
        expect(JSON.stringify(sessionEvents)).not.toContain('REDACTED');
      },
    );
  },
);
