/*
 * Org-scale benchmark: API latency, OTLP ingestion, freshness after a catalog change, and load time,
 * on SQLite and PostgreSQL, with the demo generator at scale. Not part of the tests.
 *
 *   ./scripts/benchmark.sh [--databases sqlite,postgres] [--engineers 5000] [--components 2000]
 *     [--teams 500] [--depth 5] [--days 365] [--requests 40] [--otlp-seconds 15] [--otlp-clients 48]
 *     [--otlp-people N --otlp-day-requests M]  (OTLP from N people who already sent M requests today)
 *     [--otlp-fleet-connections 2048]  (connections the fleet opens at most: 64 is a proxy's pool)
 *     [--otlp-fleet 0.5,0.8,2000]  (open-loop OTLP rates after the closed-loop run: exports/s, or
 *                                    below 1 a share of the closed-loop rate; '' for none)
 *     [--otlp-batch 1]  (exports per request of the fleets: above 1, as through an OpenTelemetry
 *                        Collector's batch processor, that many together or those of 200 ms)
 *     [--sql-profile]  (the statements that took longest, in total and singly, per section)
 *     [--cpu-profile DIR]  (the backend's main thread during each OTLP run (closed loop, fleets), as a
 *                           .cpuprofile file for Chrome's DevTools)
 *
 * PostgreSQL: the connection string of a server in BENCHMARK_POSTGRES_URL (scripts/benchmark.sh
 * starts one); a fresh database is created for the run and dropped after it.
 * BENCHMARK_KEEP_ALIVE_MS: the server's keep-alive in milliseconds, as backend.server.keepAliveTimeout
 * sets it in app-config (Node's default 5000).
 */
/* eslint-disable no-console */
import {
  resolvePackagePath,
  SchedulerService,
  ServiceFactory,
} from '@backstage/backend-plugin-api';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import knexFactory, { Knex } from 'knex';
import { DateTime } from 'luxon';
import fs from 'node:fs';
import inspector from 'node:inspector';
import os from 'node:os';
import path from 'node:path';
import { AddressInfo } from 'node:net';
import { DemoOrg, generateDemoOrg } from '../../src/demo/generateDemoOrg';
import { generateDemoHistory } from '../../src/demo/generateDemoHistory';
import { DEFAULT_PRICING } from '../../src/ingestion/PricingOptions';
import { claudeCodeAnalyticsPlugin } from '../../src/plugin';
import { writeDemoHistory } from '../../src/sources/DemoSource';
import { fastCatalogFactory } from './fastCatalog';
import { MoveTimes, TeamMove } from './measureFreshness';
import { FleetFigures, measureOtlp, OtlpFigures } from './measureOtlp';
import { measureSeries, SeriesFigures } from './measureSeries';
import { postgresServerCpu } from './postgresServerCpu';
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
  /** Open-loop OTLP rates (exports/s; below 1: that share of the closed-loop rate). */
  otlpFleet: number[];
  otlpFleetConnections: number;
  otlpBatch: number;
  sqlProfile: boolean;
  cpuProfile?: string;
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
    otlpFleet: value('otlp-fleet', '0.5,0.8,2000')
      .split(',')
      .filter(Boolean)
      .map(rate => {
        const parsed = Number(rate);
        if (!Number.isFinite(parsed) || parsed <= 0) {
          throw new Error(`--otlp-fleet takes positive rates, not ${rate}`);
        }
        return parsed;
      }),
    otlpFleetConnections: number('otlp-fleet-connections', 2048),
    otlpBatch: number('otlp-batch', 1),
    sqlProfile: argv.includes('--sql-profile'),
    cpuProfile: argv.includes('--cpu-profile')
      ? value('cpu-profile', '')
      : undefined,
    sections: value('sections', 'latency,otlp,series,freshness').split(','),
  };
}

const since = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;

async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const start = process.hrtime.bigint();
  const result = await fn();
  return [result, since(start)];
}

