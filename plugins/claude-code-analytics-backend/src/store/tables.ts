/**
 * Row types of the store, as they are written. Numbers read back from bigint columns may arrive as
 * strings on PostgreSQL: read them through {@link toNumber}.
 */

export type ActivityColumns = {
  sessions: number;
  active_seconds: number;
  lines_added: number;
  lines_removed: number;
  commits: number;
  pull_requests: number;
} & Partial<SessionActivityColumns>;

/**
 * Activity only session-level data (OTLP events) has; 0 (the column default) in the rows of other
 * sources.
 */
export type SessionActivityColumns = {
  /** `user_prompt` events. */
  prompts: number;
  /** Their `prompt_length`s, summed. */
  prompt_characters: number;
  /** API requests whose `api_request` event came over OTLP: the requests whose errors are known. */
  api_requests: number;
  /** `api_error` events: failed attempts. */
  api_errors: number;
};

export type TokenColumns = {
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_creation_tokens: number;
  cost_micros: number;
  unpriced_tokens: number;
};

export type RawUsageKey = {
  source: string;
  identity: string;
  date: string;
  provider: string;
  repository: string;
  variant: string;
};

export type UsageActivityDailyRow = RawUsageKey &
  ActivityColumns & { received_at: Date };

export type UsageModelDailyRow = RawUsageKey &
  TokenColumns & {
    model: string;
    cost_origin: 'reported' | 'priced' | 'unpriced';
    received_at: Date;
  };

/** Edit decisions per tool (all usage sources), and tool runs per tool (session-level only). */
export type ToolColumns = {
  accepted: number;
  rejected: number;
  /** `tool_result` events that succeeded; 0 (the column default) in other sources. */
  succeeded?: number;
  /** `tool_result` events that failed. */
  failed?: number;
};

export type UsageToolDailyRow = RawUsageKey & ToolColumns & { tool: string };

export type FactKey = {
  scope_ref: string;
  user_ref: string;
  date: string;
  attribution: 'self' | 'exact' | 'estimated';
};

/** The key of the reconciled fact tables (`usage_facts`; with `model` or `tool` for the others). */
export const FACT_KEY = [
  'scope_ref',
  'user_ref',
  'date',
  'attribution',
] as const;

export type UsageFactRow = FactKey & ActivityColumns & TokenColumns;
export type UsageModelFactRow = FactKey & TokenColumns & { model: string };
export type UsageToolFactRow = FactKey & ToolColumns & { tool: string };

/** One `user_prompt`, `api_error` or `tool_result` event; never its content. */
export type SessionEventRow = {
  session_id: string;
  event_key: string;
  identity: string;
  date: string;
  provider: string;
  repository: string;
  kind: 'user_prompt' | 'api_error' | 'tool_result';
  tool: string;
  success: boolean | null;
  duration_ms: number | null;
  status_code: number | null;
  prompt_length: number | null;
};

export type PullRequestRow = {
  repository: string;
  number: number;
  author: string;
  created_at: string;
  first_commit_at?: string | null;
  first_review_at?: string | null;
  merged_at?: string | null;
  merged_date?: string | null;
  merge_commit_sha?: string | null;
  ai_assisted: boolean;
  additions?: number | null;
  deletions?: number | null;
  source: string;
};

/** The measures of {@link SessionActivityColumns}. */
export const SESSION_ACTIVITY_COLUMNS = [
  'prompts',
  'prompt_characters',
  'api_requests',
  'api_errors',
] as const;

export const ACTIVITY_COLUMNS = [
  'sessions',
  'active_seconds',
  'lines_added',
  'lines_removed',
  'commits',
  'pull_requests',
  ...SESSION_ACTIVITY_COLUMNS,
] as const;

/** The per-tool measures only session-level data has. */
export const SESSION_TOOL_COLUMNS = ['succeeded', 'failed'] as const;

/** The measures of a tool row, summed like the activity measures. */
export const TOOL_COLUMNS = [
  'accepted',
  'rejected',
  ...SESSION_TOOL_COLUMNS,
] as const;

export const TOKEN_COLUMNS = [
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_creation_tokens',
  'cost_micros',
  'unpriced_tokens',
] as const;

/** Reads a numeric column: PostgreSQL returns bigint and SUM() as strings. */
export function toNumber(value: unknown): number {
  if (value === null || value === undefined) {
    return 0;
  }
  return typeof value === 'number' ? value : Number(value);
}
