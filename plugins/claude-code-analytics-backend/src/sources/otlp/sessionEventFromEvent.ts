import { SessionEvent } from '../../ingestion/types';
import { ClaudeCodeEvent } from './readClaudeCodeEvents';

/**
 * The key of an event within its session: `seq:<event.sequence>`, which Claude Code numbers per
 * session. Without a sequence (other clients, older versions): the event's own id where it has one
 * (`tool_use_id` of a tool result, `prompt.id` of a prompt), else its kind, time (milliseconds) and
 * what else tells it apart (tool name, attempt). An exporter that retries sends the same
 * attributes again, so a retried event always gets the same key.
 */
function eventKeyOf(event: ClaudeCodeEvent): string {
  if (event.sequence !== undefined) {
    return `seq:${event.sequence}`;
  }
  switch (event.type) {
    case 'tool_result':
      return event.toolUseId
        ? `tool_result:${event.toolUseId}`
        : `tool_result:${event.timestamp}:${event.toolName}`;
    case 'user_prompt':
      return event.promptId
        ? `user_prompt:${event.promptId}`
        : `user_prompt:${event.timestamp}`;
    case 'api_error':
      return `api_error:${event.timestamp}:${event.attempt ?? ''}`;
    default:
      return `${event.type}:${event.timestamp}`;
  }
}

/**
 * Maps a `user_prompt`, `api_error` or `tool_result` event to the session event that is stored;
 * undefined for other events and for events without a session id (like an API request without
 * one, they cannot be told apart from a retry). Takes the prompt's length, the error's status code
 * and duration, the tool's name, outcome and duration: nothing else of the event, so no content
 * can reach the store. The identity is chosen as for API requests and metric points, so all three
 * land on the same identity.
 *
 * @public
 */
export function sessionEventFromEvent(
  event: ClaudeCodeEvent,
): SessionEvent | undefined {
  if (!event.sessionId) {
    return undefined;
  }
  const common = {
    sessionId: event.sessionId,
    eventKey: eventKeyOf(event),
    timestamp: event.timestamp,
    identity: event.email ?? event.accountUuid ?? event.userId,
    provider: event.provider,
    repository: event.repository,
  };
  switch (event.type) {
    case 'user_prompt':
      return {
        ...common,
        kind: 'user_prompt',
        promptLength: event.promptLength,
      };
    case 'api_error':
      return {
        ...common,
        kind: 'api_error',
        statusCode: event.statusCode,
        durationMs: event.durationMs,
      };
    case 'tool_result':
      return {
        ...common,
        kind: 'tool_result',
        tool: event.toolName,
        success: event.success,
        durationMs: event.durationMs,
      };
    default:
      return undefined;
  }
}
