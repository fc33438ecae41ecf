/**
 * Token usage of one API response as a transcript line records it.
 *
 * @public
 */
export type TranscriptUsage = {
  sessionId: string;
  requestId?: string;
  messageId?: string;
  /** ISO 8601 as written by Claude Code. */
  timestamp: string;
  /** `YYYY-MM-DD` of `timestamp` in UTC. */
  date: string;
  model: string;
  cwd?: string;
  gitBranch?: string;
  tokens: {
    input: number;
    output: number;
    cacheCreation: number;
    cacheRead: number;
    cacheCreation1h: number;
  };
};

/**
 * Sum of all token types of a usage, the measure used to pick the most complete copy of a
 * request that was written several times.
 *
 * @public
 */
export function totalTokens(tokens: TranscriptUsage['tokens']): number {
  return tokens.input + tokens.output + tokens.cacheCreation + tokens.cacheRead;
}

/**
 * The key that identifies one API response across the lines (and files) that repeat it:
 * `messageId:requestId`, or the message id alone when the request id is missing. Lines without a
 * message id cannot be matched and are never deduplicated (as ccusage does).
 *
 * @public
 */
export function usageDedupeKey(usage: TranscriptUsage): string | undefined {
  if (!usage.messageId) {
    return undefined;
  }
  return usage.requestId
    ? `${usage.messageId}:${usage.requestId}`
    : usage.messageId;
}
