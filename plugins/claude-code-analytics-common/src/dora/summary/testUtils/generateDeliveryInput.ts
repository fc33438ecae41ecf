import { DateTime } from 'luxon';
import {
  DeliveryDeployment,
  DeliveryIncident,
  DeliveryInput,
  DeliveryPullRequest,
} from '../../deliveryInput';
import { SeededRandom } from './seededRandom';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const OFFSETS = ['UTC', 'UTC+2', 'UTC-5', 'UTC+5:30'];

/** What to generate: `repositories` repositories over `days` UTC days from `from`. */
export type GeneratedDeliveryOptions = {
  seed: number;
  from: string;
  days: number;
  repositories: number;
  /** Mean pull requests opened per repository and day. */
  pullRequestsPerDay: number;
};

/**
 * A realistic, seeded delivery history: log-normal stages with some negative and missing ones,
 * ties, AI-assisted pull requests, hotfix and rollback labels, reverts by title, daily production
 * deployments (some failed, some carrying nothing, some flagged production on a `live`
 * environment), staging deployments, and incidents (linked by time or by id, resolved or not).
 * Timestamps carry various offsets and milliseconds, so UTC days are not the local ones.
 */
export function generateDeliveryInput(
  options: GeneratedDeliveryOptions,
): Omit<DeliveryInput, 'from' | 'to'> {
  const random = new SeededRandom(options.seed);
  const startMs = DateTime.fromISO(options.from, { zone: 'utc' }).toMillis();
  const iso = (ms: number) =>
    DateTime.fromMillis(Math.round(ms), {
      zone: random.pick(OFFSETS),
    }).toISO()!;

  const pullRequests: DeliveryPullRequest[] = [];
  const deployments: DeliveryDeployment[] = [];
  const incidents: DeliveryIncident[] = [];

  for (let r = 0; r < options.repositories; r++) {
    const repository = `acme/repo-${r}`;
    const merged: Array<{ number: number; mergedMs: number }> = [];
    let previous: DeliveryPullRequest | undefined;
    let number = 0;
    for (let day = 0; day < options.days; day++) {
      const opened = random.int(0, Math.round(2 * options.pullRequestsPerDay));
      for (let i = 0; i < opened; i++) {
        number++;
        if (previous && random.chance(0.04)) {
          // Same timestamps as the previous one: ties in every ranking.
          pullRequests.push({ ...previous, number, title: `Change ${number}` });
          if (previous.mergedAt) {
            merged.push({ number, mergedMs: Date.parse(previous.mergedAt) });
          }
          continue;
        }
        const createdMs = startMs + day * DAY + random.next() * DAY;
        const none = () => undefined;
        const firstCommitMs = random.choose<number | undefined>([
          [0.85, () => createdMs - random.logNormal(20 * HOUR, 1.2)],
          // Rebased commits: a negative coding span.
          [0.07, () => createdMs + random.logNormal(HOUR, 1)],
          [0.08, none],
        ]);
        const firstReviewMs = random.choose<number | undefined>([
          [0.8, () => createdMs + random.logNormal(3 * HOUR, 1.3)],
          // A comment before the pull request was opened: a negative pickup span.
          [0.08, () => createdMs - random.logNormal(HOUR, 1)],
          [0.12, none],
        ]);
        const mergedMs = random.choose<number | undefined>([
          [
            0.85,
            () =>
              Math.max(createdMs, firstReviewMs ?? createdMs) +
              random.logNormal(5 * HOUR, 1.2),
          ],
          [0.03, () => createdMs], // a zero open span
          [0.12, none],
        ]);
        const revertOf =
          number > 3 && random.chance(0.03) ? random.int(1, number - 1) : 0;
        const labels = random.choose<string[] | undefined>([
          [0.04, () => ['hotfix']],
          [0.02, () => ['Rollback']],
          [0.94, none],
        ]);
        const pr: DeliveryPullRequest = {
          repository,
          number,
          createdAt: iso(createdMs),
          firstCommitAt:
            firstCommitMs === undefined ? undefined : iso(firstCommitMs),
          firstReviewAt:
            firstReviewMs === undefined ? undefined : iso(firstReviewMs),
          mergedAt: mergedMs === undefined ? undefined : iso(mergedMs),
          aiAssisted: random.chance(0.4),
          labels,
          title: revertOf ? `Revert "Change ${revertOf}"` : `Change ${number}`,
        };
        pullRequests.push(pr);
        previous = pr;
        if (mergedMs !== undefined) {
          merged.push({ number, mergedMs: Date.parse(pr.mergedAt!) });
        }
      }
    }

    merged.sort((a, b) => a.mergedMs - b.mergedMs);
    let next = 0;
    let pending: number[] = [];
    let id = 0;
    for (let day = 0; day < options.days + 5; day++) {
      if (!random.chance(0.75)) {
        continue;
      }
      const times = Array.from(
        { length: random.int(1, 3) },
        () => startMs + day * DAY + random.next() * DAY,
      ).sort((a, b) => a - b);
      for (const finishedMs of times) {
        while (next < merged.length && merged[next].mergedMs < finishedMs) {
          pending.push(merged[next++].number);
        }
        if (random.chance(0.1)) {
          deployments.push({
            repository,
            id: `d${++id}`,
            environment: 'staging',
            status: 'success',
            finishedAt: iso(finishedMs - HOUR),
            pullRequests: [...pending],
          });
        }
        const carried = random.chance(0.08) ? [] : pending;
        const failure = random.chance(0.08);
        const deployment: DeliveryDeployment = {
          repository,
          id: `d${++id}`,
          environment: random.chance(0.2) ? 'live' : 'production',
          status: failure ? 'failure' : 'success',
          finishedAt: iso(finishedMs),
          pullRequests: [...carried],
        };
        if (deployment.environment === 'live') {
          deployment.production = true;
        }
        deployments.push(deployment);
        if (!failure && carried.length > 0) {
          pending = [];
        }
        if (!failure && random.chance(0.07)) {
          const createdMs = finishedMs + random.logNormal(2 * HOUR, 1);
          incidents.push({
            repository,
            id: `i${id}`,
            createdAt: iso(createdMs),
            resolvedAt: random.chance(0.8)
              ? iso(createdMs + random.logNormal(3 * HOUR, 1.5))
              : undefined,
            deploymentId: random.chance(0.2) ? deployment.id : undefined,
          });
        }
      }
    }
  }
  return { pullRequests, deployments, incidents };
}
