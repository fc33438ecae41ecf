import type { DailyReport } from './buildDailyReport';

const HEADERS = [
  'Date',
  'Model',
  'Input',
  'Output',
  'Cache create',
  'Cache read',
  'Total tokens',
  'Cost (USD)',
];

/** `1,234,567`, as `toLocaleString('en-US')` writes it, without loading the locale data (~30 ms). */
const count = (value: number) =>
  Number.isSafeInteger(value)
    ? String(value).replace(/\B(?=(\d{3})+$)/g, ',')
    : value.toLocaleString('en-US');

const usd = (value: number | undefined) =>
  value === undefined ? 'unpriced' : `$${value.toFixed(2)}`;

/**
 * Renders a daily report as a plain-text table with a totals line; numeric columns are
 * right-aligned.
 *
 * @public
 */
export function formatReportTable(report: DailyReport): string {
  const body = report.rows.map(row => [
    row.date,
    row.model,
    count(row.inputTokens),
    count(row.outputTokens),
    count(row.cacheCreationTokens),
    count(row.cacheReadTokens),
    count(row.totalTokens),
    usd(row.costUsd),
  ]);
  const { totals } = report;
  const totalCost =
    totals.unpricedModels.length > 0
      ? `${usd(totals.costUsd)} + unpriced`
      : usd(totals.costUsd);
  const footer = [
    'Total',
    '',
    count(totals.inputTokens),
    count(totals.outputTokens),
    count(totals.cacheCreationTokens),
    count(totals.cacheReadTokens),
    count(totals.totalTokens),
    totalCost,
  ];
  const table = [HEADERS, ...body, footer];
  const widths = HEADERS.map((_, column) =>
    Math.max(...table.map(cells => cells[column].length)),
  );
  const render = (cells: string[]) =>
    cells
      .map((cell, column) =>
        column < 2
          ? cell.padEnd(widths[column])
          : cell.padStart(widths[column]),
      )
      .join('  ')
      .trimEnd();
  const rule = widths.map(width => '-'.repeat(width)).join('  ');
  const lines = [
    render(HEADERS),
    rule,
    ...body.map(render),
    rule,
    render(footer),
  ];
  if (totals.unpricedModels.length > 0) {
    lines.push(
      '',
      `No price for: ${totals.unpricedModels.join(
        ', ',
      )} (their usage is not in the cost).`,
    );
  }
  return `${lines.join('\n')}\n`;
}
