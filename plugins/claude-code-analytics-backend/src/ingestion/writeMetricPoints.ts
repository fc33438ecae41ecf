import { createHash } from 'crypto';
import { DateTime } from 'luxon';
import { Knex } from 'knex';
import { normalizeIdentity, normalizeRepository } from './normalizeIdentity';
import { PricingOptions } from './PricingOptions';
import { SessionGroup, sessionGroupKey, writeSessionUsage } from './sumSessionUsage';

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

/**
 * Stores OTLP metric points of Claude Code sessions and re-sums the affected identity-days.
 *
 * A point is keyed by its series and interval: a batch the exporter delivers twice is stored once.
 * Delta points count as they are; a cumulative point counts as its increase over the previous point
 * of its series (a value below the previous one is a restart and counts whole).
 *
 * @returns the number of points stored (new ones).
 */
export async function writeMetricPoints(
  knex: Knex,
  points: MetricPointInput[],
  pricing: PricingOptions,
): Promise<number> {
  const now = new Date();
  const affected = new Map<string, SessionGroup>();
  let stored = 0;
  const sorted = [...points].sort((a, b) =>
    BigInt(a.timeUnixNano) < BigInt(b.timeUnixNano) ? -1 : 1,
  );
  await knex.transaction(async tx => {
    for (const point of sorted) {
      const measure = measureOf(point);
      if (!measure) {
        continue;
      }
      const seriesHash = createHash('sha256')
        .update(point.seriesKey)
        .digest('hex');
      const known = await tx('session_metric_points')
        .first('series_hash')
        .where({
          series_hash: seriesHash,
          start_nano: point.startTimeUnixNano,
          time_nano: point.timeUnixNano,
        });
      if (known) {
        continue;
      }
      let delta = point.value;
      if (point.temporality === 'cumulative') {
        const previous = await tx('session_metric_points')
          .first('value')
          .where('series_hash', seriesHash)
          .where('time_nano', '<', point.timeUnixNano)
          .orderBy('time_nano', 'desc');
        if (previous && Number(previous.value) <= point.value) {
          delta = point.value - Number(previous.value);
        }
      }
      const group: SessionGroup = {
        identity: otlpIdentity(point.attributes),
        date: dayOfNano(point.timeUnixNano),
        provider: point.attributes['anthropic.provider'] || 'firstParty',
        repository: otlpRepository(point.attributes),
      };
      await tx('session_metric_points').insert({
        series_hash: seriesHash,
        start_nano: point.startTimeUnixNano,
        time_nano: point.timeUnixNano,
        session_id: point.attributes['session.id'] ?? '',
        ...group,
        measure,
        tool: point.attributes.tool_name ?? '',
        model: point.attributes.model ?? '',
        value: point.value,
        delta,
        received_at: now,
      });
      affected.set(sessionGroupKey(group), group);
      stored += 1;
    }
  });
  if (affected.size > 0) {
    await writeSessionUsage(knex, [...affected.values()], pricing);
  }
  return stored;
}
