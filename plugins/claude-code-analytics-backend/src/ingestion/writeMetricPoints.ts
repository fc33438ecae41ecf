import { createHash } from 'crypto';
import { DateTime } from 'luxon';
import { Knex } from 'knex';
import { inTransaction } from '../store/inTransaction';
import { chunked } from '../store/chunked';
import { insertRows } from '../store/insertRows';
import { whereKeysIn } from '../store/whereKeysIn';
import { addPointTotals, lockSessionWrites } from './sessionTotals';
import { normalizeIdentity, normalizeRepository } from './normalizeIdentity';
import { PricingOptions } from './PricingOptions';
import {
  SessionGroup,
  sessionGroupKey,
  writeSessionUsage,
} from './sumSessionUsage';

/** The columns that identify a stored point: its series and interval. */
const POINT_KEY = ['series_hash', 'start_nano', 'time_nano'];

function pointKey(row: {
  series_hash: string;
  start_nano: string;
  time_nano: string;
}): string {
  return `${row.series_hash}|${row.start_nano}|${row.time_nano}`;
}

/** A Claude Code metric data point, as the OTLP receiver reads it. */
export type MetricPointInput = {
  metric: string;
  value: number;
  temporality: 'delta' | 'cumulative';
  startTimeUnixNano: string;
  timeUnixNano: string;
  /** Data point attributes over resource attributes, as strings. */
  attributes: Record<string, string>;
  /** Metric name and attributes that identify the series. */
  seriesKey: string;
};

const TOKEN_TYPES: Record<string, string> = {
  input: 'tokens_input',
  output: 'tokens_output',
  cacheRead: 'tokens_cache_read',
  cacheCreation: 'tokens_cache_creation',
};

/** What a point measures, or undefined for metrics the store does not keep. */
function measureOf(point: MetricPointInput): string | undefined {
  const a = point.attributes;
  switch (point.metric) {
    case 'claude_code.session.count':
      return 'sessions';
    case 'claude_code.lines_of_code.count':
      return a.type === 'removed' ? 'lines_removed' : 'lines_added';
    case 'claude_code.commit.count':
      return 'commits';
    case 'claude_code.pull_request.count':
      return 'pull_requests';
    case 'claude_code.active_time.total':
      // Time the person interacted (type user) and time the CLI worked (type cli).
      return 'active_seconds';
    case 'claude_code.code_edit_tool.decision':
      return a.decision === 'reject' ? 'tool_rejected' : 'tool_accepted';
    case 'claude_code.token.usage':
      return TOKEN_TYPES[a.type];
    case 'claude_code.cost.usage':
      return 'cost_usd';
    default:
      return undefined;
  }
}

/**
 * The identity of OTLP data: the email when the client knows it (OAuth logins, or set through
 * OTEL_RESOURCE_ATTRIBUTES), else the account or install id, which a catalog User can list in its
 * identities annotation; else the session, so that nothing is dropped.
 */
export function otlpIdentity(attributes: Record<string, string>): string {
  const identity =
    attributes['user.email'] ||
    attributes['user.account_uuid'] ||
    attributes['user.id'];
  return identity
    ? normalizeIdentity(identity)
    : `session:${attributes['session.id'] ?? 'unknown'}`;
}

/** The repository named by an OTLP resource or data point attribute, if any. */
export function otlpRepository(attributes: Record<string, string>): string {
  const repository = attributes.repo || attributes.repository;
  return repository ? normalizeRepository(repository) : '';
}

function dayOfNano(nano: string): string {
  return DateTime.fromMillis(Number(BigInt(nano) / 1_000_000n), {
    zone: 'utc',
  }).toISODate()!;
}

type PointRow = {
  series_hash: string;
  start_nano: string;
  time_nano: string;
  session_id: string;
  identity: string;
  date: string;
  provider: string;
  repository: string;
  measure: string;
  tool: string;
  model: string;
  value: number;
  delta: number;
  received_at: Date;
};

/** Nanosecond timestamps as decimal strings, compared as numbers. */
function nanoCompare(a: string, b: string): number {
  if (a.length !== b.length) {
    return a.length - b.length;
  }
  if (a === b) {
    return 0;
  }
  return a < b ? -1 : 1;
}

/**
 * Stores OTLP metric points of Claude Code sessions and re-sums the affected identity-days.
 *
 * A point is keyed by its series and interval: a batch the exporter delivers twice is stored once.
 * Delta points count as they are; a cumulative point counts as its increase over the previous point
 * of its series (a value below the previous one is a restart and counts whole). Works on whole
 * batches: a few queries per batch, whatever its number of points.
 *
 * @returns the number of points stored (new ones).
 */
export async function writeMetricPoints(
  knex: Knex,
  points: MetricPointInput[],
  pricing: PricingOptions,
): Promise<number> {
  const { stored, groups } = await storeMetricPoints(knex, points);
  if (groups.length > 0) {
    await writeSessionUsage(knex, groups, pricing);
  }
  return stored;
}

/**
 * Stores metric points as `writeMetricPoints` does, without re-summing: for callers that re-sum the
 * returned session groups later or together with other data (the OTLP receiver queues them).
 */
