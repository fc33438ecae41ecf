import { InputError } from '@backstage/errors';
import { DateTime } from 'luxon';
import { Knex } from 'knex';
import { enqueueUserDays, QueuedDay } from '../../rollups/rollupQueue';
import { chunked } from '../../store/chunked';
import { toNumber, UsageActivityDailyRow } from '../../store/tables';
import { ImportResult } from '../importRecords';
import { normalizeIdentity } from '../normalizeIdentity';
import { PricingOptions } from '../PricingOptions';
import { UsageDay } from '../types';
import { writeUsageDays } from '../writeUsageDays';
import { ConsoleMemberTotals, parseConsoleExport } from './parseConsoleExport';

/** The source id of Console export snapshots. */
export const CONSOLE_SOURCE = 'console';

/** The model name Console spend is shown under: the export has no per-model breakdown. */
export const CONSOLE_EXPORT_MODEL = 'console-export';

/** The Console reports first-party (Anthropic API) usage only. */
const PROVIDER = 'firstParty';

const USAGE_TABLES = [
  'usage_activity_daily',
  'usage_model_daily',
  'usage_tool_daily',
] as const;

type StoredSnapshot = {
  identity: string;
  month: string;
  as_of: string;
  member: string;
  spend_micros: number;
  lines_accepted: number;
  sessions: number | null;
  lines_removed: number | null;
  commits: number | null;
  pull_requests: number | null;
  imported_at: Date;
};

function snapshotRow(
  identity: string,
  month: string,
  asOf: string,
  row: ConsoleMemberTotals,
  now: Date,
): StoredSnapshot {
  return {
    identity,
    month,
    as_of: asOf,
    member: row.member,
    spend_micros: row.spendMicros,
    lines_accepted: row.linesAccepted,
    sessions: row.sessions ?? null,
    lines_removed: row.linesRemoved ?? null,
    commits: row.commits ?? null,
    pull_requests: row.pullRequests ?? null,
    imported_at: now,
  };
}

function sameSnapshot(a: StoredSnapshot, b: StoredSnapshot): boolean {
  const nullable = (value: unknown) =>
    value === null || value === undefined ? null : toNumber(value);
  return (
    a.as_of === b.as_of &&
    toNumber(a.spend_micros) === toNumber(b.spend_micros) &&
    toNumber(a.lines_accepted) === toNumber(b.lines_accepted) &&
    (['sessions', 'lines_removed', 'commits', 'pull_requests'] as const).every(
      column => nullable(a[column]) === nullable(b[column]),
    )
  );
}

/** Whether a snapshot has usage, and so holds the days it covers. */
function holdsDays(snapshot: StoredSnapshot): boolean {
  return (
    [
      snapshot.spend_micros,
      snapshot.lines_accepted,
      snapshot.sessions,
      snapshot.lines_removed,
      snapshot.commits,
      snapshot.pull_requests,
    ].reduce<number>((sum, value) => sum + toNumber(value), 0) > 0
  );
}

/** The days from `from` to `to`, both included. */
function daysBetween(from: string, to: string): string[] {
  const days: string[] = [];
  for (
    let day = DateTime.fromISO(from, { zone: 'utc' });
    day.toISODate()! <= to;
    day = day.plus({ days: 1 })
  ) {
    days.push(day.toISODate()!);
  }
  return days;
}

function dayAfter(date: string): string {
  return DateTime.fromISO(date, { zone: 'utc' }).plus({ days: 1 }).toISODate()!;
}

function spanOf(dates: string[]): string {
  const sorted = [...dates].sort();
  return sorted[0] === sorted[sorted.length - 1]
    ? sorted[0]
    : `${sorted[0]} to ${sorted[sorted.length - 1]}`;
}

