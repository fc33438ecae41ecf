import { mockServices } from '@backstage/backend-test-utils';
import { gzipSync } from 'node:zlib';
import { Worker } from 'node:worker_threads';
import {
  capturedSessions,
  describeIfFixtures,
  readOtlpFixture,
} from './__testUtils__/otlpFixtures';
import { decodeExport, OtlpExport } from './decodeExport';
import { OtlpDecodeError, OtlpPayloadTooLargeError } from './errors';
import { OtlpDecoderPool } from './OtlpDecoderPool';

jest.setTimeout(60_000);

// Threads load the TypeScript sources the way `backstage-cli package start` does.
const execArgv = [
  '-r',
  require.resolve('@backstage/cli/config/nodeTransform.cjs'),
];

const pools: OtlpDecoderPool[] = [];
function pool(options: { threads: number; execArgv?: string[] }) {
  const logger = mockServices.logger.mock();
  const created = OtlpDecoderPool.create({ execArgv, ...options, logger });
  pools.push(created);
  return { pool: created, logger };
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map(p => p.close()));
});

const json = (body: unknown, more: Partial<OtlpExport> = {}): OtlpExport => ({
  signal: 'logs',
  body: Buffer.from(JSON.stringify(body)),
  contentType: 'application/json',
  contentEncoding: undefined,
  maxBytes: 1024 * 1024,
  ...more,
});

const strings = (values: Record<string, string>) =>
  Object.entries(values).map(([key, stringValue]) => ({
    key,
    value: { stringValue },
  }));

