/**
 * A pull request as the DORA engine sees it. Times are ISO 8601 with an offset.
 *
 * @public
 */
export type DeliveryPullRequest = {
  /** `owner/name` of the repository the pull request was merged into. */
  repository: string;
  number: number;
  author?: string;
  createdAt: string;
  /** When the earliest commit of the pull request was authored. */
  firstCommitAt?: string;
  /** First review or comment by someone other than the author. */
  firstReviewAt?: string;
  mergedAt?: string;
  mergeCommitSha?: string;
  /** Whether any AI marker was found (see {@link hasAiMarker}). */
  aiAssisted: boolean;
  labels?: string[];
  title?: string;
};

/**
 * A finished deployment of one repository. `pullRequests` lists the numbers of the pull requests
 * (same repository) whose changes it carries.
 *
 * @public
 */
export type DeliveryDeployment = {
  repository: string;
  id: string;
  environment: string;
  status: 'success' | 'failure';
  finishedAt: string;
  pullRequests: number[];
  /**
   * Whether it went to production, when that was decided where more is known than the
   * environment's name (a component's own production pattern, a flag on an imported record).
   * When absent, the environment is matched against the input's `productionEnvironment`.
   */
  production?: boolean;
};

/**
 * An incident of one repository. Without `deploymentId` it is linked to the latest successful
 * production deployment of its repository that finished before it was created.
 *
 * @public
 */
export type DeliveryIncident = {
  repository: string;
  id: string;
  createdAt: string;
  resolvedAt?: string;
  deploymentId?: string;
};

/**
 * Everything {@link computeDeliveryMetrics} needs: the events of one or more repositories (pooled)
 * and the period, `from` and `to` being UTC days (`YYYY-MM-DD`), both inclusive.
 *
 * @public
 */
export type DeliveryInput = {
  pullRequests: DeliveryPullRequest[];
  deployments: DeliveryDeployment[];
  incidents: DeliveryIncident[];
  from: string;
  to: string;
  /**
   * Which environments are production, for deployments without their own `production` flag;
   * default {@link DEFAULT_PRODUCTION_ENVIRONMENT}.
   */
  productionEnvironment?: RegExp;
};
