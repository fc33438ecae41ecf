import { Alert } from '@material-ui/lab';
import { formatExactCount } from '../format';

/** Props of {@link UnpricedTokensWarning}. */
export type UnpricedTokensWarningProps = {
  unpricedTokens: number;
};

/** Says that the spend leaves out models without a known price, and how to price them. */
export function UnpricedTokensWarning(props: UnpricedTokensWarningProps) {
  const { unpricedTokens } = props;
  return (
    <Alert severity="warning">
      {formatExactCount(unpricedTokens)}{' '}
      {unpricedTokens === 1 ? 'token' : 'tokens'} of models without a price are
      not in this total: add them under claudeCodeAnalytics.pricing.models
    </Alert>
  );
}
