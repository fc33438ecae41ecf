import { Typography } from '@material-ui/core';
import { TokenTotals } from 'backstage-plugin-claude-code-analytics-common';
import { formatCount, formatExactCount, formatPercent } from '../format';
import { Stat, StatList } from '../StatList';

/** Props of {@link TokensByType}. */
export type TokensByTypeProps = {
  tokens: TokenTotals;
  /** Share of prompt tokens read from the cache, as the API reports it. */
  cacheHitRate: number;
};

/** Input, output, cache read and cache creation tokens, and the cache hit rate. */
export function TokensByType(props: TokensByTypeProps) {
  const { tokens, cacheHitRate } = props;
  const types: Array<[string, number]> = [
    ['Input', tokens.input],
    ['Output', tokens.output],
    ['Cache read', tokens.cacheRead],
    ['Cache creation', tokens.cacheCreation],
  ];
  return (
    <section>
      <Typography variant="subtitle2" component="h3" gutterBottom>
        Tokens by type
      </Typography>
      <StatList label="Tokens by type">
        {types.map(([label, count]) => (
          <Stat
            key={label}
            label={label}
            value={formatCount(count)}
            exactValue={formatExactCount(count)}
          />
        ))}
        <Stat
          label="Cache hit rate"
          value={formatPercent(cacheHitRate)}
          exactValue="Cache read tokens among input, cache read and cache creation tokens"
        />
      </StatList>
    </section>
  );
}
