export { Stat, type StatProps } from './Stat';
export { StatList, type StatListProps } from './StatList';
