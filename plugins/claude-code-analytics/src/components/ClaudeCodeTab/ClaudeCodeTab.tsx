import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import { Grid } from '@material-ui/core';
import { useMemo } from 'react';
import { isClaudeCodeDeliveryAvailable } from '../../isClaudeCodeDeliveryAvailable';
import { AdoptionCard } from '../AdoptionCard';
import { CostCard } from '../CostCard';
import { DataQualityPanel } from '../DataQuality';
import { DoraCard } from '../DoraCard';
import { PeriodPicker, usePeriod } from '../PeriodPicker';
import { DailyUsagePanel } from './DailyUsagePanel';
import { DeliveryComparisonPanel } from './DeliveryComparisonPanel';
import { MembersPanel } from './MembersPanel';
import { SubTeamsPanel } from './SubTeamsPanel';
import { ToolResultsPanel } from './ToolResultsPanel';

/**
 * Props of {@link ClaudeCodeTab}.
 *
 * @public
 */
export type ClaudeCodeTabProps = {
  /** Length of the period shown before the viewer picks one, in full UTC days. Defaults to 30. */
  defaultDays?: number;
};

/**
 * The "Claude Code" tab of an entity page: a period picker kept in the URL, the adoption, cost
 * and delivery cards for that period, usage by day and model, delivery against the previous
 * period, tool results, on a Group its sub-teams and members, and the quality of the data.
 *
 * @public
 */
export function ClaudeCodeTab(props: ClaudeCodeTabProps) {
  const { defaultDays = 30 } = props;
  const { entity } = useEntity();
  const { range: period, error, setRange } = usePeriod(defaultDays);
  const range = useMemo(
    () => ({ from: period.from, to: period.to }),
    [period.from, period.to],
  );
  const entityRef = stringifyEntityRef(entity);
  const entityName = entity.metadata.title ?? entity.metadata.name;
  const isGroup = entity.kind.toLocaleLowerCase('en-US') === 'group';
  const hasDelivery = isClaudeCodeDeliveryAvailable(entity);
  const panelProps = { entityRef, entityName, range };

  return (
    <Grid container spacing={3} alignItems="stretch">
      <Grid item xs={12}>
        <PeriodPicker range={range} onChange={setRange} error={error} />
      </Grid>
      <Grid item xs={12} md={hasDelivery ? 4 : 6}>
        <AdoptionCard range={range} />
      </Grid>
      <Grid item xs={12} md={hasDelivery ? 4 : 6}>
        <CostCard range={range} />
      </Grid>
      {hasDelivery && (
        <Grid item xs={12} md={4}>
          <DoraCard range={range} />
        </Grid>
      )}
      {isGroup && (
        <Grid item xs={12}>
          <SubTeamsPanel {...panelProps} />
        </Grid>
      )}
      {isGroup && (
        <Grid item xs={12}>
          <MembersPanel {...panelProps} />
        </Grid>
      )}
      <Grid item xs={12} lg={hasDelivery ? 6 : 12}>
        <DailyUsagePanel {...panelProps} />
      </Grid>
      {hasDelivery && (
        <Grid item xs={12} lg={6}>
          <DeliveryComparisonPanel {...panelProps} />
        </Grid>
      )}
      <Grid item xs={12}>
        <ToolResultsPanel {...panelProps} />
      </Grid>
      <Grid item xs={12}>
        <DataQualityPanel />
      </Grid>
    </Grid>
  );
}
