import { expect, test } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startMessagesApiStandIn } from '../../../plugins/claude-code-analytics-backend/src/e2e/MessagesApiStandIn';
import { runScriptedClaudeCodeSession } from '../../../plugins/claude-code-analytics-backend/src/e2e/runClaudeCode';
import {
  demo,
  getAnalytics,
  getCatalogEntity,
  queryCatalog,
  waitForRollups,
} from './demoApi';
import { cardTitled, expectCard, openPage, screenshot } from './pages';
import { adoptionNumbers, costNumbers } from './shownNumbers';
import { utcToday } from './utcDays';

const repoRoot =
  process.env.E2E_REPO_ROOT ?? path.resolve(process.cwd(), '../..');
// Installed by scripts/install-claude-code.sh, which scripts/e2e.sh runs first.
const claudeBin = path.join(
  repoRoot,
  '.tools/claude-code/node_modules/.bin/claude',
);
const USER = 'alan-johnson';

/** The engineer's email and the repository of a component their team owns. */
async function engineerAndRepository() {
  const user = await getCatalogEntity('user', USER);
  const email = user.spec?.profile?.email;
  const team = user.spec?.memberOf?.[0];
  expect(email, `spec.profile.email of ${USER}`).toBeTruthy();
  expect(team, `spec.memberOf of ${USER}`).toBeTruthy();
  const teamRef = team!.includes(':') ? team! : `group:default/${team}`;
  const components = await queryCatalog(
    `kind=component,relations.ownedBy=${teamRef}`,
  );
  const repository = components
    .map(c => c.metadata.annotations?.['github.com/project-slug'])
    .filter((slug): slug is string => Boolean(slug))
    .sort()[0];
  expect(
    repository,
    `a component of ${teamRef} with github.com/project-slug`,
  ).toBeTruthy();
  return { email: email!.toLocaleLowerCase('en-US'), repository: repository! };
}

test('a real Claude Code session shows up for its engineer in the API and on their page', async ({
  page,
}, testInfo) => {
  test.skip(
    !fs.existsSync(claudeBin),
    `${claudeBin} is missing: run scripts/install-claude-code.sh`,
  );
  const today = utcToday();
  const period = { from: today, to: today };
  const { email, repository } = await engineerAndRepository();
  testInfo.annotations.push({
    type: 'session',
    description: `${email} in ${repository}`,
  });
  const before = {
    adoption: await getAnalytics('adoption', 'user', USER, period),
    cost: await getAnalytics('cost', 'user', USER, period),
  };

  const standIn = await startMessagesApiStandIn();
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-e2e-home-'));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'cc-e2e-work-'));
  let reported: { session_id: string; total_cost_usd: number };
  try {
    const cli = await runScriptedClaudeCodeSession({
      claudeBin,
      home,
      work,
      remoteSlug: repository,
      standInUrl: standIn.url,
      otlpEndpoint: `${demo.backendUrl}/api/claude-code-analytics/otlp`,
      otlpToken: demo.token,
      protocol: 'http/json',
      resourceAttributes: `user.email=${email},repo=${repository}`,
    });
    expect({ code: cli.code, stderr: cli.stderr }).toEqual({
      code: 0,
      stderr: '',
    });
    reported = JSON.parse(cli.stdout);
    expect(standIn.requests.length).toBeGreaterThan(0);
  } finally {
    await standIn.close();
    fs.rmSync(home, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  }

  // The CLI flushes its exporters on exit; the API shows the session within seconds.
  await expect(async () => {
    const adoption = await getAnalytics('adoption', 'user', USER, period);
    const cost = await getAnalytics('cost', 'user', USER, period);
    expect(adoption.sessions).toBeGreaterThanOrEqual(
      Math.max(1, before.adoption.sessions + 1),
    );
    expect(cost.costUsd).toBeCloseTo(
      before.cost.costUsd + reported.total_cost_usd,
      6,
    );
  }).toPass({ timeout: 60_000, intervals: [500, 1000, 2000] });
  // Every export was answered, so stored, before the CLI exited; its metrics (active time, lines)
  // may still be rolling up after its events: read the numbers once nothing is pending.
  await waitForRollups();
  const adoption = await getAnalytics('adoption', 'user', USER, period);
  const cost = await getAnalytics('cost', 'user', USER, period);

  await openPage(
    page,
    `/catalog/default/user/${USER}`,
    cardTitled(page, 'Claude Code adoption'),
  );
  const tab = page.locator(
    `a[href*="/catalog/default/user/${USER}/claude-code"]`,
  );
  if ((await tab.count()) === 0) {
    // Without the entity tab the overview's cards show only full days, never today.
    testInfo.annotations.push({
      type: 'missing',
      description:
        'no "Claude Code" entity tab: checked the API only for today',
    });
    await screenshot(page, testInfo, 'user-alan-johnson-after-session');
    return;
  }
  await openPage(
    page,
    `/catalog/default/user/${USER}/claude-code?from=${today}&to=${today}`,
    cardTitled(page, 'Claude Code adoption'),
  );
  const periodLabel = `${today} to ${today} (UTC)`;
  await expectCard(
    page,
    'Claude Code adoption',
    period,
    {
      state: 'numbers',
      listLabel: 'Claude Code adoption numbers',
      numbers: adoptionNumbers(adoption),
    },
    periodLabel,
  );
  await expectCard(
    page,
    'Claude Code cost',
    period,
    {
      state: 'numbers',
      listLabel: 'Claude Code cost numbers',
      numbers: costNumbers(cost),
    },
    periodLabel,
  );
  await screenshot(page, testInfo, 'user-alan-johnson-claude-code-today');
});
