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
