import { LoggerService } from '@backstage/backend-plugin-api';
import { CustomErrorBase, ForwardedError } from '@backstage/errors';
import { Octokit } from '@octokit/rest';

const FIRST_RETRY_DELAY_MS = 1000;
// GitHub asks to wait at least a minute after a secondary rate limit without retry-after.
const SECONDARY_LIMIT_DEFAULT_WAIT_MS = 60_000;
// A longer wait than this is better left to the next scheduled run.
const MAX_WAIT_MS = 5 * 60_000;

/**
 * Thrown when the run has to stop and resume on the next one: the primary rate limit is (nearly)
 * spent, or the run's request budget is used up.
 */
export class GithubBudgetExhaustedError extends CustomErrorBase {
  name = 'GithubBudgetExhaustedError' as const;
}

/** Requests made, shared by every repository of one run. */
export type GithubRequestCounter = {
  rest: number;
  graphql: number;
  /** REST answers 304 Not Modified (free of rate limit; included in `rest`). */
  notModified: number;
  /** Last `x-ratelimit-remaining` seen per resource (`core`, `graphql`, ...). */
  rateLimit: Map<string, { remaining: number; resetAt: string }>;
  /** Why the run must stop, once it must. */
  exhausted?: string;
};

/** A REST answer; `undefined` data means 304 Not Modified. */
export type GithubRestResponse<T> = {
  data?: T;
  etag?: string;
  /** The `rel="next"` URL of the Link header. */
  next?: string;
};

type ErrorWithResponse = {
  status?: number;
  message?: string;
  response?: { headers?: Record<string, string | undefined>; data?: unknown };
};

function headersOf(error: unknown): Record<string, string | undefined> {
  return (error as ErrorWithResponse | undefined)?.response?.headers ?? {};
}

function retryAfterMs(header: string | undefined): number | undefined {
  if (!header) {
    return undefined;
  }
  const seconds = Number(header);
  return Number.isFinite(seconds) ? Math.max(0, seconds * 1000) : undefined;
}

function nextLink(link: string | undefined): string | undefined {
  return link?.match(/<([^>]+)>;\s*rel="next"/)?.[1];
}

/**
 * Octokit 19 parses a 304's empty body as JSON when it carries a JSON content type, and fails:
 * such a 304 is handed on without one.
 */
function withEmptyNotModified(fetchFn: typeof fetch): typeof fetch {
  return async (input, init) => {
    const response = await fetchFn(input, init);
    if (response.status !== 304) {
      return response;
    }
    const headers = new Headers(response.headers);
    headers.delete('content-type');
    return new Response(null, { status: 304, headers });
  };
}

/**
 * Octokit for one repository's host and token, with what every call of the GitHub source needs:
 * counting, retries of 5xx and secondary rate limits (honouring `retry-after`), a stop when the
 * primary rate limit falls below the reserve or the run's request budget is spent, and conditional
 * requests (`If-None-Match`, a 304 costs no rate limit).
 */
export class GithubApi {
  private constructor(
    private readonly octokit: Octokit,
    private readonly graphqlUrl: string,
    private readonly counter: GithubRequestCounter,
    private readonly logger: LoggerService,
    private readonly options: {
      maxRetries: number;
      rateLimitReserve: number;
      maxRequests: number;
      sleep: (ms: number) => Promise<void>;
    },
  ) {}

  static create(options: {
    token: string;
    baseUrl: string;
    counter: GithubRequestCounter;
    logger: LoggerService;
    maxRetries: number;
    rateLimitReserve: number;
    maxRequests: number;
    sleep: (ms: number) => Promise<void>;
    fetch?: typeof fetch;
  }): GithubApi {
    const octokit = new Octokit({
      auth: options.token,
      baseUrl: options.baseUrl,
      userAgent: 'backstage-plugin-claude-code-analytics',
      request: {
        fetch: withEmptyNotModified(options.fetch ?? globalThis.fetch),
      },
      log: {
        debug: () => {},
        info: () => {},
        warn: message => options.logger.warn(message),
        error: message => options.logger.error(message),
      },
    });
    // GitHub Enterprise Server serves GraphQL at /api/graphql next to the REST /api/v3.
    const baseUrl = options.baseUrl.replace(/\/+$/, '');
    const graphqlUrl = /\/api\/v3$/.test(baseUrl)
      ? baseUrl.replace(/\/api\/v3$/, '/api/graphql')
      : `${baseUrl}/graphql`;
    return new GithubApi(
      octokit,
      graphqlUrl,
      options.counter,
      options.logger,
      options,
    );
  }

  /** A GET of the REST API (a route like `GET /repos/{owner}/{repo}/deployments`, or a full URL). */
  async get<T>(
    route: string,
    parameters: Record<string, unknown> = {},
    options: { etag?: string } = {},
  ): Promise<GithubRestResponse<T>> {
    const headers = options.etag ? { 'if-none-match': options.etag } : {};
    try {
      const response = await this.call('rest', route.split('?')[0], () =>
        this.octokit.request(
          route.startsWith('http') ? `GET ${route}` : route,
          {
            ...parameters,
            headers,
          },
        ),
      );
      return {
        data: response.data as T,
        etag: response.headers.etag,
        next: nextLink(response.headers.link),
      };
    } catch (error) {
      if ((error as ErrorWithResponse).status === 304) {
        this.counter.notModified += 1;
        return { etag: options.etag };
      }
      throw error;
    }
  }

