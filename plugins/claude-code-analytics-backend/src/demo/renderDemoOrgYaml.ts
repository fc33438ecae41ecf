import { stringify } from 'yaml';
import type { DemoOrg } from './generateDemoOrg';

/**
 * The entities of a demo organisation as one multi-document catalog YAML file.
 *
 * @public
 */
export function renderDemoOrgYaml(org: DemoOrg): string {
  const header = [
    '# Demo organisation of the Claude Code Analytics plugins. Generated, do not edit:',
    '# regenerate with UPDATE_DEMO_ORG=1 and the test of',
    '# plugins/claude-code-analytics-backend/src/demo/generateDemoOrg.test.ts',
  ].join('\n');
  const documents = org.entities.map(
    // lineWidth 0: no folding, one value per line keeps diffs readable.
    entity => `---\n${stringify(entity, { lineWidth: 0 })}`,
  );
  return `${header}\n${documents.join('')}`;
}
