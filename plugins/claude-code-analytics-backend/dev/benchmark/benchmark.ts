/*
 * Org-scale benchmark: API latency, OTLP ingestion, freshness after a catalog change, and load time,
 * on SQLite and PostgreSQL, with the demo generator at scale. Not part of the tests.
 *
 *   ./scripts/benchmark.sh [--databases sqlite,postgres] [--engineers 5000] [--components 2000]
 *     [--teams 500] [--depth 5] [--days 365] [--requests 40] [--otlp-seconds 15] [--otlp-clients 48]
 *     [--otlp-people N --otlp-day-requests M]  (OTLP from N people who already sent M requests today)
 *
 * PostgreSQL: the connection string of a server in BENCHMARK_POSTGRES_URL (scripts/benchmark.sh
 * starts one); a fresh database is created for the run and dropped after it.
 */
/* eslint-disable no-console */
import { SchedulerService, ServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import knexFactory, { Knex } from 'knex';
import { DateTime } from 'luxon';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AddressInfo } from 'node:net';
import { DemoOrg, generateDemoOrg } from '../../src/demo/generateDemoOrg';
import { generateDemoHistory } from '../../src/demo/generateDemoHistory';
import { DEFAULT_PRICING } from '../../src/ingestion/PricingOptions';
import { claudeCodeAnalyticsPlugin } from '../../src/plugin';
import { writeDemoHistory } from '../../src/sources/DemoSource';
import { fastCatalogFactory } from './fastCatalog';
import { measureOtlp, OtlpFigures } from './measureOtlp';
import { fetchRetryingOnce, percentile, Table } from './report';

type Options = {
  databases: string[];
  engineers: number;
  components: number;
  teams: number;
  depth: number;
  days: number;
  requests: number;
  otlpSeconds: number;
  otlpClients: number;
  otlpPeople?: number;
  otlpDayRequests: number;
  sqlProfile: boolean;
  sections: string[];
};

function readOptions(argv: string[]): Options {
  const value = (name: string, fallback: string) => {
    const index = argv.indexOf(`--${name}`);
    return index === -1 ? fallback : argv[index + 1];
  };
  const number = (name: string, fallback: number) => {
    const parsed = Number(value(name, String(fallback)));
    if (!Number.isFinite(parsed) || parsed <= 0) {
      throw new Error(`--${name} must be a positive number`);
    }
    return parsed;
  };
  return {
    databases: value('databases', 'sqlite,postgres').split(','),
    engineers: number('engineers', 5000),
    components: number('components', 2000),
    teams: number('teams', 500),
    depth: number('depth', 5),
    days: number('days', 365),
    requests: number('requests', 40),
    otlpSeconds: number('otlp-seconds', 15),
    otlpClients: number('otlp-clients', 48),
    otlpPeople: argv.includes('--otlp-people')
      ? number('otlp-people', 1)
      : undefined,
    otlpDayRequests: argv.includes('--otlp-day-requests')
      ? number('otlp-day-requests', 1)
      : 0,
    sqlProfile: argv.includes('--sql-profile'),
    sections: value('sections', 'latency,otlp,freshness').split(','),
  };
}

const since = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const result = await fn();
  return [result, since(start)];
}

/** With --sql-profile: the statements that took the most time in total, printed at the end. */
function profileQueries(knex: Knex) {
  const started = new Map<string, bigint>();
  const totals = new Map<string, { ms: number; count: number }>();
  knex.on('query', (query: { __knexQueryUid: string }) => {
    started.set(query.__knexQueryUid, process.hrtime.bigint());
  });
  knex.on('query-response', (_: unknown, query: { __knexQueryUid: string; sql: string }) => {
    const start = started.get(query.__knexQueryUid);
    if (start === undefined) return;
    started.delete(query.__knexQueryUid);
    const sql = query.sql.replace(/\(\?(, \?)*\)/g, '(?...)').slice(0, 160);
    const total = totals.get(sql) ?? { ms: 0, count: 0 };
    total.ms += since(start);
    total.count += 1;
    totals.set(sql, total);
  });
  return {
    print(section: string) {
      console.log(`SQL profile, ${section}:`);
      for (const [sql, { ms, count }] of [...totals]
        .sort((a, b) => b[1].ms - a[1].ms)
        .slice(0, 25)) {
        console.log(`${ms.toFixed(0).padStart(8)} ms ${String(count).padStart(7)}x ${sql}`);
      }
      totals.clear();
    },
  };
}

