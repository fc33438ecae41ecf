import {
  Box,
  makeStyles,
  Table,
  TableBody,
  TableCell,
  TableContainer,
  TableHead,
  TableRow,
  TableSortLabel,
  Typography,
} from '@material-ui/core';
import { ReactNode, useMemo, useState } from 'react';
import { CsvExportButton } from './CsvExportButton';
import { CsvColumn } from './toCsv';

/** One column of a {@link DataTable}: shown, sorted and exported from the same raw value. */
export type DataColumn<T> = CsvColumn<T> & {
  id: string;
  /** How a cell shows the value, e.g. compact; the raw value by default. */
  render?: (row: T) => ReactNode;
  /** Right-aligned, as numbers are. */
  numeric?: boolean;
  /** Whether the header sorts the table; true by default. */
  sortable?: boolean;
  /** In the CSV only, e.g. the entity ref beside the name, or a tier shown beside its value. */
  exportOnly?: boolean;
};

/** A sort of a {@link DataTable}. */
export type DataTableSort = { columnId: string; direction: 'asc' | 'desc' };

/** Props of {@link DataTable}. */
export type DataTableProps<T> = {
  /** Names the table for assistive technology and the export button: `Sub-teams`. */
  title: string;
  /** The name of the CSV file the export button downloads. */
  fileName: string;
  rows: readonly T[];
  columns: readonly DataColumn<T>[];
  rowKey: (row: T) => string;
  /** The sort before the viewer picks one; the API's order when undefined. */
  initialSort?: DataTableSort;
  /** Shown instead of the table when there are no rows. */
  emptyMessage: ReactNode;
  /** Controls shown beside the export button, e.g. filters. */
  toolbar?: ReactNode;
};

const useStyles = makeStyles(theme => ({
  toolbar: {
    display: 'flex',
    flexWrap: 'wrap',
    alignItems: 'center',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(1),
  },
  spacer: {
    flex: 1,
  },
  head: {
    whiteSpace: 'nowrap',
  },
}));

type SortValue = string | number | boolean | undefined;

/** Undefined values last in either direction; a number is never compared as text. */
function compareValues(a: SortValue, b: SortValue): number {
  if (a === undefined || b === undefined) {
    return 0;
  }
  if (typeof a === 'string' && typeof b === 'string') {
    return a.localeCompare(b, 'en-US', { sensitivity: 'base' });
  }
  return Number(a) - Number(b);
}

function sortRows<T>(
  rows: readonly T[],
  column: DataColumn<T> | undefined,
  direction: 'asc' | 'desc',
): readonly T[] {
  if (!column) {
    return rows;
  }
  const sign = direction === 'asc' ? 1 : -1;
  return [...rows].sort((rowA, rowB) => {
    const a = column.value(rowA);
    const b = column.value(rowB);
    if (a === undefined || b === undefined) {
      return Number(a === undefined) - Number(b === undefined);
    }
    return sign * compareValues(a, b);
  });
}

/**
 * A table whose columns sort from their header and whose rows download as CSV, in the order
 * shown, with the raw numbers of the API.
 */
export function DataTable<T>(props: DataTableProps<T>) {
  const {
    title,
    fileName,
    rows,
    columns,
    rowKey,
    initialSort,
    emptyMessage,
    toolbar,
  } = props;
  const classes = useStyles();
  const [sort, setSort] = useState<DataTableSort | undefined>(initialSort);
  const shownColumns = useMemo(
    () => columns.filter(column => !column.exportOnly),
    [columns],
  );
  const sortColumn = columns.find(column => column.id === sort?.columnId);
  const sortedRows = useMemo(
    () => sortRows(rows, sortColumn, sort?.direction ?? 'asc'),
    [rows, sortColumn, sort?.direction],
  );

  const sortBy = (column: DataColumn<T>) => {
    setSort(current => {
      if (current?.columnId === column.id) {
        return {
          columnId: column.id,
          direction: current.direction === 'asc' ? 'desc' : 'asc',
        };
      }
      // Numbers are most interesting largest first; names alphabetically.
      return {
        columnId: column.id,
        direction: column.numeric ? 'desc' : 'asc',
      };
    });
  };

  return (
    <Box>
      <div className={classes.toolbar}>
        {toolbar}
        <span className={classes.spacer} />
        <CsvExportButton
          label={title}
          fileName={fileName}
          rows={sortedRows}
          columns={columns}
        />
      </div>
      {rows.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          {emptyMessage}
        </Typography>
      ) : (
        <TableContainer
          // Positioned, so that the visually hidden sort labels of scrolled-away columns stay
          // inside the scrolling container instead of widening the page.
          style={{ position: 'relative' }}
        >
          <Table size="small" aria-label={title}>
            <TableHead>
              <TableRow>
                {shownColumns.map(column => {
                  const active = sort?.columnId === column.id;
                  const direction = active ? sort!.direction : 'asc';
                  return (
                    <TableCell
                      key={column.id}
                      align={column.numeric ? 'right' : 'left'}
                      className={classes.head}
                      aria-sort={
                        active
                          ? `${direction === 'asc' ? 'a' : 'de'}scending`
                          : undefined
                      }
                    >
                      {column.sortable === false ? (
                        column.title
                      ) : (
                        <TableSortLabel
                          active={active}
                          direction={direction}
                          onClick={() => sortBy(column)}
                        >
                          {column.title}
                        </TableSortLabel>
                      )}
                    </TableCell>
                  );
                })}
              </TableRow>
            </TableHead>
            <TableBody>
              {sortedRows.map(row => (
                <TableRow key={rowKey(row)}>
                  {shownColumns.map(column => (
                    <TableCell
                      key={column.id}
                      align={column.numeric ? 'right' : 'left'}
                    >
                      {column.render
                        ? column.render(row)
                        : String(column.value(row) ?? '–')}
                    </TableCell>
                  ))}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </TableContainer>
      )}
    </Box>
  );
}
