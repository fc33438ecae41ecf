import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import {
  Config,
  ConfigReader,
  readDurationFromConfig,
} from '@backstage/config';
import { InputError } from '@backstage/errors';
import { durationToMilliseconds } from '@backstage/types';
import os from 'node:os';
import {
  DEFAULT_MINIMUM_GROUP_SIZE,
  DEFAULT_PRICE_TABLE,
  PriceTableEntry,
} from 'backstage-plugin-claude-code-analytics-common';
import { PricingOptions } from '../ingestion/PricingOptions';
import { GithubDeliveryOptions } from '../sources/github/GithubDeliverySource';
import { GithubOrganization } from '../sources/github/listOrganizationRepositories';
import { DEFAULT_IDENTITY_ANNOTATION } from '../ownership/buildOwnershipIndex';

/**
 * The plugin's configuration, validated, with defaults applied.
 */
export type AnalyticsConfig = {
  minimumGroupSize: number;
  identityAnnotation: string;
  ownershipRefresh: SchedulerServiceTaskScheduleDefinition;
  /** How often a look at the catalog covers every kind, not only the groups, in ms. */
  ownershipFullLookMs: number;
  rollupSchedule: SchedulerServiceTaskScheduleDefinition;
  pricing: PricingOptions;
  /** Largest accepted body of `POST /v1/import`, in bytes. */
  importMaxBytes: number;
  /** Largest accepted OTLP export, in bytes, compressed or not. */
  otlpMaxBytes: number;
  /** Worker threads decoding OTLP exports; 0 on the event loop. */
  otlpDecodeThreads: number;
  /** Exports in flight at most before answering 503 (see config.d.ts). */
  otlpMaxPendingExports: number;
  /** The Admin API source; undefined when no admin key is configured. */
  anthropic?: {
    adminApiKey: string;
    baseUrl?: string;
    backfillDays: number;
    rereadDays: number;
    maxRetries: number;
    schedule: SchedulerServiceTaskScheduleDefinition;
  };
  demo: { enabled: boolean; seed: number; days: number };
  /** The GitHub delivery source; undefined unless `github.enabled`. */
  github?: {
    schedule: SchedulerServiceTaskScheduleDefinition;
    options: GithubDeliveryOptions;
  };
};

function readPattern(config: Config, key: string): RegExp | undefined {
  const pattern = config.getOptionalString(key);
  if (pattern === undefined) {
    return undefined;
  }
  try {
    return new RegExp(pattern, 'i');
  } catch (e) {
    throw new InputError(
      `claudeCodeAnalytics.github.${key}: invalid pattern ${pattern}: ${e}`,
    );
  }
}

/**
 * `github.organizations`: logins (`acme`, or `host/acme` for GitHub Enterprise), or objects with
 * `name`, `host`, `exclude`, `includeArchived` and `includeForks`.
 */
function readOrganizations(github: Config): GithubOrganization[] | undefined {
  const key = 'claudeCodeAnalytics.github.organizations';
  const entries = github.getOptional('organizations');
  if (entries === undefined) {
    return undefined;
  }
  if (!Array.isArray(entries)) {
    throw new InputError(`${key} must be a list`);
  }
  return entries.map((entry, index): GithubOrganization => {
    if (typeof entry === 'string') {
      const parts = entry.trim().split('/').filter(Boolean);
      if (parts.length < 1 || parts.length > 2) {
        throw new InputError(
          `${key}[${index}] must be an organisation login or host/login, got "${entry}"`,
        );
      }
      return parts.length === 2
        ? { host: parts[0], name: parts[1] }
        : { name: parts[0] };
    }
    if (typeof entry !== 'object' || entry === null || Array.isArray(entry)) {
      throw new InputError(
        `${key}[${index}] must be a login or an object with a name`,
      );
    }
    const organization = new ConfigReader(entry, `${key}[${index}]`);
    const exclude = organization.getOptionalString('exclude');
    let excludePattern: RegExp | undefined;
    try {
      excludePattern =
        exclude === undefined ? undefined : new RegExp(exclude, 'i');
    } catch (e) {
      throw new InputError(
        `${key}[${index}].exclude: invalid pattern ${exclude}: ${e}`,
      );
    }
    return {
      name: organization.getString('name'),
      host: organization.getOptionalString('host'),
      exclude: excludePattern,
      includeArchived: organization.getOptionalBoolean('includeArchived'),
      includeForks: organization.getOptionalBoolean('includeForks'),
    };
  });
}

function readGithub(config: Config | undefined): AnalyticsConfig['github'] {
  const github = config?.getOptionalConfig('github');
  if (!github?.getOptionalBoolean('enabled')) {
    return undefined;
  }
  return {
    schedule: readSchedule(github, 'schedule', {
      frequency: { minutes: 30 },
      timeout: { minutes: 20 },
      initialDelay: { minutes: 1 },
    }),
    options: {
      backfillDays: github.getOptionalNumber('backfillDays'),
      deploymentEnvironmentPattern: readPattern(
        github,
        'deploymentEnvironmentPattern',
      ),
      workflowNamePattern: readPattern(github, 'workflowNamePattern'),
      productionPattern: readPattern(github, 'productionPattern'),
      incidentLabels: github.getOptionalStringArray('incidentLabels'),
      useDeploymentsApi: github.getOptionalBoolean('useDeploymentsApi'),
      useWorkflowRuns: github.getOptionalBoolean('useWorkflowRuns'),
      maxRequestsPerRun: github.getOptionalNumber('maxRequestsPerRun'),
      rateLimitReserve: github.getOptionalNumber('rateLimitReserve'),
      organizations: readOrganizations(github),
    },
  };
}

