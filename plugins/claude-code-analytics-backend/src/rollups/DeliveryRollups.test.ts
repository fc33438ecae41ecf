import { mockServices } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  computeDeliveryMetrics,
  DeliveryDeployment,
  DeliveryIncident,
  DeliveryMetrics,
  DeliveryPullRequest,
  mergeAllDeliverySummaries,
  parseDeliverySummary,
  serializeDeliverySummary,
  splitByAiAssistance,
} from 'backstage-plugin-claude-code-analytics-common';
import { Knex } from 'knex';
import { DateTime } from 'luxon';
import { Server } from 'node:http';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/createTestDatabases';
import { untilAdvisoryLockWaited } from '../__testUtils__/untilAdvisoryLockWaited';
import { startAnalyticsBackend } from '../__testUtils__/startAnalyticsBackend';
import { withinSketchAccuracy } from '../__testUtils__/withinSketchAccuracy';
import {
  lockForTransaction,
  OWNERSHIP_INDEX_LOCK,
} from '../store/lockForTransaction';
import { migrateStore } from '../store/migrateStore';
import {
  DeliveryRollups,
  enqueueDeliveryEntityDays,
  enqueueDeliveryRepositories,
} from './DeliveryRollups';

jest.setTimeout(180_000);

const group = (name: string, extra: Record<string, unknown> = {}): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name },
  spec: { type: 'team', children: [], ...extra },
});
const user = (name: string, team: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: {
    name,
    annotations: { 'github.com/user-login': `${name}-gh` },
  },
  spec: { profile: { email: `${name}@acme.example` }, memberOf: [team] },
});
const component = (
  name: string,
  owner: string,
  slug: string,
  system?: string,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, annotations: { 'github.com/project-slug': slug } },
  spec: { type: 'service', owner, lifecycle: 'production', system },
});

/** A fresh catalog: the tests edit its entities in place, as the catalog would change them. */
function catalog(): Entity[] {
  return [
    group('acme', { type: 'organization', children: ['payments', 'platform'] }),
    group('payments', { parent: 'acme' }),
    group('platform', { parent: 'acme' }),
    user('ada', 'payments'),
    user('linus', 'payments'),
    user('grace', 'platform'),
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: { name: 'money' },
      spec: { owner: 'payments' },
    },
    component('ledger', 'payments', 'acme/ledger', 'money'),
    // A second component of the same repository: the repository counts once for the team.
    component('ledger-api', 'payments', 'acme/ledger'),
    component('web', 'payments', 'acme/web'),
    component('billing', 'platform', 'acme/billing', 'money'),
  ];
}

/** The repositories each entity delivers, and the GitHub logins of its members. */
const REPOSITORIES: Record<string, string[]> = {
  'group:default/acme': ['acme/ledger', 'acme/web', 'acme/billing'],
  'group:default/payments': ['acme/ledger', 'acme/web'],
  'group:default/platform': ['acme/billing'],
  'system:default/money': ['acme/ledger', 'acme/billing'],
  'component:default/ledger': ['acme/ledger'],
  'component:default/web': ['acme/web'],
  'user:default/ada': [],
};

type Records = {
  pullRequests: DeliveryPullRequest[];
  deployments: DeliveryDeployment[];
  incidents: DeliveryIncident[];
};

const HOUR = 3_600_000;
const START = Date.parse('2026-01-05T00:00:00Z');
const DAYS = 80;
const AUTHORS = ['ada-gh', 'linus-gh', 'grace-gh', 'outsider-gh'];
const OFFSETS = ['UTC', 'UTC+2', 'UTC-5', 'UTC+5:30'];

/** A small seeded generator (a linear congruential one), so that every run sees the same data. */
function seeded(seed: number) {
  let state = seed;
  const next = () => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state / 2 ** 31;
  };
  return {
    next,
    int: (min: number, max: number) =>
      min + Math.floor(next() * (max - min + 1)),
    chance: (p: number) => next() < p,
  };
}

/**
 * A history of a few months over three repositories: merged and open pull requests (some
 * AI-assisted, hotfixes, reverts by title, rebased ones with a negative coding span), production
 * and staging deployments (some failed), incidents (some unresolved), timestamps in several
 * offsets. Each repository's last days have merges that no deployment carries yet.
 */
