import { StatusResponse } from '../api';

/** A status with a fresh OTLP source, a stale Admin API, unmapped identities and repositories. */
export const statusResponse: StatusResponse = {
  sources: [
    {
      source: 'otlp',
      lastReceivedAt: '2025-01-04T11:59:20Z',
      lastSuccessAt: '2025-01-04T11:59:20Z',
      rows: 1234567,
    },
    {
      source: 'admin-api',
      lastReceivedAt: '2025-01-01T12:00:00Z',
      lastSuccessAt: '2025-01-01T12:00:00Z',
      lastErrorAt: '2025-01-04T11:00:00Z',
      lastError: '401 Unauthorized: invalid x-api-key',
      rows: 5400,
    },
    {
      source: 'import',
      lastReceivedAt: '2024-11-01T09:00:00Z',
      rows: 300,
    },
  ],
  unmappedIdentities: [
    {
      identity: 'ci-bot@acme.com',
      lastSource: 'admin-api',
      lastSeenAt: '2025-01-03T10:00:00Z',
    },
    { identity: 'bedrock-user-17', lastSource: 'otlp' },
  ],
  unmappedRepositories: ['acme/legacy-monolith', 'acme/scratch'],
  catalog: { entities: 420, mappedIdentities: 57 },
  pendingRollups: {
    sessionDays: 3,
    userDays: 0,
    entityDays: 12,
    deliveryRepositories: 1,
    deliveryEntityDays: 4,
  },
};
