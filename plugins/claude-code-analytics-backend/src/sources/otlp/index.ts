export { decodeOtlpRequest } from './decodeOtlpRequest';
export type { DecodeOtlpRequestOptions, OtlpSignal } from './decodeOtlpRequest';
export { OtlpDecodeError, OtlpPayloadTooLargeError } from './errors';
export { readClaudeCodeMetrics } from './readClaudeCodeMetrics';
export type {
  ClaudeCodeMetricPoint,
  ClaudeCodeMetricsReadResult,
} from './readClaudeCodeMetrics';
export { readClaudeCodeEvents } from './readClaudeCodeEvents';
export type {
  ApiErrorEvent,
  ApiRequestEvent,
  ClaudeCodeEvent,
  ClaudeCodeEventCommon,
  ClaudeCodeEventsReadResult,
  OtherClaudeCodeEvent,
  ToolDecisionEvent,
  ToolResultEvent,
  UserPromptEvent,
} from './readClaudeCodeEvents';
export { requestRecordFromEvent } from './requestRecordFromEvent';
export { sessionEventFromEvent } from './sessionEventFromEvent';
export type {
  OtlpAnyValue,
  OtlpInstrumentationScope,
  OtlpKeyValue,
  OtlpLogRecord,
  OtlpLogsRequest,
  OtlpMetric,
  OtlpMetricsRequest,
  OtlpNumberDataPoint,
  OtlpResource,
} from './types';