type Target = { label: string; kind: string; name: string; ref: string };

/** The entities the issue names: root, a department of about 500, a team of about 10, a component, a user. */
function chooseTargets(org: DemoOrg): Target[] {
  const peopleOfDepartment = new Map<string, number>();
  const teamOf = new Map(org.teams.map(t => [t.name, t]));
  for (const person of org.people) {
    const department = teamOf.get(person.team)!.department;
    peopleOfDepartment.set(
      department,
      (peopleOfDepartment.get(department) ?? 0) + 1,
    );
  }
  const [department, departmentSize] = [...peopleOfDepartment].sort(
    (a, b) => Math.abs(a[1] - 500) - Math.abs(b[1] - 500),
  )[0];
  const team = org.teams
    .filter(t => t.type === 'team')
    .sort(
      (a, b) =>
        Math.abs(a.members.length - 10) - Math.abs(b.members.length - 10),
    )[0];
  const component = team.components[0];
  const person = team.members[0];
  const target = (label: string, kind: string, name: string) => ({
    label,
    kind,
    name,
    ref: `${kind}:default/${name}`,
  });
  return [
    target(`root group (${org.people.length} people)`, 'group', 'acme'),
    target(`department (${departmentSize} people)`, 'group', department),
    target(`team (${team.members.length} people)`, 'group', team.name),
    target('component', 'component', component),
    target('user', 'user', person),
  ];
}

async function openDatabase(
  name: string,
): Promise<{ knex: Knex; close: () => Promise<void>; loaded?: boolean }> {
  if (name === 'sqlite') {
    // BENCHMARK_SQLITE_FILE keeps the loaded database for later runs of the same scale, which then
    // skip the load (for working on the queries; the load figures come from a run without it).
    const kept = process.env.BENCHMARK_SQLITE_FILE;
    const dir = kept
      ? undefined
      : fs.mkdtempSync(path.join(os.tmpdir(), 'cca-benchmark-'));
    const filename = kept ?? path.join(dir!, 'benchmark.sqlite');
    const loaded = kept !== undefined && fs.existsSync(kept);
    const knex = knexFactory({
      client: 'better-sqlite3',
      connection: { filename },
      useNullAsDefault: true,
    });
    return {
      knex,
      loaded,
      close: async () => {
        await knex.destroy();
        if (dir) {
          fs.rmSync(dir, { recursive: true, force: true });
        }
      },
    };
  }
  if (name === 'postgres') {
    const url = process.env.BENCHMARK_POSTGRES_URL;
    if (!url) {
      throw new Error(
        'BENCHMARK_POSTGRES_URL is not set (scripts/benchmark.sh starts a server and sets it)',
      );
    }
    // BENCHMARK_POSTGRES_DATABASE keeps the loaded database, as BENCHMARK_SQLITE_FILE does.
    const kept = process.env.BENCHMARK_POSTGRES_DATABASE;
    if (kept && !/^[a-z_][a-z0-9_]*$/.test(kept)) {
      throw new Error('BENCHMARK_POSTGRES_DATABASE must be a plain lower-case name');
    }
    const database = kept ?? `cca_benchmark_${Date.now()}`;
    const admin = knexFactory({ client: 'pg', connection: url });
    const loaded =
      kept !== undefined &&
      (await admin('pg_database').where('datname', kept).first()) !== undefined;
    if (!loaded) {
      await admin.raw(`CREATE DATABASE ${database}`);
    }
    const connection = new URL(url);
    connection.pathname = `/${database}`;
    const knex = knexFactory({
      client: 'pg',
      connection: connection.toString(),
      pool: { min: 0, max: 10 },
    });
    return {
      knex,
      loaded,
      close: async () => {
        await knex.destroy();
        if (!kept) {
          await admin.raw(`DROP DATABASE IF EXISTS ${database}`);
        }
        await admin.destroy();
      },
    };
  }
  throw new Error(`Unknown database ${name}: use sqlite or postgres`);
}


