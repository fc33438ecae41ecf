import { mockCredentials } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { Knex } from 'knex';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/createTestDatabases';
import {
  migrateUpToBefore,
  storeMigrations,
} from '../__testUtils__/migrateUpToBefore';
import { queriesDuring } from '../__testUtils__/queriesDuring';
import { secondaryIndexes } from '../__testUtils__/secondaryIndexes';
import { startAnalyticsBackend } from '../__testUtils__/startAnalyticsBackend';
import {
  capturedSessions,
  describeIfFixtures,
  readOtlpFixture,
} from '../sources/otlp/__testUtils__/otlpFixtures';
import { settleRollups } from '../sources/otlp/__testUtils__/settleRollups';
import { migrateStore } from './migrateStore';

jest.setTimeout(120_000);

const MIGRATION = '20261127230000_unread_session_indexes.js';
const TABLES = ['session_requests', 'session_metric_points', 'session_events'];
const DROPPED = [
  'session_events_identity_idx',
  'session_metric_points_identity_idx',
  'session_requests_identity_idx',
  'session_requests_session_idx',
];

/** Every row of the session tables, by table, in a stable order. */
async function sessionRows(knex: Knex) {
  return Object.fromEntries(
    await Promise.all(
      TABLES.map(
        async table =>
          [table, await knex(table).select().orderBy('session_id')] as const,
      ),
    ),
  );
}

describe(`migration ${MIGRATION}`, () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'drops the indexes of the session tables, keeps their rows, and goes down again, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateUpToBefore(knex, MIGRATION);
      expect(await secondaryIndexes(knex, TABLES)).toEqual(DROPPED);
      const key = {
        session_id: 's-1',
        identity: 'ada@example.com',
        date: '2026-11-02',
        provider: 'firstParty',
        repository: 'acme/payments',
      };
      await knex('session_requests').insert({
        ...key,
        request_key: 'req_1',
        request_id: 'req_1',
        timestamp: '2026-11-02T10:00:00.000Z',
        model: 'claude-sonnet-4-5',
        input_tokens: 1200,
        sources: 'otlp',
        received_at: new Date('2026-11-02T10:00:05Z'),
      });
      await knex('session_metric_points').insert({
        ...key,
        series_hash: 'h1',
        start_nano: '1',
        time_nano: '2',
        measure: 'lines_added',
        value: 4,
        delta: 4,
        received_at: new Date('2026-11-02T10:00:05Z'),
      });
      await knex('session_events').insert({
        ...key,
        event_key: 'seq:1',
        kind: 'user_prompt',
        prompt_length: 42,
      });
      const before = await sessionRows(knex);

      await migrateStore(knex);
      expect(await secondaryIndexes(knex, TABLES)).toEqual([]);
      expect(await sessionRows(knex)).toEqual(before);

      await knex.migrate.down({ ...storeMigrations, name: MIGRATION });
      expect(await secondaryIndexes(knex, TABLES)).toEqual(DROPPED);
      expect(await sessionRows(knex)).toEqual(before);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'goes up when an index was dropped by hand already, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateUpToBefore(knex, MIGRATION);
      await knex.schema.alterTable('session_requests', table => {
        table.dropIndex(['session_id'], 'session_requests_session_idx');
      });
      await migrateStore(knex);
      expect(await secondaryIndexes(knex, TABLES)).toEqual([]);
      await knex.destroy();
    },
  );
});

const entities: Entity[] = capturedSessions.map(session => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name: session.user },
  spec: { profile: { email: session.email }, memberOf: [] },
}));

describeIfFixtures('the session tables without those indexes', () => {
  const databases = createTestDatabases();

  // SQLite's plans do not depend on statistics gathered from the tables' rows, so the plans of a
  // few rows are those of a year's.
  it('are read only through their primary keys while real exports are stored, on SQLite', async () => {
    const knex = await databases.init('SQLITE_3');
    const { server } = await startAnalyticsBackend({ knex, entities });
    const reads = await queriesDuring(
      knex,
      new RegExp(
        `^(select|update|delete)\\b.*\\b(${TABLES.join('|')})\\b`,
        'is',
      ),
      async () => {
        // Each export twice, as an exporter's retry sends it: the second finds what is stored.
        for (const session of capturedSessions) {
          for (const file of [session.metricsFile, session.logsFile]) {
            for (let attempt = 0; attempt < 2; attempt++) {
              const response = await request(server)
                .post(
                  `/api/claude-code-analytics/otlp/v1/${file.split('.')[1]}`,
                )
                .set('Authorization', mockCredentials.service.header())
                .set('Content-Type', session.contentType)
                .serialize((body: any) => body)
                .send(readOtlpFixture(file) as any);
              expect(response.status).toBe(200);
            }
          }
        }
        await settleRollups(server);
      },
    );

    const readTables = new Set<string>();
    for (const { sql, bindings } of reads) {
      const plan: Array<{ detail: string }> = await knex.raw(
        `EXPLAIN QUERY PLAN ${sql}`,
        bindings as Knex.RawBinding[],
      );
      for (const table of TABLES) {
        for (const { detail } of plan.filter(step =>
          new RegExp(`\\b${table}\\b`).test(step.detail),
        )) {
          readTables.add(table);
          expect({ sql, detail }).toEqual({
            sql,
            detail: expect.stringMatching(
              new RegExp(
                `^SEARCH ${table} USING (COVERING )?INDEX sqlite_autoindex_${table}_1 `,
              ),
            ),
          });
        }
      }
    }
    // Every table was read (to find what was stored already), so the plans above were checked.
    expect([...readTables].sort()).toEqual([...TABLES].sort());
    // And the exports were stored.
    for (const table of TABLES) {
      const [{ n }] = await knex(table).count({ n: '*' });
      expect({ table, rows: Number(n) > 0 }).toEqual({ table, rows: true });
    }
    await knex.destroy();
  });
});
