/**
 * What a pull request offers as evidence of AI assistance.
 *
 * @public
 */
export type AiMarkerEvidence = {
  /** The pull request's description. */
  body?: string;
  /** The full messages of its commits, trailers included. */
  commitMessages?: string[];
  labels?: string[];
};

/**
 * The label that marks a pull request as assisted by Claude Code (server-side attribution).
 *
 * @public
 */
export const AI_ASSISTED_LABEL = 'claude-code-assisted';

// Trailer keys are case-insensitive in git; the address is what stays stable across versions
// (`Claude <...>`, then `Claude Sonnet 5 <...>` since v2.0.60).
const CO_AUTHOR_TRAILER =
  /^[ \t]*co-authored-by:[^\n]*<noreply@anthropic\.com>/im;
// Written by Claude Code for web/remote sessions.
const SESSION_TRAILER = /^[ \t]*claude-session:[ \t]*\S/im;
// `🤖 Generated with [Claude Code](https://claude.com/claude-code)`, formerly
// `(https://claude.ai/code)`.
const GENERATED_LINE =
  /Generated with \[Claude Code\]\(https?:\/\/(?:www\.)?(?:claude\.com\/claude-code|claude\.ai\/code)\/?\)/i;

/**
 * Whether a pull request carries any Claude Code marker: a `Co-Authored-By: ...
 * <noreply@anthropic.com>` trailer or a `Claude-Session:` trailer on any commit, the
 * "Generated with [Claude Code](...)" line in the body (current and former URL), or the
 * {@link AI_ASSISTED_LABEL} label. Users can switch the markers off, so a false answer means
 * "no evidence", not "no AI".
 *
 * @public
 */
export function hasAiMarker(evidence: AiMarkerEvidence): boolean {
  if (
    (evidence.labels ?? []).some(
      label => label.trim().toLocaleLowerCase('en-US') === AI_ASSISTED_LABEL,
    )
  ) {
    return true;
  }
  if (evidence.body !== undefined && GENERATED_LINE.test(evidence.body)) {
    return true;
  }
  return (evidence.commitMessages ?? []).some(
    message => CO_AUTHOR_TRAILER.test(message) || SESSION_TRAILER.test(message),
  );
}
