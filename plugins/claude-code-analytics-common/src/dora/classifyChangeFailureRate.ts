import { DoraTier } from '../api/types';
import { classifyWithTable, DORA_TIERS } from './doraTiers';

/**
 * The tier of a change failure rate between 0 and 1, on Apache DevLake's ranges (table and
 * boundaries: {@link DORA_TIERS}, `changeFailureRate`): elite up to 5 %, high up to 10 %, medium up
 * to 15 %, low above. `undefined` when there is no value.
 *
 * @public
 */
export function classifyChangeFailureRate(
  rate: number | undefined,
): DoraTier | undefined {
  return classifyWithTable(DORA_TIERS.changeFailureRate, rate);
}
