import { Button } from '@material-ui/core';
import { useMemo } from 'react';
import { CsvColumn, toCsv } from './toCsv';

/** Props of {@link CsvExportButton}. */
export type CsvExportButtonProps<T> = {
  /** What the table shows, for the button's accessible name: `Export sub-teams as CSV`. */
  label: string;
  /** The downloaded file's name, e.g. `team-a-sub-teams-2024-12-05-2025-01-03.csv`. */
  fileName: string;
  rows: readonly T[];
  columns: readonly CsvColumn<T>[];
};

/**
 * A link that downloads rows as a CSV file. A link with a `data:` URL rather than a script-made
 * download: it works without a click handler, from the keyboard, and with "save link as".
 */
export function CsvExportButton<T>(props: CsvExportButtonProps<T>) {
  const { label, fileName, rows, columns } = props;
  const href = useMemo(
    () =>
      `data:text/csv;charset=utf-8,${encodeURIComponent(toCsv(rows, columns))}`,
    [rows, columns],
  );
  return (
    <Button
      component="a"
      href={href}
      download={fileName}
      size="small"
      variant="outlined"
      aria-label={`Export ${label} as CSV`}
    >
      Export CSV
    </Button>
  );
}
