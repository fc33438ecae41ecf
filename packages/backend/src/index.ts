/*
 * The demo and end-to-end Backstage backend: the catalog with the demo org, guest sign-in,
 * permissions, and the Claude Code Analytics backend plugin installed as a user would install it.
 */

import { createBackend } from '@backstage/backend-defaults';

const backend = createBackend();

backend.add(import('@backstage/plugin-app-backend'));

backend.add(import('@backstage/plugin-auth-backend'));
backend.add(import('@backstage/plugin-auth-backend-module-guest-provider'));

backend.add(import('@backstage/plugin-catalog-backend'));
backend.add(import('@backstage/plugin-catalog-backend-module-logs'));

// Allows everything, including claude-code-analytics.individual.read: fine for a demo. A real
// installation denies that permission by default (see the README).
backend.add(import('@backstage/plugin-permission-backend'));
backend.add(
  import('@backstage/plugin-permission-backend-module-allow-all-policy'),
);

backend.add(import('backstage-plugin-claude-code-analytics-backend'));

backend.start();
