import { DeliveryDeployment } from './deliveryInput';

/**
 * The environments counted as production unless configured otherwise: any name containing `prod`,
 * in any case (`production`, `prod-eu`, `PRODUCTION`).
 *
 * @public
 */
export const DEFAULT_PRODUCTION_ENVIRONMENT = /prod/i;

/**
 * Whether a deployment went to a production environment. The pattern is applied with `search`, so
 * a `g` flag on a shared RegExp cannot make the answer depend on earlier calls.
 *
 * @public
 */
export function isProductionDeployment(
  deployment: Pick<DeliveryDeployment, 'environment'>,
  productionEnvironment: RegExp = DEFAULT_PRODUCTION_ENVIRONMENT,
): boolean {
  return deployment.environment.search(productionEnvironment) >= 0;
}
