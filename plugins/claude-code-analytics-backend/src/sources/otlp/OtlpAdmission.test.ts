import {
  mockCredentials,
  mockServices,
  TestDatabaseId,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import knexFactory from 'knex';
import http, { Server } from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { createTestDatabases } from '../../__testUtils__/createTestDatabases';
import { startAnalyticsBackendOn } from '../../__testUtils__/startAnalyticsBackend';
import { OtlpReceiver } from './OtlpReceiver';

jest.setTimeout(60_000);

const PATH = '/api/claude-code-analytics/otlp/v1/logs';

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'ada' },
    spec: { profile: { email: 'ada@example.com' }, memberOf: [] },
  },
];

/** A logs export with one `api_request` event of its own request id. */
const exportOf = (requestId: string) =>
  Buffer.from(
    JSON.stringify({
      resourceLogs: [
        {
          resource: { attributes: [] },
          scopeLogs: [
            {
              logRecords: [
                {
                  timeUnixNano: '1795609417682000000',
                  body: { stringValue: 'claude_code.api_request' },
                  attributes: Object.entries({
                    'event.name': 'api_request',
                    'event.timestamp': '2026-11-25T10:00:00.000Z',
                    'session.id': 'session-1',
                    'user.email': 'ada@example.com',
                    model: 'claude-sonnet-4-5',
                    request_id: requestId,
                    input_tokens: '1200',
                    output_tokens: '300',
                  }).map(([key, stringValue]) => ({
                    key,
                    value: { stringValue },
                  })),
                },
              ],
            },
          ],
        },
      ],
    }),
  );

/** Posts a body to the logs endpoint as a service, its bytes as they are. */
const postTo = (server: Server) => (body: Buffer) =>
  request(server)
    .post(PATH)
    .set('Authorization', mockCredentials.service.header())
    .set('Content-Type', 'application/json')
    .serialize((bytes: any) => bytes)
    .send(body as any);

/** Starts posting `body` but sends only its first `bytes`: the rest is up to the caller. */
function startUpload(server: Server, body: Buffer, bytes: number) {
  const upload = http.request({
    host: '127.0.0.1',
    port: (server.address() as AddressInfo).port,
    method: 'POST',
    path: PATH,
    headers: {
      Authorization: mockCredentials.service.header(),
      'Content-Type': 'application/json',
      'Content-Length': body.length,
    },
  });
  upload.write(body.subarray(0, bytes));
  return upload;
}

