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

describeIfFixtures('OtlpDecoderPool with real Claude Code exports', () => {
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

  it('decodes in threads exactly what the event loop decodes', async () => {
    const { pool: threads, logger } = pool({ threads: 2 });
    const expected = exports.map(decodeExport);
    // Rows of every kind, so the comparison covers points, requests and events.
    expect(expected.map(e => e.points.length).some(n => n > 0)).toBe(true);
    expect(expected.map(e => e.records.length).some(n => n > 0)).toBe(true);
    expect(expected.map(e => e.events.length).some(n => n > 0)).toBe(true);
    // Many at once, spread over both threads, answered in any order.
    const decoded = await Promise.all(
      Array.from({ length: 40 }, (_, i) => threads.decode(exports[i % 4])),
    );
    decoded.forEach((result, i) => expect(result).toEqual(expected[i % 4]));
    expect(logger.error).not.toHaveBeenCalled();
  });

  it('replaces a thread that died, failing only what it had in flight', async () => {
    const { pool: threads, logger } = pool({ threads: 1 });
    const expected = decodeExport(exports[1]);
    expect(await threads.decode(exports[1])).toEqual(expected);
    const workers = (
      threads as unknown as { threads: Array<{ worker: Worker }> }
    ).threads;
    const inFlight = Array.from({ length: 200 }, () =>
      threads.decode(exports[1]),
    );
    await workers[0].worker.terminate();
    const settled = await Promise.allSettled(inFlight);
    const failures = settled.flatMap(s =>
      s.status === 'rejected' ? [String(s.reason)] : [],
    );
    const results = settled.flatMap(s =>
      s.status === 'fulfilled' ? [s.value] : [],
    );
    expect(failures.length).toBeGreaterThan(0);
    expect(new Set(failures.map(f => f.includes('exited')))).toEqual(
      new Set([true]),
    );
    results.forEach(result => expect(result).toEqual(expected));
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('OTLP decoding thread exited'),
    );
    expect(await threads.decode(exports[1])).toEqual(expected);
  });

  it('decodes on the event loop when threads cannot start', async () => {
    // Without the TypeScript hooks the thread cannot load its module.
    const { pool: broken, logger } = pool({ threads: 2, execArgv: [] });
    const expected = exports.map(decodeExport);
    expect(await Promise.all(exports.map(e => broken.decode(e)))).toEqual(
      expected,
    );
    expect(await broken.decode(exports[3])).toEqual(expected[3]);
    expect(logger.error).toHaveBeenCalledWith(
      expect.stringContaining('OTLP decoding threads cannot start'),
    );
  });
});

describe('OtlpDecoderPool', () => {
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
