import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { DateTime } from 'luxon';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { DEFAULT_PRICING } from '../../ingestion/PricingOptions';
import { migrateStore } from '../../store/migrateStore';
import { createTestDatabases } from '../../__testUtils__/createTestDatabases';
import { AdminApiClient } from './AdminApiClient';
import { AdminApiUsageSource } from './AdminApiUsageSource';

jest.setTimeout(120_000);

const BASE_URL = 'https://admin-api.test';
const REPORT_URL = `${BASE_URL}/v1/organizations/usage_report/claude_code`;
const NOW = DateTime.fromISO('2026-03-10T12:00:00Z', { zone: 'utc' });

function record(email: string, date: string, sessions: number) {
  return {
    date: `${date}T00:00:00Z`,
    actor: { type: 'user_actor', email_address: email },
    organization_id: 'org-1',
    customer_type: 'subscription',
    subscription_type: 'enterprise',
    terminal_type: 'vscode',
    is_remote: false,
    core_metrics: {
      num_sessions: sessions,
      lines_of_code: { added: 10 * sessions, removed: sessions },
      commits_by_claude_code: 1,
      pull_requests_by_claude_code: 0,
    },
    tool_actions: { edit_tool: { accepted: 3, rejected: 1 } },
    model_breakdown: [
      {
        model: 'claude-sonnet-4-5-20250929',
        tokens: {
          input: 1000,
          output: 100,
          cache_read: 5000,
          cache_creation: 200,
        },
        estimated_cost: { currency: 'USD', amount: 12.5 },
      },
    ],
  };
}

type Answer = (date: string, page: string | null) => Response | undefined;

/** A fake usage report: records per day, two per page, and per-day overrides. */
class FakeReport {
  readonly requests: string[] = [];
  records = new Map<string, unknown[]>();
  override: Answer = () => undefined;

  handler() {
    return http.get(REPORT_URL, ({ request }) => {
      const url = new URL(request.url);
      const date = url.searchParams.get('starting_at')!;
      const page = url.searchParams.get('page');
      this.requests.push(date);
      const answer = this.override(date, page);
      if (answer) {
        return answer;
      }
      const all = this.records.get(date) ?? [];
      const start = page ? Number(page) : 0;
      const more = start + 2 < all.length;
      return HttpResponse.json({
        data: all.slice(start, start + 2),
        has_more: more,
        next_page: more ? String(start + 2) : null,
      });
    });
  }

  daysRequested(): string[] {
    return [...new Set(this.requests)].sort();
  }
}

function daysBefore(now: DateTime, count: number): string[] {
  return Array.from(
    { length: count },
    (_, i) => now.minus({ days: count - 1 - i }).toISODate()!,
  );
}

async function usageRows(knex: Knex) {
  const strip = (rows: any[]) =>
    rows.map(({ received_at, ...rest }) =>
      Object.fromEntries(
        Object.entries(rest).map(([k, v]) => [
          k,
          typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v,
        ]),
      ),
    );
  const order = ['identity', 'date', 'variant'];
  return {
    activity: strip(await knex('usage_activity_daily').orderBy(order)),
    models: strip(await knex('usage_model_daily').orderBy(order)),
    tools: strip(await knex('usage_tool_daily').orderBy(order)),
  };
}

