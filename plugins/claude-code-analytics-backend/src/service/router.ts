import {
  AuthService,
  BackstageCredentials,
  HttpAuthService,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { InputError, NotAllowedError, NotFoundError } from '@backstage/errors';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANALYTICS_ENTITY_KINDS,
  claudeCodeAnalyticsIndividualReadPermission,
  DateRangeError,
  isAnalyticsEntityKind,
  parseDateRange,
} from 'backstage-plugin-claude-code-analytics-common';
import express from 'express';
import Router from 'express-promise-router';
import { Knex } from 'knex';
import { AnalyticsConfig } from '../config/readAnalyticsConfig';
import { importConsoleExport } from '../ingestion/console/importConsoleExport';
import { readAsOf } from '../ingestion/console/readAsOf';
import {
  IMPORT_REQUEST_SOURCES,
  importRecords,
} from '../ingestion/importRecords';
import { RollupEngine } from '../rollups/RollupEngine';
import { OtlpReceiver } from '../sources/otlp/OtlpReceiver';
import { readRequestBody } from '../sources/otlp/readRequestBody';
import { getAdoption } from './getAdoption';
import { getCost } from './getCost';
import { getDelivery } from './getDelivery';
import { getGroupSummaries } from './getEntitySummaries';
import { getMemberUsage } from './getMemberUsage';
import { getStatus } from './getStatus';

/** What the router needs. */
export type RouterOptions = {
  knex: Knex;
  httpAuth: HttpAuthService;
  auth: AuthService;
  permissions: PermissionsService;
  catalog: CatalogService;
  config: AnalyticsConfig;
  rollups: RollupEngine;
  otlp: OtlpReceiver;
  logger: LoggerService;
};

/**
 * The REST API of the plugin (see the API contract in the README).
 */
