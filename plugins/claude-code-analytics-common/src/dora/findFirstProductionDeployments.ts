import { DeliveryDeployment } from './deliveryInput';
import { pullRequestKey } from './deliveryKeys';
import {
  DEFAULT_PRODUCTION_ENVIRONMENT,
  isProductionDeployment,
} from './isProductionDeployment';
import { deploymentFinishedAtMs } from './parseInstant';

/**
 * For every pull request some deployment carries, the first successful production deployment of
 * its repository that carries it (earliest finish; on a tie, the first in input order). Keyed by
 * {@link pullRequestKey}. Pull requests only ever carried by failed or non-production deployments
 * have no entry: they have not reached production.
 *
 * @public
 */
export function findFirstProductionDeployments(
  deployments: readonly DeliveryDeployment[],
  productionEnvironment: RegExp = DEFAULT_PRODUCTION_ENVIRONMENT,
): Map<string, DeliveryDeployment> {
  const first = new Map<
    string,
    { deployment: DeliveryDeployment; finishedAtMs: number }
  >();
  for (const deployment of deployments) {
    if (
      deployment.status !== 'success' ||
      !isProductionDeployment(deployment, productionEnvironment)
    ) {
      continue;
    }
    const finishedAtMs = deploymentFinishedAtMs(deployment);
    for (const number of deployment.pullRequests) {
      const key = pullRequestKey(deployment.repository, number);
      const known = first.get(key);
      if (!known || finishedAtMs < known.finishedAtMs) {
        first.set(key, { deployment, finishedAtMs });
      }
    }
  }
  return new Map(
    [...first].map(([key, { deployment }]) => [key, deployment] as const),
  );
}
