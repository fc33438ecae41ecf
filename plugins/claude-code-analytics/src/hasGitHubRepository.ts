import { Entity } from '@backstage/catalog-model';

/** Maps a Component to its GitHub repository, and so to the usage and delivery data of it. */
const GITHUB_PROJECT_SLUG_ANNOTATION = 'github.com/project-slug';

/** Whether an entity names its GitHub repository with a non-blank `github.com/project-slug`. */
export function hasGitHubRepository(entity: Entity): boolean {
  return Boolean(
    entity.metadata.annotations?.[GITHUB_PROJECT_SLUG_ANNOTATION]?.trim(),
  );
}
