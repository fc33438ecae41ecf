import { Entity } from '@backstage/catalog-model';
import { isAnalyticsEntityKind } from 'backstage-plugin-claude-code-analytics-common';
import { hasGitHubRepository } from './hasGitHubRepository';

/**
 * Whether Claude Code analytics can be shown for an entity: always for a User, Group, System or
 * Domain, and for a Component when it names its GitHub repository with the
 * `github.com/project-slug` annotation.
 *
 * @remarks
 * Meant for `EntitySwitch.Case` conditions of legacy entity pages; the new frontend system's
 * entity card uses it as its filter.
 *
 * @public
 */
export function isClaudeCodeAnalyticsAvailable(entity: Entity): boolean {
  const kind = entity.kind.toLocaleLowerCase('en-US');
  if (!isAnalyticsEntityKind(kind)) {
    return false;
  }
  if (kind === 'component') {
    return hasGitHubRepository(entity);
  }
  return true;
}
