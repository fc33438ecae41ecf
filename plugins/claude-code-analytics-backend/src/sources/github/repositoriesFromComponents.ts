import { Entity } from '@backstage/catalog-model';
import { normalizeRepository } from '../../ingestion/normalizeIdentity';
import {
  GithubRepositoryEntry,
  RepositoryOverrides,
} from './GithubDeliverySource';

const SLUG = 'github.com/project-slug';

/**
 * Component annotations that override the GitHub source's global settings for that component's
 * repository. Patterns are case-insensitive regular expressions; labels are comma separated.
 *
 * @public
 */
export const GITHUB_OVERRIDE_ANNOTATIONS = {
  deploymentEnvironmentPattern:
    'claude-code-analytics/deployment-environment-pattern',
  workflowNamePattern: 'claude-code-analytics/workflow-name-pattern',
  productionPattern: 'claude-code-analytics/production-pattern',
  incidentLabels: 'claude-code-analytics/incident-labels',
} as const;

function pattern(value: string | undefined): RegExp | undefined {
  if (!value?.trim()) {
    return undefined;
  }
  try {
    return new RegExp(value, 'i');
  } catch {
    // An invalid pattern in one component must not stop the others: the global setting applies.
    return undefined;
  }
}

/**
 * The repositories of catalog Components (`github.com/project-slug`), with the overrides their
 * annotations set. Invalid patterns are ignored (the global setting applies) and reported.
 */
export function repositoriesFromComponents(entities: Entity[]): {
  repositories: GithubRepositoryEntry[];
  invalid: string[];
} {
  const repositories: GithubRepositoryEntry[] = [];
  const invalid: string[] = [];
  for (const entity of entities) {
    const annotations = entity.metadata.annotations ?? {};
    const slug = annotations[SLUG];
    if (entity.kind.toLocaleLowerCase('en-US') !== 'component' || !slug) {
      continue;
    }
    const overrides: RepositoryOverrides = {};
    for (const key of [
      'deploymentEnvironmentPattern',
      'workflowNamePattern',
      'productionPattern',
    ] as const) {
      const value = annotations[GITHUB_OVERRIDE_ANNOTATIONS[key]];
      const compiled = pattern(value);
      if (compiled) {
        overrides[key] = compiled;
      } else if (value?.trim()) {
        invalid.push(
          `${entity.metadata.name}: ${GITHUB_OVERRIDE_ANNOTATIONS[key]} is not a valid pattern: ${value}`,
        );
      }
    }
    const labels = annotations[GITHUB_OVERRIDE_ANNOTATIONS.incidentLabels]
      ?.split(',')
      .map(label => label.trim())
      .filter(Boolean);
    if (labels?.length) {
      overrides.incidentLabels = labels;
    }
    repositories.push(
      Object.keys(overrides).length > 0
        ? { slug: normalizeRepository(slug), overrides }
        : normalizeRepository(slug),
    );
  }
  return { repositories, invalid };
}
