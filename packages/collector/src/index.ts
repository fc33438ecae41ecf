/**
 * Reads local Claude Code transcripts incrementally, reports daily usage locally and ships it to
 * the Claude Code Analytics backend.
 *
 * @packageDocumentation
 */

export { main } from './main';
export type { CollectorContext } from './CollectorContext';
