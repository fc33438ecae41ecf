export { OrgPage, type OrgPageProps } from './OrgPage';
export { LegacyOrgPage } from './LegacyOrgPage';
