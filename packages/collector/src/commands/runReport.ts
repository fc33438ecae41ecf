import type { CollectorContext } from '../CollectorContext';
import { buildDailyReport } from '../report/buildDailyReport';
import { formatReportTable } from '../report/formatReportTable';
import { TranscriptReader } from '../transcripts/TranscriptReader';
import { type CommonOptions, configDirsOf } from './commonOptions';

/**
 * Options of the `report` command.
 *
 * @public
 */
export type ReportOptions = CommonOptions & {
  since?: string;
  until?: string;
  json?: boolean;
};

/**
 * Accepts `YYYY-MM-DD` and ccusage's `YYYYMMDD`. Luxon is only loaded for these flags (it costs
 * several ms to load).
 */
function parseDay(value: string | undefined, flag: string): string | undefined {
  if (value === undefined) {
    return undefined;
  }
  const { DateTime }: typeof import('luxon') = require('luxon');
  const date = DateTime.fromISO(value, { zone: 'utc' });
  if (!date.isValid || !/^\d{4}-?\d{2}-?\d{2}$/.test(value)) {
    throw new Error(`${flag} must be a day (YYYY-MM-DD), got "${value}"`);
  }
  return date.toISODate()!;
}

/**
 * The `report` command: daily usage per model of every transcript, as a table or JSON.
 *
 * @public
 */
export async function runReport(
  options: ReportOptions,
  context: CollectorContext,
): Promise<void> {
  const since = parseDay(options.since, '--since');
  const until = parseDay(options.until, '--until');
  const reader = TranscriptReader.create({
    configDirs: configDirsOf(options, context),
    workerScript: context.scanWorkerScript,
  });
  const scan = await reader.readAll();
  const report = buildDailyReport(
    scan.usages.map(found => found.usage),
    { since, until },
  );
  if (options.json) {
    context.stdout(`${JSON.stringify(report, undefined, 2)}\n`);
  } else {
    context.stdout(formatReportTable(report));
  }
  if (scan.malformedLines > 0) {
    context.stderr(
      `Skipped ${scan.malformedLines} malformed line(s) in ${scan.files} file(s).\n`,
    );
  }
}
