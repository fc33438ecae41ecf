import { createPermission } from '@backstage/plugin-permission-common';

/**
 * Reading one person's own Claude Code usage. A person may always read their own; anyone else needs
 * this permission, which a real policy should deny by default.
 *
 * @public
 */
export const claudeCodeAnalyticsIndividualReadPermission = createPermission({
  name: 'claude-code-analytics.individual.read',
  attributes: { action: 'read' },
});

/**
 * Every permission of the plugin, for registration with the permissions registry.
 *
 * @public
 */
export const claudeCodeAnalyticsPermissions = [
  claudeCodeAnalyticsIndividualReadPermission,
];