/**
 * Latency samples of a request repeated `count` times after two warm-up calls; only 3 samples when
 * a warm-up call took more than a second (the figure is far off target either way).
 */
async function sample(
  count: number,
  fn: () => Promise<unknown>,
): Promise<number[]> {
  await fn();
  const [, warm] = await timed(fn);
  const samples: number[] = [];
  for (let i = 0; i < (warm > 1000 ? Math.min(3, count) : count); i++) {
    samples.push((await timed(fn))[1]);
  }
  return samples;
}

/** The same questions answered by plain SQL aggregates over the raw rows (no reconciliation, no rollups). */
function referenceQuery(
  knex: Knex,
  endpoint: string,
  target: Target,
  range: { from: string; to: string },
): Promise<unknown> {
  const people = target.kind === 'group' || target.kind === 'user';
  if (endpoint === 'delivery') {
    return knex('pull_requests as p')
      .join('repository_components as r', 'r.repository', 'p.repository')
      .join('entity_components as e', 'e.component_ref', 'r.component_ref')
      .where('e.entity_ref', target.ref)
      .whereBetween('p.merged_date', [range.from, range.to])
      .count({ merged: '*' });
  }
  const table =
    endpoint === 'adoption' ? 'usage_activity_daily' : 'usage_model_daily';
  const query = knex(`${table} as a`).whereBetween('a.date', [
    range.from,
    range.to,
  ]);
  if (people) {
    query
      .join('user_identities as i', 'i.identity', 'a.identity')
      .join('entity_members as m', 'm.user_ref', 'i.user_ref')
      .where('m.entity_ref', target.ref);
  } else {
    query
      .join('repository_components as r', 'r.repository', 'a.repository')
      .join('entity_components as e', 'e.component_ref', 'r.component_ref')
      .where('e.entity_ref', target.ref);
  }
  return endpoint === 'adoption'
    ? query
        .countDistinct({ active: 'a.identity' })
        .sum({ sessions: 'a.sessions', lines: 'a.lines_added' })
    : query.sum({ cost: 'a.cost_micros', input: 'a.input_tokens' });
}

type DatabaseFigures = {
  database: string;
  load: { records: number; writeMs: number; rollupMs: number; indexMs: number };
  latency: Array<{
    target: string;
    endpoint: string;
    days: number;
    p50: number;
    p95: number;
    referenceP50: number;
  }>;
  otlp?: OtlpFigures;
  freshness?: { pollMs: number; refreshMs: number; correct: boolean };
};

