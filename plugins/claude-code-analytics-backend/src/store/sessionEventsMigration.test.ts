import { createTestDatabases } from '../__testUtils__/createTestDatabases';
import {
  migrateUpToBefore,
  storeMigrations,
} from '../__testUtils__/migrateUpToBefore';

jest.setTimeout(60_000);

const MIGRATION = '20261125190000_session_events.js';

const rawKey = {
  source: 'admin-api',
  identity: 'ada@example.com',
  date: '2026-11-02',
  provider: 'firstParty',
  repository: '',
  variant: '',
};
const factKey = {
  scope_ref: 'user:default/ada',
  user_ref: 'user:default/ada',
  date: '2026-11-02',
  attribution: 'self',
};

describe(`migration ${MIGRATION}`, () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'keeps stored usage valid with zero prompts, errors and tool runs, and goes down again, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateUpToBefore(knex, MIGRATION);
      await knex('usage_activity_daily').insert({
        ...rawKey,
        sessions: 3,
        lines_added: 40,
        received_at: new Date(),
      });
      await knex('usage_tool_daily').insert({
        ...rawKey,
        tool: 'Edit',
        accepted: 5,
        rejected: 1,
      });
      await knex('usage_facts').insert({ ...factKey, sessions: 3 });
      await knex('usage_tool_facts').insert({
        ...factKey,
        tool: 'Edit',
        accepted: 5,
      });
      await knex('entity_daily').insert({
        entity_ref: 'user:default/ada',
        date: '2026-11-02',
        sessions: 3,
      });
      await knex('entity_tool_daily').insert({
        entity_ref: 'user:default/ada',
        date: '2026-11-02',
        tool: 'Edit',
        accepted: 5,
      });

      await knex.migrate.up({ ...storeMigrations, name: MIGRATION });
      for (const table of [
        'usage_activity_daily',
        'usage_facts',
        'entity_daily',
      ]) {
        const row = await knex(table).first();
        expect([
          row.sessions,
          Number(row.prompts),
          Number(row.prompt_characters),
          Number(row.api_requests),
          Number(row.api_errors),
        ]).toEqual([3, 0, 0, 0, 0]);
      }
      for (const table of [
        'usage_tool_daily',
        'usage_tool_facts',
        'entity_tool_daily',
      ]) {
        const row = await knex(table).first();
        expect([row.accepted, row.succeeded, row.failed]).toEqual([5, 0, 0]);
      }

      const event = {
        session_id: 'bd80e3c9-26ad-4a03-bfb8-0831b875d873',
        event_key: 'seq:7',
        identity: 'ada@example.com',
        date: '2026-11-02',
        provider: 'firstParty',
        kind: 'tool_result',
        tool: 'Bash',
        success: true,
        duration_ms: 32,
      };
      await knex('session_events').insert(event);
      // The same event again, e.g. from a retried export, is refused.
      const again = await knex('session_events')
        .insert(event)
        .then(
          () => 'stored',
          (error: Error) => String(error.message),
        );
      expect(again).toMatch(/unique|duplicate/i);

      await knex.migrate.down({ ...storeMigrations, name: MIGRATION });
      expect(await knex.schema.hasTable('session_events')).toBe(false);
      for (const [table, column] of [
        ['usage_activity_daily', 'prompts'],
        ['usage_facts', 'api_errors'],
        ['entity_daily', 'prompt_characters'],
        ['usage_tool_daily', 'succeeded'],
        ['usage_tool_facts', 'failed'],
        ['entity_tool_daily', 'succeeded'],
      ]) {
        expect(await knex.schema.hasColumn(table, column)).toBe(false);
      }
      expect((await knex('usage_activity_daily').first()).lines_added).toBe(
        databaseId === 'POSTGRES_15' ? '40' : 40,
      );
      expect((await knex('entity_tool_daily').first()).accepted).toBe(5);
      await knex.destroy();
    },
  );
});
