import {
  ACTIVITY_COLUMNS,
  TOKEN_COLUMNS,
  UsageActivityDailyRow,
  UsageModelDailyRow,
  UsageToolDailyRow,
  toNumber,
} from '../store/tables';
import { UsageVector, emptyTokens, emptyUsageVector } from './UsageVector';

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
  'sessions',
];

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

/**
 * Reconciles one user-day: per provider, the rows of the highest-priority source present, summed
 * over the user's identities and grouped by repository ('' when unknown). Nothing is counted twice:
 * a lower-priority source of the same provider is left out entirely.
 */
export function reconcileUserDay(raw: RawUserDay): Map<string, UsageVector> {
  const chosen = new Map<string, string>();
  for (const row of [...raw.activity, ...raw.models, ...raw.tools]) {
    const current = chosen.get(row.provider);
    if (
      current === undefined ||
      rank(row.source) < rank(current) ||
      (rank(row.source) === rank(current) && row.source < current)
    ) {
      chosen.set(row.provider, row.source);
    }
  }
  const isChosen = (row: { provider: string; source: string }) =>
    chosen.get(row.provider) === row.source;

  const byRepository = new Map<string, UsageVector>();
  const vectorFor = (repository: string) => {
    let vector = byRepository.get(repository);
    if (!vector) {
      vector = emptyUsageVector();
      byRepository.set(repository, vector);
    }
    return vector;
  };

  for (const row of raw.activity.filter(isChosen)) {
    const vector = vectorFor(row.repository);
    for (const column of ACTIVITY_COLUMNS) {
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
  for (const row of raw.tools.filter(isChosen)) {
    const vector = vectorFor(row.repository);
    const counts = vector.tools.get(row.tool) ?? { accepted: 0, rejected: 0 };
    counts.accepted += toNumber(row.accepted);
    counts.rejected += toNumber(row.rejected);
    vector.tools.set(row.tool, counts);
  }
  return byRepository;
}
