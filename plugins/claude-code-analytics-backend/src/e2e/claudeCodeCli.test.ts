import { Entity } from '@backstage/catalog-model';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { createTestDatabases } from '../__testUtils__/createTestDatabases';
import { startAnalyticsBackend } from '../__testUtils__/startAnalyticsBackend';
import { STAND_IN_FILE, startMessagesApiStandIn } from './MessagesApiStandIn';
import { runProcess, runScriptedClaudeCodeSession } from './runClaudeCode';

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

(installed ? describe : describe.skip)('the real Claude Code CLI', () => {
  const databases = createTestDatabases();

  it('exports OTLP to the backend, whose APIs then show exactly what the CLI reported', async () => {
    const knex = await databases.init('SQLITE_3');
    const { server } = await startAnalyticsBackend({ knex, entities });
    const backendUrl = `http://127.0.0.1:${(server.address() as any).port}`;
    const standIn = await startMessagesApiStandIn();

    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-e2e-home-'));
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-e2e-work-'));
    const cli = await runScriptedClaudeCodeSession({
      claudeBin,
      home,
      work,
      remoteSlug: 'Acme/payments',
      standInUrl: standIn.url,
      otlpEndpoint: `${backendUrl}/api/claude-code-analytics/otlp`,
      otlpToken: 'mock-service-token',
      protocol: 'http/protobuf',
      resourceAttributes: 'user.email=ada@acme.example,repo=acme/payments',
    });
    expect({ code: cli.code, stderr: cli.stderr }).toEqual({
      code: 0,
      stderr: '',
    });
    const reported = JSON.parse(cli.stdout);
    expect(
      fs.readFileSync(path.join(work, STAND_IN_FILE.name), 'utf8'),
    ).toContain('line 1');
    expect(
      execFileSync('git', ['log', '--oneline'], { cwd: work }).toString(),
    ).toContain('Add notes');

    // What the CLI says it used, over all models it called.
    const models = Object.values(reported.modelUsage ?? {}) as any[];
    expect(models.length).toBeGreaterThan(0);
    const expectedTokens = {
      input: models.reduce((s, m) => s + m.inputTokens, 0),
      output: models.reduce((s, m) => s + m.outputTokens, 0),
      cacheRead: models.reduce((s, m) => s + m.cacheReadInputTokens, 0),
      cacheCreation: models.reduce((s, m) => s + m.cacheCreationInputTokens, 0),
    };

    const day = new Date().toISOString().slice(0, 10);
    const get = (what: string, ref: string) =>
      request(server).get(
        `/api/claude-code-analytics/v1/entities/${ref}/${what}?from=${day}&to=${day}`,
      );
    // The CLI flushes its exporters on exit; the API shows the data within seconds.
    const deadline = Date.now() + 30_000;
    let adoption: any;
    let cost: any;
    for (;;) {
      adoption = (await get('adoption', 'user/default/ada')).body;
      cost = (await get('cost', 'user/default/ada')).body;
      if (
        (adoption.sessions === 1 &&
          adoption.commitsByClaudeCode === 1 &&
          cost.tokens?.input === expectedTokens.input) ||
        Date.now() > deadline
      ) {
        break;
      }
      await new Promise(resolve => setTimeout(resolve, 250));
    }
    expect(adoption).toMatchObject({
      activeUsers: 1,
      sessions: 1,
      linesAdded: STAND_IN_FILE.lines,
      linesRemoved: 0,
      commitsByClaudeCode: 1,
      toolDecisions: { Write: { accepted: 1, rejected: 0 } },
    });
    expect(cost.tokens).toEqual(expectedTokens);
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
    const after = (await get('cost', 'user/default/ada')).body;
    expect(after.tokens).toEqual(expectedTokens);
    expect(after.costUsd).toBeCloseTo(reported.total_cost_usd, 6);

    await standIn.close();
    await knex.destroy();
  });
});
