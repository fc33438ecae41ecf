import { DurationSketch } from './DurationSketch';

/**
 * The deployment side of a {@link DeliverySummary}, on one side of the AI-assisted split: the
 * production deployments that finished in the summarised days and the recoveries completed in
 * them.
 *
 * @public
 */
export type DeploymentTally = {
  /** Successful production deployments: `deployments`, the frequency, the rework rate's base. */
  readonly successful: number;
  /** Production deployments of either status: the change failure rate's base and samples. */
  readonly production: number;
  /** Of `production`, those that needed intervention (failed, blamed, reverted). */
  readonly failed: number;
  /** Of `successful`, the unplanned ones (rework). */
  readonly rework: number;
  /** Durations of the recoveries completed, on the side of their failed deployment. */
  readonly recoveryMs: DurationSketch;
};

/**
 * The pull request side of a {@link DeliverySummary}, for AI-assisted pull requests or the others.
 *
 * @public
 */
export type PullRequestTally = {
  /** Pull requests merged. */
  readonly merged: number;
  /** Lead times of the pull requests whose first production deployment finished. */
  readonly leadTimeMs: DurationSketch;
  /** The cycle-time stages of the pull requests merged, each where defined. */
  readonly codingMs: DurationSketch;
  readonly pickupMs: DurationSketch;
  readonly reviewMs: DurationSketch;
  readonly deployMs: DurationSketch;
  readonly cycleMs: DurationSketch;
};

/**
 * The sides a {@link DeliverySummary} answers for: everything, and the two halves of
 * `splitByAiAssistance`.
 *
 * @public
 */
export type DeliverySummarySide = 'all' | 'aiAssisted' | 'other';

/**
 * A mergeable summary of the delivery facts of some UTC days (of one repository or pooled over
 * many), from which `deliveryMetricsFromSummary` gives the `DeliveryMetrics` of those days: counts
 * and rates exact, medians and p75 within {@link DurationSketch.relativeAccuracy}. Each event is
 * summarised on the day of the timestamp its metric counts it by, as `aggregateDeliveryFacts`
 * does: a deployment on its finish, a lead time on the pull request's first production
 * deployment, a merged pull request and its cycle-time stages on its merge, a recovery on its
 * completion.
 *
 * Pull requests are on exactly one side, so their `all` side is the sum of `aiAssisted` and
 * `other` and is not stored. A deployment counts on every side whose pull requests it carries
 * (both, or neither), so deployments keep all three sides.
 *
 * @public
 */
export type DeliverySummary = {
  readonly deployments: {
    readonly all: DeploymentTally;
    readonly aiAssisted: DeploymentTally;
    readonly other: DeploymentTally;
  };
  readonly pullRequests: {
    readonly aiAssisted: PullRequestTally;
    readonly other: PullRequestTally;
  };
};

const NO_DEPLOYMENTS: DeploymentTally = {
  successful: 0,
  production: 0,
  failed: 0,
  rework: 0,
  recoveryMs: DurationSketch.empty,
};

const NO_PULL_REQUESTS: PullRequestTally = {
  merged: 0,
  leadTimeMs: DurationSketch.empty,
  codingMs: DurationSketch.empty,
  pickupMs: DurationSketch.empty,
  reviewMs: DurationSketch.empty,
  deployMs: DurationSketch.empty,
  cycleMs: DurationSketch.empty,
};

/**
 * The summary of no events: what days without delivery data summarise to, and the neutral
 * element of `mergeDeliverySummaries`.
 *
 * @public
 */
export const EMPTY_DELIVERY_SUMMARY: DeliverySummary = {
  deployments: {
    all: NO_DEPLOYMENTS,
    aiAssisted: NO_DEPLOYMENTS,
    other: NO_DEPLOYMENTS,
  },
  pullRequests: { aiAssisted: NO_PULL_REQUESTS, other: NO_PULL_REQUESTS },
};
