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

export type UsageToolDailyRow = RawUsageKey & {
  tool: string;
  accepted: number;
  rejected: number;
};

export type FactKey = {
  scope_ref: string;
  user_ref: string;
  date: string;
  attribution: 'self' | 'exact' | 'estimated';
};

export type UsageFactRow = FactKey & ActivityColumns & TokenColumns;
export type UsageModelFactRow = FactKey & TokenColumns & { model: string };
export type UsageToolFactRow = FactKey & {
  tool: string;
  accepted: number;
  rejected: number;
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

export const ACTIVITY_COLUMNS = [
  'sessions',
  'active_seconds',
  'lines_added',
  'lines_removed',
  'commits',
  'pull_requests',
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
