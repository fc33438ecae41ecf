export {
  DataTable,
  type DataColumn,
  type DataTableProps,
  type DataTableSort,
} from './DataTable';
export { CsvExportButton } from './CsvExportButton';
export { toCsv, type CsvColumn } from './toCsv';
export { csvFileName } from './csvFileName';