describe('AdminApiUsageSource', () => {
  const databases = createTestDatabases();
  const server = setupServer();
  registerMswTestHooks(server);

  let report: FakeReport;
  beforeEach(() => {
    report = new FakeReport();
    server.use(report.handler());
  });

  function source(
    knex: Knex,
    options: {
      backfillDays?: number;
      rereadDays?: number;
      now?: DateTime;
    } = {},
  ) {
    const logger = mockServices.logger.mock();
    return AdminApiUsageSource.create({
      knex,
      client: AdminApiClient.create({
        apiKey: 'sk-ant-admin-test',
        baseUrl: BASE_URL,
        logger,
        maxRetries: 2,
        sleep: async () => {},
      }),
      logger,
      pricing: DEFAULT_PRICING,
      backfillDays: options.backfillDays ?? 7,
      rereadDays: options.rereadDays ?? 2,
      now: () => options.now ?? NOW,
    });
  }

  async function init(databaseId: Parameters<typeof databases.init>[0]) {
    const knex = await databases.init(databaseId);
    await migrateStore(knex);
    return knex;
  }

  it.each(databases.eachSupportedId())(
    'backfills the window, following pages and skipping malformed records, %p',
    async databaseId => {
      const knex = await init(databaseId);
      const dates = daysBefore(NOW, 7);
      report.records.set(dates[2], [
        record('a@acme.example', dates[2], 1),
        record('b@acme.example', dates[2], 2),
        record('c@acme.example', dates[2], 3),
        {
          ...record('d@acme.example', dates[2], 1),
          actor: { type: 'user_actor' },
        },
        record('e@acme.example', dates[2], 5),
      ]);
      report.records.set(dates[6], [
        record('a@acme.example', dates[6], 4),
        // The same person, remote this time: a record of its own.
        { ...record('a@acme.example', dates[6], 6), is_remote: true },
      ]);

      const summary = await source(knex).run();

      expect(summary).toEqual({
        daysRead: 7,
        rows: 6,
        skipped: 1,
        skippedReasons: [
          `${dates[2]}: record 4: actor of type "user_actor" has no email_address or api_key_name`,
        ],
        failedDays: [],
        postponedDays: 0,
      });
      expect(report.daysRequested()).toEqual(dates);
      // Five records on three pages.
      expect(report.requests.filter(d => d === dates[2])).toHaveLength(3);

      const { activity, models, tools } = await usageRows(knex);
      expect(activity).toHaveLength(6);
      expect(
        activity
          .filter(row => row.date === dates[6])
          .map(row => [row.identity, row.variant, row.sessions]),
      ).toEqual([
        ['a@acme.example', 'subscription/enterprise/vscode/local', 4],
        ['a@acme.example', 'subscription/enterprise/vscode/remote', 6],
      ]);
      expect(models[0]).toMatchObject({
        source: 'admin-api',
        provider: 'firstParty',
        model: 'claude-sonnet-4-5-20250929',
        input_tokens: 1000,
        cache_read_tokens: 5000,
        cost_micros: 125_000,
        cost_origin: 'reported',
      });
      expect(tools[0]).toMatchObject({
        tool: 'Edit',
        accepted: 3,
        rejected: 1,
      });

      const log = await knex('ingestion_log')
        .where({ source: 'admin-api' })
        .orderBy('unit');
      expect(
        log.map(row => [row.unit, row.status, row.rows, row.skipped]),
      ).toEqual(
        dates.map(date => [
          `day:${date}`,
          'succeeded',
          { [dates[2]]: 4, [dates[6]]: 2 }[date] ?? 0,
          date === dates[2] ? 1 : 0,
        ]),
      );
      expect(log[2].error).toContain('record 4: actor of type');

      const [status] = await knex('source_status').where({
        source: 'admin-api',
      });
      expect(status.last_success_at).toBeTruthy();
      expect(status.last_error_at).toBeFalsy();
      expect(Number(status.rows)).toBe(6);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'reads a failed day again on the next run, and settled days not at all, %p',
    async databaseId => {
      const knex = await init(databaseId);
      const dates = daysBefore(NOW, 7);
      for (const date of dates) {
        report.records.set(date, [record('a@acme.example', date, 1)]);
      }
      report.override = date =>
        date === dates[1]
          ? new HttpResponse('boom', {
              status: 500,
              statusText: 'Internal Server Error',
            })
          : undefined;

      const first = await source(knex).run();

      expect(first.daysRead).toBe(6);
      expect(first.failedDays).toEqual([
        {
          date: dates[1],
          error: expect.stringContaining(
            `Claude Code usage report for ${dates[1]} failed with 500 Internal Server Error after 3 attempts: boom`,
          ),
        },
      ]);
      const failed = await knex('ingestion_log').where({
        unit: `day:${dates[1]}`,
      });
      expect(failed[0]).toMatchObject({ status: 'failed', rows: 0 });
      const [status] = await knex('source_status').where({
        source: 'admin-api',
      });
      expect(status.last_error).toContain(dates[1]);
      expect(status.last_error_at).toBeTruthy();

      // The API recovers: the next run reads the failed day and the re-read window, nothing else.
      report.override = () => undefined;
      report.requests.length = 0;
      const second = await source(knex).run();

      expect(report.daysRequested()).toEqual([dates[1], dates[5], dates[6]]);
      expect(second).toMatchObject({ daysRead: 3, failedDays: [] });
      expect(
        await knex('ingestion_log')
          .where({ unit: `day:${dates[1]}` })
          .first(),
      ).toMatchObject({ status: 'succeeded', rows: 1, error: null });
      expect(await knex('usage_activity_daily')).toHaveLength(7);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'completes a day that was read while it was still filling, after an outage, %p',
    async databaseId => {
      const knex = await init(databaseId);
      await source(knex, { now: NOW }).run();

      // Four days without runs: the partial read of NOW's day must be completed, the days
      // before it were complete when read.
      const later = NOW.plus({ days: 4 });
      report.requests.length = 0;
      await source(knex, { now: later }).run();

      expect(report.daysRequested()).toEqual(daysBefore(later, 5));
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'does not report a day as done when its write failed, %p',
    async databaseId => {
      const knex = await init(databaseId);
      const dates = daysBefore(NOW, 7);
      report.records.set(dates[0], [record('a@acme.example', dates[0], 1)]);
      await knex.schema.renameTable(
        'usage_tool_daily',
        'usage_tool_daily_away',
      );

      const first = await source(knex).run();

      expect(first.failedDays.map(f => f.date)).toEqual([dates[0]]);
      expect(first.daysRead).toBe(6);
      expect(
        await knex('ingestion_log')
          .where({ unit: `day:${dates[0]}` })
          .first(),
      ).toMatchObject({ status: 'failed' });

      await knex.schema.renameTable(
        'usage_tool_daily_away',
        'usage_tool_daily',
      );
      report.requests.length = 0;
      const second = await source(knex).run();

      expect(report.daysRequested()).toEqual([dates[0], dates[5], dates[6]]);
      expect(second.failedDays).toEqual([]);
      expect(await knex('usage_activity_daily')).toHaveLength(1);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'stops the run on bad credentials and reads everything once they work, %p',
    async databaseId => {
      const knex = await init(databaseId);
      report.override = () =>
        HttpResponse.json(
          {
            type: 'error',
            error: {
              type: 'authentication_error',
              message: 'invalid x-api-key',
            },
          },
          { status: 401, statusText: 'Unauthorized' },
        );

      const first = await source(knex).run();

      expect(report.requests).toHaveLength(1);
      expect(first).toMatchObject({ daysRead: 0, postponedDays: 6 });
      expect(first.failedDays[0].error).toContain(
        'failed with 401 Unauthorized: invalid x-api-key',
      );
      const [status] = await knex('source_status').where({
        source: 'admin-api',
      });
      expect(status.last_error).toContain('invalid x-api-key');
      expect(status.last_success_at).toBeFalsy();

      report.override = () => undefined;
      const second = await source(knex).run();
      expect(second).toMatchObject({ daysRead: 7, failedDays: [] });
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'writes the same rows however often a day is read, %p',
    async databaseId => {
      const knex = await init(databaseId);
      for (const date of daysBefore(NOW, 7)) {
        report.records.set(date, [
          record('a@acme.example', date, 1),
          {
            ...record('ci-bot', date, 2),
            actor: { type: 'api_actor', api_key_name: 'ci-bot' },
          },
        ]);
      }

      await source(knex, { rereadDays: 7 }).run();
      const once = await usageRows(knex);
      await source(knex, { rereadDays: 7 }).run();
      const twice = await usageRows(knex);

      expect(report.requests).toHaveLength(14);
      expect(once.activity).toHaveLength(14);
      expect(once.models).toHaveLength(14);
      expect(twice).toEqual(once);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'backfills a year and then reads only the re-read window, %p',
    async databaseId => {
      const knex = await init(databaseId);

      const first = await source(knex, {
        backfillDays: 365,
        rereadDays: 3,
      }).run();

      expect(first).toMatchObject({ daysRead: 365, failedDays: [] });
      expect(report.daysRequested()).toEqual(daysBefore(NOW, 365));
      const [{ n }] = await knex('ingestion_log')
        .where({ source: 'admin-api', status: 'succeeded' })
        .count({ n: '*' });
      expect(Number(n)).toBe(365);

      report.requests.length = 0;
      const next = NOW.plus({ hours: 1 });
      const second = await source(knex, {
        backfillDays: 365,
        rereadDays: 3,
        now: next,
      }).run();
      expect(second.daysRead).toBe(3);
      expect(report.daysRequested()).toEqual(daysBefore(next, 3));
      await knex.destroy();
    },
  );
});