/** An export shaped like Claude Code's: a request, a prompt and a tool run of one session. */
const event = (name: string, more: Record<string, string>) => ({
  timeUnixNano: '1795609417682000000',
  body: { stringValue: `claude_code.${name}` },
  attributes: strings({
    'event.name': name,
    'event.timestamp': '2026-11-25T10:00:00.000Z',
    'session.id': 'session-1',
    'user.email': 'ada@example.com',
    ...more,
  }),
});
const syntheticLogs = json({
  resourceLogs: [
    {
      resource: { attributes: strings({ 'service.name': 'claude-code' }) },
      scopeLogs: [
        {
          logRecords: [
            event('api_request', {
              model: 'claude-sonnet-4-5',
              request_id: 'req_1',
              input_tokens: '1200',
              output_tokens: '300',
              cost_usd: '0.0081',
            }),
            event('user_prompt', {
              prompt_length: '42',
              'event.sequence': '1',
            }),
            event('tool_result', {
              tool_name: 'Edit',
              success: 'true',
              'event.sequence': '2',
            }),
          ],
        },
      ],
    },
  ],
});
const syntheticMetrics = json(
  {
    resourceMetrics: [
      {
        resource: { attributes: strings({ 'user.email': 'ada@example.com' }) },
        scopeMetrics: [
          {
            metrics: [
              {
                name: 'claude_code.lines_of_code.count',
                sum: {
                  aggregationTemporality: 1,
                  dataPoints: [
                    {
                      attributes: strings({
                        type: 'added',
                        'session.id': 'session-1',
                      }),
                      startTimeUnixNano: '1795609417000000000',
                      timeUnixNano: '1795609417682000000',
                      asInt: '12',
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  },
  { signal: 'metrics' },
);
const synthetic = [syntheticLogs, syntheticMetrics];

describe('OtlpDecoderPool', () => {
  it('decodes in threads exactly what the event loop decodes', async () => {
    const { pool: threads, logger } = pool({ threads: 2 });
    const [logs, metrics] = synthetic.map(decodeExport);
    expect(logs.records).toHaveLength(1);
    expect(logs.events).toHaveLength(2);
    expect(metrics.points).toHaveLength(1);
    // Many at once, spread over both threads, answered in any order.
    const decoded = await Promise.all(
      Array.from({ length: 40 }, (_, i) => threads.decode(synthetic[i % 2])),
    );
    decoded.forEach((result, i) =>
      expect(result).toEqual(i % 2 ? metrics : logs),
    );
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('answers 503 for the exports a dying thread had, and replaces it', async () => {
    const { pool: threads, logger } = pool({ threads: 1 });
    const expected = decodeExport(syntheticLogs);
    expect(await threads.decode(syntheticLogs)).toEqual(expected);
    const workers = (
      threads as unknown as { threads: Array<{ worker: Worker }> }
    ).threads;
    const inFlight = Array.from({ length: 500 }, () =>
      threads.decode(syntheticLogs),
    );
    await workers[0].worker.terminate();
    const settled = await Promise.allSettled(inFlight);
    const failures = settled.flatMap(s =>
      s.status === 'rejected' ? [s.reason] : [],
    );
    const results = settled.flatMap(s =>
      s.status === 'fulfilled' ? [s.value] : [],
    );
    expect(failures.length).toBeGreaterThan(0);
    failures.forEach(failure =>
      expect(failure).toMatchObject({ name: 'ServiceUnavailableError' }),
    );
    results.forEach(result => expect(result).toEqual(expected));
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('OTLP decoding thread stopped'),
    );
    expect(await threads.decode(syntheticLogs)).toEqual(expected);
  });

  it('decodes on the event loop when threads cannot start', async () => {
    // Without the TypeScript hooks the thread cannot load its module.
    const { pool: broken, logger } = pool({ threads: 2, execArgv: [] });
    const expected = synthetic.map(decodeExport);
    expect(await Promise.all(synthetic.map(e => broken.decode(e)))).toEqual(
      expected,
    );
    expect(await broken.decode(syntheticMetrics)).toEqual(expected[1]);
    // Once, not once per thread and event.
    expect(logger.error).toHaveBeenCalledTimes(1);
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining('OTLP decoding threads cannot start'),
    );
  });

  it('decodes what is in flight on the event loop when it stops', async () => {
    const { pool: threads } = pool({ threads: 1 });
    const expected = decodeExport(syntheticLogs);
    expect(await threads.decode(syntheticLogs)).toEqual(expected);
    const inFlight = Array.from({ length: 200 }, () =>
      threads.decode(syntheticLogs),
    );
    await threads.close();
    expect(await Promise.all(inFlight)).toEqual(inFlight.map(() => expected));
    // Closed: later exports are decoded on the event loop.
    expect(await threads.decode(syntheticLogs)).toEqual(expected);
  });

  it.each([0, 1])(
    'fails bad exports with the errors the receiver answers (%p threads)',
    async threads => {
      const { pool: decoder } = pool({ threads });
      const malformed = decoder.decode({
        ...json({}),
        body: Buffer.from('{"resourceLogs": ['),
      });
      await expect(malformed).rejects.toBeInstanceOf(OtlpDecodeError);
      await expect(malformed).rejects.toMatchObject({ statusCode: 400 });

      const unsupported = decoder.decode(
        json({ resourceLogs: [] }, { contentType: 'text/plain' }),
      );
      await expect(unsupported).rejects.toMatchObject({
        name: 'OtlpDecodeError',
        statusCode: 415,
      });

      const large = json({ resourceLogs: [] }, { maxBytes: 5 });
      await expect(decoder.decode(large)).rejects.toBeInstanceOf(
        OtlpPayloadTooLargeError,
      );
      await expect(decoder.decode(large)).rejects.toMatchObject({
        statusCode: 413,
        maxBytes: 5,
        message: 'OTLP request body is larger than 5 bytes (compressed)',
      });

      expect(await decoder.decode(json({ resourceLogs: [] }))).toEqual({
        points: [],
        records: [],
        events: [],
        rejected: 0,
        rejectReasons: [],
      });
    },
  );
});

describeIfFixtures('OtlpDecoderPool with real Claude Code exports', () => {
  it('decodes in threads exactly what the event loop decodes, JSON and protobuf, gzip or not', async () => {
    const exports = capturedSessions.flatMap(session => [
      {
        signal: 'metrics' as const,
        body: readOtlpFixture(session.metricsFile),
        contentType: session.contentType,
        contentEncoding: undefined,
        maxBytes: 5 * 1024 * 1024,
      },
      {
        signal: 'logs' as const,
        body: gzipSync(readOtlpFixture(session.logsFile)),
        contentType: session.contentType,
        contentEncoding: 'gzip',
        maxBytes: 5 * 1024 * 1024,
      },
    ]);
    const { pool: threads, logger } = pool({ threads: 2 });
    const expected = exports.map(decodeExport);
    expect(expected.map(e => e.points.length).some(n => n > 0)).toBe(true);
    expect(expected.map(e => e.records.length).some(n => n > 0)).toBe(true);
    expect(expected.map(e => e.events.length).some(n => n > 0)).toBe(true);
    const decoded = await Promise.all(
      Array.from({ length: 40 }, (_, i) => threads.decode(exports[i % 4])),
    );
    decoded.forEach((result, i) => expect(result).toEqual(expected[i % 4]));
    expect(logger.error).not.toHaveBeenCalled();
  });
});
