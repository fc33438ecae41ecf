export { AdoptionCard, type AdoptionCardProps } from './AdoptionCard';
