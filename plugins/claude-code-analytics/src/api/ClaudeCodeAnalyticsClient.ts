import { parseEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  AdoptionResponse,
  CostResponse,
  DeliveryResponse,
  EntitySummaryList,
  MemberUsageList,
  StatusResponse,
} from 'backstage-plugin-claude-code-analytics-common';
import {
  ClaudeCodeAnalyticsApi,
  EntityPeriodRequest,
  PeriodRequest,
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

  async getChildren(request: EntityPeriodRequest): Promise<EntitySummaryList> {
    return this.getEntityResource<EntitySummaryList>('children', request);
  }

  async getMembers(request: EntityPeriodRequest): Promise<MemberUsageList> {
    return this.getEntityResource<MemberUsageList>('members', request);
  }

  async getGroups({ from, to }: PeriodRequest): Promise<EntitySummaryList> {
    return this.get<EntitySummaryList>(
      `/v1/groups?${new URLSearchParams({ from, to })}`,
    );
  }

  async getStatus(): Promise<StatusResponse> {
    return this.get<StatusResponse>('/v1/status');
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
    return this.get<T>(`/v1/entities/${entityPath}/${resource}?${query}`);
  }

  /** Reads a JSON answer of the backend; `path` starts with `/`. */
  private async get<T>(path: string): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('claude-code-analytics');
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}