function generateHistory(
  repositories = ['acme/ledger', 'acme/web', 'acme/billing'],
): Records {
  const random = seeded(7);
  const iso = (ms: number) =>
    DateTime.fromMillis(Math.round(ms), {
      zone: OFFSETS[random.int(0, OFFSETS.length - 1)],
    }).toISO()!;
  const records: Records = { pullRequests: [], deployments: [], incidents: [] };
  for (const repository of repositories) {
    const merged: Array<{ number: number; mergedMs: number }> = [];
    let number = 0;
    for (let day = 0; day < DAYS; day++) {
      for (let i = random.int(0, 3); i > 0; i--) {
        number++;
        const createdMs = START + day * 24 * HOUR + random.next() * 20 * HOUR;
        const firstCommitMs =
          createdMs + (random.chance(0.1) ? 1 : -random.int(1, 60)) * HOUR;
        const reviewMs = createdMs + random.int(1, 30) * HOUR;
        const mergedMs = random.chance(0.85)
          ? reviewMs + random.int(1, 40) * HOUR
          : undefined;
        const reverted =
          merged.length > 3 && random.chance(0.05)
            ? merged[random.int(0, merged.length - 1)].number
            : undefined;
        records.pullRequests.push({
          repository,
          number,
          author: AUTHORS[random.int(0, AUTHORS.length - 1)],
          createdAt: iso(createdMs),
          firstCommitAt: iso(firstCommitMs),
          firstReviewAt: random.chance(0.9) ? iso(reviewMs) : undefined,
          mergedAt: mergedMs === undefined ? undefined : iso(mergedMs),
          aiAssisted: random.chance(0.4),
          labels: random.chance(0.05) ? ['hotfix'] : undefined,
          title: reverted ? `Revert "Change ${reverted}"` : `Change ${number}`,
        });
        if (mergedMs !== undefined) {
          merged.push({ number, mergedMs });
        }
      }
    }
    merged.sort((a, b) => a.mergedMs - b.mergedMs);
    let next = 0;
    let pending: number[] = [];
    let id = 0;
    // No deployment in the last days: their merges wait for a later one.
    for (let day = 0; day < DAYS - 4; day++) {
      for (let i = random.chance(0.7) ? random.int(1, 2) : 0; i > 0; i--) {
        const finishedMs =
          START +
          day * 24 * HOUR +
          (12 + 6 * i) * HOUR +
          random.int(0, 59) * 60_000;
        while (next < merged.length && merged[next].mergedMs < finishedMs) {
          pending.push(merged[next++].number);
        }
        const staging = random.chance(0.1);
        const failure = !staging && random.chance(0.1);
        records.deployments.push({
          repository,
          id: `d${++id}`,
          environment: staging ? 'staging' : 'production',
          status: failure ? 'failure' : 'success',
          finishedAt: iso(finishedMs),
          pullRequests: failure || staging ? [...pending] : pending,
        });
        if (!failure && !staging) {
          pending = [];
          if (random.chance(0.1)) {
            const createdMs = finishedMs + random.int(1, 5) * HOUR;
            records.incidents.push({
              repository,
              id: `i${id}`,
              createdAt: iso(createdMs),
              resolvedAt: random.chance(0.7)
                ? iso(createdMs + random.int(1, 30) * HOUR)
                : undefined,
            });
          }
        }
      }
    }
  }
  return records;
}

/**
 * Later events of acme/ledger that change earlier days: an incident after its last deployment
 * (which becomes failed), a revert of an earlier change, a deployment carrying the merges that
 * were waiting (their lead times), a new merge, and the resolution of an open incident.
 */
function laterEvents(history: Records): Records {
  const ledger = (r: { repository: string }) => r.repository === 'acme/ledger';
  const lastDeployment = history.deployments
    .filter(
      d =>
        ledger(d) && d.status === 'success' && d.environment === 'production',
    )
    .sort((a, b) => Date.parse(a.finishedAt) - Date.parse(b.finishedAt))
    .pop()!;
  const at = (hours: number) =>
    DateTime.fromMillis(Date.parse(lastDeployment.finishedAt) + hours * HOUR, {
      zone: 'UTC+1',
    }).toISO()!;
  const deployed = new Set(
    history.deployments.filter(ledger).flatMap(d => d.pullRequests),
  );
  const prs = history.pullRequests.filter(ledger);
  const waiting = prs
    .filter(pr => pr.mergedAt && !deployed.has(pr.number))
    .map(pr => pr.number);
  const revertedPr = prs.find(pr => deployed.has(pr.number))!;
  const number = Math.max(...prs.map(pr => pr.number));
  const revert: DeliveryPullRequest = {
    repository: 'acme/ledger',
    number: number + 1,
    author: 'ada-gh',
    createdAt: at(2),
    firstCommitAt: at(1),
    firstReviewAt: at(3),
    mergedAt: at(4),
    aiAssisted: true,
    title: `Revert "${revertedPr.title}"`,
  };
  const later: DeliveryPullRequest = {
    repository: 'acme/ledger',
    number: number + 2,
    author: 'grace-gh',
    createdAt: at(30),
    firstCommitAt: at(29),
    mergedAt: at(31),
    aiAssisted: false,
    title: 'Later change',
  };
  const open = history.incidents.find(i => !i.resolvedAt)!;
  return {
    pullRequests: [revert, later],
    deployments: [
      {
        repository: 'acme/ledger',
        id: 'd-later',
        environment: 'production',
        status: 'success',
        finishedAt: at(6),
        pullRequests: [...waiting, revert.number],
      },
    ],
    incidents: [
      {
        repository: 'acme/ledger',
        id: 'i-later',
        createdAt: at(1),
        resolvedAt: at(8),
      },
      {
        ...open,
        resolvedAt: DateTime.fromISO(open.createdAt)
          .plus({ hours: 50 })
          .toISO()!,
      },
    ],
  };
}