async function runOn(
  database: string,
  options: Options,
  org: DemoOrg,
): Promise<DatabaseFigures> {
  const { knex, close, loaded } = await openDatabase(database);
  const sqlProfile = options.sqlProfile ? profileQueries(knex) : undefined;
  const scheduler = mockServices.scheduler() as SchedulerService & {
    factory(factoryOptions: { skipTaskRunOnStartup: boolean }): ServiceFactory;
  };
  // The catalog holds the very entity objects, so the freshness step can edit them in place.
  const entities: Entity[] = org.entities.map(e => structuredClone(e));
  const backend = await startTestBackend({
    features: [
      claudeCodeAnalyticsPlugin,
      scheduler.factory({ skipTaskRunOnStartup: true }),
      mockServices.database.factory({ knex }),
      fastCatalogFactory(entities),
      mockServices.rootConfig.factory({
        data: {
          claudeCodeAnalytics: { privacy: { minimumGroupSize: 1 } },
        },
      }),
    ],
  });
  try {
    const port = (backend.server.address() as AddressInfo).port;
    const base = `http://127.0.0.1:${port}/api/claude-code-analytics`;
    const auth = { Authorization: mockCredentials.user.header() };
    const get = async (url: string) => {
      const response = await fetchRetryingOnce(`${base}${url}`, {
        headers: auth,
      });
      if (!response.ok) {
        throw new Error(`${url}: ${response.status} ${await response.text()}`);
      }
      return response.json();
    };

    // Load: the catalog index, then a year through the ingestion functions, then the rollups.
    console.log(`[${database}] indexing the catalog (${entities.length} entities)`);
    const [, indexMs] = await timed(() =>
      scheduler.triggerTask('claude-code-analytics-ownership-refresh'),
    );
    const endDate = DateTime.utc().minus({ days: 1 }).toISODate()!;
    console.log(
      loaded
        ? `[${database}] history already loaded (kept database)`
        : `[${database}] writing ${options.days} days of history`,
    );
    const [records, writeMs] = await timed(async () =>
      loaded
        ? 0
        : writeDemoHistory(
            knex,
            generateDemoHistory(org, {
              seed: 42,
              endDate,
              days: options.days,
            }),
            DEFAULT_PRICING,
          ),
    );
    console.log(
      `[${database}] ${records} records written in ${(writeMs / 1000).toFixed(1)} s; rolling up`,
    );
    const [, rollupMs] = await timed(() =>
      scheduler.triggerTask('claude-code-analytics-rollups'),
    );
    console.log(`[${database}] rollups in ${(rollupMs / 1000).toFixed(1)} s`);

    sqlProfile?.print('load');

    // API latency.
    const latency: DatabaseFigures['latency'] = [];
    for (const target of options.sections.includes('latency')
      ? chooseTargets(org)
      : []) {
      for (const days of [30, 365]) {
        const range = {
          from: DateTime.fromISO(endDate, { zone: 'utc' })
            .minus({ days: days - 1 })
            .toISODate()!,
          to: endDate,
        };
        for (const endpoint of ['adoption', 'cost', 'delivery']) {
          const url = `/v1/entities/${target.kind}/default/${target.name}/${endpoint}?from=${range.from}&to=${range.to}`;
          const samples = await sample(options.requests, () => get(url));
          const reference = await sample(Math.min(options.requests, 10), () =>
            referenceQuery(knex, endpoint, target, range),
          );
          latency.push({
            target: target.label,
            endpoint,
            days,
            p50: percentile(samples, 50),
            p95: percentile(samples, 95),
            referenceP50: percentile(reference, 50),
          });
          console.log(
            `[${database}] ${target.label} ${endpoint} ${days}d: p50 ${percentile(samples, 50).toFixed(1)} ms, p95 ${percentile(samples, 95).toFixed(1)} ms`,
          );
        }
      }
    }

    // OTLP ingestion.
    let otlp: OtlpFigures | undefined;
    // The real captures, read in place (the package directory is the working directory of
    // `yarn benchmark`).
    const fixtures =
      process.env.BENCHMARK_OTLP_FIXTURES ??
      path.resolve(process.cwd(), '../../../shared/fixtures/claude-code-otlp');
    sqlProfile?.print('latency');
    if (!options.sections.includes('otlp')) {
      console.log(`[${database}] OTLP: not measured (--sections)`);
    } else if (fs.existsSync(fixtures)) {
      otlp = await measureOtlp({
        knex,
        url: `${base}/otlp`,
        headers: auth,
        fixtures,
        people: org.people
          .slice(0, options.otlpPeople ?? org.people.length)
          .map(p => p.email),
        dayRequests: options.otlpDayRequests,
        seconds: options.otlpSeconds,
        clients: options.otlpClients,
        log: message => console.log(`[${database}] ${message}`),
      });
    } else {
      console.log(
        `[${database}] OTLP: skipped, the real captures are not at ${fixtures}`,
      );
    }

    sqlProfile?.print('otlp');
    let freshness: DatabaseFigures['freshness'] = undefined;
    if (options.sections.includes('freshness')) {
      freshness = await measureFreshness(
        entities,
        org,
        scheduler,
        get,
        endDate,
      );
      sqlProfile?.print('freshness');
      console.log(
        `[${database}] team move reflected after ${freshness.refreshMs.toFixed(0)} ms of refresh (poll ${freshness.pollMs.toFixed(0)} ms), correct: ${freshness.correct}`,
      );
    } else {
      console.log(`[${database}] freshness: not measured (--sections)`);
    }

    return {
      database,
      load: { records, writeMs, rollupMs, indexMs },
      latency,
      otlp,
      freshness,
    };
  } finally {
    await backend.stop();
    await close();
  }
}

