/**
 * Accept and reject counts of one edit tool (Edit, Write, MultiEdit, NotebookEdit, ...).
 *
 * @public
 */
export type ToolDecisionCounts = {
  accepted: number;
  rejected: number;
};

/**
 * How often one tool ran successfully and how often it failed (Claude Code `tool_result` events:
 * Bash, Edit, Read, mcp__server__tool, ...).
 *
 * @public
 */
export type ToolResultCounts = {
  succeeded: number;
  failed: number;
};

/**
 * Share of a tool's runs that succeeded, between 0 and 1; `undefined` when it never ran.
 *
 * @public
 */
export function toolSuccessRate(counts: ToolResultCounts): number | undefined {
  const runs = counts.succeeded + counts.failed;
  return runs > 0 ? counts.succeeded / runs : undefined;
}

/**
 * Share of Messages API attempts that failed: `apiErrors / (apiRequests + apiErrors)`, where
 * `apiRequests` are the requests that succeeded (one `api_request` event each) and `apiErrors` the
 * failed attempts (one `api_error` event each, a retried request fails once per attempt); between 0
 * and 1, `undefined` without any attempt.
 *
 * @public
 */
export function apiErrorRate(counts: {
  apiRequests: number;
  apiErrors: number;
}): number | undefined {
  const attempts = counts.apiRequests + counts.apiErrors;
  return attempts > 0 ? counts.apiErrors / attempts : undefined;
}

/**
 * When a source last delivered data.
 *
 * @public
 */
export type SourceFreshness = {
  /** Source id, e.g. `admin-api`, `otlp`, `transcripts`, `import`, `demo`. */
  source: string;
  /** ISO 8601 timestamp of the last record received from that source, if any. */
  lastReceivedAt?: string;
};

/**
 * One day of the adoption trend.
 *
 * @public
 */
export type DailyAdoption = {
  date: string;
  activeUsers: number;
  sessions: number;
  linesAdded: number;
  linesRemoved: number;
};

/**
 * Answer of `GET /v1/entities/{kind}/{namespace}/{name}/adoption`.
 *
 * For people (User, Group) the numbers cover all Claude Code usage of the entity's members. For
 * services (Component, System, Domain) they cover the usage attributed to the entity's components,
 * and `members` counts the people of the owning teams.
 *
 * When `suppressed` is true the aggregate stands for fewer active people than the configured
 * minimum group size: every usage number is zero and every list empty, only `members` is kept.
 *
 * @public
 */
export type AdoptionResponse = {
  entityRef: string;
  from: string;
  to: string;
  members: number;
  activeUsers: number;
  adoptionRate: number;
  sessions: number;
  activeSeconds: number;
  linesAdded: number;
  linesRemoved: number;
  commitsByClaudeCode: number;
  pullRequestsByClaudeCode: number;
  toolDecisions: Record<string, ToolDecisionCounts>;
  aiAssistedPullRequestShare?: number;
  daily: DailyAdoption[];
  sources: SourceFreshness[];
  suppressed: boolean;
  /**
   * Prompts people sent (`user_prompt` events). This and the fields below come from Claude Code's
   * OpenTelemetry events only (OTEL_LOGS_EXPORTER=otlp), whatever the source of the other numbers;
   * absent from older backends.
   */
  prompts?: number;
  /** The summed length of those prompts, in characters (the text itself is never stored). */
  promptCharacters?: number;
  /**
   * Messages API requests that succeeded, as reported by `api_request` events over OpenTelemetry:
   * the requests whose failed attempts are known (requests known from transcripts only are not
   * counted).
   */
  apiRequests?: number;
  /** Failed Messages API attempts (`api_error` events). */
  apiErrors?: number;
  /** {@link apiErrorRate} of `apiRequests` and `apiErrors`; absent without either. */
  apiErrorRate?: number;
  /** Tool runs per tool (`tool_result` events), tools that ran at least once. */
  toolResults?: Record<string, ToolResultCounts>;
};

/**
 * The entity kinds the analytics API answers for.
 *
 * @public
 */
export const ANALYTICS_ENTITY_KINDS = [
  'user',
  'group',
  'component',
  'system',
  'domain',
] as const;

/**
 * One of {@link ANALYTICS_ENTITY_KINDS}.
 *
 * @public
 */
export type AnalyticsEntityKind = (typeof ANALYTICS_ENTITY_KINDS)[number];

/**
 * Whether a kind (any case) is one the analytics API answers for.
 *
 * @public
 */
export function isAnalyticsEntityKind(kind: string): boolean {
  return (ANALYTICS_ENTITY_KINDS as readonly string[]).includes(
    kind.toLocaleLowerCase('en-US'),
  );
}

/**
 * Tokens by type, as the API reports them.
 *
 * @public
 */
export type TokenTotals = {
  input: number;
  output: number;
  cacheRead: number;
  cacheCreation: number;
};

