export { entitySummaryColumns, summaryName } from './entitySummaryColumns';