/** First-party usage of other sources per identity: the days and sources that have some. */
async function readOtherUsage(
  tx: Knex.Transaction,
  identities: string[],
  from: string,
  to: string,
): Promise<Map<string, Array<{ date: string; source: string }>>> {
  const byIdentity = new Map<string, Array<{ date: string; source: string }>>();
  for (const chunk of chunked(identities, 500)) {
    for (const table of USAGE_TABLES) {
      const rows = await tx(table)
        .distinct('identity', 'date', 'source')
        .whereIn('identity', chunk)
        .where('provider', PROVIDER)
        .whereNot('source', CONSOLE_SOURCE)
        .whereBetween('date', [from, to]);
      for (const row of rows) {
        byIdentity.set(row.identity, [
          ...(byIdentity.get(row.identity) ?? []),
          { date: row.date, source: row.source },
        ]);
      }
    }
  }
  return byIdentity;
}

/**
 * Imports the Console's Claude Code "export users" CSV: each member's month-to-date totals as of
 * `asOf`. The file is parsed and every row validated first; a rejected row changes nothing.
 *
 * A snapshot stands for the member's first-party usage from the 1st of the month to `asOf`. It is
 * written as the `console` source: the totals on the `asOf` day and an empty marker row on each
 * day before it, through which reconciliation gives the snapshot those days alone (see
 * `SOURCE_PRIORITY`), so no later data of another source can be counted with it. A row is
 * accepted only where no other source already reports first-party usage of that user on the days
 * it would newly cover: the Admin API, imports and session-level data keep what they have.
 * Per member and month, the snapshot with the latest `asOf` is kept: importing the same file again
 * changes nothing, a later export replaces the stored one, an older one is refused.
 *
 * @throws InputError when the file as a whole cannot be read
 */
