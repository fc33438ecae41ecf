import { Entity } from '@backstage/catalog-model';

/** A team, titled Team A. */
export const teamA: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'team-a', title: 'Team A' },
  spec: { type: 'team', children: [] },
};

/** A member of team-a. */
export const jane: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name: 'jane' },
  spec: { memberOf: ['team-a'] },
};
