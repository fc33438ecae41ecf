import { LoggerService } from '@backstage/backend-plugin-api';
import { ForwardedError, InputError, ResponseError } from '@backstage/errors';

const REPORT_PATH = '/v1/organizations/usage_report/claude_code';
const PAGE_SIZE = 1000;
const FIRST_RETRY_DELAY_MS = 1000;
const MAX_BACKOFF_MS = 60_000;
// A longer retry-after than this is better answered by the next scheduled run.
const MAX_RETRY_AFTER_MS = 5 * 60_000;
const REQUEST_TIMEOUT_MS = 60_000;

/**
 * Options of {@link AdminApiClient.create}.
 *
 * @public
 */
export type AdminApiClientOptions = {
  /** An Admin API key (`sk-ant-admin...`). */
  apiKey: string;
  /** Default `https://api.anthropic.com`. */
  baseUrl?: string;
  /** Default the global fetch. */
  fetch?: typeof fetch;
  logger: LoggerService;
  /** Retries of a rate-limited (429) or failed (5xx) request before giving up. Default 5. */
  maxRetries?: number;
  /** Waits between retries; replaceable so that tests need not wait. */
  sleep?: (ms: number) => Promise<void>;
};

/**
 * Records of one UTC day of the Claude Code usage report, every page of it.
 *
 * @public
 */
export type AdminApiDay = {
  /** Raw records, to be checked with `parseAdminApiRecord`. */
  records: unknown[];
};

function delay(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}

/** `retry-after` in milliseconds: delta-seconds or an HTTP date. */
function retryAfterMs(header: string | null): number | undefined {
  if (!header) {
    return undefined;
  }
  const seconds = Number(header);
  if (header.trim() !== '' && Number.isFinite(seconds)) {
    return Math.max(0, seconds * 1000);
  }
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** The `error.message` of an Anthropic API error body, else the body text. */
function apiErrorMessage(text: string): string {
  try {
    const message = JSON.parse(text)?.error?.message;
    if (typeof message === 'string' && message) {
      return message;
    }
  } catch {
    // Not JSON: the text itself is the best description there is.
  }
  return text.trim().slice(0, 500);
}

function isRetryable(status: number): boolean {
  return status === 429 || status >= 500;
}

/**
 * Reads the Claude Code Analytics Admin API (`GET /v1/organizations/usage_report/claude_code`)
 * one UTC day at a time, following its pages, and retrying rate limits (429) and server errors
 * (5xx) with exponential back-off that honours `retry-after`.
 *
 * @public
 */
export class AdminApiClient {
  private constructor(
    private readonly apiKey: string,
    private readonly baseUrl: string,
    private readonly fetchFn: typeof fetch,
    private readonly logger: LoggerService,
    private readonly maxRetries: number,
    private readonly sleep: (ms: number) => Promise<void>,
  ) {}

  static create(options: AdminApiClientOptions): AdminApiClient {
    const maxRetries = options.maxRetries ?? 5;
    if (!Number.isInteger(maxRetries) || maxRetries < 0) {
      throw new InputError(
        `maxRetries must be a whole number of at least 0, got ${maxRetries}`,
      );
    }
    if (!options.apiKey) {
      throw new InputError('An Admin API key is required');
    }
    return new AdminApiClient(
      options.apiKey,
      (options.baseUrl ?? 'https://api.anthropic.com').replace(/\/+$/, ''),
      options.fetch ?? globalThis.fetch,
      options.logger,
      maxRetries,
      options.sleep ?? delay,
    );
  }

  /**
   * Every record of one UTC day.
   *
   * @param date - `YYYY-MM-DD`
   */
  async fetchDay(date: string): Promise<AdminApiDay> {
    const records: unknown[] = [];
    const seenCursors = new Set<string>();
    let cursor: string | undefined;
    for (;;) {
      const query = new URLSearchParams({
        starting_at: date,
        limit: String(PAGE_SIZE),
      });
      if (cursor) {
        query.set('page', cursor);
      }
      const body = await this.request(date, `${REPORT_PATH}?${query}`);
      if (!Array.isArray(body?.data)) {
        throw new Error(
          `Claude Code usage report for ${date}: the response has no data array`,
        );
      }
      records.push(...body.data);
      if (body.has_more !== true) {
        return { records };
      }
      const next = body.next_page;
      // A missing or repeated cursor would loop forever.
      if (typeof next !== 'string' || !next || seenCursors.has(next)) {
        throw new Error(
          `Claude Code usage report for ${date}: has_more without a new next_page`,
        );
      }
      seenCursors.add(next);
      cursor = next;
    }
  }

  private async request(date: string, pathAndQuery: string): Promise<any> {
    const url = `${this.baseUrl}${pathAndQuery}`;
    for (let attempt = 0; ; attempt++) {
      const response = await this.fetchFn(url, {
        headers: {
          'x-api-key': this.apiKey,
          'anthropic-version': '2023-06-01',
          'User-Agent': 'backstage-plugin-claude-code-analytics',
        },
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
      if (response.ok) {
        return response.json();
      }
      const canRetry =
        isRetryable(response.status) && attempt < this.maxRetries;
      if (!canRetry) {
        const text = await response.clone().text();
        const cause = await ResponseError.fromResponse(response);
        const retried = attempt > 0 ? ` after ${attempt + 1} attempts` : '';
        throw new ForwardedError(
          `Claude Code usage report for ${date} failed with ${
            response.status
          } ${response.statusText}${retried}: ${apiErrorMessage(text)}`,
          cause,
        );
      }
      // Drain the body so that the connection is free while we wait.
      await response.arrayBuffer();
      const waitMs = Math.min(
        retryAfterMs(response.headers.get('retry-after')) ??
          Math.min(FIRST_RETRY_DELAY_MS * 2 ** attempt, MAX_BACKOFF_MS),
        MAX_RETRY_AFTER_MS,
      );
      this.logger.warn(
        `Claude Code usage report for ${date} answered ${
          response.status
        }, retrying in ${waitMs} ms (retry ${attempt + 1} of ${
          this.maxRetries
        })`,
      );
      await this.sleep(waitMs);
    }
  }
}
