import { DoraTier } from '../api/types';

/**
 * One tier boundary: a value reaching `limit` (strictly, or also at `limit` when `inclusive`) in
 * the better direction belongs to `tier`.
 *
 * @public
 */
export type DoraTierThreshold = {
  tier: Exclude<DoraTier, 'low'>;
  limit: number;
  inclusive: boolean;
};

/**
 * The tier table of one metric. Thresholds run from elite to medium; a value passing none of them
 * is low.
 *
 * @public
 */
export type DoraTierTable = {
  /** Where the values come from. */
  source: string;
  unit: 'hours' | 'deployments per week' | 'ratio';
  /** `lower` when a smaller value is better (times, rates), `higher` for frequencies. */
  better: 'lower' | 'higher';
  thresholds: readonly DoraTierThreshold[];
};

const HOURS_PER_DAY = 24;
const HOURS_PER_WEEK = 7 * HOURS_PER_DAY;
/** A month is 30 days throughout. */
const HOURS_PER_MONTH = 30 * HOURS_PER_DAY;

/**
 * The DORA tier tables, in one place so that a new report changes one constant.
 *
 * - Lead time, deployment frequency and recovery time: the DORA 2024 report's clusters
 *   (dora.dev). Its recovery-time clusters for high and medium are both "less than one day"; the
 *   band between one day and one week, which no 2024 cluster covers, is medium (as DevLake does).
 *   Anything worse than the low cluster (lead time over six months, recovery over a month,
 *   deployments rarer than every six months) is still low: there is no lower tier.
 * - Change failure rate: Apache DevLake's ranges (0-5 % elite, 5-10 % high, 10-15 % medium,
 *   over 15 % low, upper ends inclusive), because the 2024 cluster values (5 %, 20 %, 10 %, 40 %)
 *   are not monotone and cannot be read as ranges.
 * - Rework rate has no tiers.
 *
 * Boundaries follow the sources' wording: "less than one day" excludes the day itself (exactly
 * 24 h of lead time is high), "multiple deployments per day" excludes exactly one a day (7 a week
 * is high), "between once per week and once per month" includes both ends, DevLake's "0-5 %"
 * includes 5 %.
 *
 * @public
 */
export const DORA_TIERS = {
  leadTime: {
    source: 'DORA 2024',
    unit: 'hours',
    better: 'lower',
    thresholds: [
      { tier: 'elite', limit: HOURS_PER_DAY, inclusive: false },
      { tier: 'high', limit: HOURS_PER_WEEK, inclusive: false },
      { tier: 'medium', limit: HOURS_PER_MONTH, inclusive: false },
    ],
  },
  deploymentFrequency: {
    source: 'DORA 2024',
    unit: 'deployments per week',
    better: 'higher',
    thresholds: [
      { tier: 'elite', limit: 7, inclusive: false },
      { tier: 'high', limit: 1, inclusive: true },
      { tier: 'medium', limit: 7 / 30, inclusive: true },
    ],
  },
  changeFailureRate: {
    source: 'Apache DevLake',
    unit: 'ratio',
    better: 'lower',
    thresholds: [
      { tier: 'elite', limit: 0.05, inclusive: true },
      { tier: 'high', limit: 0.1, inclusive: true },
      { tier: 'medium', limit: 0.15, inclusive: true },
    ],
  },
  recoveryTime: {
    source: 'DORA 2024',
    unit: 'hours',
    better: 'lower',
    thresholds: [
      { tier: 'elite', limit: 1, inclusive: false },
      { tier: 'high', limit: HOURS_PER_DAY, inclusive: false },
      { tier: 'medium', limit: HOURS_PER_WEEK, inclusive: false },
    ],
  },
} as const satisfies Record<string, DoraTierTable>;

/**
 * The tier of a value in a table; `undefined` for a missing, negative or non-finite value.
 *
 * @public
 */
export function classifyWithTable(
  table: DoraTierTable,
  value: number | undefined,
): DoraTier | undefined {
  if (value === undefined || !Number.isFinite(value) || value < 0) {
    return undefined;
  }
  for (const { tier, limit, inclusive } of table.thresholds) {
    const passes =
      table.better === 'lower'
        ? value < limit || (inclusive && value === limit)
        : value > limit || (inclusive && value === limit);
    if (passes) {
      return tier;
    }
  }
  return 'low';
}
