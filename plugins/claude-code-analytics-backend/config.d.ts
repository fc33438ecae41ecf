import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

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
       * When the catalog is checked for changes (a cheap look at entity etags); the ownership index
       * is rebuilt when anything changed, and at least hourly. Default every 15 seconds, starting
       * 10 seconds after start-up.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
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
    otlp?: {
      /** Largest accepted OTLP export in bytes, before and after gzip. Default 5 MiB. */
      maxBytes?: number;
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