function readDecodeThreads(config: Config | undefined): number {
  const threads = config?.getOptionalNumber('otlp.decodeThreads');
  if (threads === undefined) {
    return Math.min(4, Math.max(0, os.availableParallelism() - 1));
  }
  if (!Number.isInteger(threads) || threads < 0 || threads > 64) {
    throw new InputError(
      `claudeCodeAnalytics.otlp.decodeThreads must be a whole number from 0 to 64, got ${threads}`,
    );
  }
  return threads;
}

function readMaxPendingExports(config: Config | undefined): number {
  const pending = config?.getOptionalNumber('otlp.maxPendingExports');
  if (pending === undefined) {
    return 500;
  }
  if (!Number.isInteger(pending) || pending < 1) {
    throw new InputError(
      `claudeCodeAnalytics.otlp.maxPendingExports must be a whole number of at least 1, got ${pending}`,
    );
  }
  return pending;
}

function readSchedule(
  config: Config | undefined,
  key: string,
  fallback: SchedulerServiceTaskScheduleDefinition,
): SchedulerServiceTaskScheduleDefinition {
  const block = config?.getOptionalConfig(key);
  return block
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(block)
    : fallback;
}

function readAnthropic(
  config: Config | undefined,
): AnalyticsConfig['anthropic'] {
  const anthropic = config?.getOptionalConfig('anthropic');
  const adminApiKey = anthropic?.getOptionalString('adminApiKey');
  if (!anthropic || !adminApiKey) {
    return undefined;
  }
  return {
    adminApiKey,
    baseUrl: anthropic.getOptionalString('baseUrl'),
    backfillDays: anthropic.getOptionalNumber('backfillDays') ?? 90,
    rereadDays: anthropic.getOptionalNumber('rereadDays') ?? 3,
    maxRetries: anthropic.getOptionalNumber('maxRetries') ?? 5,
    // The data is about an hour late: reading more often finds nothing new.
    schedule: readSchedule(anthropic, 'schedule', {
      frequency: { hours: 1 },
      timeout: { minutes: 30 },
      initialDelay: { seconds: 30 },
    }),
  };
}

export function readAnalyticsConfig(rootConfig: Config): AnalyticsConfig {
  const config = rootConfig.getOptionalConfig('claudeCodeAnalytics');
  const minimumGroupSize =
    config?.getOptionalNumber('privacy.minimumGroupSize') ??
    DEFAULT_MINIMUM_GROUP_SIZE;
  if (!Number.isInteger(minimumGroupSize) || minimumGroupSize < 1) {
    throw new InputError(
      `claudeCodeAnalytics.privacy.minimumGroupSize must be a whole number of at least 1, got ${minimumGroupSize}`,
    );
  }

  const configured: PriceTableEntry[] = (
    config?.getOptionalConfigArray('pricing.models') ?? []
  ).map(entry => {
    const pattern = entry.getString('pattern');
    try {
      RegExp(pattern, 'i');
    } catch (e) {
      throw new InputError(
        `claudeCodeAnalytics.pricing.models: invalid pattern ${pattern}: ${e}`,
      );
    }
    const input = entry.getNumber('input');
    return {
      pattern,
      price: {
        input,
        output: entry.getNumber('output'),
        cacheRead: entry.getNumber('cacheRead'),
        cacheWrite5m: entry.getNumber('cacheWrite5m'),
        cacheWrite1h: entry.getOptionalNumber('cacheWrite1h') ?? input * 2,
      },
    };
  });
  const multipliersConfig = config?.getOptionalConfig(
    'pricing.providerMultipliers',
  );
  const providerMultipliers: Record<string, number> = {};
  for (const provider of multipliersConfig?.keys() ?? []) {
    providerMultipliers[provider] = multipliersConfig!.getNumber(provider);
  }

  return {
    minimumGroupSize,
    identityAnnotation:
      config?.getOptionalString('ownership.identityAnnotation') ??
      DEFAULT_IDENTITY_ANNOTATION,
    // A look at the groups' etags is cheap (one listing of four fields of a few hundred entities),
    // and a team moved in the catalog should show on the cards within seconds.
    ownershipRefresh: readSchedule(config, 'ownership.schedule', {
      frequency: { seconds: 1 },
      timeout: { minutes: 1 },
      initialDelay: { seconds: 10 },
    }),
    ownershipFullLookMs: config?.has('ownership.fullLookInterval')
      ? durationToMilliseconds(
          readDurationFromConfig(config, { key: 'ownership.fullLookInterval' }),
        )
      : 3_000,
    rollupSchedule: readSchedule(config, 'rollups.schedule', {
      frequency: { seconds: 30 },
      timeout: { minutes: 30 },
    }),
    pricing: {
      table: [...configured, ...DEFAULT_PRICE_TABLE],
      providerMultipliers,
    },
    importMaxBytes:
      config?.getOptionalNumber('import.maxBytes') ?? 100 * 1024 * 1024,
    otlpMaxBytes: config?.getOptionalNumber('otlp.maxBytes') ?? 5 * 1024 * 1024,
    otlpDecodeThreads: readDecodeThreads(config),
    otlpMaxPendingExports: readMaxPendingExports(config),
    anthropic: readAnthropic(config),
    github: readGithub(config),
    demo: {
      enabled: config?.getOptionalBoolean('demo.enabled') ?? false,
      seed: config?.getOptionalNumber('demo.seed') ?? 42,
      days: config?.getOptionalNumber('demo.days') ?? 365,
    },
  };
}
