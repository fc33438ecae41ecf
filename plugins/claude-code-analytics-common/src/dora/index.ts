export * from './deliveryInput';
export * from './doraTiers';
export * from './classifyLeadTime';
export * from './classifyDeploymentFrequency';
export * from './classifyChangeFailureRate';
export * from './classifyRecoveryTime';
export * from './statistics';
export * from './isProductionDeployment';
export * from './reworkPullRequests';
export * from './hasAiMarker';
export { pullRequestKey } from './deliveryKeys';
export * from './findFirstProductionDeployments';
export * from './findPreviousSuccessfulDeployments';
export * from './linkIncidentsToDeployments';
export * from './computePullRequestSpans';
export * from './computeDeliveryMetrics';
export * from './splitByAiAssistance';
export { collectDeliveryFacts } from './collectDeliveryFacts';
export type {
  DeliveryFacts,
  DeploymentFacts,
  PullRequestFacts,
  RecoveryFacts,
} from './collectDeliveryFacts';
export { deliveryPeriod } from './deliveryPeriod';
export type { DeliveryPeriod } from './aggregateDeliveryFacts';
export * from './summary';
