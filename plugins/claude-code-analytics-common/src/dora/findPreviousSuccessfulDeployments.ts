import { DeliveryDeployment } from './deliveryInput';
import { DeploymentTimeline } from './deploymentTimeline';
import { parseInstant } from './parseInstant';

/**
 * For every successful deployment, the successful deployment of the same repository and
 * environment that finished last before it (`undefined` for the first one). Failed deployments
 * have no entry. This is the diff base of a deployment: the changes it carries are those between
 * that deployment's commit and its own. Keyed by the deployment objects given.
 *
 * @public
 */
export function findPreviousSuccessfulDeployments(
  deployments: readonly DeliveryDeployment[],
): Map<DeliveryDeployment, DeliveryDeployment | undefined> {
  const keyOf = (deployment: DeliveryDeployment) =>
    JSON.stringify([deployment.repository, deployment.environment]);
  const timeline = DeploymentTimeline.create(deployments, keyOf);
  const previous = new Map<
    DeliveryDeployment,
    DeliveryDeployment | undefined
  >();
  for (const deployment of deployments) {
    if (deployment.status === 'success') {
      previous.set(
        deployment,
        timeline.latestBefore(
          keyOf(deployment),
          parseInstant(
            deployment.finishedAt,
            `finishedAt of deployment ${deployment.id}`,
          ),
        ),
      );
    }
  }
  return previous;
}
