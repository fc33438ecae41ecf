import {
  SchedulerService,
  ServiceFactory,
} from '@backstage/backend-plugin-api';
import {
  mockServices,
  startTestBackend,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { Knex } from 'knex';
import { Server } from 'node:http';
import request from 'supertest';
import { claudeCodeAnalyticsPlugin } from '../plugin';

/** Where the test backend mounts the plugin's API. */
export const API = '/api/claude-code-analytics';

/**
 * Starts a test backend with the plugin on a given database and catalog, and indexes the catalog,
 * so that a test can write data and read the API at once. The mock scheduler runs tasks only when
 * a test triggers them.
 */
export async function startAnalyticsBackend(options: {
  knex: Knex;
  entities: Entity[];
  config?: Record<string, unknown>;
}): Promise<{ server: Server; scheduler: SchedulerService }> {
  // The mock scheduler's type is not exported; at run time it has the factory of the instance.
  const scheduler = mockServices.scheduler() as SchedulerService & {
    factory(factoryOptions: { skipTaskRunOnStartup: boolean }): ServiceFactory;
  };
  const { server } = await startTestBackend({
    features: [
      claudeCodeAnalyticsPlugin,
      scheduler.factory({ skipTaskRunOnStartup: true }),
      mockServices.database.factory({ knex: options.knex }),
      catalogServiceMock.factory({ entities: options.entities }),
      ...(options.config
        ? [mockServices.rootConfig.factory({ data: options.config as any })]
        : []),
    ],
  });
  await scheduler.triggerTask('claude-code-analytics-ownership-refresh');
  // The rollups the refresh started (a run under way is awaited, not repeated).
  await scheduler.triggerTask('claude-code-analytics-rollups');
  return { server, scheduler };
}

/**
 * `startAnalyticsBackend` on a fresh database of `databaseId`, for the tests of
 * `databases.eachSupportedId()`; the test destroys the returned knex when it is done.
 */
export async function startAnalyticsBackendOn(
  databases: TestDatabases,
  databaseId: TestDatabaseId,
  options: { entities: Entity[]; config?: Record<string, unknown> },
): Promise<{ knex: Knex; server: Server; scheduler: SchedulerService }> {
  const knex = await databases.init(databaseId);
  return { knex, ...(await startAnalyticsBackend({ knex, ...options })) };
}

/**
 * POST /v1/import with `body`: NDJSON unless `contentType` says otherwise, with `query` (without
 * its `?`) when given.
 */
export function postImport(
  server: Server,
  body: string,
  options: { query?: string; contentType?: string } = {},
): request.Test {
  return request(server)
    .post(`${API}/v1/import${options.query ? `?${options.query}` : ''}`)
    .set('Content-Type', options.contentType ?? 'application/x-ndjson')
    .send(body);
}
