import { RequestRecord } from 'backstage-plugin-claude-code-analytics-common';
import { ApiRequestEvent } from './readClaudeCodeEvents';

/**
 * Maps an `api_request` event to the shared request record; undefined when the event has no
 * session id or model, which a request record cannot do without. The identity is the event's
 * `user.email`, else its account or install id (as for metric points, so both land on the same
 * identity). The cost is the client's own figure, `cost_usd_micros` when sent since it is exact. An
 * event without a request id is keyed by its place in the session, so it is still counted once.
 *
 * @public
 */
export function requestRecordFromEvent(
  event: ApiRequestEvent,
): RequestRecord | undefined {
  if (!event.sessionId || !event.model) {
    return undefined;
  }
  const costUsd =
    event.costUsdMicros !== undefined
      ? event.costUsdMicros / 1e6
      : event.costUsd;
  return {
    type: 'request',
    sessionId: event.sessionId,
    ...(event.requestId
      ? { requestId: event.requestId }
      : event.sequence !== undefined && {
          messageId: `event-${event.sequence}`,
        }),
    timestamp: event.timestamp,
    ...((event.email ?? event.accountUuid ?? event.userId) && {
      identity: event.email ?? event.accountUuid ?? event.userId,
    }),
    model: event.model,
    provider: event.provider,
    ...(event.repository && { repository: event.repository }),
    tokens: {
      input: event.inputTokens,
      output: event.outputTokens,
      cacheRead: event.cacheReadTokens,
      cacheCreation: event.cacheCreationTokens,
      ...(event.cacheCreation1hTokens !== undefined && {
        cacheCreation1h: event.cacheCreation1hTokens,
      }),
    },
    ...(costUsd !== undefined && { costUsd }),
  };
}
