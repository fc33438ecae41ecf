import {
  anyValueToString,
  parseBoolean,
  parseNumber,
  parseUnixNano,
  readAttributes,
  unixNanoToIso,
} from './readAttributes';
import { Rejections } from './Rejections';
import { OtlpLogRecord, OtlpLogsRequest } from './types';

/**
 * What every Claude Code event carries. Prompt text, responses and tool inputs or outputs are never
 * part of an event, even when the client was configured to send them.
 *
 * @public
 */
export type ClaudeCodeEventCommon = {
  /** The event name without the `claude_code.` prefix, e.g. `api_request`. */
  name: string;
  /** ISO 8601 (UTC), from `event.timestamp` or else the record's time. */
  timestamp: string;
  /** `session.id`: equals the transcript file name. */
  sessionId?: string;
  /** `user.id`: a hash per installation, not a person. */
  userId?: string;
  /** `user.email`: from an OAuth login or from `OTEL_RESOURCE_ATTRIBUTES`. */
  email?: string;
  /** `organization.id`. */
  organizationId?: string;
  /** `user.account_uuid`. */
  accountUuid?: string;
  /** `anthropic.provider`: `firstParty` when absent. */
  provider: string;
  /** A `repo` attribute (usually set through `OTEL_RESOURCE_ATTRIBUTES`), as sent. */
  repository?: string;
  /** `terminal.type`. */
  terminalType?: string;
  /** `prompt.id`: groups the events caused by one user prompt. */
  promptId?: string;
  /** `event.sequence`: the order of events within a session. */
  sequence?: number;
};

/**
 * A `claude_code.api_request` event: one Messages API call.
 *
 * @public
 */
export type ApiRequestEvent = ClaudeCodeEventCommon & {
  type: 'api_request';
  model: string;
  requestId?: string;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheCreationTokens: number;
  cacheCreation5mTokens?: number;
  cacheCreation1hTokens?: number;
  costUsd?: number;
  costUsdMicros?: number;
  durationMs?: number;
};

/**
 * A `claude_code.api_error` event. The error message itself is not kept, only its length.
 *
 * @public
 */
export type ApiErrorEvent = ClaudeCodeEventCommon & {
  type: 'api_error';
  model?: string;
  requestId?: string;
  /** HTTP status; absent when the request failed without one. */
  statusCode?: number;
  errorLength?: number;
  attempt?: number;
  durationMs?: number;
};

/**
 * A `claude_code.tool_decision` event: a tool use was permitted or refused.
 *
 * @public
 */
export type ToolDecisionEvent = ClaudeCodeEventCommon & {
  type: 'tool_decision';
  toolName: string;
  decision: 'accept' | 'reject';
  /** `config`, `hook`, `user_permanent`, `user_temporary`, `user_reject`, ... */
  source?: string;
};

/**
 * A `claude_code.tool_result` event: a tool finished.
 *
 * @public
 */
export type ToolResultEvent = ClaudeCodeEventCommon & {
  type: 'tool_result';
  toolName: string;
  success: boolean;
  /** `tool_use_id`: names the tool call, also on its `tool_decision`. */
  toolUseId?: string;
  durationMs?: number;
  errorType?: string;
};

/**
 * A `claude_code.user_prompt` event. Only the prompt's length is kept.
 *
 * @public
 */
export type UserPromptEvent = ClaudeCodeEventCommon & {
  type: 'user_prompt';
  promptLength: number;
};

/**
 * Any other Claude Code event (`assistant_response`, `plugin_loaded`, ...): common fields only.
 *
 * @public
 */
export type OtherClaudeCodeEvent = ClaudeCodeEventCommon & { type: 'other' };

/**
 * A Claude Code event, discriminated by `type` (the event name for the events read in detail,
 * `other` for the rest).
 *
 * @public
 */
