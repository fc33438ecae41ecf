import { DeliveryDeployment, DeliveryIncident } from './deliveryInput';
import { repositoryItemKey } from './deliveryKeys';
import { DeploymentTimeline } from './deploymentTimeline';
import {
  DEFAULT_PRODUCTION_ENVIRONMENT,
  isProductionDeployment,
} from './isProductionDeployment';
import { parseInstant } from './parseInstant';

/**
 * An incident and the deployment it is blamed on.
 *
 * @public
 */
export type IncidentDeploymentLink = {
  incident: DeliveryIncident;
  /** Undefined when nothing can be blamed (see {@link linkIncidentsToDeployments}). */
  deployment?: DeliveryDeployment;
};

/**
 * Links each incident to the deployment that caused it: the deployment named by its
 * `deploymentId` (same repository) when it has one, otherwise the latest successful production
 * deployment of its repository that finished strictly before the incident was created (as Apache
 * DevLake and Four Keys do). An incident whose `deploymentId` is not among the deployments given,
 * or that precedes every production deployment, is returned without a deployment. The answer is
 * in the order of the incidents given.
 *
 * @public
 */
export function linkIncidentsToDeployments(
  incidents: readonly DeliveryIncident[],
  deployments: readonly DeliveryDeployment[],
  productionEnvironment: RegExp = DEFAULT_PRODUCTION_ENVIRONMENT,
): IncidentDeploymentLink[] {
  const byId = new Map(
    deployments.map(d => [repositoryItemKey(d.repository, d.id), d] as const),
  );
  const timeline = DeploymentTimeline.create(
    deployments.filter(d => isProductionDeployment(d, productionEnvironment)),
    d => d.repository,
  );
  return incidents.map(incident => {
    const deployment =
      incident.deploymentId !== undefined
        ? byId.get(
            repositoryItemKey(incident.repository, incident.deploymentId),
          )
        : timeline.latestBefore(
            incident.repository,
            parseInstant(
              incident.createdAt,
              `createdAt of incident ${incident.id}`,
            ),
          );
    return deployment ? { incident, deployment } : { incident };
  });
}
