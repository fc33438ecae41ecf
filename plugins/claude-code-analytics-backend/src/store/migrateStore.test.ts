import { createTestDatabases } from '../__testUtils__/createTestDatabases';
import { migrateStore, rollbackStore } from './migrateStore';

jest.setTimeout(60_000);

const TABLES = [
  'usage_activity_daily',
  'usage_model_daily',
  'usage_tool_daily',
  'identities',
  'user_identities',
  'ownership_entities',
  'entity_members',
  'entity_scopes',
  'entity_components',
  'repository_components',
  'usage_facts',
  'usage_model_facts',
  'usage_tool_facts',
  'entity_daily',
  'entity_model_daily',
  'entity_tool_daily',
  'rollup_user_queue',
  'rollup_entity_queue',
  'repositories',
  'pull_requests',
  'deployments',
  'deployment_pull_requests',
  'incidents',
  'ingestion_log',
  'source_cursors',
  'source_status',
  'session_requests',
  'session_metric_points',
  'session_events',
  'session_sum_queue',
  'session_request_totals',
  'session_request_sessions',
  'session_point_totals',
  'session_event_totals',
  'user_active_months',
  'delivery_repositories',
  'user_active_spans',
  'session_metric_heads',
];

describe('migrations', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'migrates up and down, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateStore(knex);
      for (const table of TABLES) {
        expect(await knex.schema.hasTable(table)).toBe(true);
      }

      // Token sums and money exceed 32 bits at organisation scale.
      const big = 9_007_199_254_740_991; // 2^53 - 1
      await knex('usage_model_daily').insert({
        source: 'test',
        identity: 'ada@example.com',
        date: '2026-01-01',
        provider: 'firstParty',
        model: 'claude-sonnet-4-5',
        input_tokens: big,
        output_tokens: 0,
        cache_read_tokens: 0,
        cache_creation_tokens: 0,
        cost_micros: 5_000_000_000_000,
        unpriced_tokens: 0,
        cost_origin: 'priced',
        received_at: new Date(),
      });
      const row = await knex('usage_model_daily').first();
      expect(Number(row.input_tokens)).toBe(big);
      expect(Number(row.cost_micros)).toBe(5_000_000_000_000);

      await rollbackStore(knex);
      for (const table of TABLES) {
        expect(await knex.schema.hasTable(table)).toBe(false);
      }

      await migrateStore(knex);
      expect(await knex.schema.hasTable('usage_facts')).toBe(true);
      await knex.destroy();
    },
  );
});
