import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { createTestDatabases } from '../../__testUtils__/createTestDatabases';
import { startAnalyticsBackendOn } from '../../__testUtils__/startAnalyticsBackend';

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

describe('OTLP admission', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'answers 503 with Retry-After beyond the bound of exports in flight, and stores nothing of it, on %p',
    async databaseId => {
      const { knex, server } = await startAnalyticsBackendOn(
        databases,
        databaseId,
        {
          entities,
          config: {
            claudeCodeAnalytics: { otlp: { maxPendingExports: 1 } },
          },
        },
      );
      const post = (requestId: string) =>
        request(server)
          .post(PATH)
          .set('Authorization', mockCredentials.service.header())
          .set('Content-Type', 'application/json')
          .serialize((body: any) => body)
          .send(exportOf(requestId) as any);

      // An export whose body is still arriving holds the only slot.
      const slow = exportOf('req_slow');
      let slowStatus: Promise<number> = Promise.resolve(0);
      const slowRequest = http.request({
        host: '127.0.0.1',
        port: (server.address() as AddressInfo).port,
        method: 'POST',
        path: PATH,
        headers: {
          Authorization: mockCredentials.service.header(),
          'Content-Type': 'application/json',
          'Content-Length': slow.length,
        },
      });
      slowStatus = new Promise((resolve, reject) => {
        slowRequest.on('response', response => {
          response.resume();
          resolve(response.statusCode ?? 0);
        });
        slowRequest.on('error', reject);
      });
      slowRequest.write(slow.subarray(0, 100));

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
      expect(busy?.headers['retry-after']).toBe('1');
      expect(busy?.body.error.message).toContain('exports in flight');

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
});