export async function importConsoleExport(
  knex: Knex,
  csv: string,
  options: { asOf: string; pricing: PricingOptions },
): Promise<ImportResult> {
  const { asOf, pricing } = options;
  const parsed = parseConsoleExport(csv);
  if ('reason' in parsed) {
    throw new InputError(`Console export: ${parsed.reason}`);
  }
  const month = asOf.slice(0, 7);
  const monthStart = `${month}-01`;
  const monthEnd = DateTime.fromISO(monthStart, { zone: 'utc' })
    .endOf('month')
    .toISODate()!;
  const rejected = [...parsed.rejected];
  const now = new Date();

  const accepted = await knex.transaction(async tx => {
    const identities = parsed.rows.map(row => normalizeIdentity(row.member));

    const stored = new Map<string, StoredSnapshot>();
    const userOf = new Map<string, string>();
    for (const chunk of chunked(identities, 500)) {
      for (const row of await tx('console_exports')
        .select()
        .where('month', month)
        .whereIn('identity', chunk)) {
        stored.set(row.identity, row);
      }
      for (const row of await tx('user_identities')
        .select('identity', 'user_ref')
        .whereIn('identity', chunk)) {
        userOf.set(row.identity, row.user_ref);
      }
    }
    // A member's usage may also arrive under the other identities of their catalog User.
    const identitiesOf = new Map<string, string[]>();
    for (const chunk of chunked([...new Set(userOf.values())], 500)) {
      for (const row of await tx('user_identities')
        .select('identity', 'user_ref')
        .whereIn('user_ref', chunk)) {
        identitiesOf.set(row.user_ref, [
          ...(identitiesOf.get(row.user_ref) ?? []),
          row.identity,
        ]);
      }
    }
    const related = (identity: string) => {
      const userRef = userOf.get(identity);
      return userRef ? identitiesOf.get(userRef) ?? [identity] : [identity];
    };
    const otherUsage = await readOtherUsage(
      tx,
      [...new Set(identities.flatMap(related))],
      monthStart,
      asOf,
    );

    const toWrite: Array<{
      row: ConsoleMemberTotals;
      snapshot: StoredSnapshot;
      previous?: StoredSnapshot;
    }> = [];
    let count = 0;
    parsed.rows.forEach((row, index) => {
      const identity = identities[index];
      const previous = stored.get(identity);
      const snapshot = snapshotRow(identity, month, asOf, row, now);
      if (previous && previous.as_of > asOf) {
        rejected.push({
          line: row.line,
          reason: `a later snapshot of ${month} for ${identity} (as of ${previous.as_of}) is stored: month-to-date totals only grow, so this older one is not imported`,
        });
        return;
      }
      // The days a stored snapshot holds are its own already: only the days this one adds may
      // collide. A snapshot without usage holds no days.
      const holding = previous && holdsDays(previous) ? previous : undefined;
      const from = holding ? dayAfter(holding.as_of) : monthStart;
      const collisions = holdsDays(snapshot)
        ? related(identity).flatMap(id =>
            (otherUsage.get(id) ?? []).filter(
              usage => usage.date >= from && usage.date <= asOf,
            ),
          )
        : [];
      if (collisions.length > 0) {
        const sources = [...new Set(collisions.map(c => c.source))].sort();
        const who = userOf.has(identity)
          ? `${identity} (${userOf.get(identity)})`
          : identity;
        rejected.push({
          line: row.line,
          reason: `${who} already has first-party usage from ${sources.join(
            ', ',
          )} on ${spanOf(collisions.map(c => c.date))}: ${
            holding
              ? `the stored snapshot as of ${
                  holding.as_of
                } stays and the days after it come from ${sources.join(', ')}`
              : 'those sources count for this month, the month-to-date snapshot would count that usage twice'
          }`,
        });
        return;
      }
      count += 1;
      if (!previous || !sameSnapshot(previous, snapshot)) {
        toWrite.push({ row, snapshot, previous });
      }
    });

    if (toWrite.length === 0) {
      return count;
    }
    for (const chunk of chunked(toWrite, 300)) {
      for (const table of USAGE_TABLES) {
        await tx(table)
          .where('source', CONSOLE_SOURCE)
          .whereIn(
            'identity',
            chunk.map(item => item.snapshot.identity),
          )
          .whereBetween('date', [monthStart, monthEnd])
          .delete();
      }
    }

    const markers: UsageActivityDailyRow[] = [];
    const totals: UsageDay[] = [];
    const requeued: QueuedDay[] = [];
    const markerDays = daysBetween(monthStart, asOf).slice(0, -1);
    for (const { row, snapshot, previous } of toWrite) {
      const userRef = userOf.get(snapshot.identity);
      if (!holdsDays(snapshot)) {
        // Nothing left to hold: the days the stored snapshot held go back to the other sources.
        if (previous && holdsDays(previous) && userRef) {
          requeued.push(
            ...daysBetween(monthStart, previous.as_of).map(date => ({
              ref: userRef,
              date,
            })),
          );
        }
        continue;
      }
      if (previous && userRef && previous.as_of !== asOf) {
        requeued.push({ ref: userRef, date: previous.as_of });
      }
      for (const date of markerDays) {
        markers.push({
          source: CONSOLE_SOURCE,
          identity: snapshot.identity,
          date,
          provider: PROVIDER,
          repository: '',
          variant: '',
          sessions: 0,
          active_seconds: 0,
          lines_added: 0,
          lines_removed: 0,
          commits: 0,
          pull_requests: 0,
          received_at: now,
        });
      }
      totals.push({
        identity: snapshot.identity,
        date: asOf,
        provider: PROVIDER,
        activity: {
          // The least the usage implies without a sessions column, so that the member is active.
          sessions: Math.max(row.sessions ?? 0, 1),
          activeSeconds: 0,
          linesAdded: row.linesAccepted,
          linesRemoved: row.linesRemoved ?? 0,
          commits: row.commits ?? 0,
          pullRequests: row.pullRequests ?? 0,
          toolDecisions: {},
        },
        models:
          row.spendMicros > 0
            ? [
                {
                  model: CONSOLE_EXPORT_MODEL,
                  tokens: {
                    input: 0,
                    output: 0,
                    cacheRead: 0,
                    cacheCreation: 0,
                  },
                  costMicros: row.spendMicros,
                },
              ]
            : [],
      });
    }
    for (const rows of chunked(markers, 500)) {
      await tx('usage_activity_daily').insert(rows);
    }
    await writeUsageDays(tx, CONSOLE_SOURCE, totals, pricing);
    await enqueueUserDays(tx, requeued);
    for (const chunk of chunked(toWrite, 300)) {
      await tx('console_exports')
        .insert(chunk.map(item => item.snapshot))
        .onConflict(['identity', 'month'])
        .merge();
    }
    return count;
  });

  rejected.sort((a, b) => a.line - b.line);
  return { accepted, rejected };
}
