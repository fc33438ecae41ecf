/**
 * Claude Code adoption, cost and delivery cards for Backstage entity pages.
 *
 * @packageDocumentation
 */

export {
  claudeCodeAnalyticsPlugin,
  EntityClaudeCodeAdoptionCard,
  EntityClaudeCodeCostCard,
  EntityClaudeCodeDoraCard,
  EntityClaudeCodeContent,
  ClaudeCodeAnalyticsPage,
} from './plugin';
export { rootRouteRef, entityContentRouteRef } from './routes';
export { isClaudeCodeAnalyticsAvailable } from './isClaudeCodeAnalyticsAvailable';
export { isClaudeCodeDeliveryAvailable } from './isClaudeCodeDeliveryAvailable';
export * from './api';
export type { AdoptionCardProps } from './components/AdoptionCard';
export type { CostCardProps } from './components/CostCard';
export type { DoraCardProps } from './components/DoraCard';
export type { ClaudeCodeTabProps } from './components/ClaudeCodeTab';
export type { OrgPageProps } from './components/OrgPage';
export { ClaudeCodeIcon } from './components/ClaudeCodeIcon';
