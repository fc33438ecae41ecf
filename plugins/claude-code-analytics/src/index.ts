/**
 * Claude Code adoption, cost and delivery cards for Backstage entity pages.
 *
 * @packageDocumentation
 */

export {
  claudeCodeAnalyticsPlugin,
  EntityClaudeCodeAdoptionCard,
  EntityClaudeCodeCostCard,
} from './plugin';
export { isClaudeCodeAnalyticsAvailable } from './isClaudeCodeAnalyticsAvailable';
export * from './api';
export type { AdoptionCardProps } from './components/AdoptionCard';
export type { CostCardProps } from './components/CostCard';
