import type { TranscriptUsage } from './TranscriptUsage';

/**
 * What one transcript line holds: a usage, nothing of interest, or broken JSON.
 *
 * @public
 */
export type ParsedTranscriptLine =
  | { kind: 'usage'; usage: TranscriptUsage }
  | { kind: 'ignored' }
  | { kind: 'malformed' };

const IGNORED: ParsedTranscriptLine = { kind: 'ignored' };
const MALFORMED: ParsedTranscriptLine = { kind: 'malformed' };

/** Claude Code writes generated (non-API) assistant messages with this model and no tokens. */
export const SYNTHETIC_MODEL = '<synthetic>';

/** Used when a line has usage but no model, as ccusage does. */
export const UNKNOWN_MODEL = 'unknown';

const isCount = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0;

const optionalCount = (value: unknown): number => (isCount(value) ? value : 0);

const optionalString = (value: unknown): string | undefined =>
  typeof value === 'string' && value !== '' ? value : undefined;

/**
 * Parses one transcript line. Any line whose `message.usage` carries numeric `input_tokens` and
 * `output_tokens` and that has a valid `timestamp` is a usage, whatever its `type` (ccusage counts
 * them the same way; in practice only `assistant` lines carry usage). Synthetic messages without
 * tokens are ignored. `fallbackSessionId` (the file name) stands in for a missing `sessionId`.
 *
 * @public
 */
export function parseTranscriptLine(
  line: string,
  fallbackSessionId = '',
): ParsedTranscriptLine {
  let value: any;
  try {
    value = JSON.parse(line);
  } catch {
    return MALFORMED;
  }
  if (typeof value !== 'object' || value === null) {
    return MALFORMED;
  }
  const message = value.message;
  const usage = message?.usage;
  if (
    typeof usage !== 'object' ||
    usage === null ||
    !isCount(usage.input_tokens) ||
    !isCount(usage.output_tokens)
  ) {
    return IGNORED;
  }
  const timestamp = optionalString(value.timestamp);
  const epochMs = timestamp ? Date.parse(timestamp) : NaN;
  if (!timestamp || Number.isNaN(epochMs)) {
    return IGNORED;
  }
  const tokens = {
    input: usage.input_tokens,
    output: usage.output_tokens,
    cacheCreation: optionalCount(usage.cache_creation_input_tokens),
    cacheRead: optionalCount(usage.cache_read_input_tokens),
    cacheCreation1h: optionalCount(
      usage.cache_creation?.ephemeral_1h_input_tokens,
    ),
  };
  const model = optionalString(message.model) ?? UNKNOWN_MODEL;
  if (
    model === SYNTHETIC_MODEL &&
    tokens.input + tokens.output + tokens.cacheCreation + tokens.cacheRead === 0
  ) {
    return IGNORED;
  }
  return {
    kind: 'usage',
    usage: {
      sessionId: optionalString(value.sessionId) ?? fallbackSessionId,
      requestId: optionalString(value.requestId),
      messageId: optionalString(message.id),
      timestamp,
      date: new Date(epochMs).toISOString().slice(0, 10),
      model,
      cwd: optionalString(value.cwd),
      gitBranch: optionalString(value.gitBranch),
      tokens,
    },
  };
}