function importLines(records: Records): string {
  return [
    ...records.pullRequests.map(pr =>
      JSON.stringify({ type: 'pull_request', ...pr }),
    ),
    ...records.deployments.map(d =>
      JSON.stringify({ type: 'deployment', sha: 'abcdef1', ...d }),
    ),
    ...records.incidents.map(i => JSON.stringify({ type: 'incident', ...i })),
  ].join('\n');
}

/** Records with later versions (same repository and number or id) replacing earlier ones. */
function combine(...sets: Records[]): Records {
  const byKey = <T extends { repository: string }>(
    items: T[],
    key: (item: T) => string,
  ) => [
    ...new Map(
      items.map(item => [`${item.repository}#${key(item)}`, item]),
    ).values(),
  ];
  return {
    pullRequests: byKey(
      sets.flatMap(s => s.pullRequests),
      pr => String(pr.number),
    ),
    deployments: byKey(
      sets.flatMap(s => s.deployments),
      d => d.id,
    ),
    incidents: byKey(
      sets.flatMap(s => s.incidents),
      i => i.id,
    ),
  };
}

function only(records: Records, repositories: string[]): Records {
  const keep = (r: { repository: string }) =>
    repositories.includes(r.repository);
  return {
    pullRequests: records.pullRequests.filter(keep),
    deployments: records.deployments.filter(keep),
    incidents: records.incidents.filter(keep),
  };
}

const METRIC_KEYS = [
  'deployments',
  'mergedPullRequests',
  'deploymentFrequency',
  'leadTime',
  'changeFailureRate',
  'recoveryTime',
  'reworkRate',
  'cycleTime',
  'samples',
] as const;

/**
 * The exact metrics as the API must give them: medians and p75 within the sketches' relative
 * accuracy (see withinSketchAccuracy), everything else equal.
 */
function expected(exact: DeliveryMetrics) {
  const json = JSON.parse(JSON.stringify(exact));
  const approximate = (object: Record<string, unknown>, keys: string[]) => {
    for (const key of keys) {
      if (typeof object[key] === 'number') {
        object[key] = withinSketchAccuracy(object[key] as number);
      }
    }
  };
  approximate(json.leadTime, ['medianHours', 'p75Hours']);
  approximate(json.recoveryTime, ['medianHours']);
  approximate(json.cycleTime, [
    'codingHours',
    'pickupHours',
    'reviewHours',
    'deployHours',
    'cycleHours',
  ]);
  return json;
}

function metricsOf(body: Record<string, unknown>) {
  return Object.fromEntries(METRIC_KEYS.map(key => [key, body[key]]));
}

function shift(day: string, days: number) {
  return DateTime.fromISO(day, { zone: 'utc' }).plus({ days }).toISODate()!;
}

const RANGES = [
  { from: '2026-01-01', to: '2026-03-31' },
  { from: '2026-02-01', to: '2026-02-28' },
  { from: '2026-01-25', to: '2026-02-10' },
  { from: '2026-03-05', to: '2026-03-05' },
  { from: '2026-03-15', to: '2026-04-13' },
];

/** Every entity and range of the API against the DORA engine over all records, from scratch. */
async function expectApiToMatchEngine(server: Server, records: Records) {
  for (const [entityRef, repositories] of Object.entries(REPOSITORIES)) {
    const events = only(records, repositories);
    const [kind, rest] = entityRef.split(':');
    for (const range of RANGES) {
      const res = await request(server).get(
        `/api/claude-code-analytics/v1/entities/${kind}/${rest}/delivery?from=${range.from}&to=${range.to}`,
      );
      expect(res.status).toBe(200);
      const days =
        DateTime.fromISO(range.to).diff(DateTime.fromISO(range.from), 'days')
          .days + 1;
      const previous = {
        from: shift(range.from, -days),
        to: shift(range.from, -1),
      };
      const exact = computeDeliveryMetrics({ ...events, ...range });
      const split = splitByAiAssistance({ ...events, ...range });
      const what = `${entityRef} ${range.from}..${range.to}`;
      expect([what, metricsOf(res.body)]).toEqual([what, expected(exact)]);
      expect([what, metricsOf(res.body.split.aiAssisted)]).toEqual([
        what,
        expected(split.aiAssisted),
      ]);
      expect([what, metricsOf(res.body.split.other)]).toEqual([
        what,
        expected(split.other),
      ]);
      expect([what, metricsOf(res.body.previous)]).toEqual([
        what,
        expected(computeDeliveryMetrics({ ...events, ...previous })),
      ]);
      expect(res.body).toMatchObject({
        entityRef,
        ...range,
        previous,
        aiAssistedPullRequests: split.aiAssisted.mergedPullRequests,
        split: { comparable: split.comparable },
      });
    }
  }
}

/**
 * Teams under departments under the organisation. Payments owns a component itself; two teams of
 * different departments build from one repository (acme/shared), so the organisation's
 * departments overlap until web moves to platform, where web and infra then overlap.
 */
