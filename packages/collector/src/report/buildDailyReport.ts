import {
  costMicros,
  findModelPrice,
  microsToUsd,
  type ModelPrice,
  type PriceTableEntry,
} from 'backstage-plugin-claude-code-analytics-common';
import type { TranscriptUsage } from '../transcripts/TranscriptUsage';

/**
 * Token counts of a report row, named like the `report --json` output.
 *
 * @public
 */
export type ReportTokens = {
  inputTokens: number;
  outputTokens: number;
  cacheCreationTokens: number;
  cacheReadTokens: number;
  totalTokens: number;
};

/**
 * Usage of one model on one UTC day.
 *
 * @public
 */
export type DailyReportRow = ReportTokens & {
  date: string;
  model: string;
  /** Undefined when the model has no price: unpriced, never free. */
  costUsd?: number;
};

/**
 * A daily usage report.
 *
 * @public
 */
export type DailyReport = {
  rows: DailyReportRow[];
  totals: ReportTokens & {
    /** Cost of the priced rows. */
    costUsd: number;
    /** Models without a price; their usage is not in `costUsd`. */
    unpricedModels: string[];
  };
};

/**
 * Options of {@link buildDailyReport}.
 *
 * @public
 */
export type DailyReportOptions = {
  /** First day (`YYYY-MM-DD`, UTC), inclusive. */
  since?: string;
  /** Last day (`YYYY-MM-DD`, UTC), inclusive. */
  until?: string;
  priceTable?: PriceTableEntry[];
};

type Accumulator = {
  row: DailyReportRow;
  micros: number;
  price?: ModelPrice;
};

/**
 * Sums deduplicated usages per UTC day and model and prices them with the shared price table.
 * Each request is priced on its own, in integer micro-dollars and with its 1-hour cache writes,
 * as the backend prices records.
 *
 * @public
 */
export function buildDailyReport(
  usages: Iterable<TranscriptUsage>,
  options: DailyReportOptions = {},
): DailyReport {
  const groups = new Map<string, Accumulator>();
  for (const usage of usages) {
    if (
      (options.since && usage.date < options.since) ||
      (options.until && usage.date > options.until)
    ) {
      continue;
    }
    const groupKey = `${usage.date}\u0000${usage.model}`;
    let group = groups.get(groupKey);
    if (!group) {
      group = {
        row: {
          date: usage.date,
          model: usage.model,
          inputTokens: 0,
          outputTokens: 0,
          cacheCreationTokens: 0,
          cacheReadTokens: 0,
          totalTokens: 0,
        },
        micros: 0,
        price: findModelPrice(usage.model, options.priceTable),
      };
      groups.set(groupKey, group);
    }
    const { row } = group;
    const { tokens } = usage;
    row.inputTokens += tokens.input;
    row.outputTokens += tokens.output;
    row.cacheCreationTokens += tokens.cacheCreation;
    row.cacheReadTokens += tokens.cacheRead;
    row.totalTokens +=
      tokens.input + tokens.output + tokens.cacheCreation + tokens.cacheRead;
    if (group.price) {
      group.micros += costMicros(tokens, group.price);
    }
  }

  const rows = [...groups.values()]
    .map(group => ({
      ...group.row,
      costUsd: group.price ? microsToUsd(group.micros) : undefined,
    }))
    .sort(
      (a, b) => a.date.localeCompare(b.date) || a.model.localeCompare(b.model),
    );

  const totals: DailyReport['totals'] = {
    inputTokens: 0,
    outputTokens: 0,
    cacheCreationTokens: 0,
    cacheReadTokens: 0,
    totalTokens: 0,
    costUsd: 0,
    unpricedModels: [],
  };
  let totalMicros = 0;
  for (const group of groups.values()) {
    totals.inputTokens += group.row.inputTokens;
    totals.outputTokens += group.row.outputTokens;
    totals.cacheCreationTokens += group.row.cacheCreationTokens;
    totals.cacheReadTokens += group.row.cacheReadTokens;
    totals.totalTokens += group.row.totalTokens;
    totalMicros += group.micros;
    if (!group.price && !totals.unpricedModels.includes(group.row.model)) {
      totals.unpricedModels.push(group.row.model);
    }
  }
  totals.costUsd = microsToUsd(totalMicros);
  totals.unpricedModels.sort();
  return { rows, totals };
}
