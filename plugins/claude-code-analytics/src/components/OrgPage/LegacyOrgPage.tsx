import { Content, Header, Page } from '@backstage/core-components';
import { OrgPage, OrgPageProps } from './OrgPage';

/** The org page with the page frame a legacy app's route expects (the new system adds its own). */
export function LegacyOrgPage(props: OrgPageProps) {
  return (
    <Page themeId="tool">
      <Header
        title="Claude Code"
        subtitle="Adoption, spend and delivery of every team"
      />
      <Content>
        <OrgPage {...props} />
      </Content>
    </Page>
  );
}
