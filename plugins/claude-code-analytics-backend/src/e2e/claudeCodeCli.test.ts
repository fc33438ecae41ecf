import { Entity } from '@backstage/catalog-model';
import { Knex } from 'knex';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/createTestDatabases';
import { startAnalyticsBackend } from '../__testUtils__/startAnalyticsBackend';
import { STAND_IN_FILE, startMessagesApiStandIn } from './MessagesApiStandIn';
import { runProcess, runScriptedClaudeCodeSession } from './runClaudeCode';
import { startRefusingProxy } from './startRefusingProxy';

jest.setTimeout(180_000);

// Installed by scripts/install-claude-code.sh, which the test command runs.
// eslint-disable-next-line no-restricted-syntax
const repoRoot = path.resolve(__dirname, '../../../..');
const claudeBin = path.join(
  repoRoot,
  '.tools/claude-code/node_modules/.bin/claude',
);
const collectorBin = path.join(
  repoRoot,
  'packages/collector/bin/claude-code-analytics-collector',
);
const installed = fs.existsSync(claudeBin);
if (!installed) {
  // eslint-disable-next-line no-console
  console.warn(
    `Skipping the real Claude Code CLI test: ${claudeBin} is missing (run scripts/install-claude-code.sh)`,
  );
}

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'ada' },
    spec: { profile: { email: 'Ada@Acme.Example' }, memberOf: [] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'payments',
      annotations: { 'github.com/project-slug': 'acme/payments' },
    },
    spec: { type: 'service', owner: 'user:ada', lifecycle: 'production' },
  },
];

/** What the scripted session does, as the adoption API should show it. */
const EXPECTED_ADOPTION = {
  activeUsers: 1,
  sessions: 1,
  linesAdded: STAND_IN_FILE.lines,
  linesRemoved: 0,
  commitsByClaudeCode: 1,
  toolDecisions: { Write: { accepted: 1, rejected: 0 } },
};

const today = () => new Date().toISOString().slice(0, 10);

/** What the CLI says it used, over all models it called. */
function tokensReported(reported: any) {
  const models = Object.values(reported.modelUsage ?? {}) as any[];
  expect(models.length).toBeGreaterThan(0);
  return {
    input: models.reduce((s, m) => s + m.inputTokens, 0),
    output: models.reduce((s, m) => s + m.outputTokens, 0),
    cacheRead: models.reduce((s, m) => s + m.cacheReadInputTokens, 0),
    cacheCreation: models.reduce((s, m) => s + m.cacheCreationInputTokens, 0),
  };
}

/** One of Ada's cards today (`adoption` or `cost`), as the API answers it. */
const readAdaToday = (server: any, what: string) =>
  request(server).get(
    `/api/claude-code-analytics/v1/entities/user/default/ada/${what}?from=${today()}&to=${today()}`,
  );

/**
 * The scripted session, run by the real CLI as Ada in `work` (HOME `home`), exporting to the OTLP
 * route under `otlpBase`; what the CLI reported, once it exited cleanly.
 */
async function runAdaSession(options: {
  standInUrl: string;
  otlpBase: string;
  home: string;
  work: string;
}) {
  const cli = await runScriptedClaudeCodeSession({
    claudeBin,
    home: options.home,
    work: options.work,
    remoteSlug: 'Acme/payments',
    standInUrl: options.standInUrl,
    otlpEndpoint: `${options.otlpBase}/api/claude-code-analytics/otlp`,
    otlpToken: 'mock-service-token',
    protocol: 'http/protobuf',
    resourceAttributes: 'user.email=ada@acme.example,repo=acme/payments',
  });
  expect({ code: cli.code, stderr: cli.stderr }).toEqual({
    code: 0,
    stderr: '',
  });
  return JSON.parse(cli.stdout);
}

/**
 * Ada's adoption and cost today, read until they show the whole session (the CLI flushes its
 * exporters on exit; the API shows the data within seconds) or 30 seconds passed.
 */
async function readApisOnceComplete(server: any, reported: any) {
  const expectedTokens = tokensReported(reported);
  const get = (what: string) => readAdaToday(server, what);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const adoption = (await get('adoption')).body;
    const cost = (await get('cost')).body;
    if (
      (adoption.sessions === 1 &&
        adoption.commitsByClaudeCode === 1 &&
        cost.tokens?.input === expectedTokens.input) ||
      Date.now() > deadline
    ) {
      return { adoption, cost };
    }
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

/**
 * Waits until the backend has nothing left to sum or roll up (at most 30 seconds), so that what the
 * APIs show then is final, not a moment of a sum still being made.
 */
async function untilQueuesEmpty(knex: Knex) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const counts = await Promise.all(
      ['session_sum_queue', 'rollup_user_queue', 'rollup_entity_queue'].map(
        async table => Number((await knex(table).count({ n: '*' }))[0].n),
      ),
    );
    if (counts.every(n => n === 0)) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(`Queues still hold ${counts.join(', ')} entries`);
    }
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

