import { computeDeliveryMetrics } from './computeDeliveryMetrics';
import {
  DeliveryDeployment,
  DeliveryIncident,
  DeliveryPullRequest,
} from './deliveryInput';

const pr = (
  number: number,
  more: Partial<DeliveryPullRequest> = {},
): DeliveryPullRequest => ({
  repository: 'acme/web',
  number,
  firstCommitAt: '2024-03-04T08:00:00Z',
  createdAt: '2024-03-04T10:00:00Z',
  firstReviewAt: '2024-03-04T11:00:00Z',
  mergedAt: '2024-03-04T12:00:00Z',
  aiAssisted: false,
  ...more,
});

const deployment = (
  id: string,
  finishedAt: string,
  pullRequests: number[] = [],
  more: Partial<DeliveryDeployment> = {},
): DeliveryDeployment => ({
  repository: 'acme/web',
  id,
  environment: 'production',
  status: 'success',
  finishedAt,
  pullRequests,
  ...more,
});

const week = { from: '2024-03-04', to: '2024-03-10' };

function metrics(
  pullRequests: DeliveryPullRequest[],
  deployments: DeliveryDeployment[],
  incidents: DeliveryIncident[] = [],
  range = week,
) {
  return computeDeliveryMetrics({
    pullRequests,
    deployments,
    incidents,
    ...range,
  });
}

