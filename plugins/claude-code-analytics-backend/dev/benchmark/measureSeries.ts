import { Knex } from 'knex';
import { enqueueSessionGroups } from '../../src/ingestion/sessionSumQueue';
import { SessionGroup } from '../../src/ingestion/sumSessionUsage';
import {
  MetricPointInput,
  storeMetricPoints,
} from '../../src/ingestion/writeMetricPoints';
import { percentile } from './report';

/** The series of one Claude Code metrics export: the metrics and attributes the CLI sends. */
const SERIES: Array<{ metric: string; attributes: Record<string, string> }> = [
  ...['input', 'output', 'cacheRead', 'cacheCreation'].map(type => ({
    metric: 'claude_code.token.usage',
    attributes: { type, model: 'claude-sonnet-4-5' },
  })),
  {
    metric: 'claude_code.cost.usage',
    attributes: { model: 'claude-sonnet-4-5' },
  },
  ...['added', 'removed'].map(type => ({
    metric: 'claude_code.lines_of_code.count',
    attributes: { type },
  })),
  { metric: 'claude_code.active_time.total', attributes: { type: 'user' } },
];

/** Seconds between two exports of a session (the fleet exports every 5 s). */
const INTERVAL_S = 5;

export type SeriesFigures = Array<{
  temporality: MetricPointInput['temporality'];
  /** Points each series of the session had stored before the timed exports. */
  stored: number;
  exports: number;
  p50: number;
  p95: number;
}>;

/**
 * The cost of one metrics export against the length of its session: Claude Code sends delta
 * points (one per series and interval) all session long, or cumulative ones when
 * OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE says so, so a series of an 8-hour session holds
 * thousands of points. For each run, a new session's series are filled with that many points, then
 * exports of one more interval each are stored one at a time and timed, as the receiver stores
 * them (`storeMetricPoints`).
 */
export async function measureSeries(options: {
  knex: Knex;
  person: string;
  runs: Array<{
    temporality: MetricPointInput['temporality'];
    /** Points per series stored before. */
    length: number;
  }>;
  exports: number;
  log: (message: string) => void;
}): Promise<SeriesFigures> {
  const { knex, person, exports } = options;
  const run = Date.now().toString(36);
  const startNano = BigInt(Date.now() - 86_400_000) * 1_000_000n;
  // The i-th interval's points: a delta point counts its interval, a cumulative one everything
  // since the session started.
  const exportAt = (
    temporality: MetricPointInput['temporality'],
    session: string,
    i: number,
  ): MetricPointInput[] =>
    SERIES.map(({ metric, attributes }) => {
      const all = {
        ...attributes,
        'user.email': person,
        'session.id': session,
      };
      const at = (k: number) =>
        String(startNano + BigInt(k * INTERVAL_S) * 1_000_000_000n);
      const delta = temporality === 'delta';
      return {
        metric,
        value: delta ? 1 + (i % 7) : 4 * (i + 1),
        temporality,
        startTimeUnixNano: at(delta ? i : 0),
        timeUnixNano: at(i + 1),
        attributes: all,
        seriesKey: `${metric}|${JSON.stringify(all)}`,
      };
    });

  const figures: SeriesFigures = [];
  // Queued for the rollups once timed, so that the person's days stay consistent with the points.
  const touched: SessionGroup[] = [];
  for (const { temporality, length } of options.runs) {
    const session = `series-${run}-${temporality}-${length}`;
    for (let i = 0; i < length; i += 500) {
      const points = [];
      for (let k = i; k < Math.min(length, i + 500); k++) {
        points.push(...exportAt(temporality, session, k));
      }
      touched.push(...(await storeMetricPoints(knex, points)).groups);
    }
    const samples: number[] = [];
    for (let k = length; k < length + exports; k++) {
      const points = exportAt(temporality, session, k);
      const start = process.hrtime.bigint();
      const { stored, groups } = await storeMetricPoints(knex, points);
      samples.push(Number(process.hrtime.bigint() - start) / 1e6);
      touched.push(...groups);
      if (stored !== points.length) {
        throw new Error(`stored ${stored} of ${points.length} new points`);
      }
    }
    const figure = {
      temporality,
      stored: length,
      exports,
      p50: percentile(samples, 50),
      p95: percentile(samples, 95),
    };
    figures.push(figure);
    options.log(
      `metrics export (${temporality}) into a session with ${length} points per series: p50 ${figure.p50.toFixed(
        2,
      )} ms, p95 ${figure.p95.toFixed(2)} ms`,
    );
  }
  await enqueueSessionGroups(knex, touched);
  return figures;
}