/** Whether a fleet run meets the OTLP target (2,000 exports/s, p99 <= 250 ms, nothing lost). */
function fleetTarget(f: FleetFigures): string {
  const clean = f.errors + f.dropped === 0;
  const lost = clean ? '' : `; ${f.errors + f.dropped} failed or dropped`;
  if (f.batch > 1) {
    // The target counts the exporters' own requests; a collector sends fewer, larger ones.
    const p99 = f.p99 <= 250 ? 'p99 within 250 ms' : 'p99 over 250 ms';
    return `not the target's requests (${f.batch} exports each): ${p99}${lost}`;
  }
  if (f.achieved >= 2000 && f.p99 <= 250 && clean) {
    return 'met';
  }
  if (f.offered >= 2000) {
    return `missed: ${f.achieved.toFixed(0)}/s, p99 ${f.p99.toFixed(0)} ms`;
  }
  const p99 =
    f.p99 <= 250
      ? 'p99 met at this rate'
      : `p99 missed by ${(f.p99 - 250).toFixed(0)} ms`;
  return `${p99}${lost}`;
}

/** One statement's time in a section of the SQL profile. */
type StatementTotals = {
  ms: number;
  count: number;
  bindings: number;
  longest: number;
};

/** How the profile names the preparing of a statement (followed by the statement). */
const PREPARING = '(preparing) ';

/** With --sql-profile: the statements that took the most time in total, printed at the end. */
function profileQueries(knex: Knex) {
  const started = new Map<string, bigint>();
  const totals = new Map<string, StatementTotals>();
  const add = (raw: string, ms: number, bindings: number) => {
    const sql = raw.replace(/\(\?(, ?\?)*\)/g, '(?...)').slice(0, 160);
    const total = totals.get(sql) ?? {
      ms: 0,
      count: 0,
      bindings: 0,
      longest: 0,
    };
    total.ms += ms;
    total.longest = Math.max(total.longest, ms);
    total.count += 1;
    total.bindings += bindings;
    totals.set(sql, total);
  };
  if (String(knex.client.config.client) === 'better-sqlite3') {
    // better-sqlite3 runs each statement synchronously: timing its calls gives the time the
    // statement held the event loop, where the query events would add the time spent waiting.
    timeSqliteStatements(add);
    return printer('time running statements', totals);
  }
  knex.on('query', (query: { __knexQueryUid: string }) => {
    started.set(query.__knexQueryUid, process.hrtime.bigint());
  });
  knex.on(
    'query-response',
    (
      _: unknown,
      query: { __knexQueryUid: string; sql: string; bindings?: unknown[] },
    ) => {
      const start = started.get(query.__knexQueryUid);
      if (start === undefined) return;
      started.delete(query.__knexQueryUid);
      add(query.sql, since(start), query.bindings?.length ?? 0);
    },
  );
  return printer('time from query to response', totals);
}

/** Where the timed better-sqlite3 calls are reported: the profile of the database being measured. */
let reportStatement:
  | ((sql: string, ms: number, bindings: number) => void)
  | undefined;

/**
 * Times every better-sqlite3 statement's run, get and all calls, and the preparing of statements
 * (parsing and planning, on a miss of the kept statements), in this process: the methods are
 * wrapped once, and report to the latest `add`.
 */
