import { DeliveryDeployment } from './deliveryInput';

/**
 * The environments counted as production unless configured otherwise: any name containing `prod`,
 * in any case (`production`, `prod-eu`, `PRODUCTION`).
 *
 * @public
 */
export const DEFAULT_PRODUCTION_ENVIRONMENT = /prod/i;

/**
 * Whether a deployment went to a production environment: its own `production` flag when it has
 * one (decided at ingestion, e.g. with its component's pattern), otherwise whether its environment
 * matches the pattern. The pattern is applied with `search`, so a `g` flag on a shared RegExp
 * cannot make the answer depend on earlier calls.
 *
 * @public
 */
export function isProductionDeployment(
  deployment: Pick<DeliveryDeployment, 'environment' | 'production'>,
  productionEnvironment: RegExp = DEFAULT_PRODUCTION_ENVIRONMENT,
): boolean {
  if (deployment.production !== undefined) {
    return deployment.production;
  }
  return deployment.environment.search(productionEnvironment) >= 0;
}
