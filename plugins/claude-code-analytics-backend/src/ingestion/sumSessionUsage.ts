import { Knex } from 'knex';
import { chunked } from '../store/chunked';
import { toNumber } from '../store/tables';
import { PricingOptions } from './PricingOptions';
import { ModelUsage, UsageDay } from './types';
import { writeUsageDays } from './writeUsageDays';

/** The source id under which merged session-level usage is reconciled. */
export const SESSIONS_SOURCE = 'sessions';

/** One identity's session-level usage of one provider and repository on one UTC day. */
export type SessionGroup = {
  identity: string;
  date: string;
  provider: string;
  repository: string;
};

export const sessionGroupKey = (g: SessionGroup) =>
  [g.identity, g.date, g.provider, g.repository].join('\u0000');

const TOKEN_MEASURES = {
  tokens_input: 'input',
  tokens_output: 'output',
  tokens_cache_read: 'cacheRead',
  tokens_cache_creation: 'cacheCreation',
} as const;

type GroupRows = {
  requestModels: Array<Record<string, any>>;
  requestSessions: number;
  /** Requests whose `api_request` event came over OTLP, where `api_error` events come from. */
  otlpRequests: number;
  points: Array<Record<string, any>>;
  /** Session events counted by kind, tool and outcome. */
  events: Array<Record<string, any>>;
};

/**
 * Reads the session-level rows of many groups at once: three grouped queries per chunk of
 * identity-days, whatever the number of groups.
 */
async function readGroupRows(
  knex: Knex,
  groups: SessionGroup[],
): Promise<Map<string, GroupRows>> {
  const rows = new Map<string, GroupRows>(
    groups.map(g => [
      sessionGroupKey(g),
      {
        requestModels: [],
        requestSessions: 0,
        otlpRequests: 0,
        points: [],
        events: [],
      },
    ]),
  );
  const GROUP_COLUMNS = ['identity', 'date', 'provider', 'repository'];
  const pairs = [
    ...new Map(
      groups.map(g => [`${g.identity}\u0000${g.date}`, [g.identity, g.date]]),
    ).values(),
  ];
  // Rows of other providers or repositories of the same identity-days are read and ignored.
  const target = (row: Record<string, any>) =>
    rows.get(sessionGroupKey(row as SessionGroup));
  for (const chunk of chunked(pairs, 200)) {
    // One read of the requests, per session and model: sums per model, and distinct sessions and
    // OTLP-sent requests per group, are added up here.
    const requestRows: Array<Record<string, any>> = await knex(
      'session_requests',
    )
      .whereIn(['identity', 'date'], chunk)
      .select([
        ...GROUP_COLUMNS,
        'model',
        'session_id',
        // `sources` is a comma list of otlp, transcripts and import.
        knex.raw(
          'SUM(CASE WHEN sources LIKE ? THEN 1 ELSE 0 END) AS otlp_requests',
          ['%otlp%'],
        ),
      ])
      .sum({
        input: 'input_tokens',
        output: 'output_tokens',
        cacheRead: 'cache_read_tokens',
        cacheCreation: 'cache_creation_tokens',
        reported: 'reported_cost_micros',
      })
      .count({ requests: '*', withCost: 'reported_cost_micros' })
      .groupBy([...GROUP_COLUMNS, 'model', 'session_id']);
    const models = new Map<string, Record<string, number | string>>();
    const sessions = new Map<string, Set<string>>();
    for (const row of requestRows) {
      const group = target(row);
      if (!group) {
        continue;
      }
      const key = sessionGroupKey(row as SessionGroup);
      group.otlpRequests += toNumber(row.otlp_requests);
      const groupSessions = sessions.get(key) ?? new Set<string>();
      groupSessions.add(row.session_id);
      sessions.set(key, groupSessions);
      const modelKey = `${key}\u0000${row.model}`;
      const sums = models.get(modelKey);
      if (!sums) {
        const first = {
          model: row.model,
          input: toNumber(row.input),
          output: toNumber(row.output),
          cacheRead: toNumber(row.cacheRead),
          cacheCreation: toNumber(row.cacheCreation),
          reported: toNumber(row.reported),
          requests: toNumber(row.requests),
          withCost: toNumber(row.withCost),
        };
        models.set(modelKey, first);
        group.requestModels.push(first);
      } else {
        for (const column of [
          'input',
          'output',
          'cacheRead',
          'cacheCreation',
          'reported',
          'requests',
          'withCost',
        ]) {
          sums[column] = (sums[column] as number) + toNumber(row[column]);
        }
      }
    }
    for (const [key, groupSessions] of sessions) {
      rows.get(key)!.requestSessions = groupSessions.size;
    }
    for (const row of await knex('session_metric_points')
      .whereIn(['identity', 'date'], chunk)
      .select([...GROUP_COLUMNS, 'measure', 'tool', 'model'])
      .sum({ delta: 'delta' })
      .groupBy([...GROUP_COLUMNS, 'measure', 'tool', 'model'])) {
      target(row)?.points.push(row);
    }
    for (const row of await knex('session_events')
      .whereIn(['identity', 'date'], chunk)
      .select([...GROUP_COLUMNS, 'kind', 'tool', 'success'])
      .count({ events: '*' })
      .sum({ promptCharacters: 'prompt_length' })
      .groupBy([...GROUP_COLUMNS, 'kind', 'tool', 'success'])) {
      target(row)?.events.push(row);
    }
  }
  return rows;
}

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
function sumSessionUsage(group: SessionGroup, rows: GroupRows): UsageDay {
  const { requestModels, requestSessions, otlpRequests, points, events } = rows;

  const measure = (name: string) =>
    points
      .filter(p => p.measure === name)
      .reduce((sum, p) => sum + toNumber(p.delta), 0);
  const toolDecisions: Record<string, { accepted: number; rejected: number }> =
    {};
  for (const point of points) {
    if (point.measure === 'tool_accepted' || point.measure === 'tool_rejected') {
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
      const type =
        TOKEN_MEASURES[point.measure as keyof typeof TOKEN_MEASURES];
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

/** Re-sums session-level groups into the `sessions` source and queues their rollups. */
export async function writeSessionUsage(
  knex: Knex,
  groups: SessionGroup[],
  pricing: PricingOptions,
): Promise<void> {
  const unique = new Map(groups.map(g => [sessionGroupKey(g), g]));
  const rows = await readGroupRows(knex, [...unique.values()]);
  const days = [...unique].map(([key, group]) =>
    sumSessionUsage(group, rows.get(key)!),
  );
  await writeUsageDays(knex, SESSIONS_SOURCE, days, pricing);
}
