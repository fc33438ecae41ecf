import fs from 'fs';
import path from 'path';
import { readCsv } from './readCsv';

/**
 * Where Apache DevLake's DORA e2e fixtures are read from (in place, never copied): the
 * workplace's shared fixtures next to the repository, or `DEVLAKE_DORA_FIXTURES`.
 */
export const DEVLAKE_DORA_FIXTURES =
  process.env.DEVLAKE_DORA_FIXTURES ??
  path.resolve(__dirname, '../../../../../../shared/fixtures/devlake-dora');

/** Whether the fixtures are there; says so on the console when they are not. */
export function hasDevlakeFixtures(): boolean {
  if (fs.existsSync(DEVLAKE_DORA_FIXTURES)) {
    return true;
  }
  // eslint-disable-next-line no-console
  console.warn(
    `Skipping the Apache DevLake DORA conformance tests: no fixtures at ${DEVLAKE_DORA_FIXTURES} (set DEVLAKE_DORA_FIXTURES to run them).`,
  );
  return false;
}

/** One table of a fixture folder. */
export function readDevlakeTable(
  relativePath: string,
): Array<Record<string, string>> {
  return readCsv(path.join(DEVLAKE_DORA_FIXTURES, relativePath));
}

/**
 * A DevLake timestamp as ISO 8601: ISO values pass through, MySQL-style `2023-4-11 4:51:47`
 * (UTC in the fixtures) is padded and marked UTC; empty is undefined.
 */
export function devlakeTime(value: string): string | undefined {
  if (value === '') {
    return undefined;
  }
  const loose = value.match(
    /^(\d{4})-(\d{1,2})-(\d{1,2})[ T](\d{1,2}):(\d{2}):(\d{2})$/,
  );
  if (!loose) {
    return value;
  }
  const [, y, mo, d, h, mi, s] = loose;
  const pad = (n: string) => n.padStart(2, '0');
  return `${y}-${pad(mo)}-${pad(d)}T${pad(h)}:${mi}:${s}Z`;
}

/**
 * DevLake's `computeTimeSpan`: minutes rounded up, and nil only when the rounded value is
 * negative (so a span between -1 and 0 minutes is 0).
 */
export function devlakeMinutes(ms: number): number | undefined {
  const minutes = Math.ceil(ms / 60_000);
  return minutes < 0 ? undefined : minutes + 0;
}

/** Our span in DevLake's unit: minutes rounded up. */
export function ceilMinutes(ms: number | undefined): number | undefined {
  return ms === undefined ? undefined : Math.ceil(ms / 60_000);
}
