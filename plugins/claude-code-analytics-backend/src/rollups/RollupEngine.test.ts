import { mockServices } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { DEFAULT_PRICING } from '../ingestion/PricingOptions';
import { enqueueSessionGroups } from '../ingestion/sessionSumQueue';
import { writeUsageDays } from '../ingestion/writeUsageDays';
import { storeRequestRecords } from '../ingestion/writeRequestRecords';
import { migrateStore } from '../store/migrateStore';
import { SqliteReader } from '../store/SqliteReader';
import { createTestDatabases } from '../__testUtils__/createTestDatabases';
import { openSqliteFile } from '../__testUtils__/openSqliteFile';
import { untilAdvisoryLockWaited } from '../__testUtils__/untilAdvisoryLockWaited';
import { DeliveryRollups } from './DeliveryRollups';
import { RollupEngine } from './RollupEngine';
import { lockActiveDays } from './markActiveDays';
import { enqueueEntityDays } from './rollupQueue';

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

/** One export of Ada's: request number `n` of her session, and her session day queued again. */
async function exportAdaRequest(knex: Knex, n: number) {
  const { groups } = await storeRequestRecords(knex, 'otlp', [
    {
      type: 'request',
      sessionId: 'session-ada',
      requestId: `r${n}`,
      timestamp: '2026-11-24T10:00:00Z',
      identity: 'ada@acme.example',
      model: 'claude-sonnet-4-5',
      tokens: { input: 100, output: 10, cacheRead: 0, cacheCreation: 0 },
    },
  ]);
  await enqueueSessionGroups(knex, groups);
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
  it.each(databases.eachSupportedId())(
    "shows a person's usage while their exports keep coming, %p",
    async databaseId => {
      const knex = await withAda(await databases.init(databaseId));
      const engine = RollupEngine.create({
        knex,
        logger: mockServices.logger.mock(),
      });
      let run: Promise<void> | undefined;
      // Ada's exporter: a request every turn, each queueing her day's re-sum again, until her
      // day's facts show (or 300 exports, far more than one pass needs).
      const exportUntilShown = async () => {
        for (let sent = 1; sent <= 300; sent++) {
          await exportAdaRequest(knex, sent);
          if (sent === 1) {
            run = engine.run();
          }
          await new Promise(resolve => setImmediate(resolve));
          const facts = await knex('usage_facts')
            .where({ user_ref: 'user:default/ada', date: '2026-11-24' })
            .first();
          if (facts) {
            return { sent, input: Number(facts.input_tokens) };
          }
        }
        return { sent: Infinity, input: 0 };
      };
      const shown = await exportUntilShown();
      await run;
      // Shown while the stream lasted, with the requests re-summed so far (a whole number of them).
      expect(shown.sent).toBeLessThan(300);
      expect(shown.input % 100).toBe(0);
      expect(shown.input).toBeGreaterThan(0);
      expect(shown.input).toBeLessThanOrEqual(100 * shown.sent);
      await knex.destroy();
    },
  );
  it.each(databases.eachSupportedId())(
    'answers a caller after one pass while exports keep asking for more, %p',
    async databaseId => {
      const knex = await withAda(await databases.init(databaseId));
      const engine = RollupEngine.create({
        knex,
        logger: mockServices.logger.mock(),
      });
      // Every export asks for a run (as the OTLP endpoint does); the first caller's answer is
      // awaited while the exports go on, 300 at most.
      const progress: { sent: number; answeredAfter?: number } = { sent: 0 };
      const exportAndAsk = async () => {
        progress.sent++;
        await exportAdaRequest(knex, progress.sent);
        // Wrapped: the caller goes on without waiting for the answer.
        return { answer: engine.run() };
      };
      const calls = [(await exportAndAsk()).answer];
      calls[0].then(() => {
        progress.answeredAfter = progress.sent;
      });
      try {
        while (
          progress.sent < 300 &&
          (progress.answeredAfter === undefined ||
            progress.sent < progress.answeredAfter + 5)
        ) {
          await new Promise(resolve => setImmediate(resolve));
          calls.push((await exportAndAsk()).answer);
        }
      } finally {
        await Promise.allSettled(calls);
      }
      const { sent, answeredAfter } = progress;
      // Answered while the exports were still asking for runs.
      expect(answeredAfter).toBeLessThan(300);
      expect(sent).toBeLessThan(300);
      // Once they stop, the last calls are answered with everything rolled up.
      await engine.run();
      const facts = await knex('usage_facts')
        .where({ user_ref: 'user:default/ada', date: '2026-11-24' })
        .first();
      expect(Number(facts.input_tokens)).toBe(100 * sent);
      await knex.destroy();
    },
  );
});

