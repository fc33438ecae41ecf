import { parseEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  AdoptionResponse,
  CostResponse,
  DeliveryResponse,
} from 'backstage-plugin-claude-code-analytics-common';
import {
  ClaudeCodeAnalyticsApi,
  EntityPeriodRequest,
} from './ClaudeCodeAnalyticsApi';

/**
 * The default {@link ClaudeCodeAnalyticsApi}: calls the backend found through discovery, with the
 * app's fetch so that the user's Backstage token is sent along.
 *
 * @public
 */
export class ClaudeCodeAnalyticsClient implements ClaudeCodeAnalyticsApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getAdoption(request: EntityPeriodRequest): Promise<AdoptionResponse> {
    return this.getEntityResource<AdoptionResponse>('adoption', request);
  }

  async getCost(request: EntityPeriodRequest): Promise<CostResponse> {
    return this.getEntityResource<CostResponse>('cost', request);
  }

  async getDelivery(request: EntityPeriodRequest): Promise<DeliveryResponse> {
    return this.getEntityResource<DeliveryResponse>('delivery', request);
  }

  private async getEntityResource<T>(
    resource: string,
    { entityRef, from, to }: EntityPeriodRequest,
  ): Promise<T> {
    const { kind, namespace, name } = parseEntityRef(entityRef);
    const entityPath = [kind.toLocaleLowerCase('en-US'), namespace, name]
      .map(encodeURIComponent)
      .join('/');
    const query = new URLSearchParams({ from, to });
    const baseUrl = await this.discoveryApi.getBaseUrl('claude-code-analytics');

    const response = await this.fetchApi.fetch(
      `${baseUrl}/v1/entities/${entityPath}/${resource}?${query}`,
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