  /** A GraphQL query; GraphQL errors (e.g. NOT_FOUND) are thrown. */
  async graphql<T>(
    query: string,
    variables: Record<string, unknown>,
  ): Promise<T> {
    const response = await this.call('graphql', 'POST /graphql', () =>
      this.octokit.request(`POST ${this.graphqlUrl}`, { query, variables }),
    );
    const body = response.data as {
      data?: T;
      errors?: Array<{ type?: string; message?: string }>;
    };
    if (body.errors?.length) {
      // The primary GraphQL limit answers 200 with a RATE_LIMITED error.
      if (body.errors.some(e => e.type === 'RATE_LIMITED')) {
        this.counter.exhausted = 'the GitHub GraphQL rate limit is exhausted';
        throw new GithubBudgetExhaustedError(this.counter.exhausted);
      }
      throw new Error(
        `GitHub GraphQL query failed: ${body.errors
          .map(e => e.message ?? e.type)
          .join('; ')}`,
      );
    }
    if (!body.data) {
      throw new Error('GitHub GraphQL query answered without data');
    }
    return body.data;
  }

  private async call<T>(
    kind: 'rest' | 'graphql',
    description: string,
    send: () => Promise<T>,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      if (
        this.counter.rest + this.counter.graphql >=
        this.options.maxRequests
      ) {
        this.counter.exhausted = `the run's budget of ${this.options.maxRequests} GitHub requests is spent`;
      }
      if (this.counter.exhausted) {
        throw new GithubBudgetExhaustedError(this.counter.exhausted);
      }
      this.counter[kind] += 1;
      try {
        const response = await send();
        this.observeRateLimit(
          (response as { headers?: Record<string, string | undefined> })
            ?.headers,
        );
        return response;
      } catch (error) {
        const status = (error as ErrorWithResponse).status;
        const headers = headersOf(error);
        this.observeRateLimit(headers);
        if (status === 304) {
          throw error;
        }
        const waitMs = this.retryWait(
          status,
          headers,
          (error as ErrorWithResponse).message ?? '',
          attempt,
        );
        if (waitMs === 'stop') {
          this.counter.exhausted = `the GitHub rate limit is exhausted until ${this.resetTime(
            headers,
          )}`;
          throw new GithubBudgetExhaustedError(this.counter.exhausted, error);
        }
        if (waitMs === undefined || attempt >= this.options.maxRetries) {
          throw new ForwardedError(
            `GitHub ${description} failed${
              attempt > 0 ? ` after ${attempt + 1} attempts` : ''
            }`,
            error,
          );
        }
        this.logger.warn(
          `GitHub ${description} answered ${status}, retrying in ${waitMs} ms`,
        );
        await this.options.sleep(waitMs);
      }
    }
  }

  /** How long to wait before retrying, `undefined` when not retryable, 'stop' to end the run. */
  private retryWait(
    status: number | undefined,
    headers: Record<string, string | undefined>,
    message: string,
    attempt: number,
  ): number | undefined | 'stop' {
    if (status === 403 || status === 429) {
      const retryAfter = retryAfterMs(headers['retry-after']);
      if (retryAfter !== undefined) {
        return retryAfter > MAX_WAIT_MS ? 'stop' : retryAfter;
      }
      if (headers['x-ratelimit-remaining'] === '0') {
        return 'stop';
      }
      // A 403 without rate-limit signs is a permission problem: retrying cannot help.
      return status === 429 || /secondary rate limit|abuse/i.test(message)
        ? SECONDARY_LIMIT_DEFAULT_WAIT_MS
        : undefined;
    }
    if (status !== undefined && status >= 500) {
      return FIRST_RETRY_DELAY_MS * 2 ** attempt;
    }
    return undefined;
  }

  private resetTime(headers: Record<string, string | undefined>): string {
    const reset = Number(headers['x-ratelimit-reset']);
    return Number.isFinite(reset) && reset > 0
      ? new Date(reset * 1000).toISOString()
      : 'its reset';
  }

  private observeRateLimit(
    headers: Record<string, string | undefined> | undefined,
  ) {
    const remainingHeader = headers?.['x-ratelimit-remaining'];
    if (remainingHeader === undefined) {
      return;
    }
    const remaining = Number(remainingHeader);
    const resource = headers?.['x-ratelimit-resource'] ?? 'core';
    const resetAt = this.resetTime(headers!);
    this.counter.rateLimit.set(resource, { remaining, resetAt });
    // This answer is still used; the next request is not made.
    if (remaining < this.options.rateLimitReserve) {
      this.counter.exhausted = `only ${remaining} GitHub ${resource} requests remain until ${resetAt} (reserve ${this.options.rateLimitReserve})`;
    }
  }
}
