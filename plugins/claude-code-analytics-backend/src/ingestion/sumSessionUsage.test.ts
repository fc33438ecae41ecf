import { Knex } from 'knex';
import { migrateStore } from '../store/migrateStore';
import {
  lockKeysForTransaction,
  SESSION_SUMS_LOCK,
} from '../store/lockForTransaction';
import {
  createTestDatabases,
  onPostgres,
} from '../__testUtils__/createTestDatabases';
import { untilAdvisoryLockWaited } from '../__testUtils__/untilAdvisoryLockWaited';
import { DEFAULT_PRICING } from './PricingOptions';
import {
  sessionGroupKey,
  SESSIONS_SOURCE,
  writeSessionUsage,
} from './sumSessionUsage';
import { storeRequestRecords } from './writeRequestRecords';

jest.setTimeout(60_000);

const GROUP = {
  identity: 'ada@acme.example',
  date: '2026-03-02',
  provider: 'firstParty',
  repository: '',
};

/** Request `n` of Ada's session, with `input` input tokens. */
function request(n: number, input: number) {
  return {
    type: 'request' as const,
    sessionId: 'session-ada',
    requestId: `r${n}`,
    timestamp: '2026-03-02T10:00:00Z',
    identity: GROUP.identity,
    model: 'claude-sonnet-4-5',
    tokens: { input, output: 10, cacheRead: 0, cacheCreation: 0 },
  };
}

async function summedInput(knex: Knex): Promise<number> {
  const row = await knex('usage_model_daily')
    .where({ source: SESSIONS_SOURCE, identity: GROUP.identity })
    .first('input_tokens');
  return Number(row?.input_tokens ?? 0);
}

const databases = createTestDatabases();
// On SQLite a re-sum cannot read while another transaction holds the only connection, so this
// test cannot tell a read inside the re-sum's transaction from one before it there (the
// transaction is what keeps another re-sum from running between the read and the write).
const postgres = onPostgres(databases);

postgres.describe(
  'writeSessionUsage on PostgreSQL (skipped when no server is set)',
  () => {
    it.each(postgres.ids)(
      'reads the session data only once no other re-sum of the day can write after it, %p',
      async databaseId => {
        const knex = await databases.init(databaseId as 'POSTGRES_15');
        try {
          await migrateStore(knex);
          await storeRequestRecords(knex, 'otlp', [request(1, 100)]);

          // Another re-sum of the day holds its lock while a request arrives.
          const other = await knex.transaction();
          try {
            await lockKeysForTransaction(other, SESSION_SUMS_LOCK, [
              sessionGroupKey(GROUP),
            ]);
            // A re-sum of another day does not wait for it.
            await writeSessionUsage(
              knex,
              [{ ...GROUP, date: '2026-03-03' }],
              DEFAULT_PRICING,
            );
            const resum = writeSessionUsage(knex, [GROUP], DEFAULT_PRICING);
            await untilAdvisoryLockWaited(knex);
            await storeRequestRecords(other, 'otlp', [request(2, 200)]);
            await other.commit();
            await resum;
          } finally {
            if (!other.isCompleted()) {
              await other.rollback();
            }
          }

          // Read after the other one ended: both requests. Read before it (and written after
          // it), the sums would miss the second request, and nothing would be left queued to
          // add it.
          expect(await summedInput(knex)).toBe(300);
        } finally {
          await knex.destroy();
        }
      },
    );
  },
);
