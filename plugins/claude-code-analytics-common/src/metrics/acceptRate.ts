import { ToolDecisionCounts } from '../api/types';

/**
 * Share of an edit tool's suggestions that were accepted, between 0 and 1; `undefined` when the
 * tool was never offered.
 *
 * @public
 */
export function acceptRate(counts: ToolDecisionCounts): number | undefined {
  const decisions = counts.accepted + counts.rejected;
  return decisions > 0 ? counts.accepted / decisions : undefined;
}
