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
} from './plugin';
export { isClaudeCodeAnalyticsAvailable } from './isClaudeCodeAnalyticsAvailable';
export { isClaudeCodeDeliveryAvailable } from './isClaudeCodeDeliveryAvailable';
export * from './api';
export type { AdoptionCardProps } from './components/AdoptionCard';
export type { CostCardProps } from './components/CostCard';
export type { DoraCardProps } from './components/DoraCard';
