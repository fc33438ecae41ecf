import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { InputError, stringifyError } from '@backstage/errors';
import {
  DefaultGithubCredentialsProvider,
  GithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import { isProductionDeployment } from 'backstage-plugin-claude-code-analytics-common';
import { Knex } from 'knex';
import { DateTime } from 'luxon';
import { normalizeRepository } from '../../ingestion/normalizeIdentity';
import {
  applyProductionPattern,
  writeDeliveryFacts,
} from '../../ingestion/writeDeliveryFacts';
import {
  recordSourceRun,
  writeIngestionLog,
} from '../../store/recordSourceRun';
import {
  GithubApi,
  GithubBudgetExhaustedError,
  GithubRequestCounter,
} from './GithubApi';
import { SourceCursors } from './SourceCursors';
import {
  MergedPullRequest,
  findCarriedPullRequests,
} from './findCarriedPullRequests';
import {
  GithubOrganization,
  listOrganizationRepositories,
} from './listOrganizationRepositories';
import { KnownDeployment, readDeployments } from './readDeployments';
import { readIncidents } from './readIncidents';
import { readPullRequests } from './readPullRequests';

/**
 * The source id of GitHub delivery data in the store.
 *
 * @public
 */
export const GITHUB_SOURCE = 'github';

const MAX_KEPT_REASONS = 10;

/**
 * What is read and how (see {@link GithubDeliverySource.create}).
 *
 * @public
 */
export type GithubDeliveryOptions = {
  /** Days of history read on the first run of a repository. Default 90. */
  backfillDays?: number;
  /**
   * Deployments API environments that are read (besides those matching `productionPattern`, which
   * always are). Default `/prod/i`.
   */
  deploymentEnvironmentPattern?: RegExp;
  /** Actions workflow runs (by name) that are deployments. Default `/deploy/i`. */
  workflowNamePattern?: RegExp;
  /**
   * Production environments; a workflow run is production when its name, branch or workflow file
   * matches, and is then written with the environment `production` (a name that is always
   * production). Decided when a deployment is written and stored with it. Default `/prod/i`.
   */
  productionPattern?: RegExp;
  /** Labels that make an issue an incident (any of them). Default `['incident']`. */
  incidentLabels?: string[];
  /** Read the Deployments API. Default true. */
  useDeploymentsApi?: boolean;
  /** Read Actions workflow runs, for repositories without Deployments API deployments. Default true. */
  useWorkflowRuns?: boolean;
  /** Requests (REST and GraphQL) one run may make; the rest waits for the next run. Default unlimited. */
  maxRequestsPerRun?: number;
  /** The run stops when fewer requests than this remain in a rate-limit window. Default 200. */
  rateLimitReserve?: number;
  /** Pull requests per GraphQL query, 1 to 100. Default 50. */
  pageSize?: number;
  /** Retries of a 5xx or secondary rate limit answer. Default 3. */
  maxRetries?: number;
  /**
   * Organisations (or user accounts) whose repositories are all read, besides those of catalog
   * Components; listed afresh on each run. Default none.
   */
  organizations?: GithubOrganization[];
};

/**
 * Settings a repository's component can override with annotations.
 *
 * @public
 */
export type RepositoryOverrides = Partial<
  Pick<
    GithubDeliveryOptions,
    | 'deploymentEnvironmentPattern'
    | 'workflowNamePattern'
    | 'productionPattern'
    | 'incidentLabels'
  >
>;

/**
 * A repository to read: its slug, with or without overrides.
 *
 * @public
 */
export type GithubRepositoryEntry =
  | string
  | { slug: string; overrides?: RepositoryOverrides };

/**
 * Options of {@link GithubDeliverySource.create}.
 *
 * @public
 */
export type GithubDeliverySourceOptions = {
  knex: Knex;
  /** The root config: credentials come from `integrations.github`. */
  config: Config;
  logger: LoggerService;
  /** The repositories to read, as `org/repo` (github.com) or `host/org/repo` slugs. */
  repositories: () => Promise<GithubRepositoryEntry[]>;
  options?: GithubDeliveryOptions;
  /** Replaces the global fetch (tests). */
  fetch?: typeof fetch;
  /** The clock; replaceable for tests. */
  now?: () => DateTime;
  /** Waits between retries; replaceable so that tests need not wait. */
  sleep?: (ms: number) => Promise<void>;
};

/**
 * What one {@link GithubDeliverySource.run} did.
 *
 * @public
 */
export type GithubRunSummary = {
  /** Repositories read completely and written. */
  repositoriesRead: number;
  pullRequests: number;
  deployments: number;
  incidents: number;
  /** Malformed items left out. */
  skipped: number;
  /** The first few reasons items were left out, each prefixed with its repository. */
  skippedReasons: string[];
  /** Requests made; `notModified` of the REST ones were free 304 answers. */
  requests: { rest: number; graphql: number; notModified: number };
  /** The last rate-limit state seen, per resource (`core`, `graphql`). */
  rateLimit: Record<string, { remaining: number; resetAt: string }>;
  /** Repositories that failed; they are read again on the next run. */
  failedRepositories: Array<{ repository: string; error: string }>;
  /** Repositories found in the configured organisations (after leaving out archived ones, ...). */
  organizationRepositories: number;
  /** Organisations that could not be listed; their repositories wait for the next run. */
  failedOrganizations: Array<{ organization: string; error: string }>;
  /** Repositories left for the next run because the rate limit or request budget ran out. */
  postponedRepositories: string[];
  /** Why the run stopped early, when it did. */
  stoppedEarly?: string;
};

type Repository = { host: string; owner: string; name: string; slug: string };

function repositoryUnit(slug: string): string {
  return `repository:${normalizeRepository(slug)}`;
}

function parseSlug(slug: string): Repository {
  const parts = slug
    .trim()
    .replace(/^https?:\/\//, '')
    .replace(/\.git$/, '')
    .split('/')
    .filter(Boolean);
  if (parts.length < 2 || parts.length > 3) {
    throw new InputError(
      `"${slug}" is not a repository slug (org/repo or host/org/repo)`,
    );
  }
  const [host, owner, name] =
    parts.length === 3 ? parts : ['github.com', ...parts];
  return { host, owner, name, slug: normalizeRepository(`${owner}/${name}`) };
}

/**
 * Reads delivery data from GitHub into the store: pull requests (with AI evidence), deployments
 * (Deployments API and/or Actions workflow runs) with the pull requests each carried, and incidents
 * (labelled issues). Credentials come from Backstage's `integrations.github` (token or GitHub App),
 * GitHub Enterprise included.
 *
 * Each run reads what changed since the last one: pull requests through a cursor on their update
 * time, lists through conditional requests (a 304 costs no rate limit). A repository's facts are
 * written together and only then its cursors advance, so a crash or an early stop re-reads rather
 * than skips, and natural keys make the re-read a no-op. A failing repository does not stop the
 * others; a spent rate limit or request budget ends the run and the rest resumes next time,
 * starting with the repositories read longest ago.
 *
 * The repositories are those of catalog Components and, with `organizations`, every repository of
 * those organisations (listed afresh on each run: `ceil(R / 100)` REST requests for R
 * repositories). Whether a deployment went to production is decided when it is written, with its
 * component's production pattern (else the configured one), stored with the repository so that
 * imported deployments are decided alike; when the pattern changes, the stored deployments are
 * decided again and the deployment lists are read back to the backfill horizon once.
 *
 * API cost of a backfill of one repository with P pull requests, D new deployments (P_D of them in
 * production) and L incident labels, with page size S (default 50):
 * `ceil(P / S)` GraphQL queries
 * + `ceil(D_all / 100)` deployment list pages + D status requests (Deployments API)
 *   or `ceil(R / 100)` workflow run pages (R runs on the default branch in the window)
 * + `P_D - 1` compare requests (one more per 100 commits of a deployment beyond the first 100)
 * + L × `ceil(I / 100)` issue pages (I incident issues).
 * An incremental run of an unchanged repository costs 1 GraphQL query and 304s (free of rate limit).
 *
 * @public
 */
export class GithubDeliverySource {
  private constructor(
    private readonly knex: Knex,
    private readonly integrations: ScmIntegrations,
    private readonly credentials: GithubCredentialsProvider,
    private readonly logger: LoggerService,
    private readonly repositories: () => Promise<GithubRepositoryEntry[]>,
    private readonly options: Required<
      Omit<GithubDeliveryOptions, 'maxRequestsPerRun'>
    > & { maxRequestsPerRun: number },
    private readonly fetchFn: typeof fetch | undefined,
    private readonly now: () => DateTime,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {}

  static create(options: GithubDeliverySourceOptions): GithubDeliverySource {
    const o = options.options ?? {};
    const resolved = {
      backfillDays: o.backfillDays ?? 90,
      deploymentEnvironmentPattern: o.deploymentEnvironmentPattern ?? /prod/i,
      workflowNamePattern: o.workflowNamePattern ?? /deploy/i,
      productionPattern: o.productionPattern ?? /prod/i,
      incidentLabels: o.incidentLabels ?? ['incident'],
      useDeploymentsApi: o.useDeploymentsApi ?? true,
      useWorkflowRuns: o.useWorkflowRuns ?? true,
      maxRequestsPerRun: o.maxRequestsPerRun ?? Number.POSITIVE_INFINITY,
      rateLimitReserve: o.rateLimitReserve ?? 200,
      pageSize: o.pageSize ?? 50,
      maxRetries: o.maxRetries ?? 3,
      organizations: o.organizations ?? [],
    };
    for (const [key, min, max] of [
      ['backfillDays', 1, Number.POSITIVE_INFINITY],
      ['pageSize', 1, 100],
      ['maxRetries', 0, Number.POSITIVE_INFINITY],
      ['rateLimitReserve', 0, Number.POSITIVE_INFINITY],
    ] as const) {
      const value = resolved[key];
      if (!Number.isInteger(value) || value < min || value > max) {
        throw new InputError(
          `github.${key} must be a whole number from ${min}${
            max === Number.POSITIVE_INFINITY ? '' : ` to ${max}`
          }, got ${value}`,
        );
      }
    }
    if (!(resolved.maxRequestsPerRun >= 1)) {
      throw new InputError(
        `github.maxRequestsPerRun must be at least 1, got ${resolved.maxRequestsPerRun}`,
      );
    }
    const integrations = ScmIntegrations.fromConfig(options.config);
    return new GithubDeliverySource(
      options.knex,
      integrations,
      DefaultGithubCredentialsProvider.fromIntegrations(integrations),
      options.logger,
      options.repositories,
      resolved,
      options.fetch,
      options.now ?? (() => DateTime.utc()),
      options.sleep ?? (ms => new Promise(resolve => setTimeout(resolve, ms))),
    );
  }

  /**
   * Reads every repository once. Errors of one repository are logged, reported and retried on the
   * next run; an exhausted rate limit or request budget postpones the remaining repositories.
   */
  async run(): Promise<GithubRunSummary> {
    const counter: GithubRequestCounter = {
      rest: 0,
      graphql: 0,
      notModified: 0,
      rateLimit: new Map(),
    };
    const summary: GithubRunSummary = {
      repositoriesRead: 0,
      pullRequests: 0,
      deployments: 0,
      incidents: 0,
      skipped: 0,
      skippedReasons: [],
      requests: { rest: 0, graphql: 0, notModified: 0 },
      rateLimit: {},
      failedRepositories: [],
      organizationRepositories: 0,
      failedOrganizations: [],
      postponedRepositories: [],
    };
    const entries = new Map<string, RepositoryOverrides | undefined>();
    for (const entry of await this.repositories()) {
      if (typeof entry === 'string') {
        entries.set(entry, entries.get(entry));
      } else {
        entries.set(entry.slug, entry.overrides ?? entries.get(entry.slug));
      }
    }
    // A repository of a component keeps its component's overrides.
    for (const slug of await this.organizationRepositories(counter, summary)) {
      if (!entries.has(slug)) {
        entries.set(slug, undefined);
      }
    }
    for (const slug of await this.leastRecentlyReadFirst([...entries.keys()])) {
      const overrides = entries.get(slug);
      if (counter.exhausted) {
        summary.postponedRepositories.push(slug);
        continue;
      }
      try {
        const result = await this.readRepository(
          parseSlug(slug),
          counter,
          overrides,
        );
        summary.repositoriesRead += 1;
        summary.pullRequests += result.pullRequests;
        summary.deployments += result.deployments;
        summary.incidents += result.incidents;
        summary.skipped += result.skippedReasons.length;
        summary.skippedReasons.push(
          ...result.skippedReasons.slice(
            0,
            MAX_KEPT_REASONS - summary.skippedReasons.length,
          ),
        );
      } catch (error) {
        if (error instanceof GithubBudgetExhaustedError) {
          summary.postponedRepositories.push(slug);
          continue;
        }
        const message = stringifyError(error);
        summary.failedRepositories.push({ repository: slug, error: message });
        this.logger.warn(
          `GitHub repository ${slug} could not be read: ${message}`,
        );
        await this.log(repositoryUnit(slug), {
          status: 'failed',
          error: message,
        }).catch(logError =>
          this.logger.error(
            `The failure of GitHub repository ${slug} could not be logged: ${logError}`,
          ),
        );
      }
    }
    summary.requests = {
      rest: counter.rest,
      graphql: counter.graphql,
      notModified: counter.notModified,
    };
    summary.rateLimit = Object.fromEntries(counter.rateLimit);
    summary.stoppedEarly = counter.exhausted;
    await this.updateStatus(summary);
    this.logger.info(
      `GitHub delivery: ${
        this.options.organizations.length > 0
          ? `${summary.organizationRepositories} repositories in ${
              this.options.organizations.length -
              summary.failedOrganizations.length
            } organisations, `
          : ''
      }${summary.repositoriesRead} repositories read, ${
        summary.pullRequests
      } pull requests, ${summary.deployments} deployments, ${
        summary.incidents
      } incidents, ${summary.skipped} items skipped, ${
        summary.failedRepositories.length
      } repositories failed, ${
        summary.postponedRepositories.length
      } postponed; ${counter.rest} REST (${
        counter.notModified
      } not modified) and ${counter.graphql} GraphQL requests${
        counter.exhausted ? `; stopped early: ${counter.exhausted}` : ''
      }`,
    );
    return summary;
  }

  /**
   * The repositories of the configured organisations. An organisation that cannot be listed is
   * reported and its repositories wait for the next run; a spent budget ends the listing.
   */
  private async organizationRepositories(
    counter: GithubRequestCounter,
    summary: GithubRunSummary,
  ): Promise<string[]> {
    const slugs: string[] = [];
    for (const organization of this.options.organizations) {
      const host = organization.host ?? 'github.com';
      const name = `${host}/${organization.name}`;
      if (counter.exhausted) {
        break;
      }
      try {
        const { api, installation } = await this.apiFor(
          host,
          organization.name,
          counter,
        );
        const { repositories, leftOut } = await listOrganizationRepositories(
          api,
          organization,
          { installation },
        );
        slugs.push(...repositories);
        summary.organizationRepositories += repositories.length;
        await this.log(`organization:${name}`, {
          status: 'succeeded',
          rows: repositories.length,
          skipped: leftOut,
        });
      } catch (error) {
        if (error instanceof GithubBudgetExhaustedError) {
          break;
        }
        const message = stringifyError(error);
        summary.failedOrganizations.push({
          organization: name,
          error: message,
        });
        this.logger.warn(
          `GitHub organisation ${name} could not be listed: ${message}`,
        );
        await this.log(`organization:${name}`, {
          status: 'failed',
          error: message,
        }).catch(logError =>
          this.logger.error(
            `The failure of GitHub organisation ${name} could not be logged: ${logError}`,
          ),
        );
      }
    }
    return slugs;
  }

  /**
   * Repositories never read first, then those read longest ago: when the rate limit or the
   * request budget cuts runs short, every repository still gets its turn.
   */
  private async leastRecentlyReadFirst(slugs: string[]): Promise<string[]> {
    const readAt = new Map<string, number>();
    for (const row of await this.knex('ingestion_log')
      .select('unit', 'ran_at')
      .where({ source: GITHUB_SOURCE })) {
      readAt.set(row.unit, new Date(row.ran_at).getTime());
    }
    const at = (slug: string) =>
      readAt.get(repositoryUnit(slug)) ?? Number.NEGATIVE_INFINITY;
    // Array.prototype.sort is stable: equally old repositories keep their order.
    return [...slugs].sort((a, b) => at(a) - at(b));
  }

  private async apiFor(
    host: string,
    path: string,
    counter: GithubRequestCounter,
  ): Promise<{ api: GithubApi; installation: boolean }> {
    const integration = this.integrations.github.byHost(host);
    if (!integration?.config.apiBaseUrl) {
      throw new InputError(
        `No GitHub integration with an apiBaseUrl for ${host} in integrations.github`,
      );
    }
    const { token, type } = await this.credentials.getCredentials({
      url: `https://${host}/${path}`,
    });
    if (!token) {
      throw new InputError(
        `No GitHub token or App installation for ${host}/${
          path.split('/')[0]
        } in integrations.github`,
      );
    }
    const api = GithubApi.create({
      token,
      baseUrl: integration.config.apiBaseUrl,
      counter,
      logger: this.logger,
      maxRetries: this.options.maxRetries,
      rateLimitReserve: this.options.rateLimitReserve,
      maxRequests: this.options.maxRequestsPerRun,
      sleep: this.sleep,
      fetch: this.fetchFn,
    });
    return { api, installation: type === 'app' };
  }

  private async readRepository(
    repository: Repository,
    counter: GithubRequestCounter,
    overrides: RepositoryOverrides | undefined,
  ) {
    // A component's annotations may set its own deployment and incident patterns.
    const options = { ...this.options, ...overrides };
    // Production workflow runs are written with the environment "production", whatever pattern
    // recognised them, so that name always counts as production.
    const production = new RegExp(
      `^production$|${options.productionPattern.source}`,
      options.productionPattern.flags,
    );
    const { api } = await this.apiFor(
      repository.host,
      `${repository.owner}/${repository.name}`,
      counter,
    );
    const { slug } = repository;
    const cursors = await SourceCursors.load(
      this.knex,
      GITHUB_SOURCE,
      `${slug}:`,
    );
    const horizon = this.now()
      .toUTC()
      .minus({ days: this.options.backfillDays })
      .toISO()!;

    const pulls = await readPullRequests(api, repository, {
      since: cursors.get('pull-requests') ?? horizon,
      pageSize: this.options.pageSize,
    });

    // Stored for the repository (now that GitHub knows it), so that imported deployments are
    // decided alike; a changed pattern decides the stored deployments again.
    await applyProductionPattern(this.knex, slug, production);
    const stored = await this.knex('deployments')
      .select('id', 'environment', 'status', 'finished_at', 'sha', 'production')
      .where({ repository: slug });
    const known = new Map<string, KnownDeployment>(
      stored.map(row => [
        row.id,
        {
          environment: row.environment,
          status: row.status,
          finishedAt: row.finished_at,
        },
      ]),
    );
    // Deployments passed over under other patterns may match these: read back to the horizon.
    const patterns = JSON.stringify(
      [
        options.deploymentEnvironmentPattern,
        options.workflowNamePattern,
        options.productionPattern,
        options.useDeploymentsApi,
        options.useWorkflowRuns,
      ].map(String),
    );
    const found = await readDeployments(api, repository, {
      ...options,
      horizon,
      defaultBranch:
        pulls.defaultBranch ?? (await this.storedDefaultBranch(slug)),
      known,
      cursors,
      rescan: cursors.get('deployment-patterns') !== patterns,
    });

    const isProduction = (environment: string) =>
      isProductionDeployment({ environment }, production);
    const deployments =
      found.deployments.length === 0
        ? []
        : await findCarriedPullRequests(api, repository, {
            deployments: found.deployments,
            storedSuccesses: stored
              .filter(
                row => row.status === 'success' && Boolean(row.production),
              )
              .map(row => ({
                id: row.id,
                finishedAt: row.finished_at,
                sha: row.sha ?? undefined,
              })),
            mergedPullRequests: await this.mergedPullRequests(
              slug,
              pulls.pullRequests,
            ),
            isProduction,
            horizon,
          });

    const issuesSince = cursors.get('issues') ?? horizon;
    const incidents = await readIncidents(api, repository, {
      labels: options.incidentLabels,
      since: issuesSince,
      cursors,
    });

    // The pattern stored above decides which of the deployments went to production.
    await writeDeliveryFacts(this.knex, GITHUB_SOURCE, {
      pullRequests: pulls.pullRequests,
      deployments,
      incidents: incidents.incidents,
    });
    if (pulls.defaultBranch) {
      await this.knex('repositories')
        .insert({
          repository: slug,
          default_branch: pulls.defaultBranch,
          updated_at: this.now().toJSDate(),
        })
        .onConflict('repository')
        .merge(['default_branch']);
    }

    // Only now that the facts are stored: a crash before this line re-reads them.
    if (pulls.newestUpdatedAt) {
      cursors.set('pull-requests', pulls.newestUpdatedAt);
    }
    // A fixed `since` keeps the issue requests identical, so their ETags answer 304.
    cursors.set('issues', incidents.newestUpdatedAt ?? issuesSince);
    cursors.set('deployment-patterns', patterns);
    for (const [name, value] of [
      ...found.cursorUpdates,
      ...incidents.cursorUpdates,
    ]) {
      cursors.set(name, value);
    }
    await cursors.save(this.now().toJSDate());

    const skippedReasons = [
      ...pulls.skippedReasons,
      ...found.skippedReasons,
      ...incidents.skippedReasons,
    ];
    if (skippedReasons.length > 0) {
      this.logger.warn(
        `GitHub repository ${slug}: ${
          skippedReasons.length
        } items skipped: ${skippedReasons
          .slice(0, MAX_KEPT_REASONS)
          .join('; ')}`,
      );
    }
    const rows =
      pulls.pullRequests.length +
      deployments.length +
      incidents.incidents.length;
    await this.log(repositoryUnit(slug), {
      status: 'succeeded',
      rows,
      skipped: skippedReasons.length,
      error:
        skippedReasons.length > 0
          ? `${skippedReasons.length} items skipped: ${skippedReasons
              .slice(0, MAX_KEPT_REASONS)
              .join('; ')}`
          : undefined,
    });
    return {
      pullRequests: pulls.pullRequests.length,
      deployments: deployments.length,
      incidents: incidents.incidents.length,
      skippedReasons,
    };
  }

  private async storedDefaultBranch(slug: string): Promise<string | undefined> {
    const row = await this.knex('repositories')
      .select('default_branch')
      .where({ repository: slug })
      .first();
    return row?.default_branch ?? undefined;
  }

  /** Merged pull requests of the repository: stored ones, updated by those just read. */
  private async mergedPullRequests(
    slug: string,
    read: Array<{ number: number; mergedAt?: string; mergeCommitSha?: string }>,
  ): Promise<MergedPullRequest[]> {
    const merged = new Map<number, MergedPullRequest>();
    for (const row of await this.knex('pull_requests')
      .select('number', 'merged_at', 'merge_commit_sha')
      .where({ repository: slug })
      .whereNotNull('merged_at')) {
      merged.set(Number(row.number), {
        number: Number(row.number),
        mergedAt: row.merged_at,
        mergeCommitSha: row.merge_commit_sha ?? undefined,
      });
    }
    for (const pr of read) {
      if (pr.mergedAt) {
        merged.set(pr.number, {
          number: pr.number,
          mergedAt: pr.mergedAt,
          mergeCommitSha: pr.mergeCommitSha,
        });
      }
    }
    return [...merged.values()];
  }

  /** Records a unit (`repository:org/repo`, `organization:host/org`) in the ingestion log. */
  private async log(
    unit: string,
    entry: {
      status: 'succeeded' | 'failed';
      rows?: number;
      skipped?: number;
      error?: string;
    },
  ) {
    await writeIngestionLog(this.knex, {
      source: GITHUB_SOURCE,
      unit,
      ...entry,
      ranAt: this.now().toJSDate(),
    });
  }

  private async updateStatus(summary: GithubRunSummary) {
    await recordSourceRun(this.knex, GITHUB_SOURCE, {
      at: this.now().toJSDate(),
      unitsRead: summary.repositoriesRead,
      failures: [
        ...summary.failedOrganizations.map(f => ({
          unit: `organisation ${f.organization}`,
          error: f.error,
        })),
        ...summary.failedRepositories.map(f => ({
          unit: f.repository,
          error: f.error,
        })),
      ],
      unitName:
        summary.failedOrganizations.length > 0
          ? 'organisations and repositories'
          : 'repositories',
    });
  }
}
