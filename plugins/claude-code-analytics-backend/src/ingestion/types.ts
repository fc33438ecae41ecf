import type { TokenCounts } from 'backstage-plugin-claude-code-analytics-common';

/**
 * Activity of one identity on one day, as counted by one source record.
 *
 * @public
 */
export type UsageActivity = {
  sessions: number;
  activeSeconds: number;
  linesAdded: number;
  linesRemoved: number;
  commits: number;
  pullRequests: number;
  /** Edit tool decisions per tool name (Edit, Write, MultiEdit, NotebookEdit, ...). */
  toolDecisions: Record<string, { accepted: number; rejected: number }>;
  /**
   * What only session-level data (OTLP events) knows; absent (0) in the daily sources. See
   * {@link SessionEvent}.
   */
  prompts?: number;
  /** The summed lengths of those prompts. */
  promptCharacters?: number;
  /** API requests reported over OTLP: the requests whose failed attempts are known. */
  apiRequests?: number;
  /** Failed API attempts (`api_error` events). */
  apiErrors?: number;
  /** Tool runs per tool name (Bash, Edit, mcp__server__tool, ...). */
  toolResults?: Record<string, { succeeded: number; failed: number }>;
};

/**
 * A Claude Code event that counts in usage without being an API request: a prompt (its length
 * only), a failed API attempt, or a tool run. Holds everything of the event that is ever stored:
 * never the prompt text, tool input or output, or the error message.
 *
 * @public
 */
export type SessionEvent = {
  sessionId: string;
  /** Tells the events of a session apart, the same each time an event is sent again. */
  eventKey: string;
  /** ISO 8601 (UTC); only its day is stored. */
  timestamp: string;
  /** An email or another identity; absent when the event names none. */
  identity?: string;
  provider: string;
  repository?: string;
} & (
  | { kind: 'user_prompt'; promptLength: number }
  | { kind: 'api_error'; statusCode?: number; durationMs?: number }
  | {
      kind: 'tool_result';
      tool: string;
      success: boolean;
      durationMs?: number;
    }
);

/**
 * Tokens and cost of one model within a {@link UsageDay}.
 *
 * @public
 */
export type ModelUsage = {
  model: string;
  tokens: TokenCounts;
  /** The source's own cost figure in micro-dollars; priced from the price table when absent. */
  costMicros?: number;
};

/**
 * The unit every usage source writes: one identity's usage on one UTC day from one record of that
 * source. Writing the same (source, identity, date, provider, repository, variant) again replaces
 * the earlier values, which makes re-reading a day idempotent.
 *
 * @public
 */
export type UsageDay = {
  /** An email, a GitHub login, an API key name, ... Matched case-insensitively. */
  identity: string;
  /** `YYYY-MM-DD`, UTC. */
  date: string;
  /** `firstParty`, `bedrock`, `vertex`, ... */
  provider: string;
  /** `org/repo` when the usage is known to belong to one repository. */
  repository?: string;
  /** Tells apart several records of one identity-day in one source (e.g. terminal type). */
  variant?: string;
  activity?: UsageActivity;
  models: ModelUsage[];
};

/**
 * A pull request as the delivery store keeps it. Times are ISO 8601.
 *
 * @public
 */
export type PullRequestFact = {
  /** `org/repo`, lower case. */
  repository: string;
  number: number;
  /** GitHub login of the author. */
  author: string;
  createdAt: string;
  firstCommitAt?: string;
  firstReviewAt?: string;
  mergedAt?: string;
  mergeCommitSha?: string;
  aiAssisted: boolean;
  additions?: number;
  deletions?: number;
  /** Label names (e.g. `hotfix`, `claude-code-assisted`). */
  labels?: string[];
  /** The title, for telling reverts (`Revert "..."`) apart. */
  title?: string;
};

/**
 * A deployment to an environment, with the pull requests it carried.
 *
 * @public
 */
export type DeploymentFact = {
  repository: string;
  id: string;
  environment: string;
  status: 'success' | 'failure';
  finishedAt: string;
  sha?: string;
  pullRequests: number[];
};

/**
 * An incident of a repository.
 *
 * @public
 */
export type IncidentFact = {
  repository: string;
  id: string;
  createdAt: string;
  resolvedAt?: string;
};