function timeSqliteStatements(
  add: (sql: string, ms: number, bindings: number) => void,
) {
  const patched = reportStatement !== undefined;
  reportStatement = add;
  if (patched) {
    return;
  }
  const Database: {
    new (file: string): { prepare(sql: string): object; close(): void };
    prototype: Record<string, (...args: unknown[]) => unknown>;
  } = require('better-sqlite3');
  const probe = new Database(':memory:');
  const statement = Object.getPrototypeOf(probe.prepare('SELECT 1'));
  probe.close();
  const wrap = (
    prototype: Record<string, (...args: unknown[]) => unknown>,
    method: string,
    describe: (self: any, args: unknown[]) => [string, number],
  ) => {
    const original = prototype[method];
    prototype[method] = function timedCall(this: unknown, ...args: unknown[]) {
      const start = process.hrtime.bigint();
      try {
        return original.apply(this, args);
      } finally {
        const [sql, bindings] = describe(this, args);
        reportStatement?.(sql, since(start), bindings);
      }
    };
  };
  for (const method of ['run', 'get', 'all']) {
    // Knex passes the bindings as one array.
    wrap(statement, method, (self, args) => [
      self.source,
      Array.isArray(args[0]) ? args[0].length : args.length,
    ]);
  }
  // Before the connection is opened: the kept statements wrap the prepare it has then. Named by
  // the statement prepared, so that the profile shows which statements miss the kept ones.
  wrap(Database.prototype, 'prepare', (_self, args) => [
    `${PREPARING}${String(args[0])}`,
    0,
  ]);
}

function printer(measure: string, totals: Map<string, StatementTotals>) {
  return {
    print(section: string) {
      // The preparing of statements as one line; by statement in a list of its own below.
      const prepared = [...totals].filter(([sql]) => sql.startsWith(PREPARING));
      const statements = new Map(
        [...totals].filter(([sql]) => !sql.startsWith(PREPARING)),
      );
      if (prepared.length > 0) {
        statements.set('(preparing statements)', {
          ms: prepared.reduce((sum, [, total]) => sum + total.ms, 0),
          count: prepared.reduce((sum, [, total]) => sum + total.count, 0),
          bindings: 0,
          longest: Math.max(...prepared.map(([, total]) => total.longest)),
        });
      }
      const all = [...statements.values()];
      console.log(
        `SQL profile (${measure}), ${section}: ${all
          .reduce((sum, total) => sum + total.ms, 0)
          .toFixed(0)} ms in ${all.reduce(
          (sum, total) => sum + total.count,
          0,
        )} statements`,
      );
      for (const [sql, { ms, count, bindings, longest }] of [...statements]
        .sort((a, b) => b[1].ms - a[1].ms)
        .slice(0, 25)) {
        console.log(
          `${ms.toFixed(0).padStart(8)} ms ${String(count).padStart(
            7,
          )}x longest ${longest.toFixed(1).padStart(6)} ms ${String(
            Math.round(bindings / count),
          ).padStart(5)} bindings ${sql}`,
        );
      }
      console.log(
        `  the longest single statements (each holds the event loop on SQLite):`,
      );
      for (const [sql, { count, longest }] of [...statements]
        .sort((a, b) => b[1].longest - a[1].longest)
        .slice(0, 8)) {
        console.log(
          `${longest.toFixed(1).padStart(8)} ms of ${String(count).padStart(
            7,
          )}x ${sql}`,
        );
      }
      if (prepared.length > 0) {
        console.log(
          `  the statements prepared most (not among the kept statements; lists of other lengths are other statements):`,
        );
        for (const [sql, { ms, count }] of prepared
          .sort((a, b) => b[1].ms - a[1].ms)
          .slice(0, 8)) {
          console.log(
            `${ms.toFixed(0).padStart(8)} ms ${String(count).padStart(
              7,
            )}x ${sql.slice(PREPARING.length)}`,
          );
        }
      }
      totals.clear();
    },
  };
}