export async function storeMetricPoints(
  knex: Knex,
  points: MetricPointInput[],
): Promise<{ stored: number; groups: SessionGroup[] }> {
  const now = new Date();
  const candidates = new Map<string, PointRow & { cumulative: boolean }>();
  for (const point of points) {
    const measure = measureOf(point);
    if (!measure) {
      continue;
    }
    const seriesHash = createHash('sha256')
      .update(point.seriesKey)
      .digest('hex');
    const row = {
      series_hash: seriesHash,
      start_nano: point.startTimeUnixNano,
      time_nano: point.timeUnixNano,
      session_id: point.attributes['session.id'] ?? '',
      identity: otlpIdentity(point.attributes),
      date: dayOfNano(point.timeUnixNano),
      provider: point.attributes['anthropic.provider'] || 'firstParty',
      repository: otlpRepository(point.attributes),
      measure,
      tool: point.attributes.tool_name ?? '',
      model: point.attributes.model ?? '',
      value: point.value,
      delta: point.value,
      received_at: now,
      cumulative: point.temporality === 'cumulative',
    };
    // The same point twice in one batch is one point.
    candidates.set(pointKey(row), row);
  }
  if (candidates.size === 0) {
    return { stored: 0, groups: [] };
  }

  const affected = new Map<string, SessionGroup>();
  let stored = 0;
  await inTransaction(knex, async tx => {
    await lockSessionWrites(tx);
    // Points already stored are skipped (an exporter's retry).
    const known = new Set<string>();
    for (const chunk of chunked([...candidates.values()], 300)) {
      for (const row of await whereKeysIn(
        tx('session_metric_points').select(POINT_KEY),
        POINT_KEY,
        chunk.map(r => [r.series_hash, r.start_nano, r.time_nano]),
      )) {
        known.add(pointKey(row));
      }
    }
    const fresh = [...candidates.entries()]
      .filter(([key]) => !known.has(key))
      .map(([, row]) => row)
      .sort((a, b) => nanoCompare(a.time_nano, b.time_nano));

    // The base of a cumulative point's increase is the latest earlier point of its series: the
    // series' head (its latest point stored) when every new point comes after it, as exports
    // arrive in order; else the whole series is read: for a point arriving late, or a series
    // without a head (a new one).
    const heads = new Map<string, { time: string; value: number }>();
    const cumulativeSeries = [
      ...new Set(fresh.filter(r => r.cumulative).map(r => r.series_hash)),
    ];
    for (const chunk of chunked(cumulativeSeries, 500)) {
      for (const row of await tx('session_metric_heads')
        .select('series_hash', 'time_nano', 'value')
        .whereIn('series_hash', chunk)) {
        heads.set(row.series_hash, {
          time: row.time_nano,
          value: Number(row.value),
        });
      }
    }
    const readWhole = [
      ...new Set(
        fresh
          .filter(r => {
            const head = heads.get(r.series_hash);
            return (
              r.cumulative &&
              (!head || nanoCompare(r.time_nano, head.time) <= 0)
            );
          })
          .map(r => r.series_hash),
      ),
    ];
    const bySeries = new Map<string, Array<{ time: string; value: number }>>(
      [...heads].map(([series, head]) => [series, [head]]),
    );
    readWhole.forEach(series => bySeries.set(series, []));
    for (const chunk of chunked(readWhole, 300)) {
      for (const row of await tx('session_metric_points')
        .select('series_hash', 'time_nano', 'value')
        .whereIn('series_hash', chunk)) {
        bySeries
          .get(row.series_hash)!
          .push({ time: row.time_nano, value: Number(row.value) });
      }
    }
    const rows: PointRow[] = [];
    for (const { cumulative, ...row } of fresh) {
      const list = bySeries.get(row.series_hash) ?? [];
      if (cumulative) {
        let previous: { time: string; value: number } | undefined;
        for (const item of list) {
          if (
            nanoCompare(item.time, row.time_nano) < 0 &&
            (!previous || nanoCompare(item.time, previous.time) > 0)
          ) {
            previous = item;
          }
        }
        if (previous && previous.value <= row.value) {
          row.delta = row.value - previous.value;
        }
      }
      // Later points of this batch see this one as stored.
      list.push({ time: row.time_nano, value: row.value });
      bySeries.set(row.series_hash, list);
      rows.push(row);
      const group: SessionGroup = {
        identity: row.identity,
        date: row.date,
        provider: row.provider,
        repository: row.repository,
      };
      affected.set(sessionGroupKey(group), group);
    }
    await insertRows(tx, 'session_metric_points', rows);
    // Rows are in time order: a series' last one is its new head, unless the head is later (a
    // longer decimal is a later time). Delta series get heads too, though only cumulative points
    // read them, so that a head is the latest point of its series whatever points came before.
    const newHeads = new Map<string, Record<string, unknown>>();
    for (const row of rows) {
      newHeads.set(row.series_hash, {
        series_hash: row.series_hash,
        time_nano: row.time_nano,
        value: row.value,
      });
    }
    await insertRows(tx, 'session_metric_heads', [...newHeads.values()], {
      onConflict: ['series_hash'],
      merge: ['time_nano', 'value'],
      mergeWhere: `LENGTH(excluded.time_nano) > LENGTH(session_metric_heads.time_nano)
        OR (LENGTH(excluded.time_nano) = LENGTH(session_metric_heads.time_nano)
          AND excluded.time_nano >= session_metric_heads.time_nano)`,
    });
    await addPointTotals(tx, rows);
    stored = rows.length;
  });
  return { stored, groups: [...affected.values()] };
}
