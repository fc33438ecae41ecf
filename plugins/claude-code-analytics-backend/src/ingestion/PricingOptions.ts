import {
  DEFAULT_PRICE_TABLE,
  PriceTableEntry,
} from 'backstage-plugin-claude-code-analytics-common';

/**
 * How usage without a cost figure of its own is priced.
 *
 * @public
 */
export type PricingOptions = {
  /** Checked first to last; configured entries come before the defaults. */
  table: PriceTableEntry[];
  /** Per provider (e.g. `bedrock: 1.1` for regional endpoints); 1 when absent. */
  providerMultipliers: Record<string, number>;
};

/** List prices, no provider premium. */
export const DEFAULT_PRICING: PricingOptions = {
  table: DEFAULT_PRICE_TABLE,
  providerMultipliers: {},
};
