import {
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import { CostResponse } from 'backstage-plugin-claude-code-analytics-common';
import {
  formatCount,
  formatExactCount,
  formatExactUsd,
  formatUsd,
} from '../format';
import { totalTokens } from './totalTokens';

const UNPRICED_EXPLANATION =
  'No price is known for this model: add one under claudeCodeAnalytics.pricing.models';

/** Props of {@link ModelCostTable}. */
export type ModelCostTableProps = {
  byModel: CostResponse['byModel'];
};

function ModelCost(props: { model: CostResponse['byModel'][number] }) {
  const { costUsd, unpriced } = props.model;
  if (unpriced) {
    // Never "$0": the spend of an unpriced model is unknown, not nothing.
    return (
      <Typography
        variant="body2"
        color="textSecondary"
        component="span"
        title={UNPRICED_EXPLANATION}
      >
        {costUsd > 0 ? `${formatUsd(costUsd)} + unpriced` : 'unpriced'}
      </Typography>
    );
  }
  return <span title={formatExactUsd(costUsd)}>{formatUsd(costUsd)}</span>;
}

/** Spend and tokens of each model, in the order of the response (highest spend first). */
export function ModelCostTable(props: ModelCostTableProps) {
  const { byModel } = props;
  if (byModel.length === 0) {
    return null;
  }
  return (
    <section>
      <Typography variant="subtitle2" component="h3" gutterBottom>
        Spend by model
      </Typography>
      <Table size="small" aria-label="Spend by model">
        <TableHead>
          <TableRow>
            <TableCell>Model</TableCell>
            <TableCell align="right">Cost</TableCell>
            <TableCell align="right">Tokens</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {byModel.map(model => (
            <TableRow key={model.model}>
              <TableCell component="th" scope="row">
                {model.model}
              </TableCell>
              <TableCell align="right">
                <ModelCost model={model} />
              </TableCell>
              <TableCell
                align="right"
                title={[
                  `input ${formatExactCount(model.tokens.input)}`,
                  `output ${formatExactCount(model.tokens.output)}`,
                  `cache read ${formatExactCount(model.tokens.cacheRead)}`,
                  `cache creation ${formatExactCount(
                    model.tokens.cacheCreation,
                  )}`,
                ].join(' · ')}
              >
                {formatCount(totalTokens(model.tokens))}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </section>
  );
}