/**
 * Moves a team to another department in the catalog, then measures the refresh (index differences
 * and the affected rollups) and checks the three groups' adoption afterwards against their numbers
 * before: the team's usage leaves the old department and arrives in the new one.
 */
async function measureFreshness(
  entities: Entity[],
  org: DemoOrg,
  scheduler: SchedulerService,
  get: (url: string) => Promise<any>,
  endDate: string,
): Promise<NonNullable<DatabaseFigures['freshness']>> {
  const byName = new Map(
    entities
      .filter(e => e.kind === 'Group')
      .map(e => [e.metadata.name, e]),
  );
  // A team whose people belong to no other group, so that the departments' numbers change by
  // exactly the team's.
  const memberOf = new Map(org.people.map(p => [p.name, p.memberOf]));
  const team = org.teams.find(
    t =>
      t.type === 'team' &&
      t.members.length > 3 &&
      !org.teams.some(sub => sub.parent === t.name) &&
      t.members.every(m => memberOf.get(m)?.length === 1),
  );
  if (!team) {
    throw new Error('No team without sub-teams and shared members to move');
  }
  const from = byName.get(team.parent)!;
  const to = [...byName.values()].find(
    e => e.spec?.type === 'department' && e.metadata.name !== team.parent,
  )!;
  const range = `from=${DateTime.fromISO(endDate, { zone: 'utc' })
    .minus({ days: 364 })
    .toISODate()}&to=${endDate}`;
  const adoption = (name: string) =>
    get(`/v1/entities/group/default/${name}/adoption?${range}`);
  const before = await Promise.all(
    [team.name, from.metadata.name, to.metadata.name].map(adoption),
  );

  const teamEntity = byName.get(team.name)!;
  teamEntity.spec = { ...teamEntity.spec, parent: to.metadata.name };
  from.spec = {
    ...from.spec,
    children: (from.spec!.children as string[]).filter(c => c !== team.name),
  };
  to.spec = {
    ...to.spec,
    children: [...(to.spec!.children as string[]), team.name],
  };
  const renewEtags = (e: Entity) => {
    e.metadata.etag = `moved-${Date.now()}`;
    e.relations = (e.relations ?? []).filter(
      r =>
        !(
          (r.type === 'childOf' || r.type === 'parentOf') &&
          [team.name, from.metadata.name, to.metadata.name].some(n =>
            r.targetRef.endsWith(`/${n}`),
          )
        ),
    );
  };
  [teamEntity, from, to].forEach(renewEtags);
  teamEntity.relations!.push({
    type: 'childOf',
    targetRef: `group:default/${to.metadata.name}`,
  });
  to.relations!.push({
    type: 'parentOf',
    targetRef: `group:default/${team.name}`,
  });

  const [, refreshMs] = await timed(() =>
    scheduler.triggerTask('claude-code-analytics-ownership-refresh'),
  );
  // A second look finds nothing changed: the cost of one poll of the catalog.
  const [, pollMs] = await timed(() =>
    scheduler.triggerTask('claude-code-analytics-ownership-refresh'),
  );
  const [teamAfter, fromAfter, toAfter] = await Promise.all(
    [team.name, from.metadata.name, to.metadata.name].map(adoption),
  );
  const correct =
    fromAfter.members === before[1].members - before[0].members &&
    toAfter.members === before[2].members + before[0].members &&
    fromAfter.sessions === before[1].sessions - before[0].sessions &&
    toAfter.sessions === before[2].sessions + before[0].sessions &&
    teamAfter.sessions === before[0].sessions;
  return { pollMs, refreshMs, correct };
}

