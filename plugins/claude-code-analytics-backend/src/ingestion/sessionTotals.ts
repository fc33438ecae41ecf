import { Knex } from 'knex';
import { chunked } from '../store/chunked';
import { insertRows } from '../store/insertRows';
import {
  lockForTransaction,
  SESSION_WRITES_LOCK,
} from '../store/lockForTransaction';
import { toNumber } from '../store/tables';
import { SessionGroup, sessionGroupKey } from './sessionGroup';
import { whereKeysIn } from '../store/whereKeysIn';

/**
 * Running totals of session-level data per session group (migration `20261125210000`): the writers
 * add what they store, so re-summing a group reads a few total rows instead of every request, point
 * and event of the person's day.
 */

const GROUP = ['identity', 'date', 'provider', 'repository'] as const;

/**
 * Serialises the writers of session-level data across backend replicas on PostgreSQL, for the rest
 * of the transaction: each computes what it adds to the totals from the rows it read, which another
 * replica must not change meanwhile. SQLite has one writer at a time anyway.
 */
export async function lockSessionWrites(tx: Knex.Transaction): Promise<void> {
  // Taken once per transaction: an OTLP batch stores requests, points and events in one.
  await lockForTransaction(tx, SESSION_WRITES_LOCK);
}

/** The columns of a stored request that count in the totals. */
export type RequestTotalsRow = SessionGroup & {
  session_id: string;
  model: string;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_creation_tokens: number;
  reported_cost_micros: number | null;
  sources: string;
};

const COUNTED: Array<keyof RequestTotalsRow> = [
  'identity',
  'date',
  'provider',
  'repository',
  'session_id',
  'model',
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_creation_tokens',
  'reported_cost_micros',
  'sources',
];

/** Whether two versions of a request count the same in every total (bigints may be strings). */
function countsTheSame(a: RequestTotalsRow, b: RequestTotalsRow): boolean {
  const text = (value: unknown) =>
    value === null || value === undefined ? '' : String(value);
  return COUNTED.every(column => text(a[column]) === text(b[column]));
}

/**
 * Adds stored requests to the totals: `after` rows count, `before` rows (the stored versions they
 * replace, possibly of another group) are taken back out.
 */
export async function addRequestTotals(
  tx: Knex.Transaction,
  changes: Array<{ before?: RequestTotalsRow; after: RequestTotalsRow }>,
): Promise<void> {
  const totals = new Map<string, Record<string, string | number>>();
  const sessions = new Map<string, Record<string, string | number>>();
  const count = (row: RequestTotalsRow, sign: 1 | -1) => {
    const group = {
      identity: row.identity,
      date: row.date,
      provider: row.provider,
      repository: row.repository,
    };
    const modelKey = `${sessionGroupKey(group)}\u0000${row.model}`;
    const total = totals.get(modelKey) ?? {
      ...group,
      model: row.model,
      input_tokens: 0,
      output_tokens: 0,
      cache_read_tokens: 0,
      cache_creation_tokens: 0,
      reported_cost_micros: 0,
      requests: 0,
      requests_with_cost: 0,
      otlp_requests: 0,
    };
    const add = (column: string, value: number) => {
      total[column] = (total[column] as number) + sign * value;
    };
    add('input_tokens', toNumber(row.input_tokens));
    add('output_tokens', toNumber(row.output_tokens));
    add('cache_read_tokens', toNumber(row.cache_read_tokens));
    add('cache_creation_tokens', toNumber(row.cache_creation_tokens));
    add('reported_cost_micros', toNumber(row.reported_cost_micros));
    add('requests', 1);
    add('requests_with_cost', row.reported_cost_micros === null ? 0 : 1);
    add('otlp_requests', row.sources.split(',').includes('otlp') ? 1 : 0);
    totals.set(modelKey, total);

    const sessionKey = `${sessionGroupKey(group)}\u0000${row.session_id}`;
    const session = sessions.get(sessionKey) ?? {
      ...group,
      session_id: row.session_id,
      requests: 0,
    };
    session.requests = (session.requests as number) + sign;
    sessions.set(sessionKey, session);
  };
  for (const { before, after } of changes) {
    // A request sent again unchanged (an exporter retry) changes no total.
    if (before && countsTheSame(before, after)) {
      continue;
    }
    if (before) {
      count(before, -1);
    }
    count(after, 1);
  }
  await insertRows(tx, 'session_request_totals', [...totals.values()], {
    onConflict: [...GROUP, 'model'],
    add: [
      'input_tokens',
      'output_tokens',
      'cache_read_tokens',
      'cache_creation_tokens',
      'reported_cost_micros',
      'requests',
      'requests_with_cost',
      'otlp_requests',
    ],
  });
  await addSessionCounts(tx, [...sessions.values()]);
  await insertRows(tx, 'session_request_sessions', [...sessions.values()], {
    onConflict: [...GROUP, 'session_id'],
    add: ['requests'],
  });
}

