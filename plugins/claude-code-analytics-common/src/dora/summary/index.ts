export * from './DurationSketch';
export * from './DeliverySummaryFormatError';
export * from './DeliverySummary';
export * from './summarizeDeliveryFacts';
export {
  mergeAllDeliverySummaries,
  mergeDeliverySummaries,
} from './mergeDeliverySummaries';
export * from './mergeDeliveryDays';
export * from './serializeDeliverySummary';
export * from './deliveryMetricsFromSummary';
export * from './aiAssistanceSplitFromSummary';
