import type {
  AdoptionResponse,
  CostResponse,
  DeliveryResponse,
} from 'backstage-plugin-claude-code-analytics-common';

/** Where the running demo is and the static token of app-config.yaml. */
export const demo = {
  appUrl: process.env.E2E_APP_URL ?? 'http://localhost:3000',
  backendUrl: process.env.E2E_BACKEND_URL ?? 'http://localhost:7007',
  token: process.env.E2E_TOKEN ?? 'demo-claude-code-analytics-token',
};

/** A `YYYY-MM-DD` period, both days included. */
export type Period = { from: string; to: string };

/** A catalog entity as far as the tests read it. */
export type CatalogEntity = {
  kind: string;
  metadata: {
    name: string;
    title?: string;
    annotations?: Record<string, string>;
  };
  spec?: { profile?: { email?: string }; memberOf?: string[]; owner?: string };
};

/**
 * Fetches with the demo's static token. A refused connection is tried again for a minute: the dev
 * server restarts the backend when sources change, and a backend that crashed stays refused.
 */
async function fetchWithToken(url: string): Promise<Response> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    try {
      return await fetch(url, {
        headers: { Authorization: `Bearer ${demo.token}` },
      });
    } catch (error) {
      if (Date.now() > deadline) {
        throw error;
      }
      await new Promise(resolve => setTimeout(resolve, 1000));
    }
  }
}

/** GET a backend path with the demo's static token; fails on any non-2xx answer. */
export async function getJson<T>(pathAndQuery: string): Promise<T> {
  const response = await fetchWithToken(`${demo.backendUrl}${pathAndQuery}`);
  if (!response.ok) {
    throw new Error(
      `GET ${pathAndQuery} answered ${
        response.status
      }: ${await response.text()}`,
    );
  }
  return (await response.json()) as T;
}

type Analytics = {
  adoption: AdoptionResponse;
  cost: CostResponse;
  delivery: DeliveryResponse;
};

/** One analytics answer of an entity in the default namespace for a period. */
export function getAnalytics<W extends keyof Analytics>(
  what: W,
  kind: string,
  name: string,
  period: Period,
): Promise<Analytics[W]> {
  return getJson<Analytics[W]>(
    `/api/claude-code-analytics/v1/entities/${kind}/default/${name}/${what}?from=${period.from}&to=${period.to}`,
  );
}

/**
 * Waits until the backend has rolled up everything it stored (no queued session days, user-days,
 * entity-days or delivery work in `GET /v1/status`): the answers read then are the ones the cards
 * show, not a moment of a rollup under way.
 */
export async function waitForRollups(timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { pendingRollups } = await getJson<{
      pendingRollups: Record<string, number>;
    }>('/api/claude-code-analytics/v1/status');
    if (Object.values(pendingRollups).every(n => Number(n) === 0)) {
      return;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `rollups still pending after ${timeoutMs} ms: ${JSON.stringify(
          pendingRollups,
        )}`,
      );
    }
    await new Promise(resolve => setTimeout(resolve, 250));
  }
}

/** Catalog entities matching a `filter` of the catalog's by-query endpoint. */
export async function queryCatalog(filter: string): Promise<CatalogEntity[]> {
  const { items } = await getJson<{ items: CatalogEntity[] }>(
    `/api/catalog/entities/by-query?limit=500&filter=${encodeURIComponent(
      filter,
    )}`,
  );
  return items;
}

/** One catalog entity of the default namespace. */
export function getCatalogEntity(
  kind: string,
  name: string,
): Promise<CatalogEntity> {
  return getJson<CatalogEntity>(
    `/api/catalog/entities/by-name/${kind}/default/${name}`,
  );
}
