import { DoraTier } from '../api/types';
import { classifyWithTable, DORA_TIERS } from './doraTiers';

/**
 * The DORA tier of a failed deployment recovery time in hours (table and boundaries:
 * {@link DORA_TIERS}, `recoveryTime`): elite under an hour, high under a day, medium under a
 * week, low otherwise. `undefined` when there is no value.
 *
 * @public
 */
export function classifyRecoveryTime(
  hours: number | undefined,
): DoraTier | undefined {
  return classifyWithTable(DORA_TIERS.recoveryTime, hours);
}
