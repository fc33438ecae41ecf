export {
  AnalyticsPanel,
  type AnalyticsPanelProps,
  type AsyncRetryState,
} from './AnalyticsPanel';
