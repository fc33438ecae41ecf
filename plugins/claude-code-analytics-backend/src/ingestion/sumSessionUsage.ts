import { Knex } from 'knex';
import {
  lockKeysForTransaction,
  SESSION_SUMS_LOCK,
} from '../store/lockForTransaction';
import { toNumber } from '../store/tables';
import { PricingOptions } from './PricingOptions';
import { SessionGroup, sessionGroupKey } from './sessionGroup';
import { GroupTotals, readGroupTotals } from './sessionTotals';
import { ModelUsage, UsageDay } from './types';
import { writeUsageDays } from './writeUsageDays';

/** The source id under which merged session-level usage is reconciled. */
export const SESSIONS_SOURCE = 'sessions';

export { sessionGroupKey } from './sessionGroup';
export type { SessionGroup } from './sessionGroup';

const TOKEN_MEASURES = {
  tokens_input: 'input',
  tokens_output: 'output',
  tokens_cache_read: 'cacheRead',
  tokens_cache_creation: 'cacheCreation',
} as const;

/**
 * Sums session-level data of an identity-day group into a usage day of the `sessions` source.
 *
 * Activity (sessions, lines, commits, pull requests, active time, edit decisions) comes from OTLP
 * metric points; without them, sessions are the distinct sessions of the requests. Tokens and cost
 * come from the merged requests (OTLP `api_request` events, transcripts, imports); only when a group
 * has no request at all do the OTLP token and cost metrics stand in, so that the same tokens are
 * never taken from both. Prompts, API errors and tool runs come from the session events; API
 * requests are counted only when their event came over OTLP, as errors do, so that the two make a
 * rate.
 */
function sumSessionUsage(group: SessionGroup, rows: GroupTotals): UsageDay {
  const { requestModels, requestSessions, otlpRequests, points, events } = rows;

  const measure = (name: string) =>
    points
      .filter(p => p.measure === name)
      .reduce((sum, p) => sum + toNumber(p.delta), 0);
  const toolDecisions: Record<string, { accepted: number; rejected: number }> =
    {};
  for (const point of points) {
    if (
      point.measure === 'tool_accepted' ||
      point.measure === 'tool_rejected'
    ) {
      const counts = toolDecisions[point.tool] ?? { accepted: 0, rejected: 0 };
      counts[point.measure === 'tool_accepted' ? 'accepted' : 'rejected'] +=
        Math.round(toNumber(point.delta));
      toolDecisions[point.tool] = counts;
    }
  }

  let models: ModelUsage[] = requestModels.map(m => ({
    model: m.model,
    tokens: {
      input: toNumber(m.input),
      output: toNumber(m.output),
      cacheRead: toNumber(m.cacheRead),
      cacheCreation: toNumber(m.cacheCreation),
    },
    // The client's figure when every request of the model came with one, else the price table.
    costMicros:
      toNumber(m.withCost) === toNumber(m.requests)
        ? toNumber(m.reported)
        : undefined,
  }));
  if (models.length === 0) {
    const byModel = new Map<string, ModelUsage>();
    for (const point of points) {
      const type = TOKEN_MEASURES[point.measure as keyof typeof TOKEN_MEASURES];
      if (!type && point.measure !== 'cost_usd') {
        continue;
      }
      const usage = byModel.get(point.model) ?? {
        model: point.model,
        tokens: { input: 0, output: 0, cacheRead: 0, cacheCreation: 0 },
        costMicros: 0,
      };
      if (type) {
        usage.tokens[type] += Math.round(toNumber(point.delta));
      } else {
        usage.costMicros! += Math.round(toNumber(point.delta) * 1e6);
      }
      byModel.set(point.model, usage);
    }
    models = [...byModel.values()];
  }

  const eventCount = (kind: string) =>
    events
      .filter(e => e.kind === kind)
      .reduce((sum, e) => sum + toNumber(e.events), 0);
  const toolResults: Record<string, { succeeded: number; failed: number }> = {};
  for (const event of events) {
    if (event.kind === 'tool_result') {
      const counts = toolResults[event.tool] ?? { succeeded: 0, failed: 0 };
      // A boolean on PostgreSQL, 1 or 0 on SQLite.
      counts[event.success ? 'succeeded' : 'failed'] += toNumber(event.events);
      toolResults[event.tool] = counts;
    }
  }

  const hasMetrics = points.length > 0;
  const sessions = hasMetrics
    ? Math.round(measure('sessions'))
    : requestSessions;
  const activity = {
    sessions,
    activeSeconds: Math.round(measure('active_seconds')),
    linesAdded: Math.round(measure('lines_added')),
    linesRemoved: Math.round(measure('lines_removed')),
    commits: Math.round(measure('commits')),
    pullRequests: Math.round(measure('pull_requests')),
    toolDecisions,
    prompts: eventCount('user_prompt'),
    promptCharacters: events
      .filter(e => e.kind === 'user_prompt')
      .reduce((sum, e) => sum + toNumber(e.promptCharacters), 0),
    apiRequests: otlpRequests,
    apiErrors: eventCount('api_error'),
    toolResults,
  };
  const empty =
    !hasMetrics && requestModels.length === 0 && events.length === 0;
  return {
    ...group,
    // An empty day replaces (removes) what the sessions source held for this key before.
    activity: empty ? undefined : activity,
    models,
  };
}

/**
 * Re-sums session-level groups into the `sessions` source and queues their rollups.
 *
 * The session data is read and the sums written in one transaction, holding a lock per group on
 * PostgreSQL (SQLite runs one transaction at a time): two re-sums of a group at once (the rollups'
 * and an import's, or two replicas') could otherwise each read the session data, and the one that
 * read it first write last, its older sums replacing newer ones with nothing queued to mend them.
 */
export async function writeSessionUsage(
  knex: Knex,
  groups: SessionGroup[],
  pricing: PricingOptions,
): Promise<void> {
  const unique = new Map(groups.map(g => [sessionGroupKey(g), g]));
  if (unique.size === 0) {
    return;
  }
  await knex.transaction(async tx => {
    await lockKeysForTransaction(tx, SESSION_SUMS_LOCK, [...unique.keys()]);
    const rows = await readGroupTotals(tx, [...unique.values()]);
    const days = [...unique].map(([key, group]) =>
      sumSessionUsage(group, rows.get(key)!),
    );
    await writeUsageDays(tx, SESSIONS_SOURCE, days, pricing);
  });
}