export type ClaudeCodeEvent =
  | ApiRequestEvent
  | ApiErrorEvent
  | ToolDecisionEvent
  | ToolResultEvent
  | UserPromptEvent
  | OtherClaudeCodeEvent;

/**
 * The result of {@link readClaudeCodeEvents}.
 *
 * @public
 */
export type ClaudeCodeEventsReadResult = {
  events: ClaudeCodeEvent[];
  /** Claude Code log records that could not be read. */
  rejected: number;
  /** A few distinct reasons for the rejected records. */
  rejectReasons: string[];
};

const EVENT_PREFIX = 'claude_code.';

/**
 * Reads the Claude Code events of an OTLP logs export. Log records that are not Claude Code events
 * are ignored; an event that cannot be read is skipped and counted, never thrown.
 *
 * @public
 */
export function readClaudeCodeEvents(
  request: OtlpLogsRequest,
): ClaudeCodeEventsReadResult {
  const events: ClaudeCodeEvent[] = [];
  const rejections = new Rejections();
  for (const resourceLogs of request.resourceLogs ?? []) {
    const resourceAttributes = readAttributes(
      resourceLogs?.resource?.attributes,
    );
    for (const scopeLogs of resourceLogs?.scopeLogs ?? []) {
      for (const record of scopeLogs?.logRecords ?? []) {
        if (typeof record !== 'object' || record === null) {
          continue;
        }
        const attributes = {
          ...resourceAttributes,
          ...readAttributes(record.attributes),
        };
        const name = eventNameOf(record, attributes);
        if (name) {
          const event = readEvent(name, record, attributes, rejections);
          if (event) {
            events.push(event);
          }
        }
      }
    }
  }
  return {
    events,
    rejected: rejections.count,
    rejectReasons: rejections.reasons,
  };
}

/** Claude Code names an event in `event.name` and again in the body, `claude_code.<name>`. */
function eventNameOf(
  record: OtlpLogRecord,
  attributes: Record<string, string>,
): string | undefined {
  const body = anyValueToString(record.body);
  const name =
    attributes['event.name'] ||
    record.eventName ||
    (body?.startsWith(EVENT_PREFIX) ? body : undefined);
  if (!name) {
    return undefined;
  }
  return name.startsWith(EVENT_PREFIX) ? name.slice(EVENT_PREFIX.length) : name;
}

