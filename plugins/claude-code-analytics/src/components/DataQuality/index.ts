export { DataQualityPanel, SourceWarnings } from './DataQualityPanel';
export { SourceStatusTable } from './SourceStatusTable';
export { isSourceStale } from './isSourceStale';
