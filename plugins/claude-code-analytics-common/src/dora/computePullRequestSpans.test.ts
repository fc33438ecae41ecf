import { computePullRequestSpans } from './computePullRequestSpans';

const HOUR = 3_600_000;
const pr = {
  repository: 'acme/web',
  number: 1,
  firstCommitAt: '2024-03-01T08:00:00Z',
  createdAt: '2024-03-01T10:00:00Z',
  firstReviewAt: '2024-03-01T13:00:00Z',
  mergedAt: '2024-03-01T17:00:00+02:00',
  aiAssisted: false,
};

describe('computePullRequestSpans', () => {
  it('splits a pull request into coding, pickup, review, deploy and cycle', () => {
    expect(computePullRequestSpans(pr, '2024-03-02T15:00:00Z')).toEqual({
      codingMs: 2 * HOUR,
      pickupMs: 3 * HOUR,
      reviewMs: 2 * HOUR,
      openMs: 5 * HOUR,
      deployMs: 24 * HOUR,
      cycleMs: 31 * HOUR,
      leadTimeMs: 31 * HOUR,
    });
  });

  it('drops negative spans instead of clamping them, and keeps zero', () => {
    const spans = computePullRequestSpans(
      {
        ...pr,
        firstCommitAt: '2024-03-01T11:00:00Z',
        firstReviewAt: '2024-03-01T10:00:00Z',
      },
      '2024-03-01T14:00:00Z',
    );
    expect(spans.codingMs).toBeUndefined();
    expect(spans.pickupMs).toBe(0);
    expect(spans.deployMs).toBeUndefined();
    expect(spans.cycleMs).toBe(5 * HOUR);
    expect(spans.leadTimeMs).toBe(3 * HOUR);
  });

  it('leaves unknown stages undefined', () => {
    expect(
      computePullRequestSpans({
        repository: 'r',
        number: 2,
        createdAt: pr.createdAt,
        aiAssisted: true,
      }),
    ).toEqual({});
  });

  it('refuses malformed timestamps', () => {
    expect(() =>
      computePullRequestSpans({ ...pr, createdAt: 'yesterday' }),
    ).toThrow(/createdAt of pull request acme\/web#1/);
  });
});
