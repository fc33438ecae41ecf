import { DoraTier } from '../api/types';
import { classifyWithTable, DORA_TIERS } from './doraTiers';

/**
 * The DORA tier of a deployment frequency in successful production deployments per week (table
 * and boundaries: {@link DORA_TIERS}, `deploymentFrequency`): elite above 7 a week (several a
 * day), high from once a week to 7 a week, medium from once in 30 days, low below.
 * `undefined` when there is no value.
 *
 * @public
 */
export function classifyDeploymentFrequency(
  perWeek: number | undefined,
): DoraTier | undefined {
  return classifyWithTable(DORA_TIERS.deploymentFrequency, perWeek);
}
