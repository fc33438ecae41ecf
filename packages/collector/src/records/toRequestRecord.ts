import type { RequestRecord } from 'backstage-plugin-claude-code-analytics-common';
import type { TranscriptUsage } from '../transcripts/TranscriptUsage';

/**
 * Attribution added to a transcript usage when it becomes a record.
 *
 * @public
 */
export type RecordAttribution = {
  identity?: string;
  provider: string;
  repository?: string;
};

/**
 * The `request` record sent for a transcript usage. Only ids, the model, token counts and
 * attribution leave the machine: no prompt, response, tool content, path or branch.
 *
 * @public
 */
export function toRequestRecord(
  usage: TranscriptUsage,
  attribution: RecordAttribution,
): RequestRecord {
  return {
    type: 'request',
    sessionId: usage.sessionId,
    requestId: usage.requestId,
    messageId: usage.messageId,
    timestamp: usage.timestamp,
    identity: attribution.identity,
    model: usage.model,
    provider: attribution.provider,
    repository: attribution.repository,
    tokens: {
      input: usage.tokens.input,
      output: usage.tokens.output,
      cacheRead: usage.tokens.cacheRead,
      cacheCreation: usage.tokens.cacheCreation,
      cacheCreation1h: usage.tokens.cacheCreation1h,
    },
  };
}
