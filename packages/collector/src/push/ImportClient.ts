import type { RequestRecord } from 'backstage-plugin-claude-code-analytics-common';
import {
  type ImportFetch,
  type ImportResponse,
  nodeHttpFetch,
} from './nodeHttpFetch';

/**
 * A line of a batch that the backend did not import. `line` is 1-based within the batch.
 *
 * @public
 */
export type RejectedLine = { line: number; reason: string };

/**
 * The backend's answer to an import.
 *
 * @public
 */
export type ImportResult = { accepted: number; rejected: RejectedLine[] };

/**
 * Options of {@link ImportClient}.
 *
 * @public
 */
export type ImportClientOptions = {
  /** Backend base URL, e.g. `http://localhost:7007`. */
  baseUrl: string;
  /** A Backstage external-access static token. */
  token: string;
  /** Attempts per batch for 429, 5xx and network errors. Defaults to 5. */
  maxAttempts?: number;
  /** First back-off delay; doubled on each retry. Defaults to 1000 ms. */
  initialDelayMs?: number;
  /** Upper bound of a single back-off delay, also for `Retry-After`. Defaults to 30 s. */
  maxDelayMs?: number;
  /** Defaults to {@link nodeHttpFetch}. */
  fetch?: ImportFetch;
  sleep?: (ms: number) => Promise<void>;
};

// Labelled as transcripts so the backend tells them from other imports when merging requests.
const IMPORT_PATH = '/api/claude-code-analytics/v1/import?source=transcripts';

const defaultSleep = (ms: number) =>
  new Promise<void>(resolvePromise => setTimeout(resolvePromise, ms));

const isRetryable = (status: number) => status === 429 || status >= 500;

function retryAfterMs(response: ImportResponse): number | undefined {
  const header = response.headers.get('retry-after');
  if (!header) {
    return undefined;
  }
  const seconds = Number(header);
  if (Number.isFinite(seconds)) {
    return seconds * 1000;
  }
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * Sends records to the backend's NDJSON import endpoint, retrying transient failures with
 * exponential back-off.
 *
 * @public
 */
export class ImportClient {
  private readonly url: string;
  private readonly maxAttempts: number;
  private readonly initialDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly fetchFn: ImportFetch;
  private readonly sleep: (ms: number) => Promise<void>;

  private constructor(private readonly options: ImportClientOptions) {
    this.url = `${options.baseUrl.replace(/\/+$/, '')}${IMPORT_PATH}`;
    this.maxAttempts = options.maxAttempts ?? 5;
    this.initialDelayMs = options.initialDelayMs ?? 1000;
    this.maxDelayMs = options.maxDelayMs ?? 30_000;
    this.fetchFn = options.fetch ?? nodeHttpFetch;
    this.sleep = options.sleep ?? defaultSleep;
  }

  /** Creates a client for one backend. */
  static create(options: ImportClientOptions): ImportClient {
    return new ImportClient(options);
  }

  /** Sends one batch; resolves once the backend answered 2xx, rejects after the last attempt. */
  async send(records: RequestRecord[]): Promise<ImportResult> {
    const body = `${records
      .map(record => JSON.stringify(record))
      .join('\n')}\n`;
    let delay = this.initialDelayMs;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.post(body);
      if ('result' in outcome) {
        return outcome.result;
      }
      if (attempt >= this.maxAttempts) {
        throw new Error(
          `Import failed after ${attempt} attempts: ${outcome.failure}`,
        );
      }
      await this.sleep(
        Math.min(outcome.retryAfterMs ?? delay, this.maxDelayMs),
      );
      delay *= 2;
    }
  }

  /** One attempt: a result, a retryable failure, or a thrown error for a permanent one. */
  private async post(
    body: string,
  ): Promise<
    { result: ImportResult } | { failure: string; retryAfterMs?: number }
  > {
    let response: ImportResponse;
    try {
      response = await this.fetchFn(this.url, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${this.options.token}`,
          'Content-Type': 'application/x-ndjson',
        },
        body,
      });
    } catch (error: any) {
      // fetch puts the network error in `cause`.
      return {
        failure: String(
          error?.cause?.code ?? error?.code ?? error?.message ?? error,
        ),
      };
    }
    if (response.ok) {
      const result = (await response.json()) as Partial<ImportResult>;
      return {
        result: {
          accepted: result.accepted ?? 0,
          rejected: result.rejected ?? [],
        },
      };
    }
    const text = await response.text().catch(() => '');
    const failure = `${response.status} ${response.statusText} ${text}`.trim();
    if (!isRetryable(response.status)) {
      throw new Error(`Import failed: ${failure}`);
    }
    return { failure, retryAfterMs: retryAfterMs(response) };
  }
}