const SESSION_KEY = [...GROUP, 'session_id'] as const;

/**
 * Counts sessions that gain their first request (+1) or lose their last one (-1) in their group's
 * number of distinct sessions, from the changes about to be added to `session_request_sessions`.
 */
async function addSessionCounts(
  tx: Knex.Transaction,
  changes: Array<Record<string, string | number>>,
): Promise<void> {
  const keyOf = (row: Record<string, unknown>) =>
    `${sessionGroupKey(row as SessionGroup)}\u0000${row.session_id}`;
  const counts = new Map<string, Record<string, string | number>>();
  for (const chunk of chunked(
    changes.filter(change => change.requests !== 0),
    150,
  )) {
    const stored = new Map<string, number>();
    for (const row of await whereKeysIn(
      tx('session_request_sessions').select([...SESSION_KEY, 'requests']),
      SESSION_KEY,
      chunk.map(change => SESSION_KEY.map(column => String(change[column]))),
    )) {
      stored.set(keyOf(row), toNumber(row.requests));
    }
    for (const change of chunk) {
      const before = stored.get(keyOf(change)) ?? 0;
      const after = before + (change.requests as number);
      const delta = (after > 0 ? 1 : 0) - (before > 0 ? 1 : 0);
      if (delta === 0) {
        continue;
      }
      const groupKey = sessionGroupKey(change as unknown as SessionGroup);
      const count = counts.get(groupKey) ?? {
        identity: change.identity,
        date: change.date,
        provider: change.provider,
        repository: change.repository,
        sessions: 0,
      };
      count.sessions = (count.sessions as number) + delta;
      counts.set(groupKey, count);
    }
  }
  await insertRows(
    tx,
    'session_group_counts',
    [...counts.values()].filter(count => count.sessions !== 0),
    { onConflict: [...GROUP], add: ['sessions'] },
  );
}

/** The columns of a stored metric point that count in the totals. */
export type PointTotalsRow = SessionGroup & {
  measure: string;
  tool: string;
  model: string;
  delta: number;
};

/** Adds newly stored metric points to the totals. */
export async function addPointTotals(
  tx: Knex.Transaction,
  points: PointTotalsRow[],
): Promise<void> {
  const totals = new Map<string, PointTotalsRow>();
  for (const point of points) {
    const key = [
      sessionGroupKey(point),
      point.measure,
      point.tool,
      point.model,
    ].join('\u0000');
    const total = totals.get(key) ?? {
      identity: point.identity,
      date: point.date,
      provider: point.provider,
      repository: point.repository,
      measure: point.measure,
      tool: point.tool,
      model: point.model,
      delta: 0,
    };
    total.delta += point.delta;
    totals.set(key, total);
  }
  await insertRows(tx, 'session_point_totals', [...totals.values()], {
    onConflict: [...GROUP, 'measure', 'tool', 'model'],
    add: ['delta'],
  });
}

