import { Knex } from 'knex';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/createTestDatabases';
import { paymentsPeople, paymentsTeam } from '../__testUtils__/paymentsCatalog';
import {
  API,
  postImport,
  startAnalyticsBackendOn,
} from '../__testUtils__/startAnalyticsBackend';
import { DEFAULT_PRICING } from '../ingestion/PricingOptions';
import { writeUsageDays } from '../ingestion/writeUsageDays';
import { migrateStore, rollbackStore } from '../store/migrateStore';

jest.setTimeout(60_000);

const entities = paymentsTeam(name =>
  // Ada also works through an API key; the Console lists it as its own member.
  name === 'ada'
    ? { 'claude-code-analytics/identities': 'ada-ci-key' }
    : undefined,
);

const HEADER = 'User,Spend this Month (USD),Lines this Month';

/** An export as the Console writes it: quoted numbers with thousands separators, CRLF. */
function consoleExport(rows: Array<[string, string, string]>): string {
  return `${[
    HEADER,
    ...rows.map(([member, spend, lines]) => `${member},"${spend}","${lines}"`),
  ].join('\r\n')}\r\n`;
}

const NOVEMBER = 'from=2026-11-01&to=2026-11-30';

async function consoleState(knex: Knex) {
  const rows = async (table: string) =>
    (
      await knex(table)
        .select()
        .where('source', 'console')
        .orderBy(['identity', 'date'])
    ).map(row => ({ ...row, received_at: new Date(row.received_at) }));
  return {
    activity: await rows('usage_activity_daily'),
    models: await rows('usage_model_daily'),
    snapshots: (await knex('console_exports').select().orderBy('identity')).map(
      row => ({ ...row, imported_at: new Date(row.imported_at) }),
    ),
    status: await knex('source_status').select().where('source', 'console'),
    facts: await knex('usage_facts')
      .select()
      .orderBy(['scope_ref', 'user_ref', 'date']),
  };
}

