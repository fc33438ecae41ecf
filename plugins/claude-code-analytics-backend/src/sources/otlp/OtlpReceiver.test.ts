import { settleRollups } from './__testUtils__/settleRollups';
import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { Knex } from 'knex';
import request from 'supertest';
import { gzipSync } from 'node:zlib';
import { createTestDatabases } from '../../__testUtils__/createTestDatabases';
import { startAnalyticsBackend } from '../../__testUtils__/startAnalyticsBackend';
import {
  capturedSessions,
  describeIfFixtures,
  readOtlpFixture,
} from './__testUtils__/otlpFixtures';

jest.setTimeout(60_000);

const entities: Entity[] = capturedSessions.flatMap(session => [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: session.user },
    spec: { profile: { email: session.email }, memberOf: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: session.repository.split('/')[1],
      annotations: { 'github.com/project-slug': session.repository },
    },
    spec: {
      type: 'service',
      owner: `user:${session.user}`,
      lifecycle: 'production',
    },
  },
]);

// supertest would serialise a Buffer as JSON when the content type is JSON: send the bytes as they are.
const raw = (body: Buffer) => body as any;
const asIs = (body: any) => body;

async function countRows(knex: Knex, table: string) {
  const [{ n }] = await knex(table).count({ n: '*' });
  return Number(n);
}


describeIfFixtures('OTLP receiver with real Claude Code exports', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'stores JSON and protobuf exports once and shows them in the API, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const { server } = await startAnalyticsBackend({ knex, entities });
      const post = (path: string, body: Buffer, contentType: string) =>
        request(server)
          .post(`/api/claude-code-analytics/otlp/v1/${path}`)
          .set('Authorization', mockCredentials.service.header())
          .set('Content-Type', contentType)
          .serialize(asIs)
          .send(raw(body));

      const unauthenticated = await request(server)
        .post('/api/claude-code-analytics/otlp/v1/metrics')
        .set('Authorization', mockCredentials.none.header())
        .set('Content-Type', 'application/json')
        .send('{}');
      expect(unauthenticated.status).toBe(401);

      const malformed = await post(
        'metrics',
        Buffer.from('{"resourceMetrics": [{'),
        'application/json',
      );
      expect(malformed.status).toBe(400);
      const wrongType = await post('logs', Buffer.from('x'), 'text/plain');
      expect(wrongType.status).toBe(415);
      expect(await countRows(knex, 'session_metric_points')).toBe(0);

      for (const session of capturedSessions) {
        const metrics = readOtlpFixture(session.metricsFile);
        const logs = readOtlpFixture(session.logsFile);
        const first = await post('metrics', metrics, session.contentType);
        expect(first.status).toBe(200);
        // A complete success: an empty response in the encoding of the request.
        expect(first.headers['content-type']).toContain(session.contentType);
        expect(first.text).toBe(
          session.contentType === 'application/json' ? '{}' : '',
        );
        // The exporter retries: the same batch again (gzipped this time) changes nothing.
        const retry = await request(server)
          .post('/api/claude-code-analytics/otlp/v1/metrics')
          .set('Authorization', mockCredentials.service.header())
          .set('Content-Type', session.contentType)
          .set('Content-Encoding', 'gzip')
          .serialize(asIs)
          .send(raw(gzipSync(metrics)));
        expect(retry.status).toBe(200);
        expect((await post('logs', logs, session.contentType)).status).toBe(
          200,
        );
        expect((await post('logs', logs, session.contentType)).status).toBe(
          200,
        );
      }
      await settleRollups(server);

      const today = new Date().toISOString().slice(0, 10);
      const capturedDay = (await knex('session_requests').first('date')).date;
      for (const session of capturedSessions) {
        const query = `from=${capturedDay}&to=${
          capturedDay > today ? capturedDay : today
        }`;
        const adoption = await request(server).get(
          `/api/claude-code-analytics/v1/entities/user/default/${session.user}/adoption?${query}`,
        );
        expect(adoption.body).toMatchObject({
          activeUsers: 1,
          sessions: 1,
          linesAdded: 4,
          linesRemoved: 0,
          commitsByClaudeCode: 1,
          toolDecisions: { Write: { accepted: 1, rejected: 0 } },
        });
        expect(adoption.body.activeSeconds).toBeLessThanOrEqual(1);
        const cost = await request(server).get(
          `/api/claude-code-analytics/v1/entities/user/default/${session.user}/cost?${query}`,
        );
        expect(cost.body.tokens).toEqual({
          input: 3600,
          output: 126,
          cacheRead: 15000,
          cacheCreation: 900,
        });
        expect(cost.body.costUsd).toBeCloseTo(0.02442, 6);
        // The session names its repository: its component gets the usage exactly.
        const [fact] = await knex('usage_facts').where({
          scope_ref: `component:default/${session.repository.split('/')[1]}`,
        });
        expect(fact.attribution).toBe('exact');
      }
      expect(await countRows(knex, 'session_requests')).toBe(6);

      const { body: status } = await request(server).get(
        '/api/claude-code-analytics/v1/status',
      );
      expect(status.sources.map((s: any) => s.source)).toContain('otlp');
      expect(status.unmappedIdentities).toEqual([]);
      await knex.destroy();
    },
  );

  it('refuses an export over the size limit and stores nothing', async () => {
    const knex = await databases.init('SQLITE_3');
    const { server } = await startAnalyticsBackend({
      knex,
      entities,
      config: { claudeCodeAnalytics: { otlp: { maxBytes: 1000 } } },
    });
    const metrics = readOtlpFixture('ada.metrics.json');
    expect(metrics.length).toBeGreaterThan(1000);
    const tooLarge = await request(server)
      .post('/api/claude-code-analytics/otlp/v1/metrics')
      .set('Content-Type', 'application/json')
      .serialize(asIs)
      .send(raw(metrics));
    expect(tooLarge.status).toBe(413);
    // Small when compressed, too large once inflated.
    const bomb = await request(server)
      .post('/api/claude-code-analytics/otlp/v1/metrics')
      .set('Content-Type', 'application/json')
      .set('Content-Encoding', 'gzip')
      .serialize(asIs)
      .send(raw(gzipSync(metrics)));
    expect(bomb.status).toBe(413);
    expect(await countRows(knex, 'session_metric_points')).toBe(0);
    await knex.destroy();
  });
});
