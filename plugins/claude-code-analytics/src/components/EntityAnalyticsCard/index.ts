export {
  EntityAnalyticsCard,
  type EntityAnalyticsCardProps,
} from './EntityAnalyticsCard';
