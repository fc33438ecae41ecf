import { createHash } from 'node:crypto';
import { parseNumber, parseUnixNano, readAttributes } from './readAttributes';
import { Rejections } from './Rejections';
import { OtlpMetric, OtlpMetricsRequest, OtlpNumberDataPoint } from './types';

/**
 * One data point of a Claude Code metric, normalized.
 *
 * @public
 */
export type ClaudeCodeMetricPoint = {
  /** e.g. `claude_code.token.usage`. */
  metric: string;
  /** `sum` for counters (all Claude Code metrics); `gauge` for last-value metrics. */
  kind: 'sum' | 'gauge';
  value: number;
  /**
   * `delta`: the value is the increase over [start, time]. `cumulative`: the value is the total
   * since `startTimeUnixNano`; subtract the previous point of the same series (and start) to get
   * the increase. Gauges are reported as `cumulative`, since each point is a current value.
   */
  temporality: 'delta' | 'cumulative';
  /** Nanoseconds since the epoch, decimal; equals `timeUnixNano` when the sender left it out. */
  startTimeUnixNano: string;
  /** Nanoseconds since the epoch, decimal. */
  timeUnixNano: string;
  /** Data point attributes over resource attributes (the data point wins); all values as strings. */
  attributes: Record<string, string>;
  /**
   * A stable key of the series (64 hex characters): a hash of the metric name and its attributes,
   * leaving out `service.version`, `os.type`, `os.version` and `host.arch`. Used to turn cumulative
   * points into deltas and, with the times, to recognize a retried batch.
   */
  seriesKey: string;
};

/**
 * The result of {@link readClaudeCodeMetrics}.
 *
 * @public
 */
export type ClaudeCodeMetricsReadResult = {
  points: ClaudeCodeMetricPoint[];
  /** Data points of Claude Code metrics that could not be read. */
  rejected: number;
  /** A few distinct reasons for the rejected points. */
  rejectReasons: string[];
};

/**
 * Resource attributes describing the sending machine and CLI build. They are kept on each point but
 * left out of the series key: they never tell two series of one session apart, and a CLI upgrade
 * under a resumed session must not look like a new series.
 */
const volatileAttributes = new Set([
  'service.version',
  'os.version',
  'os.type',
  'host.arch',
]);

const METRIC_PREFIX = 'claude_code.';

/**
 * Reads the Claude Code metrics (`claude_code.*`) of an OTLP metrics export. Other metrics are
 * ignored; a Claude Code data point that cannot be read is skipped and counted, never thrown.
 *
 * @public
 */
export function readClaudeCodeMetrics(
  request: OtlpMetricsRequest,
): ClaudeCodeMetricsReadResult {
  const points: ClaudeCodeMetricPoint[] = [];
  const rejections = new Rejections();
  for (const resourceMetrics of request.resourceMetrics ?? []) {
    const resourceAttributes = readAttributes(
      resourceMetrics?.resource?.attributes,
    );
    for (const scopeMetrics of resourceMetrics?.scopeMetrics ?? []) {
      for (const metric of scopeMetrics?.metrics ?? []) {
        if (
          typeof metric?.name === 'string' &&
          metric.name.startsWith(METRIC_PREFIX)
        ) {
          readMetric(
            metric.name,
            metric,
            resourceAttributes,
            points,
            rejections,
          );
        }
      }
    }
  }
  return {
    points,
    rejected: rejections.count,
    rejectReasons: rejections.reasons,
  };
}

function readMetric(
  name: string,
  metric: OtlpMetric,
  resourceAttributes: Record<string, string>,
  points: ClaudeCodeMetricPoint[],
  rejections: Rejections,
): void {
  if (metric.sum) {
    const temporality = parseTemporality(metric.sum.aggregationTemporality);
    const dataPoints = metric.sum.dataPoints ?? [];
    if (!temporality) {
      dataPoints.forEach(() =>
        rejections.add(
          `${name}: sum without a delta or cumulative temporality`,
        ),
      );
      return;
    }
    for (const dataPoint of dataPoints) {
      const point = readDataPoint(
        name,
        'sum',
        temporality,
        dataPoint,
        resourceAttributes,
        rejections,
      );
      if (point) {
        points.push(point);
      }
    }
  } else if (metric.gauge) {
    for (const dataPoint of metric.gauge.dataPoints ?? []) {
      const point = readDataPoint(
        name,
        'gauge',
        'cumulative',
        dataPoint,
        resourceAttributes,
        rejections,
      );
      if (point) {
        points.push(point);
      }
    }
  } else {
    const other =
      metric.histogram ?? metric.exponentialHistogram ?? metric.summary;
    (other?.dataPoints ?? []).forEach(() =>
      rejections.add(`${name}: only sum and gauge metrics are read`),
    );
  }
}

function readDataPoint(
  metric: string,
  kind: ClaudeCodeMetricPoint['kind'],
  temporality: ClaudeCodeMetricPoint['temporality'],
  dataPoint: OtlpNumberDataPoint | undefined,
  resourceAttributes: Record<string, string>,
  rejections: Rejections,
): ClaudeCodeMetricPoint | undefined {
  if (typeof dataPoint !== 'object' || dataPoint === null) {
    rejections.add(`${metric}: data point is not an object`);
    return undefined;
  }
  const value = parseNumber(dataPoint.asDouble ?? dataPoint.asInt);
  if (value === undefined) {
    rejections.add(`${metric}: data point without a numeric asDouble or asInt`);
    return undefined;
  }
  const timeUnixNano = parseUnixNano(dataPoint.timeUnixNano);
  if (!timeUnixNano) {
    rejections.add(`${metric}: data point without timeUnixNano`);
    return undefined;
  }
  const attributes = {
    ...resourceAttributes,
    ...readAttributes(dataPoint.attributes),
  };
  return {
    metric,
    kind,
    value,
    temporality,
    startTimeUnixNano:
      parseUnixNano(dataPoint.startTimeUnixNano) ?? timeUnixNano,
    timeUnixNano,
    attributes,
    seriesKey: seriesKeyOf(metric, attributes),
  };
}

function parseTemporality(
  value: number | string | undefined,
): ClaudeCodeMetricPoint['temporality'] | undefined {
  switch (value) {
    case 1:
    case '1':
    case 'AGGREGATION_TEMPORALITY_DELTA':
      return 'delta';
    case 2:
    case '2':
    case 'AGGREGATION_TEMPORALITY_CUMULATIVE':
      return 'cumulative';
    default:
      return undefined;
  }
}

/** sha256 of the canonical JSON: a fixed 64-character key, whatever the attributes hold. */
function seriesKeyOf(
  metric: string,
  attributes: Record<string, string>,
): string {
  const stable = Object.entries(attributes)
    .filter(([key]) => !volatileAttributes.has(key))
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return createHash('sha256')
    .update(JSON.stringify([metric, stable]))
    .digest('hex');
}
