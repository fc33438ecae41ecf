/**
 * Token counts by type.
 *
 * @public
 */
export type TokenCounts = {
  input: number;
  output: number;
  cacheRead: number;
  cacheCreation: number;
};

/**
 * One identity's Claude Code usage of one model on one UTC day: the `usage_daily` line of the
 * NDJSON import format.
 *
 * @public
 */
export type UsageDailyRecord = {
  type: 'usage_daily';
  /** `YYYY-MM-DD`, UTC. */
  date: string;
  /** An email, a GitHub login, an API key name or another identity listed on a catalog User. */
  identity: string;
  model: string;
  sessions: number;
  linesAdded: number;
  linesRemoved: number;
  commits: number;
  pullRequests: number;
  tokens: TokenCounts;
  costUsd: number;
  toolDecisions: Record<string, { accepted: number; rejected: number }>;
  /** `firstParty` (default), `bedrock`, `vertex`, `foundry`, ... */
  provider?: string;
  /** `org/repo` when the usage is known to belong to one repository. */
  repository?: string;
  activeSeconds?: number;
};

/**
 * A pull request: the `pull_request` line of the NDJSON import format.
 *
 * @public
 */
export type PullRequestRecord = {
  type: 'pull_request';
  /** `org/repo`. */
  repository: string;
  number: number;
  /** The author's GitHub login. */
  author: string;
  createdAt: string;
  firstCommitAt: string;
  firstReviewAt?: string;
  mergedAt?: string;
  mergeCommitSha?: string;
  aiAssisted?: boolean;
  additions?: number;
  deletions?: number;
  labels?: string[];
  title?: string;
};

/**
 * A deployment: the `deployment` line of the NDJSON import format.
 *
 * @public
 */
export type DeploymentRecord = {
  type: 'deployment';
  repository: string;
  id: string;
  environment: string;
  status: 'success' | 'failure';
  finishedAt: string;
  sha: string;
  /** Numbers of the pull requests this deployment carried to the environment. */
  pullRequests: number[];
  /**
   * Whether the environment is production. When absent, the production pattern of the
   * repository (its component's annotation, else the GitHub source's `productionPattern`, else
   * `/prod/i`) decides from `environment`.
   */
  production?: boolean;
};

/**
 * An incident: the `incident` line of the NDJSON import format. It is linked to the latest
 * successful production deployment of its repository that finished before `createdAt`.
 *
 * @public
 */
export type IncidentRecord = {
  type: 'incident';
  repository: string;
  id: string;
  createdAt: string;
  resolvedAt?: string;
};

/**
 * One API request of a Claude Code session: the `request` line of the NDJSON import format, and the
 * record the OTLP receiver (from `api_request` events) and the transcript collector (from assistant
 * lines) both produce. Requests are merged by `requestId` (falling back to `sessionId` +
 * `messageId`), so the same request arriving from both paths counts once.
 *
 * @public
 */
export type RequestRecord = {
  type: 'request';
  sessionId: string;
  /** The API request id (`req_...`) when known. */
  requestId?: string;
  /** The response message id (`msg_...`) when known. */
  messageId?: string;
  /** ISO 8601 with offset. */
  timestamp: string;
  /** An email or another identity listed on a catalog User; absent when unknown. */
  identity?: string;
  model: string;
  /** `firstParty` (default), `bedrock`, `vertex`, ... */
  provider?: string;
  /** `org/repo`, when known (transcript cwd's git remote, or the OTLP `repo` attribute). */
  repository?: string;
  tokens: TokenCounts & { cacheCreation1h?: number };
  /** The client's own cost figure, when it reports one (OTLP `cost_usd`). */
  costUsd?: number;
};