describe('RollupEngine re-sums', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    "wait for another replica's user rollups, whose differences they would overwrite, %p",
    async databaseId => {
      const knex = await withAda(await databases.init(databaseId));
      const engine = RollupEngine.create({
        knex,
        logger: mockServices.logger.mock(),
      });
      await writeUsageDays(
        knex,
        'demo',
        [usedOn('2026-01-05')],
        DEFAULT_PRICING,
      );
      await engine.run();
      // Ada joins a team in the catalog: its day is queued for a re-sum.
      await knex.transaction(async tx => {
        await tx('entity_scopes').insert({
          entity_ref: 'group:default/team',
          scope_ref: 'user:default/ada',
        });
        await enqueueEntityDays(tx, [
          { ref: 'group:default/team', date: '2026-01-05' },
        ]);
      });
      const teamDay = async () =>
        (
          await knex('entity_daily').where({
            entity_ref: 'group:default/team',
            date: '2026-01-05',
          })
        ).map(row => ({
          activeUsers: Number(row.active_users),
          linesAdded: Number(row.lines_added),
        }));

      // Another replica is adding differences meanwhile (on SQLite: another transaction holds the
      // only connection).
      const replica = await knex.transaction();
      await lockActiveDays(replica);
      const resum = engine.run();
      await untilAdvisoryLockWaited(knex);
      expect(
        await replica('entity_daily').where({
          entity_ref: 'group:default/team',
        }),
      ).toEqual([]);
      await replica.commit();
      await resum;
      expect(await teamDay()).toEqual([{ activeUsers: 1, linesAdded: 1 }]);
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

describe('RollupEngine on a SQLite file', () => {
  let knex: Knex;
  let remove: () => Promise<void>;
  let reader: SqliteReader | undefined;

  beforeEach(async () => {
    ({ knex, remove } = await openSqliteFile('cca-rollups-'));
    await migrateStore(knex);
  });

  afterEach(async () => {
    await reader?.stop();
    await remove();
  });

  const day = '2026-11-24';
  const usage = (
    identity: string,
    linesAdded: number,
    toolDecisions: Record<string, { accepted: number; rejected: number }>,
  ) => ({
    identity,
    date: day,
    provider: 'firstParty',
    activity: {
      sessions: 1,
      activeSeconds: 60,
      linesAdded,
      linesRemoved: 0,
      commits: 0,
      pullRequests: 0,
      toolDecisions,
    },
    models: [
      {
        model: 'claude-sonnet-4-5',
        tokens: { input: 100, output: 10, cacheRead: 0, cacheCreation: 0 },
      },
    ],
  });
  const rowsOf = (table: string, entityRef: string) =>
    knex(table)
      .where({ entity_ref: entityRef, date: day })
      .orderBy(table === 'entity_tool_daily' ? 'tool' : 'date');

  it("adds a person's changed facts to their entities' rows, writing only the rows that change, and sums a catalog change's days on the reader's thread", async () => {
    await knex('user_identities').insert([
      { identity: 'ada@acme.example', user_ref: 'user:default/ada' },
      { identity: 'bob@acme.example', user_ref: 'user:default/bob' },
    ]);
    await knex('entity_scopes').insert([
      { entity_ref: 'group:default/team', scope_ref: 'user:default/ada' },
      { entity_ref: 'group:default/team', scope_ref: 'user:default/bob' },
      { entity_ref: 'user:default/ada', scope_ref: 'user:default/ada' },
      { entity_ref: 'user:default/bob', scope_ref: 'user:default/bob' },
    ]);
    reader = await SqliteReader.start({
      knex,
      logger: mockServices.logger.mock(),
    });
    expect(reader).toBeDefined();
    const read = jest.fn(reader!.read);
    const engine = RollupEngine.create({
      knex,
      logger: mockServices.logger.mock(),
      reader: read,
    });
    const statements: string[] = [];
    knex.on('query', (query: { sql: string }) => statements.push(query.sql));
    const entityWrites = () =>
      statements.filter(sql =>
        /^\s*(insert|delete|update)\b[^(]*\bentity_(daily|model_daily|tool_daily)\b/i.test(
          sql,
        ),
      );

    await writeUsageDays(
      knex,
      'demo',
      [
        usage('ada@acme.example', 1, { Edit: { accepted: 1, rejected: 0 } }),
        usage('bob@acme.example', 2, { Write: { accepted: 2, rejected: 1 } }),
      ],
      DEFAULT_PRICING,
    );
    await engine.run();
    // The facts' differences went to the entities: nothing was summed from the facts.
    expect(read).not.toHaveBeenCalled();
    expect(statements.filter(sql => /SUM\(f\./.test(sql))).toEqual([]);
    expect(await rowsOf('entity_daily', 'group:default/team')).toEqual([
      expect.objectContaining({ active_users: 2, lines_added: 3 }),
    ]);
    expect(await rowsOf('entity_model_daily', 'group:default/team')).toEqual([
      expect.objectContaining({
        model: 'claude-sonnet-4-5',
        input_tokens: 200,
        output_tokens: 20,
      }),
    ]);
    expect(await rowsOf('entity_tool_daily', 'group:default/team')).toEqual([
      expect.objectContaining({ tool: 'Edit', accepted: 1, rejected: 0 }),
      expect.objectContaining({ tool: 'Write', accepted: 2, rejected: 1 }),
    ]);

    // Bob's lines change, his model and tools do not: one upsert of the day rows (Bob's and the
    // team's), nothing deleted, the model and tool rows left as they are.
    statements.length = 0;
    await writeUsageDays(
      knex,
      'demo',
      [usage('bob@acme.example', 5, { Write: { accepted: 2, rejected: 1 } })],
      DEFAULT_PRICING,
    );
    await engine.run();
    expect(entityWrites()).toEqual([
      expect.stringMatching(/^INSERT INTO "entity_daily"/),
    ]);
    expect(await rowsOf('entity_daily', 'group:default/team')).toEqual([
      expect.objectContaining({ active_users: 2, lines_added: 6 }),
    ]);
    expect(await rowsOf('entity_daily', 'user:default/bob')).toEqual([
      expect.objectContaining({ active_users: 1, lines_added: 5 }),
    ]);

    // Bob's Write decisions are gone: their counts are taken off his and the team's Write rows,
    // which are deleted, no Write fact being left under them.
    statements.length = 0;
    await writeUsageDays(
      knex,
      'demo',
      [usage('bob@acme.example', 5, {})],
      DEFAULT_PRICING,
    );
    await engine.run();
    expect(entityWrites()).toEqual([
      expect.stringMatching(/^INSERT INTO "entity_tool_daily"/),
      expect.stringMatching(/^delete from `entity_tool_daily`/),
    ]);
    expect(await rowsOf('entity_tool_daily', 'group:default/team')).toEqual([
      expect.objectContaining({ tool: 'Edit', accepted: 1 }),
    ]);
    expect(await rowsOf('entity_tool_daily', 'user:default/bob')).toEqual([]);
    expect(await rowsOf('entity_daily', 'group:default/team')).toEqual([
      expect.objectContaining({ active_users: 2, lines_added: 6 }),
    ]);

    // Cy, exporting already, joins the team in the catalog (the scope, and the team's day queued,
    // as a catalog refresh writes them): the team's day is summed again from the facts, on the
    // thread.
    await knex('user_identities').insert({
      identity: 'cy@acme.example',
      user_ref: 'user:default/cy',
    });
    await writeUsageDays(
      knex,
      'demo',
      [usage('cy@acme.example', 4, {})],
      DEFAULT_PRICING,
    );
    await engine.run();
    expect(read).not.toHaveBeenCalled();
    statements.length = 0;
    await knex.transaction(async tx => {
      await tx('entity_scopes').insert({
        entity_ref: 'group:default/team',
        scope_ref: 'user:default/cy',
      });
      await enqueueEntityDays(tx, [{ ref: 'group:default/team', date: day }]);
    });
    await engine.run();
    expect(read).toHaveBeenCalledTimes(1);
    expect(statements.filter(sql => /SUM\(f\./.test(sql))).toEqual([]);
    expect(await rowsOf('entity_daily', 'group:default/team')).toEqual([
      expect.objectContaining({ active_users: 3, lines_added: 10 }),
    ]);
  });

  it('sums again an entity-day whose scopes changed after its sums were read', async () => {
    await knex('user_identities').insert([
      { identity: 'ada@acme.example', user_ref: 'user:default/ada' },
      { identity: 'bob@acme.example', user_ref: 'user:default/bob' },
      { identity: 'cy@acme.example', user_ref: 'user:default/cy' },
    ]);
    await knex('entity_scopes').insert([
      { entity_ref: 'group:default/team', scope_ref: 'user:default/ada' },
      { entity_ref: 'group:default/team', scope_ref: 'user:default/bob' },
    ]);
    reader = await SqliteReader.start({
      knex,
      logger: mockServices.logger.mock(),
    });
    let moved = false;
    const engine = RollupEngine.create({
      knex,
      logger: mockServices.logger.mock(),
      reader: async queries => {
        const sums = await reader!.read(queries);
        if (!moved) {
          // Cy joins the team after the sums were read and before they are written, as a catalog
          // refresh does: the scope and the team's day queued again, in one transaction.
          moved = true;
          await knex.transaction(async tx => {
            await tx('entity_scopes').insert({
              entity_ref: 'group:default/team',
              scope_ref: 'user:default/cy',
            });
            await enqueueEntityDays(tx, [
              { ref: 'group:default/team', date: day },
            ]);
          });
        }
        return sums;
      },
    });
    await writeUsageDays(
      knex,
      'demo',
      [
        usage('ada@acme.example', 1, {}),
        usage('bob@acme.example', 2, {}),
        usage('cy@acme.example', 4, {}),
      ],
      DEFAULT_PRICING,
    );
    await engine.run();
    expect(await rowsOf('entity_daily', 'group:default/team')).toEqual([
      expect.objectContaining({ active_users: 2, lines_added: 3 }),
    ]);

    // Bob leaves the team: the catalog's refresh removes his scope and queues the team's day.
    await knex.transaction(async tx => {
      await tx('entity_scopes')
        .where({
          entity_ref: 'group:default/team',
          scope_ref: 'user:default/bob',
        })
        .delete();
      await enqueueEntityDays(tx, [{ ref: 'group:default/team', date: day }]);
    });
    await engine.run();
    expect(moved).toBe(true);
    expect(await rowsOf('entity_daily', 'group:default/team')).toEqual([
      expect.objectContaining({ active_users: 2, lines_added: 5 }),
    ]);
    expect(await knex('rollup_entity_queue').count({ n: '*' })).toEqual([
      { n: 0 },
    ]);
  });
});
