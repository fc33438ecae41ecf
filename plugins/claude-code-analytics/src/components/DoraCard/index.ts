export { DoraCard, type DoraCardProps } from './DoraCard';
