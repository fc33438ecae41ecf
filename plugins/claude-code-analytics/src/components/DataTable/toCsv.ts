/** One column of a CSV export: its header and the raw value of a row. */
export type CsvColumn<T> = {
  title: string;
  /** The value as the API returned it; undefined is written as an empty field. */
  value: (row: T) => string | number | boolean | undefined;
};

/** Characters that make a spreadsheet read a text field as a formula. */
const FORMULA_PREFIX = /^[=+\-@\t\r]/;

function csvField(value: string | number | boolean | undefined): string {
  if (value === undefined) {
    return '';
  }
  if (typeof value !== 'string') {
    return String(value);
  }
  // Text from the catalog or the sources could start a formula in a spreadsheet; an apostrophe
  // keeps it text. Numbers are written as they are, so negative numbers stay numbers.
  const text = FORMULA_PREFIX.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * Rows as CSV (RFC 4180: comma-separated, CRLF line ends, quoted where needed), with a header
 * line of the column titles. Numbers are written unformatted, exactly as the API returned them.
 */
export function toCsv<T>(
  rows: readonly T[],
  columns: readonly CsvColumn<T>[],
): string {
  const lines = [
    columns.map(column => csvField(column.title)).join(','),
    ...rows.map(row =>
      columns.map(column => csvField(column.value(row))).join(','),
    ),
  ];
  return `${lines.join('\r\n')}\r\n`;
}