function nestedCatalog(): Entity[] {
  return [
    group('acme', { type: 'organization', children: ['payments', 'platform'] }),
    group('payments', {
      parent: 'acme',
      children: ['risk-team', 'web-team'],
    }),
    group('platform', {
      parent: 'acme',
      children: ['billing-team', 'infra-team'],
    }),
    group('risk-team', { parent: 'payments' }),
    group('web-team', { parent: 'payments' }),
    group('billing-team', { parent: 'platform' }),
    group('infra-team', { parent: 'platform' }),
    user('ada', 'risk-team'),
    user('grace', 'infra-team'),
    component('docs', 'payments', 'acme/docs'),
    component('ledger', 'risk-team', 'acme/ledger'),
    component('web', 'web-team', 'acme/web'),
    component('shared-ui', 'web-team', 'acme/shared'),
    component('billing', 'billing-team', 'acme/billing'),
    component('ui-kit', 'infra-team', 'acme/shared'),
  ];
}

const NESTED_REPOSITORIES = [
  'acme/docs',
  'acme/ledger',
  'acme/web',
  'acme/shared',
  'acme/billing',
];

/** A summary text in one form, whichever merges gave it. */
function canonical(texts: readonly string[]): string {
  return serializeDeliverySummary(
    mergeAllDeliverySummaries(texts.map(parseDeliverySummary)),
  );
}

/**
 * The entity rollups as they must be, from the repositories' day summaries: an entity's day is the
 * merge of the days of its repositories (each once), its month the merge of its days.
 */
async function entityRowsFromRepositories(knex: Knex) {
  const repositoryDays = new Map<string, Map<string, string>>();
  for (const row of await knex('repository_delivery_daily')) {
    const days = repositoryDays.get(row.repository) ?? new Map();
    days.set(row.date, row.summary);
    repositoryDays.set(row.repository, days);
  }
  const textsOf = new Map<string, string[]>();
  for (const { entity_ref, repository } of await knex('entity_components as ec')
    .join('repository_components as rc', 'rc.component_ref', 'ec.component_ref')
    .distinct('ec.entity_ref', 'rc.repository')) {
    for (const [date, summary] of repositoryDays.get(repository) ?? []) {
      const key = `${entity_ref} ${date}`;
      textsOf.set(key, [...(textsOf.get(key) ?? []), summary]);
    }
  }
  const days = new Map<string, string>();
  const monthTexts = new Map<string, string[]>();
  for (const [key, texts] of textsOf) {
    days.set(key, canonical(texts));
    const month = key.slice(0, -3);
    monthTexts.set(month, [...(monthTexts.get(month) ?? []), canonical(texts)]);
  }
  const months = new Map(
    [...monthTexts].map(([month, texts]) => [month, canonical(texts)]),
  );
  return { days, months };
}

/** The entity rollups stored, in the form of {@link entityRowsFromRepositories}. */
async function storedEntityRows(knex: Knex) {
  return {
    days: new Map<string, string>(
      (await knex('entity_delivery_daily')).map(row => [
        `${row.entity_ref} ${row.date}`,
        canonical([row.summary]),
      ]),
    ),
    months: new Map<string, string>(
      (await knex('entity_delivery_monthly')).map(row => [
        `${row.entity_ref} ${row.month}`,
        canonical([row.summary]),
      ]),
    ),
  };
}

async function queued(knex: Knex) {
  const count = async (table: string) =>
    Number((await knex(table).count({ n: '*' }))[0].n);
  return {
    repositories: await count('delivery_repository_queue'),
    entityDays: await count('delivery_entity_queue'),
  };
}

async function rollupRows(knex: Knex) {
  return {
    repositories: await knex('repository_delivery_daily').orderBy([
      'repository',
      'date',
    ]),
    entityDays: await knex('entity_delivery_daily').orderBy([
      'entity_ref',
      'date',
    ]),
    entityMonths: await knex('entity_delivery_monthly').orderBy([
      'entity_ref',
      'month',
    ]),
    authored: (
      await knex('entity_authored_daily').orderBy(['entity_ref', 'date'])
    ).map(row => ({
      ...row,
      merged_pull_requests: Number(row.merged_pull_requests),
    })),
  };
}

/** Queues every repository and every entity-day with rollups, as a rebuild would. */
async function enqueueEverything(knex: Knex) {
  await enqueueDeliveryRepositories(
    knex,
    (await knex('repositories').select('repository')).map(r => r.repository),
  );
  const days = [
    ...(await knex('entity_delivery_daily').select('entity_ref', 'date')),
    ...(await knex('entity_authored_daily').select('entity_ref', 'date')),
  ];
  await enqueueDeliveryEntityDays(
    knex,
    days.map(row => ({ ref: row.entity_ref, date: row.date })),
  );
}

async function getJson(server: Server, path: string) {
  const res = await request(server).get(
    `/api/claude-code-analytics/v1/${path}`,
  );
  expect(res.status).toBe(200);
  return res.body;
}

