import { formatCount, formatExactUsd, formatUsd } from '../format';
import { Stat } from '../StatList';

/** Props of {@link UnitCostStat}. */
export type UnitCostStatProps = {
  label: string;
  /** Spend divided by `count`; undefined when `count` is 0. */
  costPerUnit?: number;
  count: number;
  unit: { one: string; other: string };
};

/**
 * Spend per unit (active user, merged PR, deployment) with the number of units; a dash that says
 * why when there were none in the period, since dividing by nothing has no meaningful answer.
 */
export function UnitCostStat(props: UnitCostStatProps) {
  const { label, costPerUnit, count, unit } = props;
  if (costPerUnit === undefined) {
    return (
      <Stat
        label={label}
        value="—"
        exactValue={`Not defined: no ${unit.other} in this period`}
        detail={`No ${unit.other}`}
      />
    );
  }
  return (
    <Stat
      label={label}
      value={formatUsd(costPerUnit)}
      exactValue={formatExactUsd(costPerUnit)}
      detail={`${formatCount(count)} ${count === 1 ? unit.one : unit.other}`}
    />
  );
}
