import { DoraTier } from '../api/types';
import { classifyWithTable, DORA_TIERS } from './doraTiers';

/**
 * The DORA tier of a change lead time in hours (table and boundaries: {@link DORA_TIERS},
 * `leadTime`): elite under a day, high under a week, medium under 30 days, low otherwise.
 * `undefined` when there is no value.
 *
 * @public
 */
export function classifyLeadTime(
  hours: number | undefined,
): DoraTier | undefined {
  return classifyWithTable(DORA_TIERS.leadTime, hours);
}
