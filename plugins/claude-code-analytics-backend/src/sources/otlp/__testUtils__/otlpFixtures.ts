import fs from 'node:fs';
import path from 'node:path';

/**
 * Real captures of the Claude Code CLI's OTLP export, shared by this workplace and read in place;
 * the project's own checkout does not hold them, so tests that need them skip without them.
 */
export const otlpFixturesDir = path.resolve(
  __dirname,
  '../../../../../../../shared/fixtures/claude-code-otlp',
);

const fixturesPresent = fs.existsSync(otlpFixturesDir);
if (!fixturesPresent) {
  // eslint-disable-next-line no-console
  console.warn(
    `Skipping tests on captured Claude Code OTLP exports: ${otlpFixturesDir} not found`,
  );
}

/** `describe` when the captures are present, `describe.skip` otherwise. */
export const describeIfFixtures = fixturesPresent ? describe : describe.skip;

/** The bytes of one capture, e.g. `ada.metrics.json` or `grace.logs.pb`. */
export function readOtlpFixture(name: string): Buffer {
  return fs.readFileSync(path.join(otlpFixturesDir, name));
}

/** The two captured sessions: the same work sent as OTLP/JSON (ada) and OTLP/protobuf (grace). */
export const capturedSessions = [
  {
    user: 'ada',
    email: 'ada@example.com',
    repository: 'acme/payments',
    contentType: 'application/json',
    metricsFile: 'ada.metrics.json',
    logsFile: 'ada.logs.json',
  },
  {
    user: 'grace',
    email: 'grace@example.com',
    repository: 'acme/web',
    contentType: 'application/x-protobuf',
    metricsFile: 'grace.metrics.pb',
    logsFile: 'grace.logs.pb',
  },
];
