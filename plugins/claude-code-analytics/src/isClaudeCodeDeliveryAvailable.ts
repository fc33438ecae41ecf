import { Entity } from '@backstage/catalog-model';
import { hasGitHubRepository } from './hasGitHubRepository';

/** Kinds whose delivery pools that of their components; a User delivers no components. */
const DELIVERY_AGGREGATE_KINDS = ['group', 'system', 'domain'];

/**
 * Whether delivery (DORA) metrics can be shown for an entity: always for a Group, System or
 * Domain, and for a Component when it names its GitHub repository with the
 * `github.com/project-slug` annotation. Never for a User: people have no delivery of their own.
 *
 * @remarks
 * Meant for `EntitySwitch.Case` conditions of legacy entity pages; the new frontend system's DORA
 * card uses it as its filter.
 *
 * @public
 */
export function isClaudeCodeDeliveryAvailable(entity: Entity): boolean {
  const kind = entity.kind.toLocaleLowerCase('en-US');
  if (kind === 'component') {
    return hasGitHubRepository(entity);
  }
  return DELIVERY_AGGREGATE_KINDS.includes(kind);
}
