import { DeliveryPeriod } from '../aggregateDeliveryFacts';
import {
  AiAssistanceSplit,
  MIN_COMPARABLE_PULL_REQUESTS,
} from '../splitByAiAssistance';
import { DeliverySummary } from './DeliverySummary';
import { deliveryMetricsFromSummary } from './deliveryMetricsFromSummary';

/**
 * `splitByAiAssistance` read from a summary: the metrics of AI-assisted pull requests and of the
 * others (see {@link deliveryMetricsFromSummary} for what is exact), comparable when each side has
 * at least {@link MIN_COMPARABLE_PULL_REQUESTS} merged pull requests (exact counts, so the same
 * answer as the unsummarised split).
 *
 * @public
 */
export function aiAssistanceSplitFromSummary(
  summary: DeliverySummary,
  period: DeliveryPeriod,
): AiAssistanceSplit {
  const aiAssisted = deliveryMetricsFromSummary(summary, period, 'aiAssisted');
  const other = deliveryMetricsFromSummary(summary, period, 'other');
  return {
    aiAssisted,
    other,
    comparable:
      aiAssisted.mergedPullRequests >= MIN_COMPARABLE_PULL_REQUESTS &&
      other.mergedPullRequests >= MIN_COMPARABLE_PULL_REQUESTS,
  };
}
