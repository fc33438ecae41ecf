import { DeliveryDeployment, DeliveryPullRequest } from './deliveryInput';
import {
  MIN_COMPARABLE_PULL_REQUESTS,
  splitByAiAssistance,
} from './splitByAiAssistance';

const pr = (number: number, aiAssisted: boolean): DeliveryPullRequest => ({
  repository: 'acme/web',
  number,
  firstCommitAt: '2024-03-04T08:00:00Z',
  createdAt: '2024-03-04T10:00:00Z',
  mergedAt: aiAssisted ? '2024-03-04T11:00:00Z' : '2024-03-04T14:00:00Z',
  aiAssisted,
});

const deployment = (
  id: string,
  finishedAt: string,
  pullRequests: number[],
  status: 'success' | 'failure' = 'success',
): DeliveryDeployment => ({
  repository: 'acme/web',
  id,
  environment: 'prod',
  status,
  finishedAt,
  pullRequests,
});

const range = { from: '2024-03-04', to: '2024-03-10' };

describe('splitByAiAssistance', () => {
  it('splits PR metrics by PR and deployments by the PRs they carry', () => {
    const split = splitByAiAssistance({
      pullRequests: [pr(1, true), pr(2, false), pr(3, true)],
      deployments: [
        deployment('ai', '2024-03-04T12:00:00Z', [1]),
        deployment('both', '2024-03-04T16:00:00Z', [2, 3]),
        deployment('empty', '2024-03-05T16:00:00Z', []),
        deployment('broken', '2024-03-05T17:00:00Z', [3], 'failure'),
      ],
      // Blamed on "empty" (the latest before it), which is on neither side.
      incidents: [
        { repository: 'acme/web', id: 'i1', createdAt: '2024-03-05T16:30:00Z' },
      ],
      ...range,
    });
    expect(split.aiAssisted.mergedPullRequests).toBe(2);
    expect(split.aiAssisted.deployments).toBe(2);
    expect(split.aiAssisted.leadTime.medianHours).toBe(6); // 4 h and 8 h
    expect(split.aiAssisted.changeFailureRate.value).toBe(1 / 3);
    expect(split.other.mergedPullRequests).toBe(1);
    expect(split.other.deployments).toBe(1);
    expect(split.other.leadTime.medianHours).toBe(8);
    expect(split.other.changeFailureRate.value).toBe(0);
    expect(split.comparable).toBe(false);
  });

  it('is comparable from the documented minimum of merged PRs on each side', () => {
    const prs = (n: number, ai: boolean, offset: number) =>
      Array.from({ length: n }, (_, i) => pr(offset + i, ai));
    const at = (ai: number, other: number) =>
      splitByAiAssistance({
        pullRequests: [...prs(ai, true, 0), ...prs(other, false, 100)],
        deployments: [],
        incidents: [],
        ...range,
      }).comparable;
    expect(MIN_COMPARABLE_PULL_REQUESTS).toBe(10);
    expect(at(10, 10)).toBe(true);
    expect(at(9, 10)).toBe(false);
    expect(at(10, 9)).toBe(false);
  });
});
