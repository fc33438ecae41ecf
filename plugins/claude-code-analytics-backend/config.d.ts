import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';
import { HumanDuration } from '@backstage/types';

export interface Config {
  /** Configuration of the Claude Code Analytics backend plugin. */
  claudeCodeAnalytics?: {
    privacy?: {
      /**
       * Aggregates over fewer active people than this are suppressed. Default 5.
       * @visibility frontend
       */
      minimumGroupSize?: number;
    };
    ownership?: {
      /**
       * When the catalog is checked for changes (a cheap look at the groups' etags: a group's etag
       * changes with its parent, children, members and owned entities); the ownership index is
       * rebuilt when anything changed, and at least hourly. Default every second, starting 10
       * seconds after start-up.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /**
       * How often a look covers the etags of every kind (users, components, systems, domains too:
       * an email or a repository annotation changed), e.g. `{ seconds: 3 }` or `PT3S`. Default 3
       * seconds.
       */
      fullLookInterval?: HumanDuration | string;
      /**
       * The User annotation listing extra identities (comma or space separated): API key names,
       * Bedrock user ids, other emails. Default `claude-code-analytics/identities`.
       */
      identityAnnotation?: string;
    };
    rollups?: {
      /**
       * When queued rollups are processed in the background (writes also trigger them at once).
       * Default every 30 seconds.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
    pricing?: {
      /** Extra price table entries, checked before the built-in list prices. */
      models?: Array<{
        /** A case-insensitive regular expression matched against the model id. */
        pattern: string;
        /** USD per million input tokens. */
        input: number;
        /** USD per million output tokens. */
        output: number;
        /** USD per million cache read tokens. */
        cacheRead: number;
        /** USD per million 5-minute cache write tokens. */
        cacheWrite5m: number;
        /** USD per million 1-hour cache write tokens. Default: twice the input price. */
        cacheWrite1h?: number;
      }>;
      /** Price multiplier per provider, e.g. `{ bedrock: 1.1 }` for regional endpoints. */
      providerMultipliers?: { [provider: string]: number };
    };
    anthropic?: {
      /**
       * An Admin API key (sk-ant-admin...) of the organisation: switches on the scheduled sync of
       * the Claude Code Analytics Admin API.
       * @visibility secret
       */
      adminApiKey?: string;
      /** Default https://api.anthropic.com. */
      baseUrl?: string;
      /** Days read on the first run and kept complete (gaps are filled). Default 90. */
      backfillDays?: number;
      /** The most recent days, read again on every run since a day fills until it is over. Default 3. */
      rereadDays?: number;
      /** Retries of a 429 or 5xx answer. Default 5. */
      maxRetries?: number;
      /** When the sync runs. Default hourly. */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };
    github?: {
      /**
       * Reads pull requests, deployments and incidents of the repositories named by the
       * `github.com/project-slug` annotation of catalog Components (and of every repository of
       * `organizations`), with the credentials of `integrations.github` (token or GitHub App).
       * Default false.
       */
      enabled?: boolean;
      /**
       * Organisations (or user accounts) whose repositories are all read too, listed afresh on
       * each run; those no Component names show as unmapped repositories in `/v1/status`. A login
       * (`acme`, or `ghe.example.com/acme` for GitHub Enterprise), or an object. Default none.
       */
      organizations?: Array<
        | string
        | {
            /** The organisation's or user's login. */
            name: string;
            /** Its `integrations.github` host. Default github.com. */
            host?: string;
            /** Repositories whose name matches (case-insensitive regular expression) are left out. */
            exclude?: string;
            /** Read archived repositories too. Default false. */
            includeArchived?: boolean;
            /** Read forks too. Default false. */
            includeForks?: boolean;
          }
      >;
      /** When the sync runs. Default every 30 minutes. */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /** Days of history read on the first run of a repository. Default 90. */
      backfillDays?: number;
      /**
       * Deployments API environments read (case-insensitive regular expression), besides those
       * matching `productionPattern`. Default `prod`.
       */
      deploymentEnvironmentPattern?: string;
      /** Actions workflow runs (by name) that are deployments. Default `deploy`. */
      workflowNamePattern?: string;
      /**
       * What counts as production (environment, workflow name or branch), unless a component's
       * `claude-code-analytics/production-pattern` annotation says otherwise. Decided when a
       * deployment is written and stored with it; the environment `production` always counts.
       * Default `prod`.
       */
      productionPattern?: string;
      /** Labels that make an issue an incident. Default `[incident]`. */
      incidentLabels?: string[];
      /** Read the Deployments API. Default true. */
      useDeploymentsApi?: boolean;
      /** Read Actions workflow runs where a repository has no Deployments API deployments. Default true. */
      useWorkflowRuns?: boolean;
      /** API requests one run may make; the rest waits for the next run. Default unlimited. */
      maxRequestsPerRun?: number;
      /** A run stops when fewer requests than this remain in the rate-limit window. Default 200. */
      rateLimitReserve?: number;
    };
    otlp?: {
      /** Largest accepted OTLP export in bytes, before and after gzip. Default 5 MiB. */
      maxBytes?: number;
      /**
       * Worker threads that decode exports (parsing and reading the events), so that the event
       * loop only stores rows; 0 decodes on the event loop. Default one per CPU core but one, at
       * most 4.
       */
      decodeThreads?: number;
      /**
       * Exports in flight (from authentication until the answer: body read, decoded, stored) at
       * most; beyond it an export is answered 503 with a `Retry-After` of 1, 2 or 3 seconds (at
       * random), which OTLP exporters retry. Default 500.
       */
      maxPendingExports?: number;
    };
    import?: {
      /** Largest accepted body of `POST /v1/import`, in bytes. Default 100 MiB. */
      maxBytes?: number;
    };
    demo?: {
      /** Writes a year of demo usage and delivery history for the demo org. Default false. */
      enabled?: boolean;
      /** Seed of the demo generator; must match the seed of the demo org in the catalog. */
      seed?: number;
      /** Days of history ending yesterday. Default 365. */
      days?: number;
    };
  };
}
