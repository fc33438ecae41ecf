import { decodeOtlpRequest } from './decodeOtlpRequest';
import {
  capturedSessions,
  describeIfFixtures,
  readOtlpFixture,
} from './__testUtils__/otlpFixtures';
import {
  ApiRequestEvent,
  ClaudeCodeEvent,
  readClaudeCodeEvents,
} from './readClaudeCodeEvents';
import { OtlpAnyValue, OtlpLogRecord, OtlpLogsRequest } from './types';

const s = (stringValue: string): OtlpAnyValue => ({ stringValue });

function logsRequest(...logRecords: OtlpLogRecord[]): OtlpLogsRequest {
  return {
    resourceLogs: [
      {
        resource: {
          attributes: [
            { key: 'user.email', value: s('ada@example.com') },
            { key: 'repo', value: s('acme/payments') },
          ],
        },
        scopeLogs: [
          { scope: { name: 'com.anthropic.claude_code.events' }, logRecords },
        ],
      },
    ],
  };
}

function eventRecord(
  name: string,
  attributes: Record<string, OtlpAnyValue>,
): OtlpLogRecord {
  return {
    timeUnixNano: '1795609417533000000',
    body: s(`claude_code.${name}`),
    attributes: Object.entries({
      'event.name': s(name),
      'session.id': s('bd80e3c9-26ad-4a03-bfb8-0831b875d873'),
      ...attributes,
    }).map(([key, value]) => ({ key, value })),
  };
}