export async function createRouter(
  options: RouterOptions,
): Promise<express.Router> {
  const { knex, httpAuth, auth, permissions, catalog, config, rollups, otlp } =
    options;
  const router = Router();

  /** Resolves the entity of a request, or answers 400/404. */
  async function resolveEntity(params: {
    kind: string;
    namespace: string;
    name: string;
  }) {
    if (!isAnalyticsEntityKind(params.kind)) {
      throw new InputError(
        `kind must be one of ${ANALYTICS_ENTITY_KINDS.join(', ')}, got ${
          params.kind
        }`,
      );
    }
    const kind = params.kind.toLocaleLowerCase('en-US');
    const entityRef =
      `${kind}:${params.namespace}/${params.name}`.toLocaleLowerCase('en-US');
    const indexed = await knex('ownership_entities')
      .first('entity_ref')
      .where('entity_ref', entityRef);
    if (!indexed) {
      // The index may lag a freshly registered entity: ask the catalog before answering 404.
      const entity = await catalog.getEntityByRef(entityRef, {
        credentials: await auth.getOwnServiceCredentials(),
      });
      if (!entity) {
        throw new NotFoundError(`No ${kind} ${entityRef} in the catalog`);
      }
    }
    return { kind, entityRef };
  }

  /** Individual usage: the person themselves, or a caller granted individual.read. */
  async function authorizeIndividual(
    credentials: BackstageCredentials,
    userRef: string | undefined,
  ) {
    if (
      userRef &&
      auth.isPrincipal(credentials, 'user') &&
      credentials.principal.userEntityRef.toLocaleLowerCase('en-US') === userRef
    ) {
      return;
    }
    const [decision] = await permissions.authorize(
      [{ permission: claudeCodeAnalyticsIndividualReadPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError(
        `Individual Claude Code usage${
          userRef ? ` of ${userRef}` : ''
        } is visible to that person and to those granted ${
          claudeCodeAnalyticsIndividualReadPermission.name
        }`,
      );
    }
  }

  function readRange(query: express.Request['query']) {
    try {
      return parseDateRange(query.from, query.to);
    } catch (error) {
      if (error instanceof DateRangeError) {
        throw new InputError(error.message);
      }
      throw error;
    }
  }

  router.get(
    '/v1/entities/:kind/:namespace/:name/adoption',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      const range = readRange(req.query);
      const { kind, entityRef } = await resolveEntity(req.params);
      if (kind === 'user') {
        await authorizeIndividual(credentials, entityRef);
      }
      res.json(
        await getAdoption(knex, entityRef, kind, range, {
          minimumGroupSize: config.minimumGroupSize,
        }),
      );
    },
  );

  router.get('/v1/entities/:kind/:namespace/:name/cost', async (req, res) => {
    const credentials = await httpAuth.credentials(req, {
      allow: ['user', 'service'],
    });
    const range = readRange(req.query);
    const { kind, entityRef } = await resolveEntity(req.params);
    if (kind === 'user') {
      await authorizeIndividual(credentials, entityRef);
    }
    res.json(
      await getCost(knex, entityRef, kind, range, {
        minimumGroupSize: config.minimumGroupSize,
      }),
    );
  });

  router.get(
    '/v1/entities/:kind/:namespace/:name/delivery',
    async (req, res) => {
      await httpAuth.credentials(req, { allow: ['user', 'service'] });
      const range = readRange(req.query);
      const { entityRef } = await resolveEntity(req.params);
      res.json(await getDelivery(knex, entityRef, range));
    },
  );

  router.get(
    '/v1/entities/:kind/:namespace/:name/children',
    async (req, res) => {
      await httpAuth.credentials(req, { allow: ['user', 'service'] });
      const range = readRange(req.query);
      const { kind, entityRef } = await resolveEntity(req.params);
      if (kind !== 'group') {
        throw new InputError('Only groups have sub-groups');
      }
      res.json(
        await getGroupSummaries(knex, range, {
          minimumGroupSize: config.minimumGroupSize,
          parentRef: entityRef,
        }),
      );
    },
  );

  router.get(
    '/v1/entities/:kind/:namespace/:name/members',
    async (req, res) => {
      const credentials = await httpAuth.credentials(req, {
        allow: ['user', 'service'],
      });
      const range = readRange(req.query);
      const { entityRef } = await resolveEntity(req.params);
      await authorizeIndividual(credentials, undefined);
      res.json(await getMemberUsage(knex, entityRef, range));
    },
  );

  router.get('/v1/groups', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    const range = readRange(req.query);
    res.json(
      await getGroupSummaries(knex, range, {
        minimumGroupSize: config.minimumGroupSize,
      }),
    );
  });

  router.post(
    '/v1/import',
    express.text({
      type: () => true,
      limit: config.importMaxBytes,
    }),
    async (req, res) => {
      await httpAuth.credentials(req, { allow: ['user', 'service'] });
      const format =
        req.query.format ?? (req.is('text/csv') ? 'console-csv' : 'ndjson');
      if (format !== 'ndjson' && format !== 'console-csv') {
        throw new InputError('format must be one of ndjson, console-csv');
      }
      if (format === 'console-csv') {
        if (req.query.source !== undefined) {
          throw new InputError('source applies to NDJSON imports only');
        }
        const asOf = readAsOf(req.query.asOf);
        if (typeof req.body !== 'string' || !req.body.trim()) {
          throw new InputError(
            "Send the Console's Claude Code users export as CSV (Content-Type text/csv)",
          );
        }
        const result = await importConsoleExport(knex, req.body, {
          asOf,
          pricing: config.pricing,
        });
        await rollups.run();
        res.json(result);
        return;
      }
      if (req.query.asOf !== undefined) {
        throw new InputError('asOf applies to format=console-csv only');
      }
      if (typeof req.body !== 'string' || !req.body.trim()) {
        throw new InputError(
          'Send NDJSON: one JSON record per line (Content-Type application/x-ndjson)',
        );
      }
      const source = req.query.source ?? 'import';
      if (
        typeof source !== 'string' ||
        !IMPORT_REQUEST_SOURCES.includes(source)
      ) {
        throw new InputError(
          `source must be one of ${IMPORT_REQUEST_SOURCES.join(', ')}`,
        );
      }
      const result = await importRecords(knex, req.body, config.pricing, {
        requestSource: source,
      });
      // Imported data is visible in the API as soon as the import answers.
      await rollups.run();
      res.json(result);
    },
  );

  for (const signal of ['metrics', 'logs'] as const) {
    router.post(`/otlp/v1/${signal}`, async (req, res) => {
      await httpAuth.credentials(req, { allow: ['service', 'user'] });
      const release = otlp.admit();
      if (!release) {
        // Answered here rather than thrown: the error handler would log each one (see admit).
        // The body is in the error handler's shape (name and message of the error); the export's
        // own body is left unread (Node discards it, and keeps the connection).
        const { retryAfterSeconds, message } = otlp.busy();
        const busy = Buffer.from(
          JSON.stringify({
            error: { name: 'OtlpBusyError', message },
            request: { method: req.method, url: req.originalUrl },
            response: { statusCode: 503 },
          }),
        );
        res.writeHead(503, {
          'Retry-After': String(retryAfterSeconds),
          'Content-Type': 'application/json; charset=utf-8',
          'Content-Length': busy.length,
        });
        res.end(busy);
        return;
      }
      let response;
      try {
        response = await otlp.receive(
          signal,
          await readRequestBody(req, config.otlpMaxBytes),
          req.headers['content-type'],
          req.headers['content-encoding'],
        );
      } finally {
        release();
      }
      // Visible in the API within seconds; the exporter does not wait for the rollups, and the
      // exports of a busy second are rolled up together.
      rollups.runSoon();
      // Written as is: express's send would hash every answer for an ETag, which an exporter's
      // POST has no use for (about 2% of the event loop under a fleet's exports).
      const body =
        typeof response.body === 'string'
          ? Buffer.from(response.body, 'utf8')
          : response.body;
      res.writeHead(200, {
        'Content-Type':
          response.contentType === 'application/json'
            ? 'application/json; charset=utf-8'
            : response.contentType,
        'Content-Length': body.length,
      });
      res.end(body);
    });
  }

  router.get('/v1/status', async (req, res) => {
    await httpAuth.credentials(req, { allow: ['user', 'service'] });
    res.json(await getStatus(knex));
  });

  return router;
}