function readEvent(
  name: string,
  record: OtlpLogRecord,
  attributes: Record<string, string>,
  rejections: Rejections,
): ClaudeCodeEvent | undefined {
  const timestamp = timestampOf(record, attributes);
  if (!timestamp) {
    rejections.add(`${name}: no valid event.timestamp or timeUnixNano`);
    return undefined;
  }
  const common: ClaudeCodeEventCommon = {
    name,
    timestamp,
    sessionId: attributes['session.id'] || undefined,
    userId: attributes['user.id'] || undefined,
    email: attributes['user.email'] || undefined,
    organizationId: attributes['organization.id'] || undefined,
    accountUuid: attributes['user.account_uuid'] || undefined,
    provider: attributes['anthropic.provider'] || 'firstParty',
    repository: attributes.repo || undefined,
    terminalType: attributes['terminal.type'] || undefined,
    promptId: attributes['prompt.id'] || undefined,
    sequence: parseNumber(attributes['event.sequence']),
  };
  const reject = (reason: string) => {
    rejections.add(`${name}: ${reason}`);
    return undefined;
  };
  const optionalNumber = (key: string) => parseNumber(attributes[key]);

  switch (name) {
    case 'api_request': {
      const model = attributes.model;
      if (!model) {
        return reject('no model');
      }
      const inputTokens = tokenCount(attributes.input_tokens);
      const outputTokens = tokenCount(attributes.output_tokens);
      // Input and output counts are always sent; an absent cache count means no cache use.
      const cacheReadTokens = tokenCount(attributes.cache_read_tokens ?? '0');
      const cacheCreationTokens = tokenCount(
        attributes.cache_creation_tokens ?? '0',
      );
      if (
        inputTokens === undefined ||
        outputTokens === undefined ||
        cacheReadTokens === undefined ||
        cacheCreationTokens === undefined
      ) {
        return reject('token counts missing or not non-negative integers');
      }
      return withoutUndefined({
        ...common,
        type: 'api_request',
        model,
        requestId: attributes.request_id || undefined,
        inputTokens,
        outputTokens,
        cacheReadTokens,
        cacheCreationTokens,
        cacheCreation5mTokens: tokenCount(attributes.cache_creation_5m_tokens),
        cacheCreation1hTokens: tokenCount(attributes.cache_creation_1h_tokens),
        costUsd: optionalNumber('cost_usd'),
        costUsdMicros: optionalNumber('cost_usd_micros'),
        durationMs: optionalNumber('duration_ms'),
      });
    }
    case 'api_error':
      return withoutUndefined({
        ...common,
        type: 'api_error',
        model: attributes.model || undefined,
        requestId: attributes.request_id || undefined,
        // Claude Code sends the string "undefined" when there was no HTTP response.
        statusCode: optionalNumber('status_code'),
        errorLength: attributes.error?.length,
        attempt: optionalNumber('attempt'),
        durationMs: optionalNumber('duration_ms'),
      });
    case 'tool_decision': {
      const decision = attributes.decision?.toLocaleLowerCase('en-US');
      if (!attributes.tool_name) {
        return reject('no tool_name');
      }
      if (decision !== 'accept' && decision !== 'reject') {
        return reject('decision is neither accept nor reject');
      }
      return withoutUndefined({
        ...common,
        type: 'tool_decision',
        toolName: attributes.tool_name,
        decision,
        source: attributes.source || undefined,
      });
    }
    case 'tool_result': {
      const success = parseBoolean(attributes.success);
      if (!attributes.tool_name) {
        return reject('no tool_name');
      }
      if (success === undefined) {
        return reject('success is not a boolean');
      }
      return withoutUndefined({
        ...common,
        type: 'tool_result',
        toolName: attributes.tool_name,
        success,
        toolUseId: attributes.tool_use_id || undefined,
        durationMs: optionalNumber('duration_ms'),
        errorType: attributes.error_type || undefined,
      });
    }
    case 'user_prompt': {
      const promptLength = tokenCount(attributes.prompt_length);
      if (promptLength === undefined) {
        return reject('prompt_length is missing or not a count');
      }
      return withoutUndefined({ ...common, type: 'user_prompt', promptLength });
    }
    default:
      return withoutUndefined({ ...common, type: 'other' });
  }
}

function timestampOf(
  record: OtlpLogRecord,
  attributes: Record<string, string>,
): string | undefined {
  const eventTimestamp = Date.parse(attributes['event.timestamp'] ?? '');
  if (!Number.isNaN(eventTimestamp)) {
    return new Date(eventTimestamp).toISOString();
  }
  const unixNano =
    parseUnixNano(record.timeUnixNano) ??
    parseUnixNano(record.observedTimeUnixNano);
  return unixNano ? unixNanoToIso(unixNano) : undefined;
}

/** A non-negative integer, from a number or a numeric string. */
function tokenCount(value: string | undefined): number | undefined {
  const count = parseNumber(value);
  return count !== undefined && Number.isInteger(count) && count >= 0
    ? count
    : undefined;
}

/** Drops absent optional fields, so events compare and serialize the same from either encoding. */
function withoutUndefined(event: ClaudeCodeEvent): ClaudeCodeEvent {
  // A plain loop: this runs for every event of every export.
  const result: Record<string, unknown> = {};
  for (const key in event) {
    if (Object.hasOwn(event, key)) {
      const value = (event as Record<string, unknown>)[key];
      if (value !== undefined) {
        result[key] = value;
      }
    }
  }
  return result as ClaudeCodeEvent;
}