/** The columns of a stored session event that count in the totals. */
export type EventTotalsRow = SessionGroup & {
  kind: string;
  tool: string;
  success: boolean | null;
  prompt_length: number | null;
};

/** Adds newly stored session events to the totals. */
export async function addEventTotals(
  tx: Knex.Transaction,
  events: EventTotalsRow[],
): Promise<void> {
  const totals = new Map<string, Record<string, string | number>>();
  for (const event of events) {
    let success = -1;
    if (event.success !== null) {
      success = event.success ? 1 : 0;
    }
    const key = [sessionGroupKey(event), event.kind, event.tool, success].join(
      '\u0000',
    );
    const total = totals.get(key) ?? {
      identity: event.identity,
      date: event.date,
      provider: event.provider,
      repository: event.repository,
      kind: event.kind,
      tool: event.tool,
      success,
      events: 0,
      prompt_characters: 0,
    };
    total.events = (total.events as number) + 1;
    total.prompt_characters =
      (total.prompt_characters as number) + (event.prompt_length ?? 0);
    totals.set(key, total);
  }
  await insertRows(tx, 'session_event_totals', [...totals.values()], {
    onConflict: [...GROUP, 'kind', 'tool', 'success'],
    add: ['events', 'prompt_characters'],
  });
}

/** What a session group's usage is summed from. */
export type GroupTotals = {
  /** Per model: token sums, reported cost, requests and requests with a reported cost. */
  requestModels: Array<Record<string, any>>;
  /** Distinct sessions with requests (`session_group_counts`). */
  requestSessions: number;
  /** Requests whose `api_request` event came over OTLP, where `api_error` events come from. */
  otlpRequests: number;
  /** Metric point sums per measure, tool and model. */
  points: Array<Record<string, any>>;
  /** Session events counted by kind, tool and outcome. */
  events: Array<Record<string, any>>;
};

/**
 * Reads the totals of many groups at once: four queries per chunk of identity-days, whatever the
 * number of groups or the size of their days.
 */
export async function readGroupTotals(
  knex: Knex,
  groups: SessionGroup[],
): Promise<Map<string, GroupTotals>> {
  const result = new Map<string, GroupTotals>(
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
  const pairs = [
    ...new Map(
      groups.map(g => [`${g.identity}\u0000${g.date}`, [g.identity, g.date]]),
    ).values(),
  ];
  // Rows of other providers or repositories of the same identity-days are read and ignored.
  const target = (row: Record<string, any>) =>
    result.get(sessionGroupKey(row as SessionGroup));
  for (const chunk of chunked(pairs, 200)) {
    for (const row of await whereKeysIn(
      knex('session_request_totals').where('requests', '>', 0).select(),
      ['identity', 'date'],
      chunk,
    )) {
      const group = target(row);
      if (group) {
        group.otlpRequests += toNumber(row.otlp_requests);
        group.requestModels.push({
          model: row.model,
          input: row.input_tokens,
          output: row.output_tokens,
          cacheRead: row.cache_read_tokens,
          cacheCreation: row.cache_creation_tokens,
          reported: row.reported_cost_micros,
          requests: row.requests,
          withCost: row.requests_with_cost,
        });
      }
    }
    for (const row of await whereKeysIn(
      knex('session_group_counts').select(),
      ['identity', 'date'],
      chunk,
    )) {
      const group = target(row);
      if (group) {
        group.requestSessions = toNumber(row.sessions);
      }
    }
    for (const row of await whereKeysIn(
      knex('session_point_totals').select(),
      ['identity', 'date'],
      chunk,
    )) {
      target(row)?.points.push(row);
    }
    for (const row of await whereKeysIn(
      knex('session_event_totals').where('events', '>', 0).select(),
      ['identity', 'date'],
      chunk,
    )) {
      target(row)?.events.push({
        kind: row.kind,
        tool: row.tool,
        success:
          toNumber(row.success) === -1 ? null : toNumber(row.success) === 1,
        events: row.events,
        promptCharacters: row.prompt_characters,
      });
    }
  }
  return result;
}
