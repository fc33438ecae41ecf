import { defineConfig } from '@playwright/test';
import path from 'node:path';
import { storageStatePath } from './src/pages';

const artifactsDir =
  process.env.E2E_ARTIFACTS_DIR ??
  path.resolve(process.cwd(), '../../e2e-artifacts');

/**
 * The end-to-end tests drive Debian's Chromium (never a browser Playwright downloads) against the
 * demo that scripts/e2e.sh starts. One worker: the demo's dev servers already use both cores.
 */
export default defineConfig({
  testDir: './src',
  outputDir: path.join(artifactsDir, 'test-results'),
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: Boolean(process.env.CI),
  timeout: 180_000,
  expect: { timeout: 30_000 },
  reporter: [
    ['list'],
    [
      'html',
      { outputFolder: path.join(artifactsDir, 'report'), open: 'never' },
    ],
  ],
  use: {
    baseURL: process.env.E2E_APP_URL ?? 'http://localhost:3000',
    browserName: 'chromium',
    viewport: { width: 1440, height: 1000 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [
    { name: 'sign-in', testMatch: '*.setup.ts' },
    {
      name: 'chromium',
      testMatch: '*.spec.ts',
      dependencies: ['sign-in'],
      use: { storageState: storageStatePath },
    },
  ],
});
