import {
  DeliverySummary,
  DeploymentTally,
  PullRequestTally,
} from './DeliverySummary';
import { DeliverySummaryFormatError } from './DeliverySummaryFormatError';
import { DurationSketch } from './DurationSketch';

/**
 * The version of the text {@link serializeDeliverySummary} writes, its first item. It changes
 * whenever stored summaries can no longer be read as they are (another layout, another sketch
 * accuracy); stored summaries of another version must then be computed again.
 *
 * @public
 */
export const DELIVERY_SUMMARY_FORMAT_VERSION = 1;

const DEPLOYMENT_COUNTS = [
  'successful',
  'production',
  'failed',
  'rework',
] as const;
const PULL_REQUEST_SKETCHES = [
  'leadTimeMs',
  'codingMs',
  'pickupMs',
  'reviewMs',
  'deployMs',
  'cycleMs',
] as const;

function malformed(reason: string): DeliverySummaryFormatError {
  return new DeliverySummaryFormatError(
    `Malformed delivery summary: ${reason}`,
  );
}

function deploymentsToJson(tally: DeploymentTally): unknown[] {
  return [...DEPLOYMENT_COUNTS.map(name => tally[name]), tally.recoveryMs];
}

function pullRequestsToJson(tally: PullRequestTally): unknown[] {
  return [tally.merged, ...PULL_REQUEST_SKETCHES.map(name => tally[name])];
}

/**
 * A summary as compact, deterministic text for storage (equal summaries give equal texts), read
 * back with {@link parseDeliverySummary}: a JSON array of the format version, the deployment
 * tallies of the sides `all`, `aiAssisted` and `other` as `[successful, production, failed,
 * rework, recovery]`, then the pull request tallies of `aiAssisted` and `other` as `[merged,
 * leadTime, coding, pickup, review, deploy, cycle]`, each sketch as {@link DurationSketch.toJSON}
 * writes it.
 *
 * @public
 */
export function serializeDeliverySummary(summary: DeliverySummary): string {
  return JSON.stringify([
    DELIVERY_SUMMARY_FORMAT_VERSION,
    deploymentsToJson(summary.deployments.all),
    deploymentsToJson(summary.deployments.aiAssisted),
    deploymentsToJson(summary.deployments.other),
    pullRequestsToJson(summary.pullRequests.aiAssisted),
    pullRequestsToJson(summary.pullRequests.other),
  ]);
}

function tuple(value: unknown, length: number, what: string): unknown[] {
  if (!Array.isArray(value) || value.length !== length) {
    throw malformed(`${what} must be an array of ${length} items`);
  }
  return value;
}

function count(value: unknown, what: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0) {
    throw malformed(
      `${what} must be a non-negative integer, got ${JSON.stringify(value)}`,
    );
  }
  return value as number;
}

function sketch(value: unknown, what: string): DurationSketch {
  try {
    return DurationSketch.fromJSON(value);
  } catch (error) {
    if (error instanceof DeliverySummaryFormatError) {
      throw malformed(`${what}: ${error.message}`);
    }
    throw error;
  }
}

function parseDeployments(value: unknown, side: string): DeploymentTally {
  const what = `the deployments of side ${side}`;
  const items = tuple(value, DEPLOYMENT_COUNTS.length + 1, what);
  const [successful, production, failed, rework] = DEPLOYMENT_COUNTS.map(
    (name, i) => count(items[i], `${name} of ${what}`),
  );
  if (successful > production || failed > production) {
    throw malformed(
      `${what} count more successful or failed deployments than production ones`,
    );
  }
  if (rework > successful) {
    throw malformed(`${what} count more rework than successful deployments`);
  }
  return {
    successful,
    production,
    failed,
    rework,
    recoveryMs: sketch(items[4], `the recoveries of ${what}`),
  };
}

function parsePullRequests(value: unknown, side: string): PullRequestTally {
  const what = `the pull requests of side ${side}`;
  const items = tuple(value, PULL_REQUEST_SKETCHES.length + 1, what);
  const merged = count(items[0], `merged of ${what}`);
  const [leadTimeMs, codingMs, pickupMs, reviewMs, deployMs, cycleMs] =
    PULL_REQUEST_SKETCHES.map((name, i) =>
      sketch(items[i + 1], `${name} of ${what}`),
    );
  for (const [name, stage] of Object.entries({
    codingMs,
    pickupMs,
    reviewMs,
    deployMs,
    cycleMs,
  })) {
    if (stage.count > merged) {
      throw malformed(
        `${what} have more ${name} samples (${stage.count}) than merged pull requests (${merged})`,
      );
    }
  }
  return {
    merged,
    leadTimeMs,
    codingMs,
    pickupMs,
    reviewMs,
    deployMs,
    cycleMs,
  };
}

/**
 * Reads the text {@link serializeDeliverySummary} wrote.
 *
 * @throws DeliverySummaryFormatError when it is not such a text, or of another format version.
 * @public
 */
export function parseDeliverySummary(text: string): DeliverySummary {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw malformed(`not JSON (${(error as Error).message})`);
  }
  if (!Array.isArray(value) || value.length === 0) {
    throw malformed('expected a non-empty array');
  }
  if (value[0] !== DELIVERY_SUMMARY_FORMAT_VERSION) {
    throw malformed(
      `format version ${JSON.stringify(
        value[0],
      )}, expected ${DELIVERY_SUMMARY_FORMAT_VERSION}`,
    );
  }
  const [, all, aiAssisted, other, aiPullRequests, otherPullRequests] = tuple(
    value,
    6,
    'the summary',
  );
  return {
    deployments: {
      all: parseDeployments(all, 'all'),
      aiAssisted: parseDeployments(aiAssisted, 'aiAssisted'),
      other: parseDeployments(other, 'other'),
    },
    pullRequests: {
      aiAssisted: parsePullRequests(aiPullRequests, 'aiAssisted'),
      other: parsePullRequests(otherPullRequests, 'other'),
    },
  };
}