(installed ? describe : describe.skip)('the real Claude Code CLI', () => {
  const databases = createTestDatabases();

  it('exports OTLP to the backend, whose APIs then show exactly what the CLI reported', async () => {
    const knex = await databases.init('SQLITE_3');
    const { server } = await startAnalyticsBackend({ knex, entities });
    const backendUrl = `http://127.0.0.1:${(server.address() as any).port}`;
    const standIn = await startMessagesApiStandIn();

    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-e2e-home-'));
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-e2e-work-'));
    const reported = await runAdaSession({
      standInUrl: standIn.url,
      otlpBase: backendUrl,
      home,
      work,
    });
    expect(
      fs.readFileSync(path.join(work, STAND_IN_FILE.name), 'utf8'),
    ).toContain('line 1');
    expect(
      execFileSync('git', ['log', '--oneline'], { cwd: work }).toString(),
    ).toContain('Add notes');

    const { adoption, cost } = await readApisOnceComplete(server, reported);
    expect(adoption).toMatchObject(EXPECTED_ADOPTION);
    expect(cost.tokens).toEqual(tokensReported(reported));
    expect(cost.costUsd).toBeCloseTo(reported.total_cost_usd, 6);
    const [session] = await knex('session_requests').distinct('session_id');
    expect(session.session_id).toBe(reported.session_id);

    // The same session's transcript, pushed by the collector, merges with what OTLP sent.
    const push = await runProcess(
      process.execPath,
      [
        collectorBin,
        'push',
        '--url',
        backendUrl,
        '--token',
        'mock-service-token',
        '--identity',
        'ada@acme.example',
        '--state',
        path.join(home, 'collector-state.json'),
        '--claude-dir',
        path.join(home, '.claude'),
      ],
      { cwd: work, env: { PATH: process.env.PATH, HOME: home } },
    );
    expect({ code: push.code, stderr: push.stderr }).toEqual({
      code: 0,
      stderr: '',
    });
    const sources = await knex('session_requests').distinct('sources');
    expect(sources.map(s => s.sources)).toEqual(['otlp,transcripts']);
    const after = (await readAdaToday(server, 'cost')).body;
    expect(after.tokens).toEqual(tokensReported(reported));
    expect(after.costUsd).toBeCloseTo(reported.total_cost_usd, 6);

    await standIn.close();
    await knex.destroy();
  });

  it('sends again each export answered 503, and the backend counts each once though it received both', async () => {
    const knex = await databases.init('SQLITE_3');
    const { server } = await startAnalyticsBackend({ knex, entities });
    const backendUrl = `http://127.0.0.1:${(server.address() as any).port}`;
    const proxy = await startRefusingProxy(backendUrl);
    const standIn = await startMessagesApiStandIn();

    const reported = await runAdaSession({
      standInUrl: standIn.url,
      otlpBase: proxy.url,
      home: fs.mkdtempSync(path.join(os.tmpdir(), 'cc-e2e-home-')),
      work: fs.mkdtempSync(path.join(os.tmpdir(), 'cc-e2e-work-')),
    });

    // Every export, logs and metrics, reached the backend twice, and it accepted both.
    const arrivals = [...proxy.arrivals.values()];
    expect(new Set(arrivals.map(a => a.path))).toEqual(
      new Set([
        '/api/claude-code-analytics/otlp/v1/logs',
        '/api/claude-code-analytics/otlp/v1/metrics',
      ]),
    );
    for (const { statuses } of arrivals) {
      expect(statuses).toEqual([200, 200]);
    }

    // Both arrivals were stored before the CLI exited: once the sums are made, a second copy would show.
    await untilQueuesEmpty(knex);
    const { adoption, cost } = await readApisOnceComplete(server, reported);
    expect(adoption).toMatchObject(EXPECTED_ADOPTION);
    expect(cost.tokens).toEqual(tokensReported(reported));
    expect(cost.costUsd).toBeCloseTo(reported.total_cost_usd, 6);

    await proxy.close();
    await standIn.close();
    await knex.destroy();
  });
});
