import { SESSIONS_SOURCE } from '../ingestion/sumSessionUsage';
import {
  ACTIVITY_COLUMNS,
  SESSION_ACTIVITY_COLUMNS,
  SESSION_TOOL_COLUMNS,
  TOKEN_COLUMNS,
  TOOL_COLUMNS,
  UsageActivityDailyRow,
  UsageModelDailyRow,
  UsageToolDailyRow,
  toNumber,
} from '../store/tables';
import {
  UsageVector,
  emptyTokens,
  emptyToolCounts,
  emptyUsageVector,
} from './UsageVector';

/**
 * Which source counts when several sources describe the same provider on the same user-day.
 * Daily aggregates of the Admin API are authoritative for first-party usage; imports and the demo
 * are daily aggregates too; session-level data (OTLP and transcripts, merged by session and request
 * id before they get here) fills what no daily source covers (Bedrock, Vertex, subscriptions).
 *
 * A Console export snapshot (`console`) is a month-to-date total that cannot be split into days: it
 * holds every day it covers (its totals on the as-of day, empty markers before), or the usage of the
 * other days would be counted with it. It is first here, and the Admin API keeps its authority at
 * import: a snapshot is accepted only for days no other source reports first-party usage on.
 */
export const SOURCE_PRIORITY = [
  'console',
  'admin-api',
  'import',
  'demo',
  SESSIONS_SOURCE,
];

/** Activity measures every source may have; the rest only session-level data has. */
const DAILY_ACTIVITY_COLUMNS = ACTIVITY_COLUMNS.filter(
  column => !(SESSION_ACTIVITY_COLUMNS as readonly string[]).includes(column),
);
const DAILY_TOOL_COLUMNS = TOOL_COLUMNS.filter(
  column => !(SESSION_TOOL_COLUMNS as readonly string[]).includes(column),
);

function rank(source: string): number {
  const index = SOURCE_PRIORITY.indexOf(source);
  return index === -1 ? SOURCE_PRIORITY.length : index;
}

/** Raw rows of every identity of one user on one day. */
export type RawUserDay = {
  activity: UsageActivityDailyRow[];
  models: UsageModelDailyRow[];
  tools: UsageToolDailyRow[];
};

type SourceRow = { provider: string; source: string };

/**
 * Reconciles one user-day: per provider, the rows of the highest-priority source present, summed
 * over the user's identities and grouped by repository ('' when unknown). Nothing is counted twice:
 * a lower-priority source of the same provider is left out entirely.
 *
 * Except for what only session-level data knows (prompts, API requests and errors, tool runs:
 * SESSION_ACTIVITY_COLUMNS and SESSION_TOOL_COLUMNS): those come from the `sessions` source of the
 * provider whenever it has rows, so a user-day whose other usage the Admin API, an import or the
 * demo describes still has them. Each measure still comes from exactly one source per provider.
 */
export function reconcileUserDay(raw: RawUserDay): Map<string, UsageVector> {
  const chosen = new Map<string, string>();
  const withSessions = new Set<string>();
  for (const row of [...raw.activity, ...raw.models, ...raw.tools]) {
    const current = chosen.get(row.provider);
    if (
      current === undefined ||
      rank(row.source) < rank(current) ||
      (rank(row.source) === rank(current) && row.source < current)
    ) {
      chosen.set(row.provider, row.source);
    }
    if (row.source === SESSIONS_SOURCE) {
      withSessions.add(row.provider);
    }
  }
  const isChosen = (row: SourceRow) => chosen.get(row.provider) === row.source;
  const isChosenForSessionMeasures = (row: SourceRow) =>
    withSessions.has(row.provider)
      ? row.source === SESSIONS_SOURCE
      : isChosen(row);

  const byRepository = new Map<string, UsageVector>();
  const vectorFor = (repository: string) => {
    let vector = byRepository.get(repository);
    if (!vector) {
      vector = emptyUsageVector();
      byRepository.set(repository, vector);
    }
    return vector;
  };
  /**
   * The columns a row gives: all of a chosen row; of a row chosen for the session measures alone,
   * only those, and only when it has any (so that no empty repository appears).
   */
  const columnsOf = <C extends string>(
    row: SourceRow & Partial<Record<C, unknown>>,
    daily: readonly C[],
    session: readonly C[],
  ): C[] => {
    const sessionColumns = isChosenForSessionMeasures(row) ? session : [];
    if (isChosen(row)) {
      return [...daily, ...sessionColumns];
    }
    return sessionColumns.some(column => toNumber(row[column]) !== 0)
      ? [...sessionColumns]
      : [];
  };

  for (const row of raw.activity) {
    const columns = columnsOf(
      row,
      DAILY_ACTIVITY_COLUMNS,
      SESSION_ACTIVITY_COLUMNS,
    );
    if (columns.length === 0) {
      continue;
    }
    const vector = vectorFor(row.repository);
    for (const column of columns) {
      vector.activity[column] += toNumber(row[column]);
    }
  }
  for (const row of raw.models.filter(isChosen)) {
    const vector = vectorFor(row.repository);
    const tokens = vector.models.get(row.model) ?? emptyTokens();
    for (const column of TOKEN_COLUMNS) {
      tokens[column] += toNumber(row[column]);
    }
    vector.models.set(row.model, tokens);
  }
  for (const row of raw.tools) {
    const columns = columnsOf(row, DAILY_TOOL_COLUMNS, SESSION_TOOL_COLUMNS);
    if (columns.length === 0) {
      continue;
    }
    const vector = vectorFor(row.repository);
    const counts = vector.tools.get(row.tool) ?? emptyToolCounts();
    for (const column of columns) {
      counts[column] += toNumber(row[column]);
    }
    vector.tools.set(row.tool, counts);
  }
  return byRepository;
}