function countMerged(
  records: Records,
  range: { from: string; to: string },
  keep: (pr: DeliveryPullRequest) => boolean,
) {
  return records.pullRequests.filter(pr => {
    const day =
      pr.mergedAt &&
      DateTime.fromISO(pr.mergedAt, { zone: 'utc' }).toISODate()!;
    return day && day >= range.from && day <= range.to && keep(pr);
  }).length;
}

describe('DeliveryRollups', () => {
  const databases = createTestDatabases();

  async function start(
    databaseId: Parameters<typeof databases.init>[0],
    entities = catalog(),
  ) {
    const knex = await databases.init(databaseId);
    const { server, scheduler } = await startAnalyticsBackend({
      knex,
      entities,
    });
    const post = async (records: Records) => {
      const res = await request(server)
        .post('/api/claude-code-analytics/v1/import')
        .set('Content-Type', 'application/x-ndjson')
        .send(importLines(records));
      expect(res.body.rejected).toEqual([]);
    };
    return { knex, entities, server, scheduler, post };
  }

  it.each(databases.eachSupportedId())(
    'answers delivery from the rollups as the engine does from the records, before and after later events, %p',
    async databaseId => {
      const { knex, server, scheduler, post } = await start(databaseId);
      const history = generateHistory();
      await post(history);
      expect(await queued(knex)).toEqual({ repositories: 0, entityDays: 0 });
      await expectApiToMatchEngine(server, history);

      // Events that change earlier days of the same repository.
      const ledgerUrl =
        'entities/component/default/ledger/delivery?from=2026-01-01&to=2026-04-30';
      const ledgerBefore = await getJson(server, ledgerUrl);
      const later = laterEvents(history);
      await post(later);
      const ledgerAfter = await getJson(server, ledgerUrl);
      expect(ledgerAfter.changeFailureRate.value).toBeGreaterThan(
        ledgerBefore.changeFailureRate.value,
      );
      expect(ledgerAfter.samples.leadTime).toBeGreaterThan(
        ledgerBefore.samples.leadTime,
      );
      expect(ledgerAfter.samples.recoveryTime).toBeGreaterThan(
        ledgerBefore.samples.recoveryTime,
      );
      expect(await queued(knex)).toEqual({ repositories: 0, entityDays: 0 });
      const all = combine(history, later);
      await expectApiToMatchEngine(server, all);

      // A period across months is the sum of its parts.
      const whole = await getJson(
        server,
        'entities/group/default/acme/delivery?from=2026-01-20&to=2026-03-10',
      );
      const parts = await Promise.all(
        [
          ['2026-01-20', '2026-01-31'],
          ['2026-02-01', '2026-02-28'],
          ['2026-03-01', '2026-03-10'],
        ].map(([from, to]) =>
          getJson(
            server,
            `entities/group/default/acme/delivery?from=${from}&to=${to}`,
          ),
        ),
      );
      const sum = (pick: (body: any) => number) =>
        parts.reduce((total, part) => total + pick(part), 0);
      expect({
        deployments: whole.deployments,
        mergedPullRequests: whole.mergedPullRequests,
        aiAssistedPullRequests: whole.aiAssistedPullRequests,
        samples: whole.samples,
      }).toEqual({
        deployments: sum(b => b.deployments),
        mergedPullRequests: sum(b => b.mergedPullRequests),
        aiAssistedPullRequests: sum(b => b.aiAssistedPullRequests),
        samples: {
          leadTime: sum(b => b.samples.leadTime),
          changeFailureRate: sum(b => b.samples.changeFailureRate),
          recoveryTime: sum(b => b.samples.recoveryTime),
          cycleTime: sum(b => b.samples.cycleTime),
        },
      });
      expect(whole.deployments).toBeGreaterThan(0);

      // Components and those with data; cost per merged PR and per deployment.
      expect(
        await getJson(
          server,
          'entities/group/default/payments/delivery?from=2026-02-01&to=2026-02-28',
        ),
      ).toMatchObject({ components: 3, componentsWithData: 3 });
      const range = { from: '2026-02-01', to: '2026-03-31' };
      const query = `from=${range.from}&to=${range.to}`;
      const payments = await getJson(
        server,
        `entities/group/default/payments/cost?${query}`,
      );
      const paymentsDelivery = await getJson(
        server,
        `entities/group/default/payments/delivery?${query}`,
      );
      expect(payments).toMatchObject({
        deployments: paymentsDelivery.deployments,
        // Authored by ada and linus, in any repository.
        mergedPullRequests: countMerged(all, range, pr =>
          ['ada-gh', 'linus-gh'].includes(pr.author!),
        ),
      });
      const ledger = await getJson(
        server,
        `entities/component/default/ledger/cost?${query}`,
      );
      expect(ledger).toMatchObject({
        deployments: computeDeliveryMetrics({
          ...only(all, ['acme/ledger']),
          ...range,
        }).deployments,
        mergedPullRequests: countMerged(
          all,
          range,
          pr => pr.repository === 'acme/ledger',
        ),
      });
      const ada = await getJson(
        server,
        `entities/user/default/ada/cost?${query}`,
      );
      expect(ada.mergedPullRequests).toBe(
        countMerged(all, range, pr => pr.author === 'ada-gh'),
      );

      // Running the rollups again, everything queued, changes nothing.
      const before = await rollupRows(knex);
      expect(before.repositories.length).toBeGreaterThan(100);
      await enqueueEverything(knex);
      await scheduler.triggerTask('claude-code-analytics-rollups');
      expect(await queued(knex)).toEqual({ repositories: 0, entityDays: 0 });
      expect(await rollupRows(knex)).toEqual(before);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'moves delivery and authored pull requests with the catalog, %p',
    async databaseId => {
      const { knex, entities, server, scheduler, post } = await start(
        databaseId,
      );
      const history = generateHistory();
      await post(history);
      const range = { from: '2026-01-01', to: '2026-03-31' };
      const query = `from=${range.from}&to=${range.to}`;
      const delivery = (name: string) =>
        getJson(server, `entities/group/default/${name}/delivery?${query}`);
      const cost = (name: string) =>
        getJson(server, `entities/group/default/${name}/cost?${query}`);
      const billing = await getJson(
        server,
        `entities/component/default/billing/delivery?${query}`,
      );
      const before = {
        payments: await delivery('payments'),
        platform: await delivery('platform'),
        acme: await delivery('acme'),
        paymentsCost: await cost('payments'),
        platformCost: await cost('platform'),
      };
      expect(before.platform.deployments).toBe(billing.deployments);

      // Billing moves to payments, grace joins payments.
      const renew = (entity: Entity) => {
        entity.metadata.etag = `changed-${Date.now()}`;
      };
      const byName = (name: string) =>
        entities.find(e => e.metadata.name === name)!;
      byName('billing').spec!.owner = 'payments';
      byName('grace').spec!.memberOf = ['payments'];
      // The catalog renews the etags of the entities whose relations change too: the groups that
      // gain or lose the component (ownerOf) and the member (hasMember).
      ['billing', 'grace', 'payments', 'platform'].map(byName).forEach(renew);
      await scheduler.triggerTask('claude-code-analytics-ownership-refresh');
      await scheduler.triggerTask('claude-code-analytics-rollups');
      expect(await queued(knex)).toEqual({ repositories: 0, entityDays: 0 });

      const after = {
        payments: await delivery('payments'),
        platform: await delivery('platform'),
        acme: await delivery('acme'),
        paymentsCost: await cost('payments'),
        platformCost: await cost('platform'),
      };
      expect(after.platform).toMatchObject({
        deployments: 0,
        mergedPullRequests: 0,
        components: 0,
        componentsWithData: 0,
      });
      expect(after.payments).toMatchObject({
        deployments: before.payments.deployments + billing.deployments,
        mergedPullRequests:
          before.payments.mergedPullRequests + billing.mergedPullRequests,
        components: 4,
        componentsWithData: 4,
      });
      expect(metricsOf(after.payments)).toEqual(
        expected(
          computeDeliveryMetrics({
            ...only(history, ['acme/ledger', 'acme/web', 'acme/billing']),
            ...range,
          }),
        ),
      );
      // The organisation keeps everything.
      expect(after.acme).toEqual(before.acme);
      // Grace's merged pull requests now count for payments.
      const grace = countMerged(history, range, pr => pr.author === 'grace-gh');
      expect(grace).toBeGreaterThan(0);
      expect(after.paymentsCost.mergedPullRequests).toBe(
        before.paymentsCost.mergedPullRequests + grace,
      );
      expect(after.platformCost.mergedPullRequests).toBe(0);
      expect(after.paymentsCost.deployments).toBe(after.payments.deployments);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'merges a group from its child groups where they deliver separate repositories, %p',
    async databaseId => {
      const { knex, entities, scheduler, post } = await start(
        databaseId,
        nestedCatalog(),
      );
      await post(generateHistory(NESTED_REPOSITORIES));
      const rows = await entityRowsFromRepositories(knex);
      expect(rows.days.size).toBeGreaterThan(500);
      expect(await storedEntityRows(knex)).toEqual(rows);

      // Payments' day is its teams' days and its own repository's day: a team's stored day is
      // what the department merges (here made wrong on purpose, its entry not queued).
      const TEAM = 'group:default/risk-team';
      const DEPARTMENT = 'group:default/payments';
      const teamDays = await knex('entity_delivery_daily')
        .where('entity_ref', TEAM)
        .orderBy('date');
      const [day, other] = [teamDays[10], teamDays[40]];
      expect(day.summary).not.toBe(other.summary);
      const stored = (ref: string, date: string) =>
        knex('entity_delivery_daily')
          .where({ entity_ref: ref, date })
          .first()
          .then(row => row?.summary as string | undefined);
      const repositoryDay = (repository: string, date: string) =>
        knex('repository_delivery_daily')
          .where({ repository, date })
          .first()
          .then(row => row?.summary as string | undefined);
      await knex('entity_delivery_daily')
        .where({ entity_ref: TEAM, date: day.date })
        .update({ summary: other.summary });
      await enqueueDeliveryEntityDays(knex, [
        { ref: DEPARTMENT, date: day.date },
      ]);
      await scheduler.triggerTask('claude-code-analytics-rollups');
      const parts = [
        other.summary,
        await stored('group:default/web-team', day.date),
        await repositoryDay('acme/docs', day.date),
      ].filter((text): text is string => text !== undefined);
      expect(canonical([(await stored(DEPARTMENT, day.date))!])).toBe(
        canonical(parts),
      );
      expect(canonical(parts)).not.toBe(
        rows.days.get(`${DEPARTMENT} ${day.date}`),
      );

      // Queued together, the team is merged first and the department from the team's new day.
      await enqueueDeliveryEntityDays(knex, [
        { ref: DEPARTMENT, date: day.date },
        { ref: TEAM, date: day.date },
      ]);
      await scheduler.triggerTask('claude-code-analytics-rollups');
      expect(await storedEntityRows(knex)).toEqual(rows);

      // Queued in a later batch than the department, the team's day is not used: the department
      // merges the team's repositories instead.
      await knex('entity_delivery_daily')
        .whereIn('entity_ref', [TEAM, DEPARTMENT])
        .where('date', day.date)
        .update({ summary: other.summary });
      await enqueueDeliveryEntityDays(knex, [
        { ref: DEPARTMENT, date: day.date },
        { ref: TEAM, date: day.date },
      ]);
      const oneAtATime = DeliveryRollups.create({
        knex,
        logger: mockServices.logger.mock(),
        entityDaysPerBatch: 1,
      });
      await oneAtATime.run({ yieldWhen: () => true });
      expect(
        await knex('delivery_entity_queue').select('entity_ref', 'date'),
      ).toEqual([{ entity_ref: TEAM, date: day.date }]);
      expect(canonical([(await stored(DEPARTMENT, day.date))!])).toBe(
        rows.days.get(`${DEPARTMENT} ${day.date}`),
      );
      await oneAtATime.run();
      expect(await queued(knex)).toEqual({ repositories: 0, entityDays: 0 });
      expect(await storedEntityRows(knex)).toEqual(rows);

      // Web moves to platform: the organisation's departments no longer overlap, platform's
      // teams now do (acme/shared).
      const byName = (name: string) =>
        entities.find(e => e.metadata.name === name)!;
      byName('web-team').spec!.parent = 'platform';
      byName('payments').spec!.children = ['risk-team'];
      byName('platform').spec!.children = [
        'billing-team',
        'infra-team',
        'web-team',
      ];
      ['web-team', 'payments', 'platform'].forEach(name => {
        byName(name).metadata.etag = `moved-${Date.now()}`;
      });
      await scheduler.triggerTask('claude-code-analytics-ownership-refresh');
      await scheduler.triggerTask('claude-code-analytics-rollups');
      expect(await queued(knex)).toEqual({ repositories: 0, entityDays: 0 });
      const moved = await entityRowsFromRepositories(knex);
      expect(moved.days).not.toEqual(rows.days);
      expect(await storedEntityRows(knex)).toEqual(moved);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'merges groups whose parents form a cycle from their repositories, %p',
    async databaseId => {
      // Each is the other's parent, so each owns both components and merges the other's day.
      const { knex, scheduler, post } = await start(databaseId, [
        group('ring-a', { parent: 'ring-b', children: ['ring-b'] }),
        group('ring-b', { parent: 'ring-a', children: ['ring-a'] }),
        component('ledger', 'ring-a', 'acme/ledger'),
        component('web', 'ring-b', 'acme/web'),
      ]);
      await post(generateHistory(['acme/ledger', 'acme/web']));
      const rows = await entityRowsFromRepositories(knex);
      expect(rows.days.size).toBeGreaterThan(100);
      expect(await storedEntityRows(knex)).toEqual(rows);

      // Both days made wrong and queued in one batch: the one merged first cannot take the other's
      // day (not merged yet) and merges its repositories instead.
      const RINGS = ['group:default/ring-a', 'group:default/ring-b'];
      const days = await knex('entity_delivery_daily')
        .where('entity_ref', RINGS[0])
        .orderBy('date');
      const [day, other] = [days[10], days[40]];
      expect(day.summary).not.toBe(other.summary);
      await knex('entity_delivery_daily')
        .whereIn('entity_ref', RINGS)
        .where('date', day.date)
        .update({ summary: other.summary });
      await enqueueDeliveryEntityDays(
        knex,
        RINGS.map(ref => ({ ref, date: day.date })),
      );
      await scheduler.triggerTask('claude-code-analytics-rollups');
      expect(await queued(knex)).toEqual({ repositories: 0, entityDays: 0 });
      expect(await storedEntityRows(knex)).toEqual(rows);
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'merges no entity-day while an ownership refresh is being written, %p',
    async databaseId => {
      const { knex, post } = await start(databaseId, nestedCatalog());
      await post(generateHistory(NESTED_REPOSITORIES));
      const [{ date }] = await knex('repository_delivery_daily')
        .where('repository', 'acme/docs')
        .orderBy('date')
        .limit(1);
      await enqueueDeliveryEntityDays(knex, [
        { ref: 'group:default/payments', date },
      ]);

      // A refresh moving payments' own component to its team: the team is queued, payments (whose
      // repositories stay the same) is not. A merge of payments must not read the plan before the
      // refresh commits and the team's day after.
      const refresh = await knex.transaction();
      await lockForTransaction(refresh, OWNERSHIP_INDEX_LOCK);
      await refresh('entity_components').insert({
        entity_ref: 'group:default/risk-team',
        component_ref: 'component:default/docs',
      });
      await enqueueDeliveryEntityDays(refresh, [
        { ref: 'group:default/risk-team', date },
      ]);
      const merging = DeliveryRollups.create({
        knex,
        logger: mockServices.logger.mock(),
      }).run();
      await untilAdvisoryLockWaited(knex);
      await refresh.commit();
      await merging;

      expect(await queued(knex)).toEqual({ repositories: 0, entityDays: 0 });
      // The day queued, of the team and of payments, is the merge of their repositories' days.
      const stored = (await storedEntityRows(knex)).days;
      const merged = (await entityRowsFromRepositories(knex)).days;
      for (const ref of ['group:default/risk-team', 'group:default/payments']) {
        expect(stored.get(`${ref} ${date}`)).toBe(merged.get(`${ref} ${date}`));
      }
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'keeps the list of repositories with delivery data, %p',
    async databaseId => {
      const { knex, post } = await start(databaseId);
      await post(generateHistory());
      const listed = async () =>
        (
          await knex('delivery_repositories')
            .select('repository')
            .orderBy('repository')
        ).map(row => row.repository);
      const withDays = async () =>
        (
          await knex('repository_delivery_daily')
            .distinct('repository')
            .orderBy('repository')
        ).map(row => row.repository);
      const before = await withDays();
      expect(before.length).toBeGreaterThan(1);
      expect(await listed()).toEqual(before);

      // A repository whose records are all gone loses its days and leaves the list.
      const [gone] = before;
      for (const table of [
        'deployment_pull_requests',
        'incidents',
        'deployments',
        'pull_requests',
      ]) {
        await knex(table).where('repository', gone).delete();
      }
      await enqueueDeliveryRepositories(knex, [gone]);
      await DeliveryRollups.create({
        knex,
        logger: mockServices.logger.mock(),
      }).run();
      expect(await withDays()).toEqual(before.slice(1));
      expect(await listed()).toEqual(before.slice(1));
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'returns after a batch when asked to, leaving the rest queued, %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      await migrateStore(knex);
      const repositories = Array.from(
        { length: 120 },
        (_, i) => `acme/r${String(i).padStart(3, '0')}`,
      );
      const logger = mockServices.logger.mock();
      await enqueueDeliveryRepositories(knex, repositories);

      let asked = 0;
      await DeliveryRollups.create({ knex, logger }).run({
        yieldWhen: () => {
          asked++;
          return true;
        },
      });
      expect(asked).toBe(1);
      const left = (await queued(knex)).repositories;
      expect(left).toBeGreaterThan(0);
      expect(left).toBeLessThan(120);
      // The entries left are the last ones in the queue's order: the first batch was taken whole.
      expect(
        (
          await knex('delivery_repository_queue')
            .select('repository')
            .orderBy('repository')
        ).map(row => row.repository),
      ).toEqual(repositories.slice(120 - left));

      await DeliveryRollups.create({ knex, logger }).run();
      expect(await queued(knex)).toEqual({ repositories: 0, entityDays: 0 });
      await knex.destroy();
    },
  );

  it.each(databases.eachSupportedId())(
    'gives the same rows when two workers run at once, %p',
    async databaseId => {
      const { knex, post } = await start(databaseId);
      await post(generateHistory());
      const before = await rollupRows(knex);
      await knex('repository_delivery_daily').delete();
      await knex('entity_delivery_daily').delete();
      await knex('entity_delivery_monthly').delete();
      await knex('entity_authored_daily').delete();
      await enqueueDeliveryRepositories(
        knex,
        (
          await knex('repositories').select('repository')
        ).map(r => r.repository),
      );
      await enqueueDeliveryEntityDays(
        knex,
        before.authored.map(row => ({ ref: row.entity_ref, date: row.date })),
      );
      const logger = mockServices.logger.mock();
      await Promise.all([
        DeliveryRollups.create({ knex, logger }).run(),
        DeliveryRollups.create({ knex, logger }).run(),
      ]);
      // A worker may stop while the other still holds entries; one more run drains the queues.
      await DeliveryRollups.create({ knex, logger }).run();
      expect(await queued(knex)).toEqual({ repositories: 0, entityDays: 0 });
      expect(await rollupRows(knex)).toEqual(before);
      await knex.destroy();
    },
  );
});