describe('OTLP admission', () => {
  const databases = createTestDatabases();
  /** A backend on the database, its receiver configured with `otlp`. */
  const start = (databaseId: TestDatabaseId, otlp: Record<string, number>) =>
    startAnalyticsBackendOn(databases, databaseId, {
      entities,
      config: { claudeCodeAnalytics: { otlp } },
    });

  it.each(databases.eachSupportedId())(
    'answers 503 with Retry-After beyond the bound of exports in flight, and stores nothing of it, on %p',
    async databaseId => {
      const { knex, server } = await start(databaseId, {
        maxPendingExports: 1,
      });
      const post = (requestId: string) => postTo(server)(exportOf(requestId));

      // An export whose body is still arriving holds the only slot.
      const slow = exportOf('req_slow');
      const slowRequest = startUpload(server, slow, 100);
      const slowStatus = new Promise<number>((resolve, reject) => {
        slowRequest.on('response', response => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        slowRequest.on('error', reject);
      });

      // Once its headers are in, another export is turned away.
      let busy: request.Response | undefined;
      const accepted: string[] = [];
      const otherStatuses: number[] = [];
      for (let attempt = 0; attempt < 100 && !busy; attempt++) {
        const response = await post(`req_busy_${attempt}`);
        if (response.status === 503) {
          busy = response;
        } else {
          otherStatuses.push(response.status);
          accepted.push(`req_busy_${attempt}`);
          await new Promise(resolve => setTimeout(resolve, 20));
        }
      }
      // Exports sent before the slow one's headers were in were stored as usual.
      expect(otherStatuses.filter(status => status !== 200)).toEqual([]);
      expect(busy?.status).toBe(503);
      expect(busy?.headers['retry-after']).toMatch(/^[123]$/);
      expect(busy?.body).toEqual({
        error: {
          name: 'OtlpBusyError',
          message:
            'The OTLP receiver is at its bound of 1 exports in flight; retry later',
        },
        request: { method: 'POST', url: PATH },
        response: { statusCode: 503 },
      });

      slowRequest.end(slow.subarray(100));
      expect(await slowStatus).toBe(200);
      // The slot is free again.
      expect((await post('req_after')).status).toBe(200);

      const stored = (
        await knex('session_requests')
          .select('request_id')
          .orderBy('request_id')
      ).map(row => row.request_id);
      // The export turned away was not stored (its exporter sends it again); the others were.
      expect(stored).toEqual(['req_after', ...accepted, 'req_slow'].sort());
    },
  );

  it.each(databases.eachSupportedId())(
    'gives the slot back when an export is refused (400, 413, an upload cut off), on %p',
    async databaseId => {
      const { knex, server } = await start(databaseId, {
        maxPendingExports: 1,
        maxBytes: 4096,
      });
      const post = postTo(server);

      expect((await post(Buffer.from('{"resourceLogs": ['))).status).toBe(400);
      expect((await post(Buffer.alloc(5000, 32))).status).toBe(413);
      // An upload that stops halfway, its connection closed.
      const upload = startUpload(server, exportOf('req_cut'), 100);
      upload.on('error', () => {});
      await new Promise(resolve => setTimeout(resolve, 200));
      upload.destroy();
      // The one slot is free again each time: the next export is taken.
      let status = 0;
      for (let attempt = 0; attempt < 50 && status !== 200; attempt++) {
        status = (await post(exportOf('req_after'))).status;
        if (status !== 200) {
          await new Promise(resolve => setTimeout(resolve, 50));
        }
      }
      expect(status).toBe(200);
      const stored = await knex('session_requests').select('request_id');
      expect(stored.map(row => row.request_id)).toEqual(['req_after']);
    },
  );
});

describe('OtlpReceiver.admit', () => {
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: ':memory:',
    useNullAsDefault: true,
  });
  afterAll(() => knex.destroy());
  afterEach(() => jest.useRealTimers());

  it('takes exports up to its bound, and logs those turned away at once, then once a minute while there are any', () => {
    jest.useFakeTimers({ now: new Date('2026-11-27T10:00:00Z') });
    const logger = mockServices.logger.mock();
    const receiver = OtlpReceiver.create({
      knex,
      logger,
      maxBytes: 1024,
      maxPending: 2,
    });
    const warned = (count: number, since = '') =>
      `OTLP: ${count} export(s) answered 503 ${since}at the bound of 2 exports in flight (claudeCodeAnalytics.otlp.maxPendingExports); exporters send them again after Retry-After`;
    const first = receiver.admit();
    const second = receiver.admit();
    expect(first).toBeInstanceOf(Function);
    expect(second).toBeInstanceOf(Function);
    expect(receiver.admit()).toBeUndefined();
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn).toHaveBeenLastCalledWith(warned(1));

    // A thousand more within the minute: no more warnings yet.
    for (let i = 0; i < 1000; i++) {
      expect(receiver.admit()).toBeUndefined();
    }
    jest.advanceTimersByTime(59_000);
    expect(receiver.admit()).toBeUndefined();
    expect(logger.warn).toHaveBeenCalledTimes(1);

    // A slot given back is taken again, once (a second call of the same release changes nothing).
    first!();
    first!();
    const third = receiver.admit();
    expect(third).toBeInstanceOf(Function);
    expect(receiver.admit()).toBeUndefined();

    // The burst ends within the minute: a minute after the first warning, the rest is logged.
    jest.advanceTimersByTime(1_000);
    expect(logger.warn).toHaveBeenCalledTimes(2);
    expect(logger.warn).toHaveBeenLastCalledWith(
      warned(1002, 'in the last 60 s '),
    );
    expect(receiver.admit()).toBeUndefined();
    jest.advanceTimersByTime(60_000);
    expect(logger.warn).toHaveBeenCalledTimes(3);
    expect(logger.warn).toHaveBeenLastCalledWith(
      warned(1, 'in the last 60 s '),
    );

    // A quiet minute logs nothing, and the next export turned away, much later, is logged at once.
    jest.advanceTimersByTime(5 * 60_000);
    expect(logger.warn).toHaveBeenCalledTimes(3);
    expect(receiver.admit()).toBeUndefined();
    expect(logger.warn).toHaveBeenCalledTimes(4);
    expect(logger.warn).toHaveBeenLastCalledWith(warned(1));

    second!();
    third!();
    expect(receiver.admit()).toBeInstanceOf(Function);
  });

  it('asks exporters to retry after 1, 2 or 3 seconds, at random', () => {
    const receiver = OtlpReceiver.create({
      knex,
      logger: mockServices.logger.mock(),
      maxBytes: 1024,
      maxPending: 1,
    });
    const after = (random: number) =>
      receiver.busy(() => random).retryAfterSeconds;
    expect([0, 0.33, 0.34, 0.66, 0.67, 0.999999, 1].map(after)).toEqual([
      1, 1, 2, 2, 3, 3, 3,
    ]);
    const seen = new Set(
      Array.from({ length: 300 }, () => receiver.busy().retryAfterSeconds),
    );
    expect([...seen].sort()).toEqual([1, 2, 3]);
  });
});