/** The main thread's CPU profile between start and stop, written to `directory`. */
function profileCpu(directory: string) {
  if (!directory || directory.startsWith('--')) {
    throw new Error(
      '--cpu-profile takes the directory to write the profile in',
    );
  }
  let session: inspector.Session | undefined;
  const post = (method: string) =>
    new Promise<any>((resolve, reject) =>
      session!.post(method, (error, result) =>
        error ? reject(error) : resolve(result),
      ),
    );
  return {
    async start() {
      session = new inspector.Session();
      session.connect();
      await post('Profiler.enable');
      await post('Profiler.start');
    },
    async stop(name: string) {
      const { profile } = await post('Profiler.stop');
      session!.disconnect();
      fs.mkdirSync(directory, { recursive: true });
      const file = path.join(directory, `${name}.cpuprofile`);
      fs.writeFileSync(file, JSON.stringify(profile));
      console.log(`CPU profile written to ${file}`);
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
      throw new Error(
        'BENCHMARK_POSTGRES_DATABASE must be a plain lower-case name',
      );
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
  series?: SeriesFigures;
  freshness?: {
    pollMs: number;
    /** From the triggered refresh to correct cards, and to no rollup queued. */
    refreshMs: number;
    allMs: number;
    correct: boolean;
    /**
     * From a catalog change to correct cards and to no rollup queued (delivery included), with the
     * backend's real scheduler and defaults.
     */
    scheduledMs: MoveTimes[];
    /** Whether the queues were empty before the first scheduled move. */
    settled: boolean;
  };
};

/** How many times the freshness step moves the team under the real scheduler. */
const SCHEDULED_MOVES = 8;

/** BENCHMARK_KEEP_ALIVE_MS, checked; undefined when unset (Node's default then). */
function readKeepAliveMs(): number | undefined {
  const value = process.env.BENCHMARK_KEEP_ALIVE_MS;
  if (!value) {
    return undefined;
  }
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms <= 0) {
    throw new Error(
      `BENCHMARK_KEEP_ALIVE_MS must be a positive whole number of milliseconds, got ${value}`,
    );
  }
  return ms;
}

async function runOn(
  database: string,
  options: Options,
  org: DemoOrg,
): Promise<DatabaseFigures> {
  const keepAliveMs = readKeepAliveMs();
  const { knex, close, loaded } = await openDatabase(database);
  const sqlProfile = options.sqlProfile ? profileQueries(knex) : undefined;
  const cpuProfile =
    options.cpuProfile !== undefined
      ? profileCpu(options.cpuProfile)
      : undefined;
  const scheduler = mockServices.scheduler() as SchedulerService & {
    factory(factoryOptions: { skipTaskRunOnStartup: boolean }): ServiceFactory;
  };
  // The catalog holds the very entity objects, so the freshness step can edit them in place.
  const entities: Entity[] = org.entities.map(e => structuredClone(e));
  let scheduledMoves: TeamMove | undefined;
  let stopped = false;
  const backend = await startTestBackend({
    features: [
      claudeCodeAnalyticsPlugin,
      scheduler.factory({ skipTaskRunOnStartup: true }),
      mockServices.database.factory({ knex }),
      fastCatalogFactory(entities),
      mockServices.rootConfig.factory({
        data: {
          claudeCodeAnalytics: {
            privacy: { minimumGroupSize: 1 },
            // BENCHMARK_DECODE_THREADS compares decoding threads with the event loop (0);
            // BENCHMARK_MAX_PENDING_EXPORTS sets otlp.maxPendingExports.
            otlp: {
              ...(process.env.BENCHMARK_DECODE_THREADS
                ? {
                    decodeThreads: Number(process.env.BENCHMARK_DECODE_THREADS),
                  }
                : {}),
              ...(process.env.BENCHMARK_MAX_PENDING_EXPORTS
                ? {
                    maxPendingExports: Number(
                      process.env.BENCHMARK_MAX_PENDING_EXPORTS,
                    ),
                  }
                : {}),
            },
          },
        },
      }),
    ],
  });
  if (keepAliveMs !== undefined) {
    backend.server.keepAliveTimeout = keepAliveMs;
    console.log(
      `[${database}] the server keeps idle connections ${backend.server.keepAliveTimeout} ms`,
    );
  }
  try {
    const port = (backend.server.address() as AddressInfo).port;
    const base = `http://127.0.0.1:${port}/api/claude-code-analytics`;
    const auth = { Authorization: mockCredentials.user.header() };
    const get = apiReader(port);

    // Load: the catalog index, then a year through the ingestion functions, then the rollups.
    console.log(
      `[${database}] indexing the catalog (${entities.length} entities)`,
    );
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
      `[${database}] ${records} records written in ${(writeMs / 1000).toFixed(
        1,
      )} s; rolling up`,
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
            `[${database}] ${
              target.label
            } ${endpoint} ${days}d: p50 ${percentile(samples, 50).toFixed(
              1,
            )} ms, p95 ${percentile(samples, 95).toFixed(1)} ms`,
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
        fleetRates: options.otlpFleet,
        fleetConnections: options.otlpFleetConnections,
        fleetBatch: options.otlpBatch,
        log: message => console.log(`[${database}] ${message}`),
        onLoadStart: async run => {
          sqlProfile?.print(
            run === 'closed-loop'
              ? 'otlp, before the closed-loop run'
              : `otlp, after the previous run, before the ${run} run`,
          );
          await cpuProfile?.start();
        },
        onLoadEnd: async run => {
          sqlProfile?.print(`otlp, the ${run} run`);
          await cpuProfile?.stop(
            run === 'closed-loop'
              ? `otlp-${database}`
              : `otlp-${database}-${run}`,
          );
        },
        databaseCpuMs:
          database === 'postgres' ? await postgresServerCpu(knex) : undefined,
      });
    } else {
      console.log(
        `[${database}] OTLP: skipped, the real captures are not at ${fixtures}`,
      );
    }

    sqlProfile?.print('otlp, after the last run');
    let series: SeriesFigures | undefined;
    if (options.sections.includes('series')) {
      // Sessions of 1 and 8 hours exporting every 5 s, against a new one.
      series = await measureSeries({
        knex,
        person: org.people[0].email,
        runs: [
          { temporality: 'delta', length: 0 },
          { temporality: 'delta', length: 720 },
          { temporality: 'delta', length: 5760 },
          { temporality: 'cumulative', length: 720 },
          { temporality: 'cumulative', length: 5760 },
        ],
        exports: 100,
        log: message => console.log(`[${database}] ${message}`),
      });
      sqlProfile?.print('series');
    }
    let freshness: DatabaseFigures['freshness'] = undefined;
    if (options.sections.includes('freshness')) {
      // Triggered by hand first: the refresh alone, then one look that finds nothing.
      const teamMove = new TeamMove(entities, org, get, endDate);
      await teamMove.start();
      teamMove.move();
      // The task refreshes the index and starts the rollups; done when the cards are correct.
      const start = Date.now();
      await scheduler.triggerTask('claude-code-analytics-ownership-refresh');
      const {
        cardsMs: refreshMs,
        allMs,
        deliveryCorrect,
      } = await teamMove.untilCorrect(start);
      const correct = !Number.isNaN(refreshMs) && deliveryCorrect;
      const [, pollMs] = await timed(() =>
        scheduler.triggerTask('claude-code-analytics-ownership-refresh'),
      );
      sqlProfile?.print('freshness');
      console.log(
        `[${database}] team move reflected after ${refreshMs.toFixed(
          0,
        )} ms of refresh, all rollups done after ${allMs.toFixed(
          0,
        )} ms (poll ${pollMs.toFixed(0)} ms), correct: ${correct}`,
      );
      freshness = {
        refreshMs,
        allMs,
        pollMs,
        correct,
        scheduledMs: [],
        settled: false,
      };
      scheduledMoves = teamMove;
    } else {
      console.log(`[${database}] freshness: not measured (--sections)`);
    }

    if (freshness && scheduledMoves) {
      await backend.stop();
      stopped = true;
      console.log(
        `[${database}] freshness: ${SCHEDULED_MOVES} moves with the real scheduler and the default schedule`,
      );
      const scheduled = await measureScheduledMoves(
        knex,
        entities,
        scheduledMoves,
      );
      freshness.scheduledMs = scheduled.moves;
      freshness.settled = scheduled.settled;
      console.log(
        `[${database}] from catalog change to correct cards / to no rollup queued: ${freshness.scheduledMs
          .map(
            ms =>
              `${ms.cardsMs} / ${ms.allMs} ms${
                ms.deliveryCorrect ? '' : ' (delivery wrong)'
              }`,
          )
          .join(', ')}`,
      );
    }

    return {
      database,
      load: { records, writeMs, rollupMs, indexMs },
      latency,
      otlp,
      series,
      freshness,
    };
  } finally {
    if (!stopped) {
      await backend.stop();
    }
    await close();
  }
}