/**
 * Answer of `GET /v1/entities/{kind}/{namespace}/{name}/cost`. Money is in US dollars (stored as
 * integer micro-dollars). `unpricedTokens` counts tokens of models no price is known for: their cost
 * is missing from `costUsd`, never counted as zero on purpose.
 *
 * @public
 */
export type CostResponse = {
  entityRef: string;
  from: string;
  to: string;
  costUsd: number;
  tokens: TokenTotals;
  /** cacheRead / (input + cacheRead + cacheCreation); 0 without input. */
  cacheHitRate: number;
  unpricedTokens: number;
  byModel: Array<{
    model: string;
    costUsd: number;
    tokens: TokenTotals;
    unpriced: boolean;
  }>;
  daily: Array<{ date: string; costUsd: number }>;
  activeUsers: number;
  costPerActiveUser?: number;
  mergedPullRequests: number;
  costPerMergedPullRequest?: number;
  deployments: number;
  costPerDeployment?: number;
  /** Spend of the calendar month of `to`, from its first day to `to`. */
  monthToDateUsd: number;
  /** Month-to-date spend extended to the whole month at the month's average daily rate so far. */
  monthEndProjectionUsd: number;
  suppressed: boolean;
};

/**
 * A DORA performance tier. Which table the tiers come from is documented with the tier functions.
 *
 * @public
 */
export type DoraTier = 'elite' | 'high' | 'medium' | 'low';

/**
 * The delivery metrics of a set of changes and deployments. A value is undefined when there is no
 * sample to compute it from; `samples` says how many items each metric stands on.
 *
 * @public
 */
export type DeliveryMetrics = {
  deployments: number;
  mergedPullRequests: number;
  deploymentFrequency: { perWeek: number; tier?: DoraTier };
  leadTime: { medianHours?: number; p75Hours?: number; tier?: DoraTier };
  changeFailureRate: { value?: number; tier?: DoraTier };
  recoveryTime: { medianHours?: number; tier?: DoraTier };
  reworkRate: { value?: number };
  cycleTime: {
    codingHours?: number;
    pickupHours?: number;
    reviewHours?: number;
    deployHours?: number;
    cycleHours?: number;
  };
  samples: {
    leadTime: number;
    changeFailureRate: number;
    recoveryTime: number;
    cycleTime: number;
  };
};

/**
 * Answer of `GET /v1/entities/{kind}/{namespace}/{name}/delivery`: the pooled delivery metrics of
 * the components an entity delivers (a group: those owned by it and its sub-groups), the same
 * metrics for AI-assisted and other pull requests, and the previous period of equal length.
 *
 * @public
 */
export type DeliveryResponse = DeliveryMetrics & {
  entityRef: string;
  from: string;
  to: string;
  aiAssistedPullRequests: number;
  split: {
    aiAssisted: DeliveryMetrics;
    other: DeliveryMetrics;
    /** False when either side has too few samples to compare (shown as "not enough data"). */
    comparable: boolean;
  };
  previous: DeliveryMetrics & { from: string; to: string };
  /** Components counted, and how many of them have any delivery data. */
  components: number;
  componentsWithData: number;
};

/**
 * One entity's headline numbers, for side-by-side tables (sub-teams of a group, the org page).
 * Usage numbers are zero and `suppressed` true when the entity stands for fewer active people than
 * the minimum group size; delivery numbers are never suppressed.
 *
 * @public
 */
export type EntitySummary = {
  entityRef: string;
  kind: string;
  title?: string;
  /** The parent group, for groups. */
  parentRef?: string;
  /** The group's `spec.type` (organization, department, team, ...), for groups. */
  type?: string;
  members: number;
  activeUsers: number;
  adoptionRate: number;
  sessions: number;
  costUsd: number;
  mergedPullRequests: number;
  aiAssistedPullRequests: number;
  costPerMergedPullRequest?: number;
  deployments: number;
  deploymentFrequency: { perWeek: number; tier?: DoraTier };
  leadTime: { medianHours?: number; tier?: DoraTier };
  changeFailureRate: { value?: number; tier?: DoraTier };
  recoveryTime: { medianHours?: number; tier?: DoraTier };
  suppressed: boolean;
};

/**
 * Answer of `GET /v1/entities/group/{namespace}/{name}/children` (the direct sub-groups) and of
 * `GET /v1/groups` (every group, for the org page).
 *
 * @public
 */
export type EntitySummaryList = {
  from: string;
  to: string;
  items: EntitySummary[];
};

/**
 * One person's usage in a period.
 *
 * @public
 */
export type MemberUsage = {
  userRef: string;
  title?: string;
  activeDays: number;
  sessions: number;
  linesAdded: number;
  linesRemoved: number;
  commitsByClaudeCode: number;
  pullRequestsByClaudeCode: number;
  costUsd: number;
};

/**
 * Answer of `GET /v1/entities/group/{namespace}/{name}/members`: every transitive member, active or
 * not. Individual usage: only for callers granted `claude-code-analytics.individual.read` (403
 * otherwise).
 *
 * @public
 */
export type MemberUsageList = {
  from: string;
  to: string;
  items: MemberUsage[];
};
