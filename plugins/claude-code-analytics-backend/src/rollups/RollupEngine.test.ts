import { mockServices } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { DEFAULT_PRICING } from '../ingestion/PricingOptions';
import { writeUsageDays } from '../ingestion/writeUsageDays';
import { migrateStore } from '../store/migrateStore';
import { createTestDatabases } from '../__testUtils__/createTestDatabases';
import { DeliveryRollups } from './DeliveryRollups';
import { RollupEngine } from './RollupEngine';

jest.setTimeout(60_000);

async function queuedUserDays(knex: Knex) {
  const [{ n }] = await knex('rollup_user_queue').count({ n: '*' });
  return Number(n);
}

const usedOn = (date: string) => ({
  identity: 'ada@acme.example',
  date,
  provider: 'firstParty',
  activity: {
    sessions: 1,
    activeSeconds: 60,
    linesAdded: 1,
    linesRemoved: 0,
    commits: 0,
    pullRequests: 0,
    toolDecisions: {},
  },
  models: [],
});

/** A migrated database where ada@acme.example is Ada. */
async function withAda(knex: Knex): Promise<Knex> {
  await migrateStore(knex);
  await knex('user_identities').insert({
    identity: 'ada@acme.example',
    user_ref: 'user:default/ada',
  });
  return knex;
}

describe('RollupEngine.run', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'rolls up usage queued during a long delivery merge before the merge goes on, %p',
    async databaseId => {
      const knex = await withAda(await databases.init(databaseId));
      const events: string[] = [];
      // A delivery merge of four batches; during the first, usage is written and a run asked for
      // (as the ownership task does after a catalog change).
      let batches = 4;
      let engine: RollupEngine | undefined = undefined;
      let again: Promise<void> | undefined = undefined;
      const delivery = {
        async run(options: { yieldWhen?: () => boolean }) {
          while (batches > 0) {
            batches--;
            events.push(
              `delivery batch, ${await queuedUserDays(knex)} user-days queued`,
            );
            if (batches === 3) {
              await writeUsageDays(
                knex,
                'demo',
                [usedOn('2026-01-05')],
                DEFAULT_PRICING,
              );
              again = engine!.run();
            }
            if (options.yieldWhen?.()) {
              return;
            }
          }
        },
      };
      engine = RollupEngine.create({
        knex,
        logger: mockServices.logger.mock(),
        delivery: delivery as unknown as DeliveryRollups,
      });
      await engine.run();
      await again;
      expect(events).toEqual([
        'delivery batch, 0 user-days queued',
        'delivery batch, 0 user-days queued',
        'delivery batch, 0 user-days queued',
        'delivery batch, 0 user-days queued',
      ]);
      expect(await queuedUserDays(knex)).toBe(0);
      await knex.destroy();
    },
  );
});

describe('RollupEngine.stop', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'ends the run under way, starts no other, and leaves the rest queued, %p',
    async databaseId => {
      const knex = await withAda(await databases.init(databaseId));
      // Usage on 40 days queues 40 user-days.
      await writeUsageDays(
        knex,
        'demo',
        Array.from({ length: 40 }, (_, i) =>
          usedOn(new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10)),
        ),
        DEFAULT_PRICING,
      );
      const queued = await queuedUserDays(knex);
      expect(queued).toBe(40);

      const stopped = RollupEngine.create({
        knex,
        logger: mockServices.logger.mock(),
      });
      await stopped.stop();
      await stopped.run();
      expect(await queuedUserDays(knex)).toBe(queued);

      // A run in progress when stopping ends without an error; another engine (the next start)
      // finishes the queue.
      const stopping = RollupEngine.create({
        knex,
        logger: mockServices.logger.mock(),
      });
      const run = stopping.run();
      await stopping.stop();
      await expect(run).resolves.toBeUndefined();
      await RollupEngine.create({
        knex,
        logger: mockServices.logger.mock(),
      }).run();
      expect(await queuedUserDays(knex)).toBe(0);
      await knex.destroy();
    },
  );
});