describe('POST /v1/import of a Console export', () => {
  const databases = createTestDatabases();

  it.each(databases.eachSupportedId())(
    'shows the month-to-date totals for the right users and groups; a re-import changes nothing, a later export replaces, an older one is refused, %p',
    async databaseId => {
      const { knex, server } = await startAnalyticsBackendOn(
        databases,
        databaseId,
        { entities },
      );
      const post = (query: string, body: string, type = 'text/csv') =>
        postImport(server, body, { query, contentType: type });
      const get = (path: string) =>
        request(server).get(`${API}/v1/entities/${path}?${NOVEMBER}`);

      const first = consoleExport([
        ['ada@acme.example', '$10.50', '100'],
        ['ada-ci-key', '2.00', '5'],
        ['Grace@ACME.example', '$1,000.25', '1,200'],
        ['linus@acme.example', '3.00', '30'],
        ['margaret@acme.example', '4.00', '40'],
        // Spend without accepted lines still makes an active member.
        ['dennis@acme.example', '0.50', '0'],
        ['stranger@elsewhere.example', '7.00', '70'],
        ['broken@acme.example', '1.234,00', '1'],
      ]);
      const imported = await post('asOf=2026-11-10', first);
      expect(imported.status).toBe(200);
      expect(imported.body).toEqual({
        accepted: 7,
        rejected: [
          {
            line: 9,
            reason: expect.stringContaining(
              'spend "1.234,00" is not an amount',
            ),
          },
        ],
      });

      const groupCost = await get('group/default/payments/cost');
      expect(groupCost.body).toMatchObject({
        costUsd: 1020.25,
        activeUsers: 5,
        tokens: { input: 0, output: 0, cacheRead: 0, cacheCreation: 0 },
        suppressed: false,
      });
      expect(groupCost.body.byModel).toEqual([
        expect.objectContaining({ model: 'console-export', costUsd: 1020.25 }),
      ]);
      expect(groupCost.body.daily.filter((d: any) => d.costUsd > 0)).toEqual([
        { date: '2026-11-10', costUsd: 1020.25 },
      ]);
      const groupAdoption = await get('group/default/payments/adoption');
      expect(groupAdoption.body).toMatchObject({
        members: 5,
        activeUsers: 5,
        linesAdded: 1375,
        // One per member identity: the least their usage implies (the export has no sessions).
        sessions: 6,
        suppressed: false,
      });
      expect(groupAdoption.body.sources).toEqual([
        expect.objectContaining({ source: 'console' }),
      ]);
      const ada = await get('user/default/ada/cost');
      expect(ada.body.costUsd).toBe(12.5);

      const status = await request(server).get(`${API}/v1/status`);
      expect(status.body.unmappedIdentities).toEqual([
        expect.objectContaining({
          identity: 'stranger@elsewhere.example',
          lastSource: 'console',
        }),
      ]);

      // The same file again: accepted again, nothing written.
      const before = await consoleState(knex);
      const again = await post('format=console-csv&asOf=2026-11-10', first);
      expect(again.body.accepted).toBe(7);
      expect(await consoleState(knex)).toEqual(before);

      // Ten days later the totals have grown: they replace the earlier snapshot.
      const later = await post(
        'asOf=2026-11-20',
        consoleExport([
          ['ada@acme.example', '20.00', '200'],
          ['ada-ci-key', '2.00', '5'],
          ['grace@acme.example', '1,500.00', '2,000'],
          ['linus@acme.example', '3.00', '30'],
          ['margaret@acme.example', '4.00', '40'],
          ['dennis@acme.example', '1.00', '10'],
        ]),
      );
      expect(later.body).toEqual({ accepted: 6, rejected: [] });
      const replaced = await get('group/default/payments/cost');
      expect(replaced.body.costUsd).toBe(1530);
      expect(replaced.body.daily.filter((d: any) => d.costUsd > 0)).toEqual([
        { date: '2026-11-20', costUsd: 1530 },
      ]);
      expect(
        (await get('group/default/payments/adoption')).body.linesAdded,
      ).toBe(2285);

      // A corrected export of the same day replaces it too; a member without usage holds no days.
      const corrected = await post(
        'asOf=2026-11-20',
        consoleExport([['dennis@acme.example', '0.00', '0']]),
      );
      expect(corrected.body).toEqual({ accepted: 1, rejected: [] });
      expect((await get('user/default/dennis/cost')).body.costUsd).toBe(0);
      expect((await get('user/default/grace/cost')).body.costUsd).toBe(1500);
      expect(
        await knex('usage_activity_daily').where({
          source: 'console',
          identity: 'dennis@acme.example',
        }),
      ).toEqual([]);

      // An export older than the stored one is refused row by row.
      const afterLater = await consoleState(knex);
      const older = await post(
        'asOf=2026-11-15',
        consoleExport([['ada@acme.example', '15.00', '150']]),
      );
      expect(older.body).toEqual({
        accepted: 0,
        rejected: [
          {
            line: 2,
            reason:
              'a later snapshot of 2026-11 for ada@acme.example (as of 2026-11-20) is stored: month-to-date totals only grow, so this older one is not imported',
          },
        ],
      });
      expect(await consoleState(knex)).toEqual(afterLater);

      // Bad requests change nothing.
      const bad = await Promise.all([
        post('format=console-csv', first),
        post('asOf=2026-11', first),
        post('asOf=2026-02-30', first),
        post('asOf=2099-01-01', first),
        post('format=xlsx&asOf=2026-11-20', first),
        post('asOf=2026-11-20&source=transcripts', first),
        post('asOf=2026-11-20', 'User,Lines this Month\nada@acme.example,3\n'),
        post('asOf=2026-11-20', `${HEADER}\n"ada@acme.example,1,2\n`),
        post('asOf=2026-11-20', ''),
        post('format=console-csv&asOf=2026-11-20', '\uFEFF'),
        // NDJSON takes no asOf.
        post('asOf=2026-11-20', '{}', 'application/x-ndjson'),
      ]);
      expect(bad.map(response => response.status)).toEqual(bad.map(() => 400));
      expect(bad[6].body.error.message).toContain('lacks a spend column');
      expect(bad[7].body.error.message).toBe(
        'Console export: not CSV: the quoted field opened on line 2 is never closed',
      );
      expect(await consoleState(knex)).toEqual(afterLater);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'counts a user-month once next to Admin API and session-level data, whichever came first, %p',
    async databaseId => {
      const { knex, server, scheduler } = await startAnalyticsBackendOn(
        databases,
        databaseId,
        { entities },
      );
      const adminDay = (name: string, date: string, costUsd: number) => ({
        identity: `${name}@acme.example`,
        date,
        provider: 'firstParty',
        variant: 'vscode',
        activity: {
          sessions: 1,
          activeSeconds: 0,
          linesAdded: 10,
          linesRemoved: 0,
          commits: 0,
          pullRequests: 0,
          toolDecisions: { Edit: { accepted: 1, rejected: 0 } },
        },
        models: [
          {
            model: 'claude-sonnet-4-5',
            tokens: { input: 100, output: 10, cacheRead: 0, cacheCreation: 0 },
            costMicros: costUsd * 1_000_000,
          },
        ],
      });
      const writeAdmin = async (days: ReturnType<typeof adminDay>[]) => {
        await writeUsageDays(knex, 'admin-api', days, DEFAULT_PRICING);
        await scheduler.triggerTask('claude-code-analytics-rollups');
      };
      const costOf = async (name: string) =>
        (
          await request(server).get(
            `${API}/v1/entities/user/default/${name}/cost?${NOVEMBER}`,
          )
        ).body.costUsd;

      // The Admin API already reports Grace; OTLP/transcripts report Linus (a session request).
      await writeAdmin([
        adminDay('grace', '2026-11-03', 5),
        adminDay('margaret', '2026-11-04', 6),
      ]);
      await postImport(
        server,
        JSON.stringify({
          type: 'request',
          sessionId: 's-1',
          requestId: 'req_1',
          timestamp: '2026-11-04T10:00:00Z',
          identity: 'linus@acme.example',
          model: 'claude-sonnet-4-5',
          provider: 'firstParty',
          tokens: { input: 100, output: 10, cacheRead: 0, cacheCreation: 0 },
          costUsd: 0.25,
        }),
      );
      expect(await costOf('grace')).toBe(5);
      expect(await costOf('linus')).toBe(0.25);

      const imported = await postImport(
        server,
        consoleExport([
          ['ada@acme.example', '40.00', '400'],
          ['grace@acme.example', '60.00', '600'],
          ['linus@acme.example', '9.00', '90'],
          // Nothing to count twice: a member without usage is accepted next to any source.
          ['margaret@acme.example', '0.00', '0'],
        ]),
        {
          query: 'format=console-csv&asOf=2026-11-10',
          contentType: 'text/csv',
        },
      );
      expect(imported.body).toEqual({
        accepted: 2,
        rejected: [
          {
            line: 3,
            reason:
              'grace@acme.example (user:default/grace) already has first-party usage from admin-api on 2026-11-03: those sources count for this month, the month-to-date snapshot would count that usage twice',
          },
          {
            line: 4,
            reason:
              'linus@acme.example (user:default/linus) already has first-party usage from sessions on 2026-11-04: those sources count for this month, the month-to-date snapshot would count that usage twice',
          },
        ],
      });
      expect(await costOf('grace')).toBe(5);
      expect(await costOf('linus')).toBe(0.25);
      expect(await costOf('ada')).toBe(40);
      expect(await costOf('margaret')).toBe(6);

      // The Admin API reports Ada later: a day the snapshot covers counts in the snapshot already,
      // a day after it counts on its own.
      await writeAdmin([
        adminDay('ada', '2026-11-05', 3),
        adminDay('ada', '2026-11-12', 4),
      ]);
      expect(await costOf('ada')).toBe(44);
      const adaDays = await knex('usage_facts')
        .select('date')
        .where({ scope_ref: 'user:default/ada' })
        .orderBy('date');
      expect(adaDays.map(row => row.date)).toEqual([
        '2026-11-10',
        '2026-11-12',
      ]);

      // A later export would cover the Admin API's 12th: it is refused, the stored snapshot stays.
      const later = await postImport(
        server,
        consoleExport([['ada@acme.example', '50.00', '500']]),
        {
          query: 'format=console-csv&asOf=2026-11-20',
          contentType: 'text/csv',
        },
      );
      expect(later.body).toEqual({
        accepted: 0,
        rejected: [
          {
            line: 2,
            reason:
              'ada@acme.example (user:default/ada) already has first-party usage from admin-api on 2026-11-12: the stored snapshot as of 2026-11-10 stays and the days after it come from admin-api',
          },
        ],
      });
      expect(await costOf('ada')).toBe(44);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'takes no more than import.maxBytes, %p',
    async databaseId => {
      const { knex, server } = await startAnalyticsBackendOn(
        databases,
        databaseId,
        {
          entities,
          config: { claudeCodeAnalytics: { import: { maxBytes: 200 } } },
        },
      );
      const csv = consoleExport(
        paymentsPeople.map(name => [
          `${name}@acme.example`,
          '1,000.00',
          '1,000',
        ]),
      );
      expect(csv.length).toBeGreaterThan(200);
      const response = await postImport(server, csv, {
        query: 'asOf=2026-11-10',
        contentType: 'text/csv',
      });
      expect(response.status).toBe(413);
      expect(
        Number((await knex('console_exports').count({ n: '*' }))[0].n),
      ).toBe(0);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'migrates the snapshot table up and down, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateStore(knex);
      expect(await knex.schema.hasTable('console_exports')).toBe(true);
      await rollbackStore(knex);
      expect(await knex.schema.hasTable('console_exports')).toBe(false);
      await knex.destroy();
    },
  );
});
