import { DeliveryMetrics } from '../api/types';
import { aggregateDeliveryFacts } from './aggregateDeliveryFacts';
import { collectDeliveryFacts } from './collectDeliveryFacts';
import { DeliveryInput } from './deliveryInput';
import { deliveryPeriod } from './deliveryPeriod';

/**
 * The fewest pull requests merged in the period, on each side, for the AI-assisted and other
 * metrics to be compared (below it the UI shows "not enough data").
 *
 * @public
 */
export const MIN_COMPARABLE_PULL_REQUESTS = 10;

/**
 * The delivery metrics of AI-assisted pull requests and of the others.
 *
 * @public
 */
export type AiAssistanceSplit = {
  aiAssisted: DeliveryMetrics;
  other: DeliveryMetrics;
  /** False when either side has fewer than {@link MIN_COMPARABLE_PULL_REQUESTS} merged pull requests. */
  comparable: boolean;
};

/**
 * {@link computeDeliveryMetrics} for AI-assisted pull requests and for the others. Pull request
 * metrics (lead time, cycle time, merged count) split by pull request. A deployment counts on
 * each side whose pull requests it carries (one carrying both kinds counts on both; one carrying
 * none on neither), and so do its failures, recoveries and rework. Links (which deployment an
 * incident is blamed on, what recovered a failure) are made on the whole input first, so they are
 * the same as in the unsplit metrics.
 *
 * @public
 */
export function splitByAiAssistance(input: DeliveryInput): AiAssistanceSplit {
  const facts = collectDeliveryFacts(input);
  const period = deliveryPeriod(input.from, input.to);
  const aiAssisted = aggregateDeliveryFacts(facts, period, {
    pullRequest: pr => pr.aiAssisted,
    deployment: d => d.carriesAiAssisted,
  });
  const other = aggregateDeliveryFacts(facts, period, {
    pullRequest: pr => !pr.aiAssisted,
    deployment: d => d.carriesOther,
  });
  return {
    aiAssisted,
    other,
    comparable:
      aiAssisted.mergedPullRequests >= MIN_COMPARABLE_PULL_REQUESTS &&
      other.mergedPullRequests >= MIN_COMPARABLE_PULL_REQUESTS,
  };
}