function printReport(options: Options, org: DemoOrg, results: DatabaseFigures[]) {
  console.log();
  console.log(
    `Claude Code Analytics benchmark: ${org.people.length} engineers, ${
      org.entities.filter(e => e.kind === 'Group').length
    } groups (${options.depth} levels), ${org.components.length} components, ${
      options.days
    } days`,
  );
  console.log(
    `Machine: ${os.cpus().length} x ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(
      os.totalmem() / 1024 ** 3,
    )} GB, Node ${process.version}, ${new Date().toISOString()}, load average ${os
      .loadavg()
      .map(l => l.toFixed(1))
      .join(' ')}`,
  );
  for (const result of results) {
    console.log();
    console.log(`## ${result.database}`);
    const load = new Table(['load', 'value']);
    load.row('records written through the ingestion functions', String(result.load.records));
    load.row('write time', `${(result.load.writeMs / 1000).toFixed(1)} s`);
    load.row('rollup time', `${(result.load.rollupMs / 1000).toFixed(1)} s`);
    load.row('catalog index time', `${(result.load.indexMs / 1000).toFixed(1)} s`);
    load.print();
    console.log();
    const api = new Table([
      'entity',
      'period',
      'endpoint',
      'p50 ms',
      'p95 ms',
      'target p95 <= 50',
      'plain SQL on raw rows p50 ms',
    ]);
    for (const row of result.latency) {
      api.row(
        row.target,
        `${row.days} d`,
        row.endpoint,
        row.p50.toFixed(1),
        row.p95.toFixed(1),
        row.p95 <= 50 ? 'met' : `missed by ${(row.p95 - 50).toFixed(0)} ms`,
        row.referenceP50.toFixed(1),
      );
    }
    api.print();
    console.log();
    if (result.otlp) {
      const o = result.otlp;
      const otlp = new Table(['OTLP ingestion', 'value', 'bare HTTP server']);
      otlp.row('clients', String(o.clients), String(o.clients));
      otlp.row('requests/s', o.requestsPerSecond.toFixed(0), o.bare.requestsPerSecond.toFixed(0));
      otlp.row('data points + log records/s', o.pointsPerSecond.toFixed(0), '');
      otlp.row('p50 ms', o.p50.toFixed(1), o.bare.p50.toFixed(1));
      otlp.row('p99 ms', o.p99.toFixed(1), o.bare.p99.toFixed(1));
      otlp.row('errors', String(o.errors), String(o.bare.errors));
      otlp.row(
        'backend main-thread CPU per export, ms',
        o.cpuMsPerRequest.toFixed(2),
        o.bare.cpuMsPerRequest.toFixed(2),
      );
      otlp.row(
        'exports/s one core would take (1000 / CPU ms)',
        (1000 / o.cpuMsPerRequest).toFixed(0),
        (1000 / o.bare.cpuMsPerRequest).toFixed(0),
      );
      otlp.row('retried duplicates sent', String(o.duplicates), '');
      otlp.row(
        'api requests sent / stored',
        `${o.sentRequests} / ${o.storedRequests}`,
        '',
      );
      otlp.row('tokens sent / stored', `${o.sentTokens} / ${o.storedTokens}`, '');
      otlp.row('lines sent / stored', `${o.sentLines} / ${o.storedLines}`, '');
      otlp.row(
        'visible in the adoption API after the run',
        `${o.visibleMs.toFixed(0)} ms`,
        '',
      );
      otlp.print();
      console.log();
    }
    if (result.freshness) {
      const fresh = new Table(['freshness (team moved to another department)', 'value']);
      fresh.row('refresh + affected rollups', `${result.freshness.refreshMs.toFixed(0)} ms`);
      fresh.row('one catalog poll, nothing changed', `${result.freshness.pollMs.toFixed(0)} ms`);
      fresh.row('rollups correct after the move', String(result.freshness.correct));
      fresh.print();
    }
  }
}

async function main() {
  const options = readOptions(process.argv.slice(2));
  const [org, generateMs] = await timed(async () =>
    generateDemoOrg({
      seed: 42,
      engineers: options.engineers,
      components: options.components,
      teams: options.teams,
      groupDepth: options.depth,
    }),
  );
  console.log(
    `Generated ${org.entities.length} catalog entities in ${generateMs.toFixed(0)} ms`,
  );
  const results: DatabaseFigures[] = [];
  for (const database of options.databases) {
    const result = await runOn(database, options, org);
    results.push(result);
    // Each database's figures as soon as they are known, then all of them together.
    printReport(options, org, [result]);
  }
  if (results.length > 1) {
    printReport(options, org, results);
  }
}

main().catch(error => {
  console.error(error);
  process.exitCode = 1;
});