describeIfFixtures(
  'readClaudeCodeEvents on captured Claude Code exports',
  () => {
    const read = (session: (typeof capturedSessions)[number]) =>
      readClaudeCodeEvents(
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

    describe.each(capturedSessions)('$user ($contentType)', session => {
      // Read in a hook, not while collecting: describe.skip still runs this callback.
      let events: ClaudeCodeEvent[] = [];
      beforeAll(() => {
        events = read(session).events;
      });
      const ofType = <T extends ClaudeCodeEvent['type']>(type: T) =>
        events.filter(
          (e): e is Extract<ClaudeCodeEvent, { type: T }> => e.type === type,
        );

      it('reads every event of the session', () => {
        expect(read(session).rejected).toBe(0);
        const count = (name: string) =>
          events.filter(e => e.name === name).length;
        expect(count('user_prompt')).toBe(1);
        expect(count('api_request')).toBe(3);
        expect(count('tool_decision')).toBe(2);
        expect(count('tool_result')).toBe(2);
        expect(count('assistant_response')).toBe(1);
        expect(ofType('other').map(e => e.name)).toContain(
          'assistant_response',
        );
      });

      it('carries the identity, session and repository of the session', () => {
        const sessionIds = new Set(events.map(e => e.sessionId));
        expect(sessionIds.size).toBe(1);
        expect([...sessionIds][0]).toMatch(/^[0-9a-f]{8}-[0-9a-f-]{27}$/);
        for (const event of events) {
          expect(event).toMatchObject({
            email: session.email,
            repository: session.repository,
            provider: 'firstParty',
            terminalType: 'xterm',
          });
          expect(event.userId).toMatch(/^[0-9a-f]{64}$/);
          expect(event.timestamp).toMatch(/^2026-11-25T12:23:3\d\.\d{3}Z$/);
        }
        expect(events.map(e => e.sequence)).toEqual(events.map((_, i) => i));
      });

      it('gives tokens and cost per API request', () => {
        const requests = ofType('api_request');
        const total = (field: keyof ApiRequestEvent) =>
          requests.reduce((sum, r) => sum + Number(r[field] ?? 0), 0);
        expect(total('inputTokens')).toBe(3600);
        expect(total('outputTokens')).toBe(126);
        expect(total('cacheReadTokens')).toBe(15000);
        expect(total('cacheCreationTokens')).toBe(900);
        expect(total('costUsdMicros')).toBe(24420);
        expect(total('costUsd')).toBeCloseTo(0.02442, 8);
        const requestIds = requests.map(r => r.requestId);
        expect(new Set(requestIds).size).toBe(3);
        expect(requestIds.every(id => id?.startsWith('req_'))).toBe(true);
        expect(requests[0]).toMatchObject({
          model: 'claude-opus-5-5',
          cacheCreation5mTokens: 300,
          cacheCreation1hTokens: 0,
          costUsd: 0.00814,
          costUsdMicros: 8140,
        });
      });

      it('gives the tool decisions and results', () => {
        expect(
          ofType('tool_decision').map(e => [e.toolName, e.decision, e.source]),
        ).toEqual([
          ['Write', 'accept', 'config'],
          ['Bash', 'accept', 'config'],
        ]);
        const results = ofType('tool_result');
        expect(results.map(e => e.toolName)).toEqual(['Write', 'Bash']);
        expect(results[0].success).toBe(true);
        expect(typeof results[1].success).toBe('boolean');
        expect(results.every(e => typeof e.durationMs === 'number')).toBe(true);
      });

      it('keeps the prompt length and never the prompt', () => {
        expect(ofType('user_prompt')).toEqual([
          expect.objectContaining({
            promptLength: 30,
            promptId: expect.any(String),
          }),
        ]);
        expect(JSON.stringify(events)).not.toContain('REDACTED');
      });
    });

    it('gives the same shape of output from JSON and from protobuf', () => {
      const shape = (events: ClaudeCodeEvent[]) =>
        events.map(e => ({
          type: e.type,
          name: e.name,
          fields: Object.keys(e).sort(),
          types: Object.values(e).map(v => typeof v),
        }));
      const [ada, grace] = capturedSessions.map(
        session => read(session).events,
      );
      expect(shape(grace)).toEqual(shape(ada));
    });
  },
);

describe('readClaudeCodeEvents', () => {
  it('never keeps prompts, responses, tool contents or raw bodies', () => {
    const secret = 'SECRET-CONTENT-4711';
    const record = (name: string, attributes: Record<string, OtlpAnyValue>) =>
      eventRecord(name, {
        prompt: s(`${secret} prompt`),
        response: s(`${secret} response`),
        tool_parameters: s(`{"command":"echo ${secret}"}`),
        tool_input: s(`${secret} tool input`),
        tool_output: s(`${secret} tool output`),
        tool_content: {
          kvlistValue: { values: [{ key: 'c', value: s(secret) }] },
        },
        body: s(`${secret} raw body`),
        raw_body: s(`${secret} raw body`),
        error: s(`${secret} error message`),
        ...attributes,
      });
    const { events, rejected } = readClaudeCodeEvents(
      logsRequest(
        record('user_prompt', { prompt_length: s('21') }),
        record('api_request', {
          model: s('claude-opus-5-5'),
          input_tokens: s('1'),
          output_tokens: s('1'),
        }),
        record('api_error', { status_code: s('529') }),
        record('tool_decision', {
          tool_name: s('Bash'),
          decision: s('accept'),
        }),
        record('tool_result', { tool_name: s('Bash'), success: s('true') }),
        record('assistant_response', {}),
        record('api_request_body', {}),
        { ...record('custom', {}), body: s(`${secret} body`) },
      ),
    );
    expect(rejected).toBe(0);
    expect(events).toHaveLength(8);
    expect(JSON.stringify(events)).not.toContain(secret);
    expect(events.find(e => e.type === 'api_error')).toMatchObject({
      statusCode: 529,
      errorLength: `${secret} error message`.length,
    });
  });

  it('accepts numbers and booleans sent as strings or as numbers', () => {
    const asStrings = readClaudeCodeEvents(
      logsRequest(
        eventRecord('api_request', {
          model: s('claude-sonnet-4-5'),
          input_tokens: s('12'),
          output_tokens: s('3'),
          cache_read_tokens: s('100'),
          cache_creation_tokens: s('7'),
          cost_usd: s('0.5'),
          duration_ms: s('12'),
        }),
        eventRecord('tool_result', {
          tool_name: s('Edit'),
          success: s('false'),
          duration_ms: s('12'),
        }),
      ),
    ).events;
    const asNumbers = readClaudeCodeEvents(
      logsRequest(
        eventRecord('api_request', {
          model: s('claude-sonnet-4-5'),
          input_tokens: { intValue: 12 },
          output_tokens: { intValue: '3' },
          cache_read_tokens: { intValue: 100 },
          cache_creation_tokens: { doubleValue: 7 },
          cost_usd: { doubleValue: 0.5 },
          duration_ms: { intValue: 12 },
        }),
        eventRecord('tool_result', {
          tool_name: s('Edit'),
          success: { boolValue: false },
          duration_ms: { doubleValue: 12 },
        }),
      ),
    ).events;
    expect(asStrings).toEqual(asNumbers);
    expect(asNumbers).toMatchObject([
      {
        inputTokens: 12,
        outputTokens: 3,
        cacheReadTokens: 100,
        cacheCreationTokens: 7,
        costUsd: 0.5,
        durationMs: 12,
      },
      { toolName: 'Edit', success: false, durationMs: 12 },
    ]);
  });

  it('defaults the provider, absent cache counts, and takes the time from the record', () => {
    const [event] = readClaudeCodeEvents(
      logsRequest(
        eventRecord('api_request', {
          model: s('claude-haiku-4-5'),
          input_tokens: s('5'),
          output_tokens: s('6'),
        }),
      ),
    ).events;
    expect(event).toEqual({
      type: 'api_request',
      name: 'api_request',
      timestamp: '2026-11-25T12:23:37.533Z',
      sessionId: 'bd80e3c9-26ad-4a03-bfb8-0831b875d873',
      email: 'ada@example.com',
      repository: 'acme/payments',
      provider: 'firstParty',
      model: 'claude-haiku-4-5',
      inputTokens: 5,
      outputTokens: 6,
      cacheReadTokens: 0,
      cacheCreationTokens: 0,
    });
  });

  it('names an event from its body when it has no event.name', () => {
    const { events } = readClaudeCodeEvents(
      logsRequest({
        observedTimeUnixNano: '1795609417533000000',
        body: s('claude_code.compaction'),
        attributes: [{ key: 'anthropic.provider', value: s('bedrock') }],
      }),
    );
    expect(events).toEqual([
      expect.objectContaining({
        type: 'other',
        name: 'compaction',
        provider: 'bedrock',
      }),
    ]);
  });

  it('ignores log records that are not Claude Code events', () => {
    expect(
      readClaudeCodeEvents(
        logsRequest({ timeUnixNano: '1', body: s('GET /healthz 200') }),
      ),
    ).toEqual({ events: [], rejected: 0, rejectReasons: [] });
  });

  it('skips and counts events it cannot read, keeping the others', () => {
    const { events, rejected, rejectReasons } = readClaudeCodeEvents(
      logsRequest(
        eventRecord('api_request', {
          input_tokens: s('1'),
          output_tokens: s('1'),
        }),
        eventRecord('api_request', {
          model: s('m'),
          input_tokens: s('many'),
          output_tokens: s('1'),
        }),
        eventRecord('tool_result', {
          tool_name: s('Bash'),
          success: s('maybe'),
        }),
        eventRecord('tool_decision', {
          tool_name: s('Bash'),
          decision: s('ask'),
        }),
        eventRecord('user_prompt', {}),
        { body: s('claude_code.user_prompt') },
        eventRecord('tool_decision', {
          tool_name: s('Write'),
          decision: s('REJECT'),
        }),
      ),
    );
    expect(events).toMatchObject([
      { type: 'tool_decision', toolName: 'Write', decision: 'reject' },
    ]);
    expect(rejected).toBe(6);
    expect(rejectReasons).toEqual([
      'api_request: no model',
      'api_request: token counts missing or not non-negative integers',
      'tool_result: success is not a boolean',
      'tool_decision: decision is neither accept nor reject',
      'user_prompt: prompt_length is missing or not a count',
      'user_prompt: no valid event.timestamp or timeUnixNano',
    ]);
  });
});
