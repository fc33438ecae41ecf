import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { claudeCodeAnalyticsPermissions } from 'backstage-plugin-claude-code-analytics-common';
import { readAnalyticsConfig } from './config/readAnalyticsConfig';
import { OwnershipIndexer } from './ownership/OwnershipIndexer';
import { DeliveryRollups } from './rollups/DeliveryRollups';
import { RollupEngine } from './rollups/RollupEngine';
import { createRouter } from './service/router';
import { AdminApiClient } from './sources/adminApi/AdminApiClient';
import { AdminApiUsageSource } from './sources/adminApi/AdminApiUsageSource';
import { DemoSource } from './sources/DemoSource';
import { GithubDeliverySource } from './sources/github/GithubDeliverySource';
import { repositoriesFromComponents } from './sources/github/repositoriesFromComponents';
import { OtlpReceiver } from './sources/otlp/OtlpReceiver';
import { OtlpDecoderPool } from './sources/otlp/OtlpDecoderPool';
import { migrateStore } from './store/migrateStore';
import { SqliteCheckpointer } from './store/SqliteCheckpointer';
import { SqliteReader } from './store/SqliteReader';
import { tuneSqlite } from './store/tuneSqlite';

/**
 * The Claude Code Analytics backend plugin: ingestion, catalog ownership rollups and the REST API
 * under `/api/claude-code-analytics`.
 *
 * @public
 */
export const claudeCodeAnalyticsPlugin = createBackendPlugin({
  pluginId: 'claude-code-analytics',
  register(env) {
    env.registerInit({
      deps: {
        logger: coreServices.logger,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        scheduler: coreServices.scheduler,
        rootConfig: coreServices.rootConfig,
        lifecycle: coreServices.lifecycle,
        catalog: catalogServiceRef,
      },
      async init({
        logger,
        database,
        httpRouter,
        httpAuth,
        auth,
        permissions,
        permissionsRegistry,
        scheduler,
        rootConfig,
        lifecycle,
        catalog,
      }) {
        const config = readAnalyticsConfig(rootConfig);
        const knex = await database.getClient();
        await tuneSqlite(knex);
        if (!database.migrations?.skip) {
          await migrateStore(knex);
        }
        const reader = await SqliteReader.start({ knex, logger });
        const checkpointer = await SqliteCheckpointer.start({
          knex,
          logger,
          reading: reader?.reading,
        });
        permissionsRegistry.addPermissions(claudeCodeAnalyticsPermissions);

        const rollups = RollupEngine.create({
          knex,
          logger,
          pricing: config.pricing,
          delivery: DeliveryRollups.create({ knex, logger }),
          reader: reader?.read,
        });
        lifecycle.addShutdownHook(async () => {
          await rollups.stop();
          await reader?.stop();
          await checkpointer?.stop();
        });
        const ownership = OwnershipIndexer.create({
          knex,
          catalog,
          auth,
          logger,
          identityAnnotation: config.identityAnnotation,
          fullLookIntervalMs: config.ownershipFullLookMs,
        });

        await scheduler.scheduleTask({
          id: 'claude-code-analytics-ownership-refresh',
          ...config.ownershipRefresh,
          fn: async () => {
            // The rollups a change queued start at once, outside the task: a run of the task
            // stays a look (or a look and a refresh), short enough for a short timeout, so that
            // a backend stopped in the middle of one blocks the next for a minute at most.
            if (await ownership.refreshIfChanged()) {
              rollups
                .run()
                .catch(error => logger.error(`Rollups failed: ${error}`));
            }
          },
        });
        await scheduler.scheduleTask({
          id: 'claude-code-analytics-rollups',
          ...config.rollupSchedule,
          fn: () => rollups.run(),
        });

        if (config.anthropic) {
          const { anthropic } = config;
          const adminApi = AdminApiUsageSource.create({
            knex,
            client: AdminApiClient.create({
              apiKey: anthropic.adminApiKey,
              baseUrl: anthropic.baseUrl,
              logger,
              maxRetries: anthropic.maxRetries,
            }),
            logger,
            pricing: config.pricing,
            backfillDays: anthropic.backfillDays,
            rereadDays: anthropic.rereadDays,
          });
          await scheduler.scheduleTask({
            id: 'claude-code-analytics-admin-api',
            ...anthropic.schedule,
            fn: async () => {
              const summary = await adminApi.run();
              logger.info(`Admin API sync: ${JSON.stringify(summary)}`);
              await rollups.run();
            },
          });
        }

        if (config.github) {
          const github = GithubDeliverySource.create({
            knex,
            config: rootConfig,
            logger,
            // The repositories of catalog Components, with their annotations' overrides.
            repositories: async () => {
              const credentials = await auth.getOwnServiceCredentials();
              const components = [];
              for await (const page of catalog.streamEntities(
                {
                  filter: { kind: 'Component' },
                  fields: ['kind', 'metadata.name', 'metadata.annotations'],
                },
                { credentials },
              )) {
                components.push(...page);
              }
              const { repositories, invalid } =
                repositoriesFromComponents(components);
              for (const problem of invalid) {
                logger.warn(`GitHub sync: ${problem}`);
              }
              return repositories;
            },
            options: config.github.options,
          });
          await scheduler.scheduleTask({
            id: 'claude-code-analytics-github',
            ...config.github.schedule,
            fn: async () => {
              const summary = await github.run();
              logger.info(`GitHub sync: ${JSON.stringify(summary)}`);
              await rollups.run();
            },
          });
        }

        if (config.demo.enabled) {
          const demo = DemoSource.create({
            knex,
            logger,
            pricing: config.pricing,
            seed: config.demo.seed,
            days: config.demo.days,
          });
          lifecycle.addStartupHook(() => {
            // In the background: the backend serves while the history is written.
            demo
              .writeOnce()
              .then(() => rollups.run())
              .catch((error: unknown) =>
                logger.error(`Demo history could not be written: ${error}`),
              );
          });
        }

        const otlpDecoder = OtlpDecoderPool.create({
          threads: config.otlpDecodeThreads,
          logger,
        });
        lifecycle.addShutdownHook(() => otlpDecoder.close());

        httpRouter.use(
          await createRouter({
            knex,
            httpAuth,
            auth,
            permissions,
            catalog,
            config,
            rollups,
            logger,
            otlp: OtlpReceiver.create({
              knex,
              logger,
              maxBytes: config.otlpMaxBytes,
              maxPending: config.otlpMaxPendingExports,
              decoder: otlpDecoder,
            }),
          }),
        );
      },
    });
  },
});
