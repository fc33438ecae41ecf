import { Entity } from '@backstage/catalog-model';
import { repositoriesFromComponents } from './repositoriesFromComponents';

const component = (
  name: string,
  annotations: Record<string, string>,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, annotations },
  spec: {},
});

describe('repositoriesFromComponents', () => {
  it('reads slugs and per-component overrides', () => {
    const { repositories, invalid } = repositoriesFromComponents([
      component('plain', { 'github.com/project-slug': 'Acme/Plain' }),
      component('custom', {
        'github.com/project-slug': 'acme/custom',
        'claude-code-analytics/production-pattern': '^live$',
        'claude-code-analytics/workflow-name-pattern': 'release',
        'claude-code-analytics/incident-labels': 'sev1, outage',
      }),
      component('broken', {
        'github.com/project-slug': 'acme/broken',
        'claude-code-analytics/deployment-environment-pattern': '(',
      }),
      component('no-slug', {}),
      {
        ...component('a-system', { 'github.com/project-slug': 'acme/x' }),
        kind: 'System',
      },
    ]);
    expect(repositories).toEqual([
      'acme/plain',
      {
        slug: 'acme/custom',
        overrides: {
          productionPattern: /^live$/i,
          workflowNamePattern: /release/i,
          incidentLabels: ['sev1', 'outage'],
        },
      },
      'acme/broken',
    ]);
    expect(invalid).toEqual([
      'broken: claude-code-analytics/deployment-environment-pattern is not a valid pattern: (',
    ]);
  });
});
