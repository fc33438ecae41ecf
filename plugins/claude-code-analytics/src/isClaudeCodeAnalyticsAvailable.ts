import { Entity } from '@backstage/catalog-model';
import { isAnalyticsEntityKind } from 'backstage-plugin-claude-code-analytics-common';

/** Maps a Component to its GitHub repository, and so to the usage and delivery data of it. */
const GITHUB_PROJECT_SLUG_ANNOTATION = 'github.com/project-slug';

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
    return Boolean(
      entity.metadata.annotations?.[GITHUB_PROJECT_SLUG_ANNOTATION]?.trim(),
    );
  }
  return true;
}
