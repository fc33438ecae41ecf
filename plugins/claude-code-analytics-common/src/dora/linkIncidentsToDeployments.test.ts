import { DeliveryDeployment } from './deliveryInput';
import { findPreviousSuccessfulDeployments } from './findPreviousSuccessfulDeployments';
import { linkIncidentsToDeployments } from './linkIncidentsToDeployments';

const deployment = (
  id: string,
  finishedAt: string,
  more: Partial<DeliveryDeployment> = {},
): DeliveryDeployment => ({
  repository: 'acme/web',
  id,
  environment: 'production',
  status: 'success',
  finishedAt,
  pullRequests: [],
  ...more,
});

const deployments = [
  deployment('d1', '2024-03-01T10:00:00Z'),
  deployment('d2', '2024-03-02T10:00:00Z'),
  deployment('d3', '2024-03-02T12:00:00Z', { status: 'failure' }),
  deployment('s1', '2024-03-02T13:00:00Z', { environment: 'staging' }),
  deployment('o1', '2024-03-02T14:00:00Z', { repository: 'acme/api' }),
];

describe('linkIncidentsToDeployments', () => {
  it('blames the latest successful production deployment of the repository before the incident', () => {
    const links = linkIncidentsToDeployments(
      [
        { repository: 'acme/web', id: 'i1', createdAt: '2024-03-02T15:00:00Z' },
        { repository: 'acme/web', id: 'i2', createdAt: '2024-03-02T10:00:00Z' },
        { repository: 'acme/web', id: 'i3', createdAt: '2024-02-01T00:00:00Z' },
      ],
      deployments,
    );
    expect(links.map(l => l.deployment?.id)).toEqual(['d2', 'd1', undefined]);
  });

  it('uses the deployment an incident names, if it is known', () => {
    const links = linkIncidentsToDeployments(
      [
        {
          repository: 'acme/web',
          id: 'i1',
          createdAt: '2024-03-09T00:00:00Z',
          deploymentId: 'd1',
        },
        {
          repository: 'acme/web',
          id: 'i2',
          createdAt: '2024-03-09T00:00:00Z',
          deploymentId: 'o1',
        },
      ],
      deployments,
    );
    expect(links.map(l => l.deployment?.id)).toEqual(['d1', undefined]);
  });
});

describe('findPreviousSuccessfulDeployments', () => {
  it('links successful deployments within a repository and environment', () => {
    const previous = findPreviousSuccessfulDeployments([
      ...deployments,
      deployment('d4', '2024-03-03T10:00:00Z'),
    ]);
    const ids = Object.fromEntries(
      [...previous].map(([d, p]) => [d.id, p?.id]),
    );
    expect(ids).toEqual({
      d1: undefined,
      d2: 'd1',
      s1: undefined,
      o1: undefined,
      d4: 'd2',
    });
  });
});
