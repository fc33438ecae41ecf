import { DeliveryMetrics } from '../api/types';
import { aggregateDeliveryFacts } from './aggregateDeliveryFacts';
import { collectDeliveryFacts } from './collectDeliveryFacts';
import { DeliveryInput } from './deliveryInput';
import { deliveryPeriod } from './deliveryPeriod';

/**
 * The DORA metrics and the pull request cycle time of some repositories over a period, pooled:
 * for a team or a system, pass the events of all its components; medians are taken over the
 * pooled events, never averaged over components. Definitions (written out in the package's
 * DORA.md):
 *
 * - deployments, deployment frequency: successful production deployments finished in the period,
 *   per week of the period; no tier without any deployment.
 * - lead time: per pull request, first commit authored to the finish of the first successful
 *   production deployment of its repository carrying it; median and p75 over the pull requests
 *   so deployed in the period.
 * - change failure rate: share of the production deployments finished in the period (either
 *   status) that failed, were blamed for an incident, or were reverted or rolled back.
 * - recovery time: median over recoveries completed in the period: incident from the finish of
 *   its deployment to its resolution; failed deployment to the next successful production
 *   deployment of its repository.
 * - rework rate: share of the successful production deployments in the period that carried a
 *   hotfix or revert pull request, or were the first deployment while an incident was open.
 * - cycle time: medians over the pull requests merged in the period of coding, pickup, review,
 *   deploy and DevLake's cycle (coding + created-to-merged + deploy).
 *
 * A metric without samples is undefined, never 0 or NaN; negative spans are dropped.
 *
 * @throws DateRangeError for a malformed or reversed period; TypeError for a malformed timestamp.
 * @public
 */
export function computeDeliveryMetrics(input: DeliveryInput): DeliveryMetrics {
  return aggregateDeliveryFacts(
    collectDeliveryFacts(input),
    deliveryPeriod(input.from, input.to),
  );
}
