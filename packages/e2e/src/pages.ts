import { expect, Locator, Page, TestInfo } from '@playwright/test';
import fs from 'node:fs';
import path from 'node:path';
import type { Period } from './demoApi';
import type { ShownNumber } from './shownNumbers';

const artifactsDir =
  process.env.E2E_ARTIFACTS_DIR ??
  path.resolve(process.cwd(), '../../e2e-artifacts');

/** The signed-in session that the setup project saves and the tests start from. */
export const storageStatePath = path.join(
  artifactsDir,
  'test-results',
  '.auth',
  'guest.json',
);

function enterButton(page: Page): Locator {
  return page.getByRole('button', { name: 'Enter' });
}

/**
 * Signs in as the guest, which the demo maps to `user:default/alan-johnson`. Tries again while the
 * backend is not answering (the dev server restarts the backend when sources change).
 */
export async function signInAsGuest(page: Page): Promise<void> {
  await page.goto('/');
  await expect(async () => {
    if (await enterButton(page).isVisible()) {
      await enterButton(page).click();
    }
    await expect(enterButton(page)).toBeHidden({ timeout: 10_000 });
    await expect(
      page.getByRole('link', { name: 'Catalog' }).first(),
    ).toBeVisible({
      timeout: 10_000,
    });
  }).toPass({ timeout: 120_000 });
}

/**
 * Opens a page of the app and waits until `ready` shows. Signs in again if the app asks, which it
 * does when the backend restarted (the dev server restarts on source changes).
 */
export async function openPage(
  page: Page,
  url: string,
  ready: Locator,
): Promise<void> {
  await page.goto(url);
  await expect(enterButton(page).or(ready).first()).toBeVisible({
    timeout: 60_000,
  });
  if (await enterButton(page).isVisible()) {
    await enterButton(page).click();
  }
  await expect(ready.first()).toBeVisible({ timeout: 60_000 });
}

/** An InfoCard of the page, found by its title. */
export function cardTitled(page: Page, title: string): Locator {
  return page
    .getByText(title, { exact: true })
    .locator(
      'xpath=ancestor::div[contains(concat(" ", @class, " "), " MuiCard-root ")][1]',
    );
}

/** The `dt`/`dd` group of one labelled number in the card's list of numbers. */
export function statIn(
  card: Locator,
  listLabel: string,
  label: string,
): Locator {
  return card
    .locator(`dl[aria-label="${listLabel}"] > div`)
    .filter({ has: card.page().locator(`dt:text-is("${label}")`) });
}

/** What a card's answer stood for: numbers, the privacy notice, or its empty state. */
export type CardExpectation =
  | {
      state: 'numbers';
      listLabel: string;
      numbers: ShownNumber[];
      summary?: string;
    }
  | { state: 'suppressed' }
  | { state: 'empty'; text: string };

/**
 * Asserts that a card shows the period and exactly the expected numbers (value and detail line),
 * or the privacy notice, or its empty state.
 */
export async function expectCard(
  page: Page,
  title: string,
  period: Period,
  expected: CardExpectation,
  periodLabel = `${period.from} to ${period.to} (UTC)`,
): Promise<void> {
  const card = cardTitled(page, title);
  await expect(card).toHaveCount(1);
  await expect(card).toContainText(periodLabel);
  await expect(
    card.getByRole('progressbar', { name: `Loading ${title}` }),
  ).toHaveCount(0);
  if (expected.state === 'suppressed') {
    await expect(card).toContainText('Hidden for privacy: fewer than');
    await expect(card.locator('dl')).toHaveCount(0);
    return;
  }
  if (expected.state === 'empty') {
    await expect(card).toContainText(expected.text);
    return;
  }
  if (expected.summary) {
    await expect(card).toContainText(expected.summary);
  }
  for (const number of expected.numbers) {
    const stat = statIn(card, expected.listLabel, number.label);
    await expect(stat, `"${number.label}" on the ${title} card`).toHaveCount(1);
    const values = stat.locator('dd');
    await expect(
      values.first(),
      `value of "${number.label}" on the ${title} card`,
    ).toHaveText(number.value);
    if (number.detail !== undefined) {
      await expect(
        values.nth(1),
        `detail of "${number.label}" on the ${title} card`,
      ).toHaveText(number.detail);
    }
  }
}

/** Saves a full-page screenshot under e2e-artifacts/screenshots and attaches it to the report. */
export async function screenshot(
  page: Page,
  testInfo: TestInfo,
  name: string,
): Promise<void> {
  const file = path.join(artifactsDir, 'screenshots', `${name}.png`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(name, { path: file, contentType: 'image/png' });
}
