/**
 * The OTLP/JSON shapes this receiver reads. Every field is optional because both encodings omit
 * default values, and int64 fields arrive as strings (protobuf, most JSON exporters) or numbers.
 */

/**
 * An OTLP `AnyValue`: exactly one of its fields is set.
 *
 * @public
 */
export type OtlpAnyValue = {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string | number;
  doubleValue?: number | string;
  bytesValue?: string;
  arrayValue?: { values?: OtlpAnyValue[] };
  kvlistValue?: { values?: OtlpKeyValue[] };
};

/**
 * An OTLP attribute.
 *
 * @public
 */
export type OtlpKeyValue = {
  key?: string;
  value?: OtlpAnyValue;
};

/**
 * An OTLP resource: the attributes of the process that exported a batch.
 *
 * @public
 */
export type OtlpResource = {
  attributes?: OtlpKeyValue[];
  droppedAttributesCount?: number;
};

/**
 * An OTLP instrumentation scope.
 *
 * @public
 */
export type OtlpInstrumentationScope = {
  name?: string;
  version?: string;
  attributes?: OtlpKeyValue[];
};

/**
 * A data point of a Sum or Gauge metric.
 *
 * @public
 */
export type OtlpNumberDataPoint = {
  attributes?: OtlpKeyValue[];
  startTimeUnixNano?: string | number;
  timeUnixNano?: string | number;
  asDouble?: number | string;
  asInt?: string | number;
  flags?: number;
};

/**
 * An OTLP metric. Only `sum` and `gauge` are read; the other kinds are kept loosely typed.
 *
 * @public
 */
export type OtlpMetric = {
  name?: string;
  description?: string;
  unit?: string;
  sum?: {
    dataPoints?: OtlpNumberDataPoint[];
    /** 1 = delta, 2 = cumulative (OTLP/JSON encodes enums as integers). */
    aggregationTemporality?: number | string;
    isMonotonic?: boolean;
  };
  gauge?: { dataPoints?: OtlpNumberDataPoint[] };
  histogram?: { dataPoints?: unknown[] };
  exponentialHistogram?: { dataPoints?: unknown[] };
  summary?: { dataPoints?: unknown[] };
};

/**
 * The body of an OTLP metrics export (`ExportMetricsServiceRequest`).
 *
 * @public
 */
export type OtlpMetricsRequest = {
  resourceMetrics: Array<{
    resource?: OtlpResource;
    scopeMetrics?: Array<{
      scope?: OtlpInstrumentationScope;
      metrics?: OtlpMetric[];
      schemaUrl?: string;
    }>;
    schemaUrl?: string;
  }>;
};

/**
 * An OTLP log record; Claude Code sends each event as one.
 *
 * @public
 */
export type OtlpLogRecord = {
  timeUnixNano?: string | number;
  observedTimeUnixNano?: string | number;
  severityNumber?: number;
  severityText?: string;
  body?: OtlpAnyValue;
  attributes?: OtlpKeyValue[];
  droppedAttributesCount?: number;
  flags?: number;
  /** Hex. */
  traceId?: string;
  /** Hex. */
  spanId?: string;
  eventName?: string;
};

/**
 * The body of an OTLP logs export (`ExportLogsServiceRequest`).
 *
 * @public
 */
export type OtlpLogsRequest = {
  resourceLogs: Array<{
    resource?: OtlpResource;
    scopeLogs?: Array<{
      scope?: OtlpInstrumentationScope;
      logRecords?: OtlpLogRecord[];
      schemaUrl?: string;
    }>;
    schemaUrl?: string;
  }>;
};
