import { expect, Page, test, TestInfo } from '@playwright/test';
import type {
  AdoptionResponse,
  CostResponse,
  DeliveryResponse,
  EntitySummaryList,
} from 'backstage-plugin-claude-code-analytics-common';
import { getAnalytics, getJson, Period, queryCatalog } from './demoApi';
import {
  CardExpectation,
  cardTitled,
  expectCard,
  openPage,
  screenshot,
} from './pages';
import {
  adoptionNumbers,
  costNumbers,
  deliveryNumbers,
  deliverySummary,
} from './shownNumbers';
import { lastFullUtcDays } from './utcDays';
import {
  formatCount,
  formatPercent,
} from '../../../plugins/claude-code-analytics/src/components/format';

const NO_USAGE = 'No Claude Code usage in this period.';

function adoptionExpectation(adoption: AdoptionResponse): CardExpectation {
  if (adoption.suppressed) {
    return { state: 'suppressed' };
  }
  const hasUsage =
    adoption.activeUsers > 0 ||
    adoption.sessions > 0 ||
    adoption.daily.some(day => day.activeUsers > 0 || day.sessions > 0);
  return hasUsage
    ? {
        state: 'numbers',
        listLabel: 'Claude Code adoption numbers',
        numbers: adoptionNumbers(adoption),
      }
    : { state: 'empty', text: NO_USAGE };
}

function costExpectation(cost: CostResponse): CardExpectation {
  if (cost.suppressed) {
    return { state: 'suppressed' };
  }
  const { input, output, cacheRead, cacheCreation } = cost.tokens;
  const hasUsage =
    cost.costUsd > 0 ||
    input + output + cacheRead + cacheCreation > 0 ||
    cost.unpricedTokens > 0 ||
    cost.byModel.length > 0 ||
    cost.daily.some(day => day.costUsd > 0);
  return hasUsage
    ? {
        state: 'numbers',
        listLabel: 'Claude Code cost numbers',
        numbers: costNumbers(cost),
      }
    : { state: 'empty', text: NO_USAGE };
}

function deliveryExpectation(delivery: DeliveryResponse): CardExpectation {
  return delivery.componentsWithData > 0
    ? {
        state: 'numbers',
        listLabel: 'DORA metrics',
        numbers: deliveryNumbers(delivery),
        summary: deliverySummary(delivery),
      }
    : { state: 'empty', text: 'No delivery data yet' };
}

/**
 * Opens an entity's page and asserts that its adoption, cost and (except on User pages) DORA cards
 * show the API's numbers for the cards' default period, the last 30 full UTC days.
 */
async function expectEntityCards(
  page: Page,
  testInfo: TestInfo,
  kind: 'group' | 'component' | 'user',
  name: string,
): Promise<void> {
  const period: Period = lastFullUtcDays(30);
  const [adoption, cost, delivery] = await Promise.all([
    getAnalytics('adoption', kind, name, period),
    getAnalytics('cost', kind, name, period),
    getAnalytics('delivery', kind, name, period),
  ]);
  await openPage(
    page,
    `/catalog/default/${kind}/${name}`,
    cardTitled(page, 'Claude Code adoption'),
  );
  await expectCard(
    page,
    'Claude Code adoption',
    period,
    adoptionExpectation(adoption),
  );
  await expectCard(page, 'Claude Code cost', period, costExpectation(cost));
  if (kind === 'user') {
    // People have no delivery of their own: the DORA card is not on User pages.
    await expect(
      page.getByText('Delivery (DORA)', { exact: true }),
    ).toHaveCount(0);
  } else {
    await expectCard(
      page,
      'Delivery (DORA)',
      period,
      deliveryExpectation(delivery),
    );
  }
  await screenshot(page, testInfo, `${kind}-${name}`);
}

/** Components with a repository (the cards need one), by name, with their adoption. */
async function componentsWithAdoption(period: Period) {
  const components = (await queryCatalog('kind=component'))
    .filter(c => c.metadata.annotations?.['github.com/project-slug'])
    .map(c => c.metadata.name)
    .sort();
  return Promise.all(
    components.map(async name => ({
      name,
      adoption: await getAnalytics('adoption', 'component', name, period),
    })),
  );
}

test.describe('entity pages show the API numbers on their cards', () => {
  test('the Acme group', async ({ page }, testInfo) => {
    await expectEntityCards(page, testInfo, 'group', 'acme');
  });

  test('a component whose adoption is shown', async ({ page }, testInfo) => {
    const components = await componentsWithAdoption(lastFullUtcDays(30));
    const shown = components.find(
      c => !c.adoption.suppressed && c.adoption.activeUsers > 0,
    );
    // With every component below the privacy threshold, the privacy notice is what must show.
    const chosen = shown ?? components[0];
    testInfo.annotations.push({ type: 'component', description: chosen.name });
    await expectEntityCards(page, testInfo, 'component', chosen.name);
  });

  test('a component below the privacy threshold', async ({
    page,
  }, testInfo) => {
    const components = await componentsWithAdoption(lastFullUtcDays(30));
    const suppressed = components.find(c => c.adoption.suppressed);
    test.skip(
      !suppressed,
      'no component is below the privacy threshold in this period',
    );
    testInfo.annotations.push({
      type: 'component',
      description: suppressed!.name,
    });
    await expectEntityCards(page, testInfo, 'component', suppressed!.name);
  });

  test("the signed-in engineer's own User page", async ({ page }, testInfo) => {
    await expectEntityCards(page, testInfo, 'user', 'alan-johnson');
  });

  test('the organisation page', async ({ page }, testInfo) => {
    const period = lastFullUtcDays(30);
    const notFound = page.getByText('PAGE NOT FOUND');
    const groupsTable = page
      .getByRole('table')
      .filter({ has: page.getByRole('columnheader', { name: /^Group/ }) });
    await openPage(page, '/claude-code-analytics', notFound.or(groupsTable));
    if (await notFound.isVisible()) {
      await screenshot(page, testInfo, 'org-page-missing');
      test.skip(true, 'the app has no page at /claude-code-analytics yet');
    }
    const { items } = await getJson<EntitySummaryList>(
      `/api/claude-code-analytics/v1/groups?from=${period.from}&to=${period.to}`,
    );
    const acme = items.find(item => item.entityRef === 'group:default/acme');
    expect(acme, 'the root group in GET /v1/groups').toBeDefined();
    await page.getByLabel('Filter groups').fill(acme!.title ?? 'acme');
    const headers = await groupsTable.getByRole('columnheader').allInnerTexts();
    const column = (title: string) =>
      headers.findIndex(h => h.trim().startsWith(title));
    const row = groupsTable
      .getByRole('row')
      .filter({ hasText: acme!.title ?? 'acme' });
    await expect(row).toHaveCount(1);
    const cells = row.getByRole('cell');
    await expect(cells.nth(column('Adoption'))).toHaveText(
      formatPercent(acme!.adoptionRate),
    );
    await expect(cells.nth(column('Active'))).toHaveText(
      formatCount(acme!.activeUsers),
    );
    await expect(cells.nth(column('Members'))).toHaveText(
      formatCount(acme!.members),
    );
    await page.getByLabel('Filter groups').fill('');
    await screenshot(page, testInfo, 'org-page');
  });
});
