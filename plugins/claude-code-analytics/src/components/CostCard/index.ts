export { CostCard, type CostCardProps } from './CostCard';