/** Reads the plugin's API of a test backend, as a signed-in user. */
function apiReader(port: number) {
  const base = `http://127.0.0.1:${port}/api/claude-code-analytics`;
  const auth = { Authorization: mockCredentials.user.header() };
  return async (url: string) => {
    const response = await fetchRetryingOnce(`${base}${url}`, {
      headers: auth,
    });
    if (!response.ok) {
      throw new Error(`${url}: ${response.status} ${await response.text()}`);
    }
    return response.json();
  };
}

/**
 * The backend as deployed: Backstage's scheduler (tasks claimed through the database, started by
 * its poller) with the plugin's default schedules, the same catalog and database. The team is moved
 * at random moments; each figure is the time from the catalog change to correct cards, and to no
 * rollup queued (the departments' delivery merged again too). The moves start once the queues left
 * by the earlier sections (an overloading OTLP fleet) are empty.
 */
async function measureScheduledMoves(
  knex: Knex,
  entities: Entity[],
  teamMove: TeamMove,
): Promise<{
  moves: MoveTimes[];
  settled: boolean;
}> {
  const backend = await startTestBackend({
    features: [
      claudeCodeAnalyticsPlugin,
      schedulerServiceFactory,
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
    // Claims of the tasks left by an earlier benchmark process stopped during a run would hold
    // them until the task's timeout: this measures a backend that starts with the tasks free.
    await knex('backstage_backend_tasks__tasks')
      .whereIn('id', [
        'claude-code-analytics-ownership-refresh',
        'claude-code-analytics-rollups',
      ])
      .update({
        current_run_ticket: null,
        current_run_started_at: null,
        current_run_expires_at: null,
      });
    teamMove.get = apiReader((backend.server.address() as AddressInfo).port);
    // The first look after start-up (10 s) rebuilds the index once: wait for it to be over.
    await new Promise(resolve => setTimeout(resolve, 20_000));
    const settled = await teamMove.settle();
    return {
      moves: await teamMove.measureScheduled(SCHEDULED_MOVES),
      settled,
    };
  } finally {
    await backend.stop();
  }
}

/**
 * Where the plugin found its migrations: through the package's path, which from a second checkout
 * whose node_modules are another's leads to that other checkout's, so that a run of older code
 * there would measure the newer schema.
 */
function migrationsNote(): string {
  const found = resolvePackagePath(
    'backstage-plugin-claude-code-analytics-backend',
    'migrations',
  );
  const own = path.resolve(__dirname, '../../migrations');
  return fs.realpathSync(found) === fs.realpathSync(own)
    ? found
    : `${found}, NOT this checkout's (${own}): the schema is that checkout's`;
}

function printReport(
  options: Options,
  org: DemoOrg,
  results: DatabaseFigures[],
) {
  console.log();
  console.log(
    `Claude Code Analytics benchmark: ${org.people.length} engineers, ${
      org.entities.filter(e => e.kind === 'Group').length
    } groups (${options.depth} levels), ${org.components.length} components, ${
      options.days
    } days`,
  );
  console.log(
    `Machine: ${os.cpus().length} x ${
      os.cpus()[0]?.model ?? 'cpu'
    }, ${Math.round(os.totalmem() / 1024 ** 3)} GB, Node ${
      process.version
    }, ${new Date().toISOString()}, load average ${os
      .loadavg()
      .map(l => l.toFixed(1))
      .join(' ')}`,
  );
  console.log(`Migrations: ${migrationsNote()}`);
  for (const result of results) {
    console.log();
    console.log(`## ${result.database}`);
    const load = new Table(['load', 'value']);
    load.row(
      'records written through the ingestion functions',
      String(result.load.records),
    );
    load.row('write time', `${(result.load.writeMs / 1000).toFixed(1)} s`);
    load.row('rollup time', `${(result.load.rollupMs / 1000).toFixed(1)} s`);
    load.row(
      'catalog index time',
      `${(result.load.indexMs / 1000).toFixed(1)} s`,
    );
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
      otlp.row(
        'requests/s',
        o.requestsPerSecond.toFixed(0),
        o.bare.requestsPerSecond.toFixed(0),
      );
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
        'backend CPU per export, all threads (decoding included), ms',
        o.processCpuMsPerRequest.toFixed(2),
        o.bare.processCpuMsPerRequest.toFixed(2),
      );
      // SQLite runs in the backend's process; a PostgreSQL server is measured when it runs here.
      const databaseCpu = (ms: number | undefined) =>
        ms?.toFixed(2) ??
        (result.database === 'postgres'
          ? 'not on this machine'
          : 'in the backend');
      otlp.row(
        'database server CPU per export, ms',
        databaseCpu(o.databaseCpuMsPerRequest),
        '',
      );
      otlp.row(
        'exports/s the event loop would take (1000 / main-thread CPU ms)',
        (1000 / o.cpuMsPerRequest).toFixed(0),
        (1000 / o.bare.cpuMsPerRequest).toFixed(0),
      );
      otlp.row('retried duplicates sent', String(o.duplicates), '');
      otlp.row(
        'api requests sent / stored',
        `${o.sentRequests} / ${o.storedRequests}`,
        '',
      );
      otlp.row(
        'tokens sent / stored',
        `${o.sentTokens} / ${o.storedTokens}`,
        '',
      );
      otlp.row('lines sent / stored', `${o.sentLines} / ${o.storedLines}`, '');
      otlp.row(
        'lines in the adoption API every 5 s of the run / when it ended',
        `${[...o.linesVisibleDuring, o.linesVisibleAtEnd].join(', ')} of ${
          o.sentLines
        } sent (${(
          (100 * o.linesVisibleAtEnd) /
          Math.max(1, o.sentLines)
        ).toFixed(0)}% at the end)`,
        '',
      );
      otlp.row(
        'visible in the adoption API after the run',
        `${o.visibleMs.toFixed(0)} ms`,
        '',
      );
      otlp.row(
        'event loop delay p99 / max, ms',
        `${o.eventLoopDelayP99Ms.toFixed(0)} / ${o.eventLoopDelayMaxMs.toFixed(
          0,
        )}`,
        '',
      );
      otlp.print();
      console.log();
      if (o.fleets.length > 0) {
        const fleets = new Table([
          `OTLP fleet (open loop: exports sent on schedule, whatever the answers; at most ${options.otlpFleetConnections} connections)`,
          'answered/s',
          'p50 ms',
          'p99 ms',
          'target p99 <= 250 at >= 2,000/s',
          'errors / dropped / 503s retried',
          'api requests sent / stored',
          'event loop delay p99 / max ms',
          'backend CPU per export stored: event loop / all threads, ms',
          'database server CPU per export, ms',
          'lines in the adoption API every 5 s / at the end, of sent',
          'all visible after the end',
          'bare HTTP server: answered/s, p99 ms, errors + dropped',
        ]);
        for (const f of o.fleets) {
          const target = fleetTarget(f);
          fleets.row(
            `${f.offered} exports/s offered (${
              f.offered * 5
            } developers exporting every 5 s${
              f.batch > 1
                ? `; through a collector: ${f.batch} exports per request`
                : ''
            })`,
            f.achieved.toFixed(0),
            f.p50.toFixed(1),
            f.p99.toFixed(1),
            target,
            `${f.errors} / ${f.dropped} / ${f.retried}`,
            `${f.sentRequests} / ${f.storedRequests}`,
            `${f.eventLoopDelayP99Ms.toFixed(
              0,
            )} / ${f.eventLoopDelayMaxMs.toFixed(0)}`,
            `${f.cpuMsPerRequest.toFixed(
              2,
            )} / ${f.processCpuMsPerRequest.toFixed(2)}`,
            databaseCpu(f.databaseCpuMsPerRequest),
            `${[...f.linesVisibleDuring, f.linesVisibleAtEnd].join(', ')} of ${
              f.sentLines
            }`,
            Number.isNaN(f.visibleMs)
              ? 'not within 60 s'
              : `${f.visibleMs.toFixed(0)} ms`,
            f.bare
              ? `${f.bare.achieved.toFixed(0)}, ${f.bare.p99.toFixed(1)}, ${
                  f.bare.errors
                }`
              : 'not measured',
          );
        }
        fleets.print();
        console.log();
      }
    }
    if (result.series) {
      const series = new Table([
        'metrics export (8 points) into a session of',
        'temporality',
        'points per series already stored',
        'p50 ms',
        'p95 ms',
      ]);
      for (const s of result.series) {
        series.row(
          s.stored === 0
            ? 'a new session'
            : `${((s.stored * 5) / 3600).toFixed(0)} h, exporting every 5 s`,
          s.temporality,
          String(s.stored),
          s.p50.toFixed(2),
          s.p95.toFixed(2),
        );
      }
      series.print();
      console.log();
    }
    if (result.freshness) {
      const fresh = new Table([
        'freshness (team moved to another department)',
        'value',
      ]);
      fresh.row(
        'refresh until the cards are correct / until no rollup is queued',
        `${result.freshness.refreshMs.toFixed(
          0,
        )} ms / ${result.freshness.allMs.toFixed(0)} ms`,
      );
      fresh.row(
        'one catalog poll, nothing changed',
        `${result.freshness.pollMs.toFixed(0)} ms`,
      );
      fresh.row(
        'rollups correct after the move (adoption and delivery cards)',
        String(result.freshness.correct),
      );
      const scheduled = result.freshness.scheduledMs;
      if (scheduled.length > 0) {
        const describe = (times: number[]) => {
          const timedOut = times.filter(Number.isNaN).length;
          return `median ${percentile(times, 50).toFixed(0)} ms, worst ${
            timedOut > 0
              ? `not within 60 s (${timedOut} moves)`
              : `${Math.max(...times).toFixed(0)} ms`
          }`;
        };
        const all = scheduled.map(m => m.allMs);
        fresh.row(
          `catalog change to correct cards, real scheduler and defaults (${scheduled.length} moves)`,
          describe(scheduled.map(m => m.cardsMs)),
        );
        fresh.row(
          'catalog change to all affected rollups done (no rollup queued, delivery included)',
          `${describe(all)}${
            result.freshness.settled
              ? ''
              : ' (queues not empty before the moves)'
          }`,
        );
        fresh.row(
          'delivery cards correct once nothing is queued',
          `${scheduled.filter(m => m.deliveryCorrect).length} of ${
            scheduled.length
          } moves`,
        );
        const late = all.filter(ms => !(ms <= 5000)).length;
        fresh.row(
          'target: every move reflected in all affected rollups <= 5000 ms',
          late === 0 ? 'met' : `missed by ${late} of ${scheduled.length} moves`,
        );
      }
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
    `Generated ${org.entities.length} catalog entities in ${generateMs.toFixed(
      0,
    )} ms`,
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
