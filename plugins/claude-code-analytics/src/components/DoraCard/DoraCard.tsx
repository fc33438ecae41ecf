import { Typography } from '@material-ui/core';
import { DeliveryResponse } from 'backstage-plugin-claude-code-analytics-common';
import { ClaudeCodeAnalyticsApi, EntityPeriodRequest } from '../../api';
import { EntityAnalyticsCard } from '../EntityAnalyticsCard';
import { DeliveryDetails } from './DeliveryDetails';
import { NoDeliveryData } from './NoDeliveryData';

/**
 * Props of {@link DoraCard}.
 *
 * @public
 */
export type DoraCardProps = {
  /** Length of the period in full UTC days, ending yesterday. Defaults to 30. */
  days?: number;
  /**
   * The period as UTC days (`YYYY-MM-DD`, both inclusive), e.g. the one chosen on the Claude
   * Code tab; overrides `days`.
   */
  range?: { from: string; to: string };
};

function loadDelivery(
  api: ClaudeCodeAnalyticsApi,
  request: EntityPeriodRequest,
): Promise<DeliveryResponse> {
  return api.getDelivery(request);
}

function hasDeliveryData(delivery: DeliveryResponse): boolean {
  return delivery.componentsWithData > 0;
}

function renderNoDeliveryData(delivery: DeliveryResponse) {
  return <NoDeliveryData components={delivery.components} />;
}

function renderForbidden(entityName: string) {
  return (
    <Typography variant="body1">
      You are not allowed to see the delivery metrics of {entityName}.
    </Typography>
  );
}

/**
 * Delivery (DORA) metrics of the current entity over the last full UTC days, pooled over the
 * components it delivers: deployment frequency, change lead time, change failure rate, failed
 * deployment recovery time and deployment rework rate, each with its tier and change against the
 * previous period; PR cycle time by phase; and AI-assisted vs other pull requests.
 *
 * @public
 */
export function DoraCard(props: DoraCardProps) {
  const { days = 30, range } = props;
  return (
    <EntityAnalyticsCard
      title="Delivery (DORA)"
      days={days}
      range={range}
      load={loadDelivery}
      hasData={hasDeliveryData}
      renderEmpty={renderNoDeliveryData}
      renderForbidden={renderForbidden}
    >
      {delivery => <DeliveryDetails delivery={delivery} />}
    </EntityAnalyticsCard>
  );
}