describe('computeDeliveryMetrics', () => {
  it('has undefined values, not 0 or NaN, without data', () => {
    expect(metrics([], [])).toEqual({
      deployments: 0,
      mergedPullRequests: 0,
      deploymentFrequency: { perWeek: 0, tier: undefined },
      leadTime: {
        medianHours: undefined,
        p75Hours: undefined,
        tier: undefined,
      },
      changeFailureRate: { value: undefined, tier: undefined },
      recoveryTime: { medianHours: undefined, tier: undefined },
      reworkRate: { value: undefined },
      cycleTime: {
        codingHours: undefined,
        pickupHours: undefined,
        reviewHours: undefined,
        deployHours: undefined,
        cycleHours: undefined,
      },
      samples: {
        leadTime: 0,
        changeFailureRate: 0,
        recoveryTime: 0,
        cycleTime: 0,
      },
    });
  });

  it('counts successful production deployments finished in the UTC days of the range, per week', () => {
    const result = metrics(
      [],
      [
        deployment('before', '2024-03-03T23:59:59Z'),
        deployment('first', '2024-03-04T00:00:00Z'),
        deployment('offset', '2024-03-10T23:30:00-01:00'), // 2024-03-11T00:30Z: outside
        deployment('last', '2024-03-10T23:59:59Z'),
        deployment('failed', '2024-03-05T00:00:00Z', [], { status: 'failure' }),
        deployment('staging', '2024-03-05T00:00:00Z', [], {
          environment: 'staging',
        }),
      ],
    );
    expect(result.deployments).toBe(2);
    expect(result.deploymentFrequency).toEqual({ perWeek: 2, tier: 'high' });
  });

  it('honours a configured production pattern', () => {
    const result = computeDeliveryMetrics({
      pullRequests: [],
      deployments: [
        deployment('live', '2024-03-05T00:00:00Z', [], { environment: 'live' }),
      ],
      incidents: [],
      ...week,
      productionEnvironment: /^live$/,
    });
    expect(result.deployments).toBe(1);
  });

  it("honours a deployment's own production flag over the pattern, in every metric", () => {
    // A component whose production is `live`: its `live` deployments were flagged production at
    // ingestion, its `production-canary` deployments not, whatever the engine's default pattern says.
    const live = (id: string, finishedAt: string, prs: number[] = []) =>
      deployment(id, finishedAt, prs, {
        environment: 'live',
        production: true,
      });
    const canary = (id: string, finishedAt: string, prs: number[] = []) =>
      deployment(id, finishedAt, prs, {
        environment: 'production-canary',
        production: false,
      });
    const result = metrics(
      [pr(1), pr(2)],
      [
        canary('c1', '2024-03-04T13:00:00Z', [1, 2]),
        live('l1', '2024-03-04T20:00:00Z', [1]),
        canary('c2', '2024-03-05T09:00:00Z'),
        live('l2', '2024-03-05T20:00:00Z', [2]),
      ],
      [
        // After l1 and c2: blamed on l1, the latest production deployment before it.
        {
          repository: 'acme/web',
          id: 'i1',
          createdAt: '2024-03-05T10:00:00Z',
          resolvedAt: '2024-03-05T12:00:00Z',
        },
      ],
    );
    expect(result.deployments).toBe(2);
    // First commit 08:00 to l1 (20:00 the same day) and to l2 (20:00 the next day).
    expect(result.samples.leadTime).toBe(2);
    expect(result.leadTime.medianHours).toBe(24);
    expect(result.samples.changeFailureRate).toBe(2);
    expect(result.changeFailureRate.value).toBe(1 / 2);
    // From l1's finish (not c2's) to the resolution.
    expect(result.recoveryTime.medianHours).toBe(16);
  });

  it('measures lead time from first commit to the first production deployment carrying the PR', () => {
    const result = metrics(
      [
        pr(1),
        pr(2, { firstCommitAt: '2024-03-04T06:00:00Z' }),
        pr(3, { firstCommitAt: '2024-03-04T00:00:00Z' }),
        pr(4, { firstCommitAt: undefined }),
        pr(5, { firstCommitAt: '2024-03-10T00:00:00Z' }), // after its deployment: dropped
        pr(6, { repository: 'acme/api' }), // number 6 of another repository is not carried
      ],
      [
        deployment('staging', '2024-03-04T12:00:00Z', [1, 2, 3], {
          environment: 'staging',
        }),
        deployment('failed', '2024-03-04T13:00:00Z', [1, 2, 3], {
          status: 'failure',
        }),
        deployment('d1', '2024-03-04T14:00:00Z', [1, 2, 3, 4, 5, 6]),
        deployment('d2', '2024-03-05T14:00:00Z', [1, 2, 3]),
      ],
    );
    expect(result.samples.leadTime).toBe(3);
    expect(result.leadTime).toEqual({
      medianHours: 8,
      p75Hours: 11,
      tier: 'elite',
    });
  });

  it('counts lead time for PRs deployed in the range, whenever they were merged', () => {
    const result = metrics(
      [
        pr(1, {
          firstCommitAt: '2024-02-01T00:00:00Z',
          mergedAt: '2024-02-02T00:00:00Z',
          createdAt: '2024-02-01T12:00:00Z',
        }),
      ],
      [deployment('d1', '2024-03-05T00:00:00Z', [1])],
    );
    expect(result.leadTime.medianHours).toBe(33 * 24);
    expect(result.leadTime.tier).toBe('low');
    expect(result.mergedPullRequests).toBe(0);
  });

  it('computes the change failure rate from failed status, incidents and reverts', () => {
    const result = metrics(
      [
        pr(1, { title: 'Add cache' }),
        pr(2, { title: 'Revert "Add cache"' }),
        pr(3),
        pr(4, { labels: ['rollback'] }),
      ],
      [
        deployment('ok', '2024-03-04T12:00:00Z'),
        deployment('cache', '2024-03-05T12:00:00Z', [1]),
        deployment('blamed', '2024-03-05T18:00:00Z', [3]),
        deployment('revert', '2024-03-06T12:00:00Z', [2]),
        deployment('broken', '2024-03-07T12:00:00Z', [], { status: 'failure' }),
        deployment('rolled-back', '2024-03-08T12:00:00Z'),
        deployment('rollback', '2024-03-08T13:00:00Z', [4]),
        deployment('ok2', '2024-03-09T12:00:00Z'),
      ],
      [{ repository: 'acme/web', id: 'i1', createdAt: '2024-03-05T20:00:00Z' }],
    );
    // cache (reverted by title), blamed (incident), broken (status), rolled-back (the deployment
    // before a rollback without a title to follow) out of 8.
    expect(result.samples.changeFailureRate).toBe(8);
    expect(result.changeFailureRate).toEqual({ value: 4 / 8, tier: 'low' });
  });

  it('measures recovery from incidents and failed deployments recovered in the range', () => {
    const result = metrics(
      [],
      [
        deployment('d1', '2024-03-04T10:00:00Z'),
        deployment('f1', '2024-03-05T10:00:00Z', [], { status: 'failure' }),
        deployment('d2', '2024-03-05T10:30:00Z'),
        deployment('f2', '2024-03-10T23:00:00Z', [], { status: 'failure' }),
        deployment('d3', '2024-03-11T01:00:00Z'), // recovers f2 after the range
        deployment('f3', '2024-03-12T00:00:00Z', [], { status: 'failure' }), // never recovered
        deployment('other', '2024-03-05T11:00:00Z', [], {
          repository: 'acme/api',
        }),
      ],
      [
        {
          repository: 'acme/web',
          id: 'i1',
          createdAt: '2024-03-04T11:00:00Z',
          resolvedAt: '2024-03-04T14:00:00Z',
        },
        { repository: 'acme/web', id: 'i2', createdAt: '2024-03-06T00:00:00Z' }, // unresolved
        {
          repository: 'acme/web',
          id: 'i3',
          createdAt: '2024-03-01T00:00:00Z',
          resolvedAt: '2024-03-01T02:00:00Z',
        }, // no deployment before
      ],
    );
    // i1: 4 h from d1's finish; f1: 0.5 h to d2.
    expect(result.samples.recoveryTime).toBe(2);
    expect(result.recoveryTime).toEqual({ medianHours: 2.25, tier: 'high' });
  });

  it('computes the rework rate over successful production deployments', () => {
    const result = metrics(
      [
        pr(1, { labels: ['hotfix'] }),
        pr(2, { title: 'Revert "x"' }),
        pr(3),
        pr(4),
      ],
      [
        deployment('hotfix', '2024-03-04T12:00:00Z', [1]),
        deployment('revert', '2024-03-05T12:00:00Z', [2]),
        deployment('plain', '2024-03-06T12:00:00Z', [3]),
        deployment('fix', '2024-03-07T12:00:00Z', [4]), // first one while i1 was open
        deployment('after', '2024-03-08T12:00:00Z'),
        deployment('failed', '2024-03-08T13:00:00Z', [1], {
          status: 'failure',
        }),
      ],
      [
        {
          repository: 'acme/web',
          id: 'i1',
          createdAt: '2024-03-07T00:00:00Z',
          resolvedAt: '2024-03-07T13:00:00Z',
        },
      ],
    );
    expect(result.reworkRate).toEqual({ value: 3 / 5 });
  });

  it('gives DevLake-style cycle time medians over PRs merged in the range', () => {
    const result = metrics(
      [
        pr(1),
        pr(2, {
          firstCommitAt: '2024-03-04T11:00:00Z', // after creation: no coding span
          firstReviewAt: '2024-03-04T13:00:00Z', // after merge: no review span
          mergedAt: '2024-03-04T12:30:00Z',
        }),
        pr(3, { mergedAt: undefined }),
        pr(4, { mergedAt: '2024-03-11T00:00:00Z' }),
      ],
      [deployment('d1', '2024-03-04T14:00:00Z', [1, 2])],
    );
    expect(result.mergedPullRequests).toBe(2);
    expect(result.samples.cycleTime).toBe(2);
    expect(result.cycleTime).toEqual({
      codingHours: 2,
      pickupHours: 2,
      reviewHours: 1,
      deployHours: 1.75,
      // pr1: 2 + 2 + 2 = 6; pr2: 2.5 + 1.5 = 4
      cycleHours: 5,
    });
  });

  it('pools repositories: one median over all events, not a mean of medians', () => {
    const web = [1, 2, 3].map(n =>
      pr(n, { firstCommitAt: '2024-03-04T11:00:00Z' }),
    );
    const api = [
      pr(1, { repository: 'acme/api', firstCommitAt: '2024-03-01T12:00:00Z' }),
    ];
    const result = metrics(
      [...web, ...api],
      [
        deployment('w', '2024-03-04T12:00:00Z', [1, 2, 3]),
        deployment('a', '2024-03-04T12:00:00Z', [1], {
          repository: 'acme/api',
        }),
      ],
    );
    // Lead times 1, 1, 1 (web) and 72 (api): pooled median 1, mean of medians 36.5.
    expect(result.leadTime.medianHours).toBe(1);
    expect(result.deployments).toBe(2);
  });

  it('refuses a malformed range', () => {
    expect(() =>
      metrics([], [], [], { from: '2024-03-10', to: '2024-03-04' }),
    ).toThrow(/after/);
  });
});
